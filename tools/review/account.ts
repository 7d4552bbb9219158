/**
 * `npm run review -- --account`: what this plan does to the deployed lab. Synthesizes the stacks
 * exactly as `cdktf deploy` would (the user's AWS settings, the real state backend), plans each
 * with Terraform — never applies — and compares the model of what is deployed now (the plan's prior
 * state) with the model of what will be (its planned values): reachability before → after, what is
 * replaced, and the cost per hour now and after.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { LabConfig } from '../../lib/config';
import { describeFinding } from '../../lib/guardrails';
import { addLabStacks, LabStacks } from '../../stacks';
import { SSH_INPUTS_MISSING } from '../../stacks/ssh-stack';
import { signInAgain } from '../aws-errors';
import {
  AWS_PROVIDER_VERSION,
  inParallel,
  runTerraformAsync,
  TerraformResult,
  terraformEnvironment,
} from '../terraform-cli';
import { changeKind, ChangeKind, Entity, NetworkModel, PlanJson, priorPlan, ResourceChange } from './plan-model';
import { PlanPolicies, planPolicies, policyCount, policyFindingLine } from './policies';
import { PRICES_AS_OF, stackCost } from './prices';
import { Reachability, Verdict } from './reachability';
import { OperatorAccess, synthesizedOperatorAccess } from './operator-access';
import { operatorAccessMarkdown, operatorAccessText, usd } from './report';
import { readStacks, ReviewError, terraformOrExplain } from './sources';

/** Exit codes a CI job can gate on. */
export const AccountExit = {
  /** Reviewed; no reachable path is lost and no instance is replaced. */
  OK: 0,
  /** Could not review (credentials, Terraform, a stack that does not plan). */
  ERROR: 1,
  /** The plan makes a reachable path unreachable, or replaces an instance. */
  PATH_LOST: 2,
} as const;

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
}

export interface StackReviewOutcome {
  readonly stack: string;
  readonly status: 'planned' | 'skipped' | 'failed';
  /** Why skipped or failed: one line saying what to do. */
  readonly reason?: string;
  /** Where Terraform's full output went, when it failed. */
  readonly logFile?: string;
  readonly seconds: number;
}

/** An instance's verdicts: the two ways in, and its forwarding hop when it names a target. */
export interface InstanceVerdicts {
  readonly sessionManager: Verdict;
  readonly ssh: Verdict;
  readonly forwarding?: Verdict;
}

export interface InstanceChange {
  readonly id: string;
  readonly stack: string;
  readonly name: string;
  readonly kind: ChangeKind;
  /** A forwarding target: no way in of its own, the far end of the others' forwarding hop. */
  readonly forwardingTarget: boolean;
  readonly before?: InstanceVerdicts;
  readonly after?: InstanceVerdicts;
}

/** One resource the plan changes, as a reviewer reads it in a plan comment. */
export interface ResourceChangeLine {
  readonly address: string;
  readonly kind: ChangeKind;
  /** For a replacement: the attributes that force it (`associate_public_ip_address`, `ami`). */
  readonly forcedBy: readonly string[];
}

export interface StackSummary {
  readonly stack: string;
  readonly counts: Readonly<Record<ChangeKind, number>>;
  /** Every resource the plan creates, updates, replaces or deletes: deletions and replacements first. */
  readonly changes: readonly ResourceChangeLine[];
  readonly usdPerHourNow: number;
  readonly usdPerHourAfter: number;
  /** Prices missing from the table (then the totals are lower bounds). */
  readonly unpriced: readonly string[];
}

