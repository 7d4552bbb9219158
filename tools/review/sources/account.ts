/**
 * The account review's source (`npm run review -- --account`): synthesizes the stacks exactly as
 * `cdktf deploy` would (the user's AWS settings, the real state backend) and plans them with
 * Terraform in one run — each stack a module of one root, against its own deployed state; never
 * applied, no state written — and reads the VPC `ssm-endpoints` is planned for. It hands on the
 * plans (whose prior state is what is deployed now) and the facts of the run; the pipeline
 * (review.ts) compares before → after and renders it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { LabConfig } from '../../../lib/config';
import { describeFinding } from '../../../lib/guardrails';
import { addLabStacks, LabStacks } from '../../../stacks/index';
import { SSH_INPUTS_MISSING } from '../../../stacks/ssh-stack';
import { signInAgain } from '../../aws-errors';
import { runTerraformAsync, terraformEnvironment } from '../../terraform-cli';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { EndpointsVariable } from '../../../lib/temporary-endpoints-inputs';
import { PlanJson, SynthesizedStack, TerraformState } from '../../terraform-json';
import { combinedState, planTogether, PlanUnit, unitOf } from '../../plan-together';
import { readStackState } from '../../state';
import { readStacks, ReviewError, terraformOrExplain } from './common';
import { ExistingVpc, readExistingVpc, VpcReadError, VpcReaderClients } from './existing-vpc';

export interface AccountReviewOptions {
  /** The app's folder: `cdktf deploy` keeps local state files here (`terraform.<stack>.tfstate`). */
  readonly projectDir: string;
  /** Report, plans and logs go here (re-created each run). */
  readonly outDir: string;
  readonly config: LabConfig;
  /**
   * `-var name=value` / `-var-file=path` arguments for `ssm-endpoints`, the same contract as
   * `cdktf deploy`; without any, that stack is skipped.
   */
  readonly endpointsArgs?: readonly string[];
  /**
   * Only these stacks (a name the app does not have is an error).
   * @default every stack
   */
  readonly stacks?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly progress?: (line: string) => void;
  /**
   * Refresh the state from AWS before planning (Terraform's default). false plans against the
   * state as it is — faster, and blind to drift.
   * @default true
   */
  readonly refresh?: boolean;
  /** Changes the app after its stacks are added, as a code change would (tests use it). */
  readonly editApp?: (stacks: LabStacks) => void;
  /**
   * How `ssm-endpoints`' VPC is read (read-only), to judge its instances.
   * @default AWS SDK clients for the endpoints' region, with the credentials and endpoint of `env`
   */
  readonly vpcClients?: (region: string) => VpcReaderClients;
}

/** What became of one stack in the account review. */
export interface StackReviewOutcome {
  readonly stack: string;
  readonly status: 'planned' | 'skipped' | 'failed';
  /** Why skipped or failed: one line saying what to do. */
  readonly reason?: string;
  /** Where Terraform's full output went, when it failed. */
  readonly logFile?: string;
  readonly seconds: number;
}

/** The lab's plans against the account, and the facts of the run. */
export interface AccountPlans {
  readonly outcomes: readonly StackReviewOutcome[];
  /** Each planned stack's plan, by stack name in order. */
  readonly plans: Readonly<Record<string, PlanJson>>;
  readonly region: string;
  readonly terraformVersion: string;
  /** The guardrail findings the settings acknowledge. */
  readonly acknowledged: readonly string[];
  /** The reviewed stacks as synthesized: their printed commands and operator policies are checked. */
  readonly synthesized: Readonly<Record<string, SynthesizedStack>>;
  readonly partition: string;
  /** The temporary endpoints' stack, and the VPC it is planned for as read from the account (or why not). */
  readonly endpointsStack: string;
  readonly existing?: ExistingVpc | { readonly vpcId: string; readonly unread: string };
}

/** Where the account review synthesizes: one level under the app's folder, as `cdktf.out` is, so relative state paths hold. */
export const ACCOUNT_SYNTH_DIR = 'cdktf.out.review';

