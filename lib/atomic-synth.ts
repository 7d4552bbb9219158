import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';

/**
 * Terraform's own files in a stack folder: the initialised working directory and the provider
 * lock file. cdktf's synth writes around them, so a synth must never throw them away: without
 * them every deploy re-initialises, and the lock file (which pins provider checksums) never lasts.
 */
const TERRAFORM_WORKING_FILES = /^(\.terraform|\.terraform\.lock\.hcl|\.terraform\.tfstate\.lock\.info)$/;

/**
 * Synthesizes into a staging folder beside `outdir` and swaps it in only when everything
 * succeeded: a failing validation or guardrail in any stack leaves no half-written output (and
 * leaves an earlier `cdktf.out` as it was). Terraform's working files of each stack that is
 * synthesized again are carried over into the new output.
 */
export function synthesizeAtomically(outdir: string, build: (app: App) => void): void {
  const target = path.resolve(outdir);
  const staging = `${target}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const app = new App({ outdir: staging });
    build(app);
    app.synth();
    carryOverTerraformFiles(target, staging);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function carryOverTerraformFiles(from: string, to: string): void {
  const stacksDir = path.join(from, 'stacks');
  if (!fs.existsSync(stacksDir)) return;
  for (const stack of fs.readdirSync(stacksDir)) {
    const destination = path.join(to, 'stacks', stack);
    if (!fs.existsSync(destination)) continue; // a stack that no longer exists keeps nothing
    for (const entry of fs.readdirSync(path.join(stacksDir, stack))) {
      if (TERRAFORM_WORKING_FILES.test(entry))
        fs.renameSync(path.join(stacksDir, stack, entry), path.join(destination, entry));
    }
  }
}
