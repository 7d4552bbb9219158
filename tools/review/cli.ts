/** Entry point of `npm run review` (run through bin/app.js, like the app itself). */
import * as path from 'path';
import { loadConfig } from '../../lib/config';
import { debugging, REVIEW_DIR_VARIABLE, TOOL_VARIABLE_NAMES } from '../variables';
import { ReviewError, runReview } from './run';

async function main(): Promise<number> {
  const started = Date.now();
  const outDir = path.resolve(process.env[REVIEW_DIR_VARIABLE.name] || path.join(__dirname, '..', '..', '.review'));
  const config = loadConfig(process.env, { otherVariables: TOOL_VARIABLE_NAMES });
  process.stdout.write('ssm-access-lab review: synthesizing every stack for an offline plan (no AWS account)…\n');
  const result = await runReview({ outDir, config, progress: (line) => process.stdout.write(`  ${line}\n`) });
  const failed = result.outcomes.filter((outcome) => !outcome.ok);
  for (const outcome of failed) {
    process.stderr.write(
      `\nssm-access-lab review: ${outcome.stack}: terraform ${outcome.failure!.step} failed. Terraform said:\n${outcome.failure!.message}\n` +
        `What to do: fix the setting or code it names, then run npm run review again; the synthesized stack is in .review/cdktf.out/stacks/${outcome.stack}.\n`,
    );
  }
  if (failed.length > 0) return 1;
  process.stdout.write(`\n${result.text}\n`);
  process.stdout.write(
    `Report: ${path.relative(process.cwd(), result.reportFile!)} (diagram: lab.mmd and plans: plans/<stack>.json beside it)\n` +
      `Done in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`ssm-access-lab review: ${message}\n`);
    if (!(error instanceof ReviewError) && debugging() && error instanceof Error)
      process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
