/**
 * The offline review's source: synthesize every stack with placeholders where only AWS could
 * answer, and plan them together with one `terraform init`, `plan` (which validates first) and
 * `show -json` (tools/plan-together.ts). It hands on Terraform's own plans and the facts of the
 * run; the pipeline (review.ts) assesses and renders them.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { LabConfig } from '../../../lib/config';
import { describeFinding } from '../../../lib/guardrails';
import { StackName } from '../../../stacks/index';
import { localStateFileName } from '../../../stacks/lab-stack';
import { SSM_ENDPOINTS_SAMPLE_VARS } from '../../../stacks/temporary-endpoints-sample';
import { addOfflineReviewStacks, offlineEndpointsVars, offlineEnvironment } from './offline-app';
import { inParallel, runTerraformAsync, terraformEnvironment } from '../../terraform-cli';
import { readStacks, terraformOrExplain } from './common';
import { planTogether, PlanUnit } from '../../plan-together';
import { PlanJson, SynthesizedStack } from '../../terraform-json';

/** A sample AMI id for plans that must not look one up. */
export const PLACEHOLDER_AMI = 'ami-0123456789abcdef0';
/** TEST-NET-3 (RFC 5737): a documentation range, so the sample can never open SSH to anyone real. */
export const SAMPLE_SSH_CIDR = '203.0.113.0/24';
export const SAMPLE_SSH_PUBLIC_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOfflineReviewSampleKeyNotARealKey000000000 review@example';