export interface AccountReviewResult {
  readonly outcomes: readonly StackReviewOutcome[];
  readonly plans: Readonly<Record<string, PlanJson>>;
  readonly instances: readonly InstanceChange[];
  readonly stacks: readonly StackSummary[];
  /** One line per lost path or replaced instance: the report's headline. */
  readonly headlines: readonly string[];
  /** The policies of the planned state, checked against AWS's catalogue. */
  readonly policies: PlanPolicies;
  /** Each stack's printed commands checked against its printed operator policy (as synthesized). */
  readonly operatorAccess: readonly OperatorAccess[];
  readonly exitCode: (typeof AccountExit)[keyof typeof AccountExit];
  readonly reportFile: string;
  readonly text: string;
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

/**
 * Whether Terraform refused to plan until `terraform init` runs: every such refusal (working
 * directory not initialised, backend or providers changed, lock file out of date, module missing)
 * tells the user to run it.
 */
export function needsInit(output: string): boolean {
  return /(run|running) "?terraform init"?|terraform init -(reconfigure|migrate-state|upgrade)|Backend initialization required|Required plugins are not installed|Inconsistent dependency lock file|Module not installed/.test(
    output,
  );
}

/** Terraform's first error line, without its box drawing. */
function firstError(output: string): string {
  const line = output.split('\n').find((candidate) => /Error:/.test(candidate)) ?? output.trim().split('\n')[0] ?? '';
  return line.replace(/^[│╷╵\s]*/, '').trim();
}

export async function runAccountReview(options: AccountReviewOptions): Promise<AccountReviewResult> {
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

  const planStack = async (stack: string, extraArgs: readonly string[] = []): Promise<StackReviewOutcome> => {
    const started = Date.now();
    const dir = path.join(synthDir, 'stacks', stack);
    const planFile = path.join(outDir, 'plans', `${stack}.tfplan`);
    const run = (args: string[]) => runTerraformAsync(terraform, args, dir, tfEnv);
    const failed = (step: string, result: TerraformResult): StackReviewOutcome => {
      const output = `${result.stderr}\n${result.stdout}`;
      const logFile = path.join(outDir, 'logs', `${stack}.${step}.log`);
      fs.writeFileSync(logFile, output);
      const inputs = missingInputs(output);
      if (inputs) return { stack, status: 'skipped', reason: inputs, seconds: (Date.now() - started) / 1000 };
      const reason = explainFailure(output, network) ?? `terraform ${step} failed: ${firstError(output)}`;
      return { stack, status: 'failed', reason, logFile, seconds: (Date.now() - started) / 1000 };
    };
    const planArgs = [
      'plan',
      '-input=false',
      ...(options.refresh === false ? ['-refresh=false'] : []),
      `-out=${planFile}`,
      ...extraArgs,
    ];
    // The stack folder keeps its .terraform between reviews, so the plan usually runs as it is;
    // Terraform itself says when it needs `terraform init` first (new folder, backend or providers).
    let planned = await run(planArgs);
    if (planned.status !== 0 && needsInit(`${planned.stderr}\n${planned.stdout}`)) {
      const init = await run(['init', '-input=false']);
      if (init.status !== 0) return failed('init', init);
      planned = await run(planArgs);
    }
    if (planned.status !== 0) return failed('plan', planned);
    const shown = await run(['show', '-json', planFile]);
    if (shown.status !== 0) return failed('show', shown);
    plans[stack] = JSON.parse(shown.stdout);
    fs.writeFileSync(path.join(outDir, 'plans', `${stack}.json`), shown.stdout);
    return { stack, status: 'planned', seconds: (Date.now() - started) / 1000 };
  };
  const report = (outcome: StackReviewOutcome) => {
    outcomes.push(outcome);
    const mark = outcome.status === 'planned' ? '✓' : outcome.status === 'skipped' ? '–' : '✗';
    const detail = outcome.status === 'planned' ? `planned in ${outcome.seconds.toFixed(1)} s` : outcome.reason;
    options.progress?.(`${mark} ${outcome.stack}: ${detail}`);
  };

  // Every stack at once (two at a time): a scenario whose lab-network is not deployed finds no
  // remote state, and says so itself; waiting for lab-network's plan first would only add its time.
  const jobs: { stack: string; args?: readonly string[]; skip?: string }[] = [];
  for (const stack of [network, ...scenarioStacks].filter((candidate) => wanted.has(candidate))) jobs.push({ stack });
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
  const dependencyMissing = `deploy ${network} first:`;
  const finished = await inParallel(jobs, 2, async (job) =>
    job.skip
      ? { stack: job.stack, status: 'skipped' as const, reason: job.skip, seconds: 0 }
      : planStack(job.stack, job.args),
  );
  // Not deployed is no failure of the review: the scenario is skipped, with what to do.
  for (const outcome of finished) {
    report(
      outcome.reason?.startsWith(dependencyMissing) ? { ...outcome, status: 'skipped', logFile: undefined } : outcome,
    );
  }

  const credentials = outcomes.find((outcome) => outcome.reason?.startsWith('AWS credentials'));
  if (credentials) throw new ReviewError(credentials.reason!);

  const ordered: Record<string, PlanJson> = {};
  for (const stack of Object.keys(plans).sort()) ordered[stack] = plans[stack];
  const after = new NetworkModel(ordered);
  const before = new NetworkModel(
    Object.fromEntries(Object.entries(ordered).map(([stack, plan]) => [stack, priorPlan(plan)])),
  );
  const instances = compareInstances(before, after);
  const stackSummaries = Object.keys(ordered).map((stack) =>
    summarizeStack(stack, ordered[stack], before, after, config.region),
  );
  const headlines = headlinesOf(instances, ordered, after);
  const failed = outcomes.some((outcome) => outcome.status === 'failed');
  const exitCode = failed ? AccountExit.ERROR : headlines.length > 0 ? AccountExit.PATH_LOST : AccountExit.OK;
  const facts = {
    region: config.region,
    terraformVersion: (await version).stdout.split('\n')[0] || 'Terraform',
    acknowledged,
  };
  const reportFile = path.join(outDir, 'report.md');
  const policies = planPolicies(after);
  const result = {
    outcomes,
    plans: ordered,
    instances,
    stacks: stackSummaries,
    headlines,
    policies,
    operatorAccess: synthesizedOperatorAccess(
      readStacks(
        synthDir,
        synthesized.filter((stack) => wanted.has(stack)),
      ),
      config.partition,
    ),
    exitCode,
    reportFile,
  };
  fs.writeFileSync(reportFile, accountMarkdown(result, facts));
  return { ...result, text: accountText(result) };
}

/** How each path's verdict is judged. */
const JUDGE: { readonly [K in PathKey]: (reach: Reachability, instance: Entity) => InstanceVerdicts[K] } = {
  sessionManager: (reach, instance) => reach.sessionManager(instance),
  ssh: (reach, instance) => reach.ssh(instance),
  forwarding: (reach, instance) => reach.forwarding(instance),
};

function verdictsOf(reach: Reachability, instance: Entity): InstanceVerdicts {
  return {
    sessionManager: JUDGE.sessionManager(reach, instance),
    ssh: JUDGE.ssh(reach, instance),
    forwarding: JUDGE.forwarding(reach, instance),
  };
}

/** Every instance before and after the plan (forwarding targets too: a replaced one changes address), by its address in its stack. */
export function compareInstances(before: NetworkModel, after: NetworkModel): InstanceChange[] {
  const reachBefore = Reachability.of(before);
  const reachAfter = Reachability.of(after);
  const ids = [
    ...new Set([...before.all('aws_instance'), ...after.all('aws_instance')].map((instance) => instance.id)),
  ].sort();
  return ids.map((id) => {
    const old = before.get(id);
    const planned = after.get(id);
    const entity = (planned ?? old)!;
    return {
      id,
      stack: entity.stack,
      name: after.label(planned ?? old),
      kind: planned ? changeKind(planned.actions) : 'delete',
      forwardingTarget: reachAfter.isForwardingTarget(entity),
      before: old ? verdictsOf(reachBefore, old) : undefined,
      after: planned ? verdictsOf(reachAfter, planned) : undefined,
    };
  });
}

/** The paths a headline speaks of, with their words. */
const PATHS = [
  ['sessionManager', 'Session Manager'],
  ['ssh', 'SSH'],
  ['forwarding', 'port forwarding'],
] as const;
type PathKey = (typeof PATHS)[number][0];

function summarizeStack(
  stack: string,
  plan: PlanJson,
  before: NetworkModel,
  after: NetworkModel,
  region: string,
): StackSummary {
  const counts: Record<ChangeKind, number> = { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0, read: 0 };
  const changes: ResourceChangeLine[] = [];
  for (const change of plan.resource_changes ?? []) {
    if (change.mode !== 'managed') continue;
    const kind = changeKind(change.change.actions);
    counts[kind] += 1;
    if (kind === 'unchanged' || kind === 'read') continue;
    const forcedBy =
      kind === 'replace'
        ? [...new Set((change.change.replace_paths ?? []).map((p) => p.filter((s) => typeof s === 'string').join('.')))]
        : [];
    changes.push({ address: change.address, kind, forcedBy });
  }
  changes.sort(
    (a, b) => CHANGE_ORDER.indexOf(a.kind) - CHANGE_ORDER.indexOf(b.kind) || a.address.localeCompare(b.address),
  );
  const now = stackCost(before, stack, region, true);
  const later = stackCost(after, stack, region, true);
  return {
    stack,
    counts,
    changes,
    usdPerHourNow: now.knownUsdPerHour,
    usdPerHourAfter: later.knownUsdPerHour,
    unpriced: [...new Set([...now.unknown, ...later.unknown])],
  };
}

/** The order a reviewer reads changes in: what is lost first. */
const CHANGE_ORDER: readonly ChangeKind[] = ['delete', 'replace', 'create', 'update'];

/** One change in words: `replace aws_instance.x (forced by ami)`. */
function changeWords(change: ResourceChangeLine): string {
  const forced = change.forcedBy.length > 0 ? ` (forced by ${change.forcedBy.join(', ')})` : '';
  return `${change.kind === 'delete' ? 'destroy' : change.kind} ${change.address}${forced}`;
}

/** One change the plan makes, in words: `deletes lab-ssm-nat/aws_route.x (0.0.0.0/0 → nat-0abc…)`. */
function describeChange(stack: string, change: ResourceChange): string {
  const kind = changeKind(change.change.actions);
  const was = change.change.before ?? {};
  const detail =
    change.type === 'aws_route'
      ? ` (${was.destination_cidr_block ?? '?'} → ${String(was.nat_gateway_id ?? was.gateway_id ?? was.vpc_endpoint_id ?? was.vpc_peering_connection_id ?? '?')})`
      : was.tags?.Name
        ? ` (${was.tags.Name})`
        : '';
  const verb = kind === 'delete' ? 'deletes' : kind === 'replace' ? 'replaces' : 'updates';
  // A user's plan (`--plan`) is one configuration: its addresses stand alone.
  return `${verb} ${stack === '' ? '' : `${stack}/`}${change.address}${detail}`;
}

/** The plans with one resource change swapped for another. */
function swapChange(
  plans: Readonly<Record<string, PlanJson>>,
  stack: string,
  address: string,
  swap: (change: ResourceChange) => ResourceChange,
): Record<string, PlanJson> {
  const plan = plans[stack];
  return {
    ...plans,
    [stack]: {
      ...plan,
      resource_changes: (plan.resource_changes ?? []).map((change) =>
        change.address === address ? swap(change) : change,
      ),
    },
  };
}

/**
 * The changes a cut path is owed to, and only those: a change counts when undoing it alone gives
 * the path back, or when making it alone takes the path away. Other changes of the same plan —
 * an instance replaced in another scenario, say — are not named.
 */
export function changesOnPath(plans: Readonly<Record<string, PlanJson>>, instanceId: string, path: PathKey): string[] {
  const reachable = (model: NetworkModel) => {
    const instance = model.get(instanceId);
    // Only the path asked about: each change is judged on two models.
    return instance !== undefined && JUDGE[path](Reachability.of(model), instance)?.reachable === true;
  };
  const prior = Object.fromEntries(Object.entries(plans).map(([stack, plan]) => [stack, priorPlan(plan)]));
  const named: string[] = [];
  for (const [stack, plan] of Object.entries(plans)) {
    for (const change of plan.resource_changes ?? []) {
      const kind = changeKind(change.change.actions);
      if (change.mode !== 'managed' || !['delete', 'replace', 'update'].includes(kind)) continue;
      const undone = swapChange(plans, stack, change.address, (c) => ({
        ...c,
        change: { ...c.change, actions: ['no-op'], after: c.change.before ?? null, after_unknown: {} },
      }));
      const alone = swapChange(prior, stack, change.address, () => change);
      if (reachable(new NetworkModel(undone)) || !reachable(new NetworkModel(alone)))
        named.push(describeChange(stack, change));
    }
  }
  return named;
}

export function headlinesOf(
  instances: readonly InstanceChange[],
  plans: Readonly<Record<string, PlanJson>>,
  after: NetworkModel,
): string[] {
  const lines: string[] = [];
  for (const instance of instances) {
    if (!instance.before) continue;
    for (const [path, label] of PATHS) {
      const was = instance.before[path];
      const will = instance.after?.[path];
      if (!was?.reachable || will?.reachable) continue;
      const why = will ? will.reason : 'the instance is destroyed';
      // A destroyed instance is its own reason; otherwise the changes on this path, and no others.
      const changes = instance.after ? changesOnPath(plans, instance.id, path) : [];
      const because = changes.length > 0 ? ` The plan ${changes.join('; ')}.` : '';
      const what =
        path === 'forwarding'
          ? `${was.text.slice(0, was.text.indexOf(': reachable')).replace('Port', 'port')} from`
          : `${label} to`;
      lines.push(`This plan cuts ${what} ${instance.name}: ${why}.${because}`);
    }
    if (instance.kind === 'replace') {
      const entity = after.get(instance.id);
      const consequence = instance.forwardingTarget
        ? "it gets a new instance id and private address, so forwarded connections end and the scenarios' forwarding commands name the old address until they are applied again"
        : 'it gets a new instance id, so open sessions end, saved targets break and SSH host keys change';
      lines.push(
        `This plan replaces ${instance.name} (${instance.stack === '' ? '' : `${instance.stack}/`}${entity?.address ?? instance.id.split('/')[1]}): ${consequence}.`,
      );
    }
  }
  return lines;
}

type Facts = { readonly region: string; readonly terraformVersion: string; readonly acknowledged: readonly string[] };
type ResultForReport = Omit<AccountReviewResult, 'text'>;

const verdictCell = (verdict: Verdict | undefined, missing: string) =>
  verdict === undefined
    ? missing
    : verdict.reachable
      ? `reachable (${verdict.paths.join(', ') || 'direct'})`
      : 'NOT reachable';

function accountMarkdown(result: ResultForReport, facts: Facts): string {
  const out: string[] = [];
  out.push('# Plan review against the account — ssm-access-lab', '');
  out.push(
    `Region ${facts.region}; ${facts.terraformVersion}; AWS provider ${AWS_PROVIDER_VERSION}. Prices as of ${PRICES_AS_OF}. Nothing was applied.`,
    '',
  );
  if (result.exitCode === AccountExit.PATH_LOST) {
    out.push('> [!CAUTION]', ...result.headlines.map((line) => `> - ${line}`), '');
  } else if (result.exitCode === AccountExit.OK) {
    out.push('> No reachable access path is lost, and no instance is replaced.', '');
  } else {
    out.push('> [!WARNING]', '> Some stacks could not be reviewed; see below.', '');
  }
  out.push(
    '## Stacks',
    '',
    '| stack | create | update | replace | destroy | unchanged | USD/h now | USD/h after |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const stack of result.stacks) {
    const c = stack.counts;
    const bound = stack.unpriced.length > 0 ? '≥ ' : '';
    out.push(
      `| \`${stack.stack}\` | ${c.create} | ${c.update} | ${c.replace} | ${c.delete} | ${c.unchanged} | ${bound}${usd(stack.usdPerHourNow)} | ${bound}${usd(stack.usdPerHourAfter)} |`,
    );
  }
  for (const stack of result.stacks.filter((s) => s.changes.length > 0)) {
    // Folded, as plan comments on pull requests are: the verdicts above are what a reviewer reads first.
    const c = stack.counts;
    const summary = [
      c.delete > 0 ? `${c.delete} to destroy` : '',
      c.replace > 0 ? `${c.replace} to replace` : '',
      c.create > 0 ? `${c.create} to create` : '',
      c.update > 0 ? `${c.update} to update` : '',
    ].filter(Boolean);
    out.push(
      '',
      `<details><summary><code>${stack.stack}</code>: ${summary.join(', ')}</summary>`,
      '',
      '| action | resource | forces replacement |',
      '|---|---|---|',
      ...stack.changes.map(
        (change) =>
          `| ${change.kind === 'delete' ? 'destroy' : change.kind} | \`${change.address}\` | ${change.forcedBy.map((a) => `\`${a}\``).join(', ')} |`,
      ),
      '',
      '</details>',
    );
  }
  const notPlanned = result.outcomes.filter((outcome) => outcome.status !== 'planned');
  if (notPlanned.length > 0) {
    out.push(
      '',
      'Not reviewed:',
      '',
      ...notPlanned.map((outcome) => `- \`${outcome.stack}\` (${outcome.status}): ${outcome.reason}`),
    );
  }
  out.push('', '## Reachability before → after', '');
  if (result.instances.length === 0) out.push('No instance is deployed or planned in the reviewed stacks.');
  else {
    out.push(
      '| instance | stack | change | Session Manager now | after | SSH now | after | port forwarding now | after |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const i of result.instances) {
      // A forwarding target is no way in: its row says what the plan does to it, and nothing more.
      const cells = i.forwardingTarget
        ? ['forwarding target', '—', '—', '—', '—', '—']
        : [
            verdictCell(i.before?.sessionManager, 'not deployed'),
            verdictCell(i.after?.sessionManager, 'destroyed'),
            verdictCell(i.before?.ssh, 'not deployed'),
            verdictCell(i.after?.ssh, 'destroyed'),
            i.before && !i.before.forwarding ? '—' : verdictCell(i.before?.forwarding, 'not deployed'),
            i.after && !i.after.forwarding ? '—' : verdictCell(i.after?.forwarding, 'destroyed'),
          ];
      out.push(`| ${i.name} | \`${i.stack}\` | ${i.kind} | ${cells.join(' | ')} |`);
    }
    const changed = result.instances.filter(
      (i) =>
        i.before &&
        i.after &&
        PATHS.some(([path]) => (i.before![path]?.reachable ?? false) !== (i.after![path]?.reachable ?? false)),
    );
    const texts = (verdicts: InstanceVerdicts) =>
      [
        verdicts.sessionManager.text,
        verdicts.ssh.text,
        ...(verdicts.forwarding ? [verdicts.forwarding.text] : []),
      ].join('; ');
    for (const i of changed) {
      out.push('', `**${i.name}**`, '', `- now: ${texts(i.before!)}`, `- after: ${texts(i.after!)}`);
    }
  }
  out.push('', "## IAM policies, checked against AWS's catalogue", '');
  out.push(
    result.policies.findings.length === 0
      ? `${policyCount(result.policies.checked)} Terraform knows after this plan read as the Service Authorization Reference says.`
      : `${result.policies.findings.length} finding(s): IAM accepts these, and the statement then grants or restricts something else.`,
  );
  if (result.policies.findings.length > 0)
    out.push('', ...result.policies.findings.map((finding) => `- ${policyFindingLine(finding)}`));
  if (facts.acknowledged.length > 0)
    out.push('', '## Acknowledged guardrail findings', '', ...facts.acknowledged.map((line) => `- ${line}`));
  if (result.operatorAccess.length > 0) out.push('', ...operatorAccessMarkdown(result.operatorAccess));
  out.push(
    '',
    `Exit code ${result.exitCode}: 0 = reviewed, no path lost; 2 = a reachable path would be lost or an instance replaced; 1 = could not review.`,
    '',
  );
  return out.join('\n');
}