/**
 * The user's environment for the account review: the AWS settings are honoured (they are the
 * account); Terraform settings the lab's stacks do not use are set aside, each with one line.
 */
export function accountEnvironment(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; notices: string[] } {
  const kept: NodeJS.ProcessEnv = { ...env };
  const notices: string[] = [];
  if (env.TF_WORKSPACE && env.TF_WORKSPACE !== 'default') {
    notices.push(
      `TF_WORKSPACE=${env.TF_WORKSPACE} is not used: the lab's stacks keep their state in the default workspace (SSM_LAB_NAME tells labs apart), so the review reads that.`,
    );
  }
  if (env.TF_DATA_DIR)
    notices.push(
      `TF_DATA_DIR=${env.TF_DATA_DIR} is not used: each stack keeps its own .terraform folder, as cdktf deploy does.`,
    );
  for (const name of Object.keys(env).filter((candidate) => /^TF_CLI_ARGS(_.*)?$/.test(candidate))) {
    notices.push(`${name} is not used: the review chooses Terraform's arguments itself (nothing is applied).`);
  }
  for (const name of [
    'TF_WORKSPACE',
    'TF_DATA_DIR',
    ...Object.keys(env).filter((candidate) => /^TF_CLI_ARGS(_.*)?$/.test(candidate)),
  ]) {
    delete kept[name];
  }
  return { env: kept, notices };
}

/** Terraform's output as running text: box drawing and line wrapping removed. */
function runningText(output: string): string {
  return output.replace(/[│╷╵]/g, ' ').replace(/\s+/g, ' ');
}

/**
 * A stack whose plan stops at the lab's own precondition for missing operator inputs (lab-ssh
 * without SSM_LAB_SSH_ALLOWED_CIDRS and a key): not a failure of the review, a stack it cannot
 * judge until those are set. The precondition's message, or undefined.
 */
export function missingInputs(output: string): string | undefined {
  return runningText(output).includes(SSH_INPUTS_MISSING) ? SSH_INPUTS_MISSING : undefined;
}

/** One line for an error Terraform gave, or undefined when it is none of the known kinds. */
export function explainFailure(output: string, networkStack: string): string | undefined {
  if (
    /No valid credential sources found|failed to refresh cached credentials|NoCredentialProviders|no EC2 IMDS role found|get credentials|SSO session|token has expired|ExpiredToken|InvalidClientTokenId|security token included in the request is (invalid|expired)|UnrecognizedClientException|SignatureDoesNotMatch/i.test(
      output,
    )
  ) {
    return signInAgain('npm run review -- --account');
  }
  if (
    /Unable to find remote state/.test(output) ||
    (/terraform_remote_state/.test(output) && /(does not have an attribute named|Unsupported attribute)/.test(output))
  ) {
    return `deploy ${networkStack} first: its state has no outputs yet (npx cdktf deploy ${networkStack}).`;
  }
  if (
    /Error (loading state|refreshing state|acquiring the state lock)|S3 bucket .* does not exist|AccessDenied.*(s3|GetObject)/i.test(
      output,
    )
  ) {
    const first = output.split('\n').find((line) => /Error/.test(line)) ?? '';
    return `the state backend refused: ${first.replace(/^[│╷╵\s]*(Error:\s*)?/, '').trim()} — check SSM_LAB_STATE_BUCKET / SSM_LAB_STATE_REGION and your access to the bucket.`;
  }
  return undefined;
}

/** Terraform's first error line, without its box drawing. */
function firstError(output: string): string {
  const line = output.split('\n').find((candidate) => /Error:/.test(candidate)) ?? output.trim().split('\n')[0] ?? '';
  return line.replace(/^[│╷╵\s]*/, '').trim();
}

