import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';

/**
 * Synthesizes into a staging folder beside `outdir` and swaps it in only when everything
 * succeeded: a failing validation or guardrail in any stack leaves no half-written output (and
 * leaves an earlier `cdktf.out` as it was).
 */
export function synthesizeAtomically(outdir: string, build: (app: App) => void): void {
  const target = path.resolve(outdir);
  const staging = `${target}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const app = new App({ outdir: staging });
    build(app);
    app.synth();
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