function accountText(result: ResultForReport): string {
  const out: string[] = [''];
  if (result.headlines.length > 0) out.push(...result.headlines.map((line) => `  ! ${line}`), '');
  const width = Math.max(0, ...result.stacks.map((stack) => stack.stack.length)) + 1;
  for (const stack of result.stacks) {
    const c = stack.counts;
    out.push(
      `  ${stack.stack.padEnd(width)} +${c.create} ~${c.update} ±${c.replace} -${c.delete} =${c.unchanged}   ${usd(stack.usdPerHourNow)}/h → ${usd(stack.usdPerHourAfter)}/h`,
    );
    // What is lost, by name; the creates and updates are in the report.
    for (const change of stack.changes.filter((ch) => ch.kind === 'delete' || ch.kind === 'replace'))
      out.push(`      ${changeWords(change)}`);
  }
  if (result.policies.findings.length > 0)
    out.push(
      '',
      `  IAM policy findings (${result.policies.findings.length}):`,
      ...result.policies.findings.map((finding) => `    ${policyFindingLine(finding).replace(/`/g, '')}`),
    );
  const access = operatorAccessText(result.operatorAccess);
  if (access.length > 0) out.push('', ...access);
  out.push('');
  for (const i of result.instances) {
    const cell = (verdict: Verdict | undefined, missing: string) =>
      verdict === undefined ? missing : verdict.reachable ? 'reachable' : 'NOT reachable';
    if (i.forwardingTarget) {
      out.push(`  ${i.name} (${i.kind}): forwarding target`);
      continue;
    }
    const forwarding =
      i.before?.forwarding || i.after?.forwarding
        ? `; port forwarding ${cell(i.before?.forwarding, 'not deployed')} → ${cell(i.after?.forwarding, 'destroyed')}`
        : '';
    out.push(
      `  ${i.name} (${i.kind}): Session Manager ${cell(i.before?.sessionManager, 'not deployed')} → ${cell(i.after?.sessionManager, 'destroyed')}; SSH ${cell(i.before?.ssh, 'not deployed')} → ${cell(i.after?.ssh, 'destroyed')}${forwarding}`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** What is wrong with a `--stack` filter: names the app has no stack for. */
export function stackFilterError(requested: readonly string[], known: readonly string[]): string | undefined {
  const unknown = requested.filter((stack) => !known.includes(stack));
  return unknown.length > 0
    ? `--stack ${unknown.join(', ')} is not a stack of this app; expected one of ${known.join(', ')}`
    : undefined;
}