export async function planAgainstAccount(options: AccountReviewOptions): Promise<AccountPlans> {
  const env = options.env ?? process.env;
  const terraform = terraformOrExplain(env);
  const { config } = options;
  const outDir = path.resolve(options.outDir);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(outDir, 'plans'), { recursive: true });
  fs.mkdirSync(path.join(outDir, 'logs'), { recursive: true });

  // Exactly what `cdktf deploy` synthesizes: no Aspect, no overrides; the guardrails still hold.
  const synthDir = path.join(path.resolve(options.projectDir), ACCOUNT_SYNTH_DIR);
  // Synthesized over the previous run: each stack keeps its .terraform (providers are not fetched again).
  const app = new App({ outdir: synthDir });
  const stacks = addLabStacks(app, config);
  options.editApp?.(stacks);
  const acknowledged = stacks.guardrails.check(app).map((finding) => describeFinding(finding));
  app.synth();

  const network = stacks.network.node.id;
  const endpoints = stacks.temporaryEndpoints.node.id;
  // The app's stacks, not the folder's: a stack of an earlier run (a setting since turned off) is not reviewed.
  const synthesized = app.node.children
    .filter(TerraformStack.isStack)
    .map((stack) => stack.node.id)
    .sort();
  const unknownStacks = stackFilterError(options.stacks ?? [], synthesized);
  if (unknownStacks) throw new ReviewError(unknownStacks);
  const wanted = new Set(options.stacks ?? synthesized);
  const scenarioStacks = [stacks.ssh, stacks.ssmPublic, stacks.ssmNat, stacks.ssmEndpoint, stacks.eice].map(
    (s) => s.node.id,
  );
  const { env: accountEnv, notices } = accountEnvironment(env);
  for (const notice of notices) options.progress?.(`note: ${notice}`);
  const tfEnv = terraformEnvironment(path.join(outDir, 'terraform-cli'), accountEnv);
  const version = runTerraformAsync(terraform, ['version'], outDir, tfEnv);
  const plans: Record<string, PlanJson> = {};
  const outcomes: StackReviewOutcome[] = [];

  const report = (outcome: StackReviewOutcome) => {
    outcomes.push(outcome);
    const mark = outcome.status === 'planned' ? '✓' : outcome.status === 'skipped' ? '–' : '✗';
    const detail = outcome.status === 'planned' ? 'planned' : outcome.reason;
    options.progress?.(`${mark} ${outcome.stack}: ${detail}`);
  };

  // Every stack in one plan: a scenario whose lab-network is not deployed finds no remote state,
  // and says so itself; it is set aside and the others planned again.
  const jobs: { stack: string; args?: readonly string[]; skip?: string }[] = [];
  for (const stack of [network, ...scenarioStacks].filter((candidate) => wanted.has(candidate)))
    // lab-ssh without the operator's inputs stops at its precondition: known from the settings,
    // so it is set aside before the plan rather than by a failed one.
    jobs.push(stack === stacks.ssh.node.id && !stacks.ssh.inputsSet ? { stack, skip: SSH_INPUTS_MISSING } : { stack });
  if (wanted.has(endpoints)) {
    jobs.push(
      options.endpointsArgs && options.endpointsArgs.length > 0
        ? { stack: endpoints, args: options.endpointsArgs }
        : {
            stack: endpoints,
            skip: `no inputs given: pass the same --var / --var-file as to cdktf deploy ${endpoints} (npm run review -- --account --var vpc_id=… ) to review it.`,
          },
    );
  }
  const together = await planStacksTogether({
    stacks: jobs.filter((job) => !job.skip).map((job) => job.stack),
    endpoints,
    endpointsArgs: options.endpointsArgs ?? [],
    synthDir,
    outDir,
    terraform,
    env: tfEnv,
    refresh: options.refresh !== false,
    readState: (stack) =>
      readStackState(
        {
          config,
          projectDir: path.resolve(options.projectDir),
          s3: new S3Client(sdkSettings(accountEnv, config.stateBackend?.region ?? config.region)),
        },
        stack,
      ),
    explain: (output) => {
      const inputs = missingInputs(output);
      if (inputs) return { status: 'skipped', reason: inputs };
      const explained = explainFailure(output, network);
      // Not deployed is no failure of the review: the scenario is skipped, with what to do.
      if (explained?.startsWith(`deploy ${network} first:`)) return { status: 'skipped', reason: explained };
      return { status: 'failed', reason: explained ?? `terraform plan failed: ${firstError(output)}` };
    },
  });
  Object.assign(plans, together.plans);
  options.progress?.(
    `${together.planned.length} stack(s) planned together in ${together.seconds.toFixed(1)} s (${together.plansRun} terraform plan${together.plansRun === 1 ? '' : 's'}, one show; each stack's state read, never written)`,
  );
  for (const job of jobs) {
    report(
      job.skip
        ? { stack: job.stack, status: 'skipped', reason: job.skip, seconds: 0 }
        : (together.outcomes[job.stack] ?? { stack: job.stack, status: 'planned', seconds: together.seconds }),
    );
  }

  const credentials = outcomes.find((outcome) => outcome.reason?.startsWith('AWS credentials'));
  if (credentials) throw new ReviewError(credentials.reason!);

  const ordered: Record<string, PlanJson> = {};
  for (const stack of Object.keys(plans).sort()) ordered[stack] = plans[stack];
  // The VPC the temporary endpoints are for, as it stands: judged with the plans, never planned.
  const existing = plans[endpoints]
    ? await readEndpointsVpc(plans[endpoints], config.region, accountEnv, options, progressOf(options))
    : undefined;
  return {
    outcomes,
    plans: ordered,
    region: config.region,
    terraformVersion: (await version).stdout.split('\n')[0] || 'Terraform',
    acknowledged,
    synthesized: readStacks(
      synthDir,
      synthesized.filter((stack) => wanted.has(stack)),
    ),
    partition: config.partition,
    endpointsStack: endpoints,
    ...(existing ? { existing } : {}),
  };
}