export interface ReviewOptions {
  /** Everything goes under this folder (re-created each run). */
  readonly outDir: string;
  readonly config: LabConfig;
  /** One line per stack as it finishes. */
  readonly progress?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

export interface StackOutcome {
  readonly stack: string;
  readonly ok: boolean;
  /** Which step failed, and Terraform's own message. */
  readonly failure?: { step: string; message: string };
  readonly seconds: number;
}

/** The lab's plans as the offline review made them, and the facts of the run. */
export interface OfflineLabPlans {
  readonly outcomes: StackOutcome[];
  /** Each stack's plan (in the stacks' order when every stack planned). */
  readonly plans: Record<string, PlanJson>;
  /** Placeholder value → the lab-network entity it stands for. */
  readonly placeholders: ReadonlyMap<string, string>;
  readonly region: string;
  readonly terraformVersion: string;
  /** What the plans put in place of what only AWS could say, one sentence each. */
  readonly placeholderNotes: readonly string[];
  /** The guardrail findings the settings acknowledge, each with its reason. */
  readonly acknowledged: readonly string[];
  /** The stacks as synthesized: their printed commands and operator policies are checked. */
  readonly synthesized: Readonly<Record<string, SynthesizedStack>>;
  readonly partition: string;
}

/** The lab configuration the review plans: the user's, with samples only where a plan needs a value. */
export function reviewConfig(config: LabConfig): { config: LabConfig; placeholders: string[] } {
  const placeholders: string[] = [];
  let reviewed = config;
  if (config.amiId === undefined) {
    reviewed = { ...reviewed, amiId: PLACEHOLDER_AMI };
    placeholders.push(
      `AMI ${PLACEHOLDER_AMI} instead of the latest Amazon Linux 2023 (set SSM_LAB_AMI_ID to review a real one).`,
    );
  }
  if (config.sshAllowedCidrs.length === 0) {
    reviewed = { ...reviewed, sshAllowedCidrs: [SAMPLE_SSH_CIDR] };
    placeholders.push(
      `lab-ssh opens port 22 to the documentation range ${SAMPLE_SSH_CIDR} (SSM_LAB_SSH_ALLOWED_CIDRS is not set).`,
    );
  }
  if (config.sshKeyName === undefined && config.sshPublicKey === undefined) {
    reviewed = { ...reviewed, sshPublicKey: SAMPLE_SSH_PUBLIC_KEY };
    placeholders.push(
      'lab-ssh imports a sample public key (SSM_LAB_SSH_PUBLIC_KEY / SSM_LAB_SSH_KEY_NAME are not set).',
    );
  }
  return { config: reviewed, placeholders };
}

/** Placeholder id for an output of lab-network, e.g. `${aws_subnet.x.id}` → `subnet-0f3a…`. */
export function placeholderFor(expression: string): string | undefined {
  const match = /^\$\{([a-z0-9_]+)\.([^.]+)\.([a-z_]+)\}$/.exec(expression);
  if (!match) return undefined;
  const [, type, name, attribute] = match;
  const hex = createHash('sha256').update(`${type}.${name}`).digest('hex').slice(0, 17);
  if (attribute !== 'id') return `placeholder-${name}`.slice(0, 64);
  const prefix: Record<string, string> = {
    aws_vpc: 'vpc',
    aws_subnet: 'subnet',
    aws_route_table: 'rtb',
    aws_internet_gateway: 'igw',
    aws_security_group: 'sg',
  };
  return `${prefix[type] ?? 'placeholder'}-${hex}`;
}

/** Writes lab-network's placeholder state (outputs only) and returns placeholder → entity id (also used by tests). */
export function writePlaceholderState(
  networkJson: {
    readonly output?: Readonly<Record<string, { readonly value: unknown; readonly sensitive?: boolean }>>;
  },
  networkStack: string,
  stateFile: string,
): Map<string, string> {
  const outputs: Record<string, { value: string; type: string; sensitive: boolean }> = {};
  const map = new Map<string, string>();
  for (const [name, output] of Object.entries(networkJson.output ?? {})) {
    const placeholder = placeholderFor(String(output.value));
    if (!placeholder) continue;
    outputs[name] = { value: placeholder, type: 'string', sensitive: output.sensitive === true };
    const [, type, resource] = /^\$\{([a-z0-9_]+)\.([^.]+)\./.exec(String(output.value))!;
    map.set(placeholder, `${networkStack}/${type}.${resource}`);
  }
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  const state = {
    version: 4,
    terraform_version: '1.9.0',
    serial: 1,
    lineage: 'offline-review-placeholder',
    outputs,
    resources: [],
  };
  fs.writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  return map;
}

function varsFor(stack: string, config: LabConfig): (readonly [string, string])[] {
  if (!stack.endsWith(StackName.TEMPORARY_ENDPOINTS)) return [];
  return [...SSM_ENDPOINTS_SAMPLE_VARS, ...offlineEndpointsVars(config)];
}

/** The folder of the root module that plans every stack together (beside them, so relative paths hold). */
export const TOGETHER_FOLDER = '.all-stacks';

/** One stack planned in its own folder: init, plan and show, each failure with Terraform's message. */
async function planAlone(
  unit: PlanUnit,
  plansDir: string,
  terraform: string,
  tfEnv: NodeJS.ProcessEnv,
  width: number,
  options: ReviewOptions,
): Promise<StackOutcome & { plan?: PlanJson }> {
  const stack = unit.name;
  const started = Date.now();
  const planFile = path.join(plansDir, `${stack}.tfplan`);
  const steps: [string, string[]][] = [
    ['init', ['init', '-input=false']],
    [
      'plan',
      [
        'plan',
        '-input=false',
        '-lock=false',
        `-out=${planFile}`,
        ...(unit.vars ?? []).map(([k, v]) => `-var=${k}=${v}`),
      ],
    ],
    ['show', ['show', '-json', planFile]],
  ];
  let plan: PlanJson = {};
  for (const [step, args] of steps) {
    const result = await runTerraformAsync(terraform, args, unit.dir, tfEnv);
    const seconds = (Date.now() - started) / 1000;
    if (result.status !== 0) {
      options.progress?.(`✗ ${stack.padEnd(width)} terraform ${step} failed after ${seconds.toFixed(1)} s`);
      return { stack, ok: false, seconds, failure: { step, message: (result.stderr || result.stdout).trim() } };
    }
    if (step === 'show') {
      plan = JSON.parse(result.stdout);
      fs.writeFileSync(path.join(plansDir, `${stack}.json`), result.stdout);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  options.progress?.(`✓ ${stack.padEnd(width)} init, plan   ${seconds.toFixed(1)} s`);
  return { stack, ok: true, seconds, plan };
}

export async function planOfflineLab(options: ReviewOptions): Promise<OfflineLabPlans> {
  const env = options.env ?? process.env;
  const terraform = terraformOrExplain(env, ', then run npm run review again');
  const outDir = path.resolve(options.outDir);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const { config, placeholders } = reviewConfig(options.config);

  const synthDir = path.join(outDir, 'cdktf.out');
  const app = new App({ outdir: synthDir });
  const { guardrails } = addOfflineReviewStacks(app, config);
  const acknowledged = guardrails
    .check(app)
    .map((finding) => `${describeFinding(finding)} — acknowledged: ${finding.acknowledgement!.reason}`);
  app.synth();
  const stacks = fs.readdirSync(path.join(synthDir, 'stacks')).sort();
  const synthesized = readStacks(synthDir, stacks);
  // Every stack another reads through its state gets a placeholder state (lab-network, and
  // lab-session-audit whose key the operator policies name).
  const readByOthers = stacks.filter((stack) =>
    Object.keys(synthesized[stack].output ?? {}).some((name) => name.startsWith('cross-stack-output-')),
  );
  const placeholderMap = new Map<string, string>();
  for (const stack of readByOthers)
    for (const [placeholder, entity] of writePlaceholderState(
      synthesized[stack] as Parameters<typeof writePlaceholderState>[0],
      stack,
      path.join(outDir, localStateFileName(config, stack)),
    ))
      placeholderMap.set(placeholder, entity);
  const pairs = (vars: readonly (readonly [string, string])[]) => vars.map(([k, v]) => `${k}=${v}`).join(', ');
  // Only what the review adds to the README's sample (the sample names a region already).
  const offlineOnly = offlineEndpointsVars(config).filter(
    ([name, value]) => !SSM_ENDPOINTS_SAMPLE_VARS.some(([sample, sampled]) => sample === name && sampled === value),
  );
  placeholders.unshift(
    readByOthers.length === 1
      ? `The scenario stacks read ${readByOthers[0]} through its state; offline there is none, so ${localStateFileName(config, readByOthers[0])} in the review folder is a placeholder holding only ${readByOthers[0]}'s outputs, with made-up ids (vpc-…, subnet-…) that stand for its resources.`
      : `The scenario stacks read ${readByOthers.join(' and ')} through their states; offline there are none, so ${readByOthers.map((stack) => localStateFileName(config, stack)).join(' and ')} in the review folder are placeholders holding only their outputs, with made-up ids (vpc-…, subnet-…) that stand for their resources.`,
    `ssm-endpoints is planned with the README's sample inputs (${pairs(SSM_ENDPOINTS_SAMPLE_VARS)}) and ${pairs(offlineOnly)}.`,
  );

  // The review owns its Terraform processes: nothing in the user's shell may point them elsewhere.
  const tfEnv = terraformEnvironment(path.join(outDir, 'terraform-cli'), offlineEnvironment(env));
  const version = runTerraformAsync(terraform, ['version'], outDir, tfEnv);
  const plansDir = path.join(outDir, 'plans');
  fs.mkdirSync(plansDir, { recursive: true });
  const plans: Record<string, PlanJson> = {};

  const width = Math.max(...stacks.map((stack) => stack.length)) + 1;
  const units = stacks.map((stack) => ({
    name: stack,
    dir: path.join(synthDir, 'stacks', stack),
    vars: varsFor(stack, config),
  }));
  const started = Date.now();
  const together = await planTogether(units, {
    terraform,
    env: tfEnv,
    rootDir: path.join(synthDir, 'stacks', TOGETHER_FOLDER),
  });
  let outcomes: StackOutcome[];
  if (together.ok) {
    const seconds = (Date.now() - started) / 1000;
    outcomes = stacks.map((stack) => {
      plans[stack] = together.plans[stack];
      fs.writeFileSync(path.join(plansDir, `${stack}.json`), `${JSON.stringify(plans[stack])}\n`);
      const creates = (plans[stack].resource_changes ?? []).filter(
        (c) => c.mode === 'managed' && c.change.actions.includes('create'),
      ).length;
      options.progress?.(`✓ ${stack.padEnd(width)} plan: ${String(creates).padStart(2)} to create`);
      return { stack, ok: true, seconds };
    });
    options.progress?.(
      `${stacks.length} stacks planned together in ${seconds.toFixed(1)} s (one terraform init, plan and show)`,
    );
  } else {
    // Which stack broke, in Terraform's own words: plan each alone (only a broken lab pays for this).
    options.progress?.(`✗ planned together, terraform ${together.step} failed; planning each stack alone to say which`);
    const alone = await inParallel(units, 2, (unit) => planAlone(unit, plansDir, terraform, tfEnv, width, options));
    outcomes = alone.map(({ plan, ...outcome }) => {
      if (plan) plans[outcome.stack] = plan;
      return outcome;
    });
  }

  const facts = {
    placeholders: placeholderMap,
    region: config.region,
    terraformVersion: (await version).stdout.split('\n')[0] || 'Terraform',
    placeholderNotes: placeholders,
    acknowledged,
    synthesized,
    partition: config.partition,
  };
  if (outcomes.some((outcome) => !outcome.ok)) return { outcomes, plans, ...facts };
  const ordered: Record<string, PlanJson> = {};
  for (const stack of stacks) ordered[stack] = plans[stack];
  return { outcomes, plans: ordered, ...facts };
}
