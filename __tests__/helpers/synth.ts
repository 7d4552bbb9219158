import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { LabConfig, loadConfig } from '../../lib/config';
import { recordTokenCreationStacks } from '../../lib/token-creation-stacks';
import { debugging } from '../../tools/variables';

// Synthesize as the app does (main.ts) unless SSM_LAB_DEBUG=1: without a stack trace per token,
// which only says where an unresolvable token was made (token-creation-stacks.test.ts shows the
// output is the same either way). Each trace was a tenth of a synthesizing test file's time.
recordTokenCreationStacks(debugging());

export interface Condition {
  readonly condition: string;
  readonly error_message: string;
}

/**
 * A resource's or data source's body as synthesized (snake_case): Terraform's meta-arguments
 * typed, every provider argument `unknown` (tests read them with `expect`).
 */
export interface Block {
  readonly lifecycle?: {
    readonly precondition?: Condition[];
    readonly postcondition?: Condition[];
    readonly ignore_changes?: string[];
  };
  readonly depends_on?: string[];
  readonly count?: unknown;
  readonly for_each?: unknown;
  /** Arguments of a `terraform_remote_state` data source. */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly [argument: string]: unknown;
}

/** The block's `tags` as a map; fails the test when they are an expression instead. */
export function tagsOf(block: Block): Readonly<Record<string, string>> {
  const tags = block.tags;
  if (typeof tags !== 'object' || tags === null) throw new Error(`expected a tag map, got ${JSON.stringify(tags)}`);
  return tags as Readonly<Record<string, string>>;
}

/** A synthesized Terraform JSON document: the parts tests read, typed. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
  readonly output?: Record<string, { value: unknown; description?: string }>;
  readonly locals?: Record<string, unknown>;
  readonly provider?: Record<string, ProviderBlock[]>;
  readonly terraform?: {
    readonly backend?: Record<string, Block>;
    readonly required_providers?: Record<string, { source: string; version: string }>;
    readonly required_version?: string;
  };
  readonly variable?: Record<string, VariableBlock>;
  readonly check?: Record<string, { assert: Condition[] }>;
  readonly [key: string]: unknown;
}

export interface ProviderBlock {
  readonly region?: string;
  readonly default_tags?: { tags: Record<string, string> }[];
  readonly [argument: string]: unknown;
}

export interface VariableBlock {
  readonly type?: string;
  readonly default?: unknown;
  readonly description?: string;
  readonly nullable?: boolean;
  readonly validation?: Condition[];
}

/** What cdktf writes to `manifest.json` (the parts tests read). */
export interface CdktfManifest {
  readonly stacks: Record<string, { readonly dependencies: string[]; readonly workingDirectory: string }>;
}

/** Synthesizes whatever `build` adds to a bare test stack (with a provider) and parses it. */
export function synthConstruct(build: (scope: Construct) => void): TerraformJson {
  return JSON.parse(synthConstructText(build));
}

/** The same as Terraform JSON text, what CDKTF's matchers (`toHaveResourceWithProperties`…) read. */
export function synthConstructText(build: (scope: Construct) => void): string {
  return Testing.synthScope(build);
}

/** Every resource body of `type`, in the order of their logical ids. */
export function resourcesOfType(json: TerraformJson, type: string): Block[] {
  const group = json.resource?.[type] ?? {};
  return Object.keys(group)
    .sort()
    .map((id) => group[id]);
}

/** Logical ids of the resources of `type`. */
export function resourceIds(json: TerraformJson, type: string): string[] {
  return Object.keys(json.resource?.[type] ?? {}).sort();
}

/** The single resource of `type`; fails the test when there are none or several. */
export function onlyResource(json: TerraformJson, type: string): Block {
  const found = resourcesOfType(json, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0];
}

/** What every scenario adds for its forwarding hop: its rules are described "Port forwarding: …". */
export const isForwardingHopRule = (rule: Block): boolean => String(rule.description).startsWith('Port forwarding:');

/** The resources of `type` other than the forwarding hop's rules (which forwarding-hop.test.ts checks). */
export function exceptForwardingHop(json: TerraformJson, type: string): Block[] {
  return resourcesOfType(json, type).filter((rule) => !isForwardingHopRule(rule));
}

/** The single resource of `type` other than the forwarding hop's rules. */
export function onlyExceptForwardingHop(json: TerraformJson, type: string): Block {
  const found = exceptForwardingHop(json, type);
  if (found.length !== 1)
    throw new Error(`expected exactly one ${type} besides the forwarding hop, found ${found.length}`);
  return found[0];
}

/** `${aws_x.logical_id.attribute}` for the single resource of `type`. */
export function referenceTo(json: TerraformJson, type: string, attribute = 'id'): string {
  const ids = resourceIds(json, type);
  if (ids.length !== 1) throw new Error(`expected exactly one ${type}, found ${ids.length}`);
  return `\${${type}.${ids[0]}.${attribute}}`;
}

/** Resource types and how many of each a document declares. */
export function resourceCounts(json: TerraformJson): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [type, group] of Object.entries(json.resource ?? {})) counts[type] = Object.keys(group).length;
  return counts;
}

