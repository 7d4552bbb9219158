/**
 * Entry point of `npm run review` (run through bin/app.js, like the app itself):
 *   npm run review                          offline: every stack, no AWS account
 *   npm run review -- --account [options]   against the account: what this plan does to the deployed lab
 *   npm run review -- --plan <file> [--config <dir>]   any configuration's plan or state (terraform show -json),
 *                                           with the configuration's files (default: the plan file's folder)
 *   … --format json                         the JSON document (docs/review-report.schema.json) on stdout
 * Options of --account: --var name=value and --var-file=path (for ssm-endpoints, as with cdktf
 * deploy), --stack name (repeatable; default every stack).
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../lib/config';
import { runCli } from '../cli';
import { REVIEW_DIR_VARIABLE, TOOL_VARIABLE_NAMES } from '../variables';
import { checkAwsProfile } from '../aws-errors';
import { parseReviewArguments, ReviewArguments, wantsJson } from './arguments';
import { errorDocument, renderJson } from './render/json';
import { reviewPlan, runAccountReview, runReview } from './review';
import { ACCOUNT_SYNTH_DIR } from './sources/account';
import { ReviewError } from './sources/common';
import { configurationFor } from './sources/configuration';
import { readPlanFile } from './sources/plan-file';

// The pinned SDK (the reader of ssm-endpoints' VPC) supports the Node 20 this project runs on; its
// notice about later releases needing Node 22 would only bury the review's lines (as in status).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PROJECT_DIR = path.join(__dirname, '..', '..');

/** Where a run's lines for people go: stdout, or stderr when stdout carries the JSON document. */
interface Output {
  readonly json: boolean;
  /** Progress and the closing lines. */
  note(text: string): void;
}

function outputFor(args: ReviewArguments): Output {
  const json = args.format === 'json';
  return { json, note: (text) => (json ? process.stderr : process.stdout).write(text) };
}

async function offline(args: ReviewArguments, outDir: string, started: number): Promise<number> {
  const out = outputFor(args);
  const config = loadConfig(process.env, { otherVariables: TOOL_VARIABLE_NAMES });
  out.note('ssm-access-lab review: synthesizing every stack for an offline plan (no AWS account)…\n');
  const result = await runReview({ outDir, config, progress: (line) => out.note(`  ${line}\n`) });
  const failed = result.outcomes.filter((outcome) => !outcome.ok);
  for (const outcome of failed) {
    process.stderr.write(
      `\nssm-access-lab review: ${outcome.stack}: terraform ${outcome.failure!.step} failed. Terraform said:\n${outcome.failure!.message}\n` +
        `What to do: fix the setting or code it names, then run npm run review again; the synthesized stack is in .review/cdktf.out/stacks/${outcome.stack}.\n`,
    );
  }
  if (failed.length > 0) {
    if (out.json)
      process.stdout.write(
        errorDocument(
          `terraform failed for ${failed.map((outcome) => outcome.stack).join(', ')}`,
          failed.map((outcome) => ({
            stack: outcome.stack,
            step: outcome.failure!.step,
            message: outcome.failure!.message,
          })),
        ),
      );
    return 1;
  }
  if (out.json) process.stdout.write(renderJson(result.assessment!));
  else process.stdout.write(`\n${result.text}\n`);
  out.note(
    `Report: ${path.relative(process.cwd(), result.reportFile!)} (diagram: lab.mmd and plans: plans/<stack>.json beside it)\n` +
      `Done in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
  );
  return 0;
}

async function account(args: ReviewArguments, outDir: string, started: number): Promise<number> {
  const out = outputFor(args);
  const config = loadConfig(process.env, { otherVariables: TOOL_VARIABLE_NAMES });
  checkAwsProfile(process.env, 'npm run review -- --account');
  out.note(
    `ssm-access-lab review --account: planning against the account with your AWS settings (nothing is applied; synthesized in ${ACCOUNT_SYNTH_DIR}/)…\n`,
  );
  const result = await runAccountReview({
    projectDir: PROJECT_DIR,
    outDir: path.join(outDir, 'account'),
    config,
    endpointsArgs: args.endpointsArgs,
    stacks: args.stacks,
    refresh: args.refresh,
    progress: (line) => out.note(`  ${line}\n`),
  });
  if (out.json) process.stdout.write(renderJson(result.assessment));
  else process.stdout.write(result.text);
  for (const outcome of result.outcomes.filter((candidate) => candidate.status === 'failed')) {
    process.stderr.write(
      `ssm-access-lab review: ${outcome.stack}: ${outcome.reason} (Terraform's output: ${path.relative(process.cwd(), outcome.logFile!)})\n`,
    );
  }
  out.note(
    `\nReport: ${path.relative(process.cwd(), result.reportFile)}\nExit code ${result.exitCode} (0 = no path lost, 2 = a path lost or an instance replaced, 1 = could not review). Done in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
  );
  return result.exitCode;
}

/**
 * A user's own plan or state: verdicts per instance, the report beside it; nothing synthesized,
 * nothing called. The configuration's files beside the plan (or in --config) are read too.
 */
async function planFile(args: ReviewArguments, outDir: string, started: number): Promise<number> {
  const out = outputFor(args);
  const file = args.planFile!;
  const read = readPlanFile(file);
  const configuration = await configurationFor(file, read.plan.configuration?.root_module, args.configDir);
  const review = reviewPlan(file, read, configuration);
  const dir = path.join(outDir, 'plan');
  // Written aside and renamed into place: a failed run leaves no half-written report.
  const staging = fs.mkdtempSync(path.join(outDir.replace(/[/\\]$/, ''), '.plan-'));
  fs.writeFileSync(path.join(staging, 'report.md'), review.markdown);
  fs.writeFileSync(path.join(staging, 'diagram.mmd'), review.diagram);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  if (out.json) process.stdout.write(renderJson(review.assessment));
  else process.stdout.write(review.text);
  const changed = review.assessment.changes !== undefined;
  out.note(
    `\nReport: ${path.relative(process.cwd(), path.join(dir, 'report.md'))}\n` +
      (changed
        ? `Exit code ${review.exitCode} (0 = no path lost, 2 = a path lost or an instance replaced, 1 = could not review). `
        : '') +
      `Done in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
  );
  return review.exitCode;
}

async function main(argv: readonly string[]): Promise<number> {
  const started = Date.now();
  const args = parseReviewArguments(argv);
  const outDir = path.resolve(process.env[REVIEW_DIR_VARIABLE.name] || path.join(PROJECT_DIR, '.review'));
  if (args.planFile !== undefined) {
    fs.mkdirSync(outDir, { recursive: true });
    return planFile(args, outDir, started);
  }
  return args.account ? account(args, outDir, started) : offline(args, outDir, started);
}

const argv = process.argv.slice(3);
runCli(
  'review',
  // With --format json, a run that cannot review still prints a JSON document: the error object.
  () =>
    main(argv).catch((error: unknown) => {
      if (wantsJson(argv)) process.stdout.write(errorDocument(error instanceof Error ? error.message : String(error)));
      throw error;
    }),
  (error) => error instanceof ReviewError,
);