/** What a combined plan gives each stack: its plan, or why it has none. */
interface TogetherResult {
  readonly plans: Record<string, PlanJson>;
  /** The stacks not planned, with why (the planned ones have no entry). */
  readonly outcomes: Record<string, StackReviewOutcome>;
  readonly planned: readonly string[];
  readonly plansRun: number;
  readonly seconds: number;
}

/**
 * The stacks planned as modules of one root, each against its own deployed state (read from its
 * backend — the local file, or the S3 object by GetObject, which takes no lock — and moved under
 * the module's address in the root's scratch state): one `terraform plan` and one `show` for all,
 * where planning each alone costs a plan and a show per stack, each loading the AWS provider. A
 * stack whose plan fails is set aside with its reason and the others planned again.
 */
async function planStacksTogether(job: {
  readonly stacks: readonly string[];
  readonly endpoints: string;
  readonly endpointsArgs: readonly string[];
  readonly synthDir: string;
  readonly outDir: string;
  readonly terraform: string;
  readonly env: NodeJS.ProcessEnv;
  readonly refresh: boolean;
  readonly readState: (stack: string) => Promise<TerraformState | undefined>;
  readonly explain: (output: string) => { status: 'skipped' | 'failed'; reason: string };
}): Promise<TogetherResult> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const outcomes: Record<string, StackReviewOutcome> = {};
  const states: Record<string, TerraformState | undefined> = {};
  await Promise.all(job.stacks.map(async (stack) => (states[stack] = await job.readState(stack))));
  let remaining = [...job.stacks];
  let plansRun = 0;
  while (remaining.length > 0) {
    const units: PlanUnit[] = remaining.map((stack) => ({
      name: stack,
      dir: path.join(job.synthDir, 'stacks', stack),
      ownVariableNames: stack === job.endpoints,
    }));
    plansRun += 1;
    const result = await planTogether(units, {
      terraform: job.terraform,
      env: job.env,
      rootDir: path.join(job.synthDir, 'stacks', TOGETHER_ROOT),
      state: combinedState(
        Object.fromEntries(remaining.map((stack) => [stack, states[stack]])),
        `review-${Date.now()}`,
      ),
      planArgs: [
        ...(job.refresh ? [] : ['-refresh=false']),
        ...(remaining.includes(job.endpoints) ? job.endpointsArgs : []),
      ],
      alwaysInit: false,
    });
    if (result.ok) {
      for (const [stack, plan] of Object.entries(result.plans)) {
        fs.writeFileSync(path.join(job.outDir, 'plans', `${stack}.json`), JSON.stringify(plan));
      }
      return { plans: result.plans, outcomes, planned: remaining, plansRun, seconds: seconds() };
    }
    // The stacks the errors name are set aside; errors no stack can be named for stop them all.
    const named = remaining.filter((stack) =>
      result.diagnostics.some((d) => d.severity === 'error' && unitOf(d, units) === stack),
    );
    const failing = named.length > 0 ? named : remaining;
    for (const stack of failing) {
      const own = result.byUnit[stack]?.filter((d) => d.severity === 'error') ?? [];
      const output = own.length > 0 ? own.map((d) => `Error: ${d.summary}\n\n${d.detail}`).join('\n') : result.message;
      const logFile = path.join(job.outDir, 'logs', `${stack}.${result.step}.log`);
      fs.writeFileSync(logFile, `${output}\n`);
      const { status, reason } = job.explain(output);
      outcomes[stack] = { stack, status, reason, ...(status === 'failed' ? { logFile } : {}), seconds: seconds() };
    }
    remaining = remaining.filter((stack) => !failing.includes(stack));
  }
  return { plans: {}, outcomes, planned: [], plansRun, seconds: seconds() };
}