export interface SynthesizedLab {
  /** The outdir `app.synth()` wrote (a fresh temporary folder). */
  readonly outdir: string;
  /** Raw `cdk.tf.json` text per stack, exactly as written. */
  readonly raw: Record<string, string>;
  /** The same, parsed. */
  readonly stacks: Record<string, TerraformJson>;
}

/** How to synthesize: as `cdktf deploy` does, or as the offline review does. */
export interface SynthMode {
  readonly offlineReview?: boolean;
}

/**
 * Where the test files of one `jest` run share what they synthesize without an outdir: a folder
 * that jest-global-setup.js makes and removes. Outside such a run each file synthesizes for itself.
 */
export const SHARED_SYNTH_VARIABLE = 'JEST_SSM_LAB_SHARED_SYNTH';

const synthesized = new Map<string, SynthesizedLab>();

/**
 * The whole app as `app.synth()` writes it, cross-stack references resolved. With an outdir it is
 * written there, for the caller alone. Without one the result is shared, read-only, by every test
 * of the run that asks for the same configuration and mode (synth is deterministic): Jest runs each
 * file in a fresh module registry, so the first file to ask synthesizes and later files, in either
 * worker, read what it wrote.
 */
export function synthLab(config: LabConfig = loadConfig({}), outdir?: string, mode: SynthMode = {}): SynthesizedLab {
  if (outdir !== undefined) return synthInto(config, outdir, mode);
  const key = crypto
    .createHash('sha1')
    .update(JSON.stringify([config, mode]))
    .digest('hex');
  if (!synthesized.has(key)) synthesized.set(key, sharedSynth(key, config, mode));
  return synthesized.get(key)!;
}

function sharedSynth(key: string, config: LabConfig, mode: SynthMode): SynthesizedLab {
  const shared = process.env[SHARED_SYNTH_VARIABLE];
  if (!shared) return synthInto(config, fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-synth-')), mode);
  const outdir = path.join(shared, key);
  if (!fs.existsSync(outdir)) {
    // Written aside and renamed into place whole: a reader never sees half a synth. When the other
    // worker got there first, its folder stands and this one is dropped.
    const staging = fs.mkdtempSync(`${outdir}.staging-`);
    synthInto(config, staging, mode);
    try {
      fs.renameSync(staging, outdir);
    } catch (error) {
      if (!fs.existsSync(outdir)) throw error;
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  return readSynth(outdir);
}

function synthInto(config: LabConfig, outdir: string, mode: SynthMode): SynthesizedLab {
  fs.mkdirSync(outdir, { recursive: true });
  // Loaded here, not at the top: a file that reads a shared synth needs none of the stacks.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const app = new App({ outdir, stackTraces: false });
  if (mode.offlineReview)
    (
      require('../../tools/review/sources/offline-app') as typeof import('../../tools/review/sources/offline-app')
    ).addOfflineReviewStacks(app, config);
  else (require('../../stacks') as typeof import('../../stacks')).addLabStacks(app, config);
  /* eslint-enable @typescript-eslint/no-require-imports */
  app.synth();
  return readSynth(outdir);
}

/** Every stack's `cdk.tf.json` in a synthesized outdir. */
function readSynth(outdir: string): SynthesizedLab {
  const raw: Record<string, string> = {};
  const stacks: Record<string, TerraformJson> = {};
  for (const name of fs.readdirSync(path.join(outdir, 'stacks')).sort()) {
    raw[name] = fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8');
    stacks[name] = JSON.parse(raw[name]);
  }
  return { outdir, raw, stacks };
}

/** A configuration from `SSM_LAB_*` variables over the defaults. */
export function configWith(env: Record<string, string> = {}): LabConfig {
  return loadConfig(env);
}

/** Inputs that make the SSH baseline deployable. */
export const SSH_OPERATOR_ENV = {
  SSM_LAB_SSH_ALLOWED_CIDRS: '203.0.113.7/32,198.51.100.0/24',
  SSM_LAB_SSH_PUBLIC_KEY: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBKfakekeyfortestsonlyAAAAAAAAAAAAAAAAAAAA lab@example',
};

/**
 * A network ACL entry written inline (`aws_network_acl.ingress`/`egress`) for IPv4, with every
 * attribute the provider's JSON form asks for.
 */
export function inlineAclEntry(
  rule_no: number,
  action: 'allow' | 'deny',
  protocol: string,
  from_port: number,
  to_port: number,
  cidr_block = '0.0.0.0/0',
) {
  return {
    rule_no,
    action,
    protocol,
    cidr_block,
    from_port,
    to_port,
    icmp_code: 0,
    icmp_type: 0,
    ipv6_cidr_block: null,
  };
}

/** The stacks the default app synthesizes, in the order `app.synth()` writes their folders. */
export const DEFAULT_STACKS: readonly string[] = [
  'lab-eice',
  'lab-network',
  'lab-ssh',
  'lab-ssm-endpoint',
  'lab-ssm-nat',
  'lab-ssm-public',
  'ssm-endpoints',
];
