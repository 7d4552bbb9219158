/**
 * Entry point of `npm run review` (run through bin/app.js, like the app itself):
 *   npm run review                          offline: every stack, no AWS account
 *   npm run review -- --account [options]   against the account: what this plan does to the deployed lab
 *   npm run review -- --plan <file> [--config <dir>]   any configuration's plan or state (terraform show -json),
 *                                           with the configuration's files (default: the plan file's folder)
 * Options of --account: --var name=value and --var-file=path (for ssm-endpoints, as with cdktf
 * deploy), --stack name (repeatable; default every stack).
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../lib/config';
import { runCli } from '../cli';
import { REVIEW_DIR_VARIABLE, TOOL_VARIABLE_NAMES } from '../variables';
import { checkAwsProfile } from '../aws-errors';
import { ACCOUNT_SYNTH_DIR, runAccountReview } from './sources/account';
import { parseReviewArguments, ReviewArguments } from './arguments';
import { readPlanFile, reviewPlan } from './sources/plan-file';
import { configurationFor } from './sources/configuration';
import { runReview } from './sources/offline-lab';
import { ReviewError } from './sources/common';

// The pinned SDK (the reader of ssm-endpoints' VPC) supports the Node 20 this project runs on; its
// notice about later releases needing Node 22 would only bury the review's lines (as in status).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PROJECT_DIR = path.join(__dirname, '..', '..');

async function offline(outDir: string, started: number): Promise<number> {
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

async function account(args: ReviewArguments, outDir: string, started: number): Promise<number> {
  const config = loadConfig(process.env, { otherVariables: TOOL_VARIABLE_NAMES });
  checkAwsProfile(process.env, 'npm run review -- --account');
  process.stdout.write(
    `ssm-access-lab review --account: planning against the account with your AWS settings (nothing is applied; synthesized in ${ACCOUNT_SYNTH_DIR}/)…\n`,
  );
  const result = await runAccountReview({
    projectDir: PROJECT_DIR,
    outDir: path.join(outDir, 'account'),
    config,
    endpointsArgs: args.endpointsArgs,
    stacks: args.stacks,
    refresh: args.refresh,
    progress: (line) => process.stdout.write(`  ${line}\n`),
  });
  process.stdout.write(result.text);
  for (const outcome of result.outcomes.filter((candidate) => candidate.status === 'failed')) {
    process.stderr.write(
      `ssm-access-lab review: ${outcome.stack}: ${outcome.reason} (Terraform's output: ${path.relative(process.cwd(), outcome.logFile!)})\n`,
    );
  }
  process.stdout.write(
    `\nReport: ${path.relative(process.cwd(), result.reportFile)}\nExit code ${result.exitCode} (0 = no path lost, 2 = a path lost or an instance replaced, 1 = could not review). Done in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
  );
  return result.exitCode;
}

/**
 * A user's own plan or state: verdicts per instance, the report beside it; nothing synthesized,
 * nothing called. The configuration's files beside the plan (or in --config) are read too.
 */
async function planFile(file: string, configDir: string | undefined, outDir: string, started: number): Promise<number> {
  const read = readPlanFile(file);
  const configuration = await configurationFor(file, read.plan.configuration?.root_module, configDir);
  const review = reviewPlan(file, read, configuration);
  const dir = path.join(outDir, 'plan');
  // Written aside and renamed into place: a failed run leaves no half-written report.
  const staging = fs.mkdtempSync(path.join(outDir.replace(/[/\\]$/, ''), '.plan-'));
  fs.writeFileSync(path.join(staging, 'report.md'), review.markdown);
  fs.writeFileSync(path.join(staging, 'diagram.mmd'), review.diagram);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  process.stdout.write(review.text);
  const changed = review.changes !== undefined;
  process.stdout.write(
    `\nReport: ${path.relative(process.cwd(), path.join(dir, 'report.md'))}\n` +
      (changed
        ? `Exit code ${review.exitCode} (0 = no path lost, 2 = a path lost or an instance replaced, 1 = could not review). `
        : '') +
      `Done in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
  );
  return review.exitCode;
}

async function main(): Promise<number> {
  const started = Date.now();
  const args = parseReviewArguments(process.argv.slice(3));
  const outDir = path.resolve(process.env[REVIEW_DIR_VARIABLE.name] || path.join(PROJECT_DIR, '.review'));
  if (args.planFile !== undefined) {
    fs.mkdirSync(outDir, { recursive: true });
    return planFile(args.planFile, args.configDir, outDir, started);
  }
  return args.account ? account(args, outDir, started) : offline(outDir, started);
}

runCli('review', main, (error) => error instanceof ReviewError);