/** The combined root's folder, beside the stacks' own (relative paths in their configurations hold). */
const TOGETHER_ROOT = '.account-together';

function progressOf(options: AccountReviewOptions): (line: string) => void {
  return options.progress ?? (() => undefined);
}

/** SDK clients for a region, with the credentials and endpoint the review's environment names. */
function sdkClients(env: NodeJS.ProcessEnv, region: string): VpcReaderClients {
  const settings = sdkSettings(env, region);
  return { ec2: new EC2Client(settings), iam: new IAMClient(settings), ssm: new SSMClient(settings) };
}

/** An SDK client's settings from the review's environment (credentials, endpoint) for a region. */
function sdkSettings(env: NodeJS.ProcessEnv, region: string) {
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          sessionToken: env.AWS_SESSION_TOKEN || undefined,
        }
      : undefined; // the SDK's own chain: AWS_PROFILE, SSO, the instance role
  return { region, ...(credentials ? { credentials } : {}), endpoint: env.AWS_ENDPOINT_URL || undefined };
}

/**
 * The VPC `ssm-endpoints` is planned for (its `vpc_id` input), read from the account: the state
 * its instances are judged on, or why it could not be read (the window's section says so; the
 * review of the plans goes on).
 */
async function readEndpointsVpc(
  plan: PlanJson,
  labRegion: string,
  env: NodeJS.ProcessEnv,
  options: AccountReviewOptions,
  progress: (line: string) => void,
): Promise<ExistingVpc | { readonly vpcId: string; readonly unread: string } | undefined> {
  const vpcId = plan.variables?.[EndpointsVariable.VPC_ID]?.value;
  if (typeof vpcId !== 'string' || vpcId === '') return undefined;
  const named = plan.variables?.[EndpointsVariable.REGION]?.value;
  const region =
    typeof named === 'string' && named !== '' ? named : env.AWS_REGION || env.AWS_DEFAULT_REGION || labRegion;
  const started = Date.now();
  try {
    const existing = await readExistingVpc((options.vpcClients ?? ((r) => sdkClients(env, r)))(region), vpcId);
    progress(
      `✓ ${vpcId}: read ${existing.instances.length} instance(s) and their network in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return existing;
  } catch (error) {
    if (!(error instanceof VpcReadError)) throw error;
    progress(`✗ ${vpcId}: ${error.message}`);
    return { vpcId, unread: error.message };
  }
}

/** What is wrong with a `--stack` filter: names the app has no stack for. */
export function stackFilterError(requested: readonly string[], known: readonly string[]): string | undefined {
  const unknown = requested.filter((stack) => !known.includes(stack));
  return unknown.length > 0
    ? `--stack ${unknown.join(', ')} is not a stack of this app; expected one of ${known.join(', ')}`
    : undefined;
}
