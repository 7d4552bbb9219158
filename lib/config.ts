/**
 * The lab's one typed configuration: built-in defaults, overridable by `SSM_LAB_*` environment
 * variables, validated before any construct exists so that a bad value never half-writes
 * `cdktf.out`. Each setting is one entry of {@link SETTINGS_TABLE}: its variable, default, parser
 * and one-line doc. `LabConfig`'s type, the loader and the settings table of docs/settings.md all come from it.
 */
import { cidrContains, cidrsOverlap, Ipv4Cidr, parseIpv4Cidr } from './cidr';
import {
  ALL_SESSION_MANAGER_SERVICES,
  DEFAULT_SESSION_MANAGER_SERVICES,
  isSessionManagerService,
  REQUIRED_SESSION_MANAGER_SERVICES,
  SessionManagerService,
} from './endpoint-services';
import { Acknowledgement, ACKNOWLEDGEMENT_EXPECTED, parseAcknowledgement } from './guardrails';
import { architectureOfInstanceType, InstanceArchitecture } from './instance-architecture';
import { LOG_RETENTION_DAYS } from './session-audit-facts';

/** A setting with a bad value. The message is one line: setting, value, what is expected. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly value: string,
    readonly expected: string,
  ) {
    super(`${setting}=${JSON.stringify(value)} is invalid: expected ${expected}`);
    this.name = 'ConfigError';
  }
}

/** What a setting's parser and default may use: the settings before it, and a way to refuse a value. */
export interface SettingContext<Earlier> {
  /** Values of the settings listed before this one. */
  readonly earlier: Earlier;
  /** Refuses this setting's value (`shown` replaces a value too long to print). */
  invalid(expected: string, shown?: string): never;
  /** Refuses the value of another setting, by its key in the table. */
  invalidOther(key: string, value: string, expected: string): never;
}

/** One row of the settings table. */
export interface Setting<T, Earlier> {
  /** The environment variable. */
  readonly variable: `SSM_LAB_${string}`;
  /** The one-line meaning docs/settings.md gives. */
  readonly doc: string;
  /**
   * The default as docs/settings.md shows it.
   * @default the default text as code, or "none" for an optional setting
   */
  readonly defaultDoc?: string;
  /**
   * Used when the variable is unset or blank: a text parsed exactly like a value the user set (so
   * a default is checked against the other settings too), or a value from the earlier settings.
   * @default undefined (the setting is optional)
   */
  readonly default?: string | ((context: SettingContext<Earlier>) => T);
  /** The value of a set variable (trimmed, never empty); `context.invalid(expected)` refuses it. */
  parse(text: string, context: SettingContext<Earlier>): T;
}

/** A row as the table stores it: its parser reads the earlier values, whatever their type. */
interface Row {
  readonly key: string;
  readonly setting: Setting<unknown, object>;
}

/**
 * An ordered table of settings whose type grows with each {@link SettingsTable.add}: a setting's
 * parser sees the typed values of the settings before it (the cross-field rules), nothing else.
 */
export class SettingsTable<Values extends object = Record<never, never>> {
  private constructor(readonly rows: readonly Row[]) {}

  static empty(): SettingsTable {
    return new SettingsTable([]);
  }

  add<K extends string, T>(key: K, setting: Setting<T, Values>): SettingsTable<Values & { readonly [P in K]: T }> {
    // Stored type-erased: read() hands each parser exactly the earlier values its type promises.
    return new SettingsTable([...this.rows, { key, setting: setting as unknown as Setting<unknown, object> }]);
  }

  /** Every variable of the table, in table order. */
  get variables(): string[] {
    return this.rows.map((row) => row.setting.variable);
  }

  /** Reads every setting in order; throws {@link ConfigError} on the first bad value. */
  read(env: Env): Values {
    const values: Record<string, unknown> = {};
    for (const { key, setting } of this.rows) {
      const raw = env[setting.variable]?.trim();
      const given = raw === undefined || raw === '' ? undefined : raw;
      const text = given ?? (typeof setting.default === 'string' ? setting.default : undefined);
      const context: SettingContext<object> = {
        earlier: values,
        invalid: (expected, shown) => {
          throw new ConfigError(setting.variable, shown ?? text ?? '', expected);
        },
        invalidOther: (otherKey, value, expected) => {
          throw new ConfigError(this.variableOf(otherKey), value, expected);
        },
      };
      values[key] =
        text !== undefined
          ? setting.parse(text, context)
          : typeof setting.default === 'function'
            ? setting.default(context)
            : undefined;
    }
    return values as Values;
  }

  variableOf(key: string): string {
    const row = this.rows.find((candidate) => candidate.key === key);
    if (!row) throw new Error(`no setting "${key}" in the settings table`);
    return row.setting.variable;
  }

  /** The docs' table: variable, default, meaning — of every setting, or of these variables in this order. */
  markdown(variables?: readonly string[]): string {
    const rows = variables
      ? variables.map((variable) => {
          const row = this.rows.find(({ setting }) => setting.variable === variable);
          if (!row) throw new Error(`${variable} is no setting of the table`);
          return row;
        })
      : this.rows;
    return [
      '| variable | default | meaning |',
      '|---|---|---|',
      ...rows.map(({ setting }) => `| \`${setting.variable}\` | ${defaultDocOf(setting)} | ${setting.doc} |`),
    ].join('\n');
  }
}

function defaultDocOf(setting: Setting<unknown, object>): string {
  if (setting.defaultDoc !== undefined) return setting.defaultDoc;
  if (typeof setting.default === 'string') return `\`${setting.default}\``;
  if (setting.default === undefined) return 'none';
  throw new Error(`${setting.variable}: a computed default needs a defaultDoc for docs/settings.md`);
}

/** AWS region names; also the ssm-endpoints stack's Terraform validation of `region`. */
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const AMI_PATTERN = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
const KEY_NAME_PATTERN = /^[\x20-\x7e]{1,255}$/;
const PUBLIC_KEY_PATTERN = /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( .*)?$/;
const LAB_NAME_PATTERN = /^[a-z][a-z0-9-]{1,19}$/;
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KEY_PREFIX_PATTERN = /^[A-Za-z0-9!_.*'()/-]{1,200}$/;
const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

type Env = Readonly<Record<string, string | undefined>>;

const code = (text: string) => `\`${text}\``;

/** An IPv4 CIDR block with no host bits set. */
function cidr(text: string, context: SettingContext<unknown>): Ipv4Cidr {
  return parseIpv4Cidr(text) ?? context.invalid('an IPv4 CIDR block with no host bits set, such as 10.0.0.0/16');
}

function vpcCidr(text: string, context: SettingContext<unknown>): string {
  const parsed = cidr(text, context);
  if (parsed.prefix < 16 || parsed.prefix > 28) context.invalid('a VPC block between /16 and /28 (an AWS limit)');
  return parsed.text;
}

/** Cross-field: a subnet lies inside its VPC (named by its table key). */
function subnetCidr(text: string, context: SettingContext<unknown>, vpcCidrText: string, vpcKey: string): Ipv4Cidr {
  const parsed = cidr(text, context);
  const vpc = parseIpv4Cidr(vpcCidrText)!;
  if (!cidrContains(vpc, parsed)) context.invalid(`a subnet inside ${SETTINGS_TABLE.variableOf(vpcKey)}=${vpc.text}`);
  if (parsed.prefix > 28) context.invalid('a subnet of /28 or larger (an AWS limit)');
  return parsed;
}

/** Cross-field: an Availability Zone of the configured region. */
function availabilityZone(text: string, context: SettingContext<{ readonly region: string }>): string {
  const { region } = context.earlier;
  if (!/^[a-z]$/.test(text.slice(region.length)) || !text.startsWith(region)) {
    context.invalid(`an Availability Zone of ${region}, such as ${region}a`);
  }
  return text;
}

function boolean(text: string, context: SettingContext<unknown>): boolean {
  if (['true', '1', 'yes', 'on'].includes(text.toLowerCase())) return true;
  if (['false', '0', 'no', 'off'].includes(text.toLowerCase())) return false;
  return context.invalid('true or false');
}

/**
 * Every setting, in the order docs/settings.md lists them and the loader reads them. Adding a setting is
 * adding one `.add(…)` here; a parser refers to earlier settings only for a cross-field rule.
 */
export const SETTINGS_TABLE = SettingsTable.empty()
  .add('region', {
    variable: 'SSM_LAB_REGION',
    doc: 'region of every stack',
    default: 'ap-northeast-1',
    parse: (text, context) =>
      REGION_PATTERN.test(text) ? text : context.invalid('an AWS region name such as ap-northeast-1'),
  })
  .add('vpc1Cidr', {
    variable: 'SSM_LAB_VPC1_CIDR',
    doc: 'VPC 1 (/16–/28)',
    default: '10.0.0.0/16',
    parse: vpcCidr,
  })
  .add('publicSubnetCidr', {
    variable: 'SSM_LAB_PUBLIC_SUBNET_CIDR',
    doc: 'public subnet, inside VPC 1',
    default: '10.0.1.0/24',
    parse: (text, context) => subnetCidr(text, context, context.earlier.vpc1Cidr, 'vpc1Cidr').text,
  })
  .add('privateSubnet1Cidr', {
    variable: 'SSM_LAB_PRIVATE_SUBNET1_CIDR',
    doc: 'private subnet 1, inside VPC 1, not overlapping the public subnet',
    default: '10.0.2.0/24',
    parse: (text, context) => {
      const parsed = subnetCidr(text, context, context.earlier.vpc1Cidr, 'vpc1Cidr');
      if (cidrsOverlap(parseIpv4Cidr(context.earlier.publicSubnetCidr)!, parsed)) {
        context.invalid(
          `a block that does not overlap ${SETTINGS_TABLE.variableOf('publicSubnetCidr')}=${context.earlier.publicSubnetCidr}`,
        );
      }
      return parsed.text;
    },
  })
  .add('vpc1AvailabilityZone', {
    variable: 'SSM_LAB_VPC1_AZ',
    defaultDoc: code('<region>a'),
    doc: "Availability Zone of VPC 1's subnets",
    // As the reference template places VPC 1.
    default: (context) => availabilityZone(`${context.earlier.region}a`, context),
    parse: availabilityZone,
  })
  .add('vpc2Cidr', {
    variable: 'SSM_LAB_VPC2_CIDR',
    doc: 'VPC 2',
    default: '10.1.0.0/16',
    parse: vpcCidr,
  })
  .add('privateSubnet2Cidr', {
    variable: 'SSM_LAB_PRIVATE_SUBNET2_CIDR',
    doc: 'private subnet 2, inside VPC 2',
    default: '10.1.3.0/24',
    parse: (text, context) => subnetCidr(text, context, context.earlier.vpc2Cidr, 'vpc2Cidr').text,
  })
  .add('vpc2AvailabilityZone', {
    variable: 'SSM_LAB_VPC2_AZ',
    defaultDoc: code('<region>c'),
    doc: 'Availability Zone of private subnet 2',
    default: (context) => availabilityZone(`${context.earlier.region}c`, context),
    parse: availabilityZone,
  })
  .add('instanceType', {
    variable: 'SSM_LAB_INSTANCE_TYPE',
    doc: 'instance type of every instance (the five scenarios and the two forwarding targets)',
    default: 't4g.nano',
    parse: (text) => text,
  })
  .add('instanceArchitecture', {
    variable: 'SSM_LAB_INSTANCE_ARCH',
    defaultDoc: 'inferred from the type',
    doc: '`arm64` or `x86_64`; needed only for types it cannot infer',
    // Cross-field: inferred from the instance type, which is refused when it cannot be read.
    default: ({ earlier, invalidOther }): InstanceArchitecture =>
      architectureOfInstanceType(earlier.instanceType) ??
      invalidOther(
        'instanceType',
        earlier.instanceType,
        'an EC2 instance type such as t4g.nano (arm64) or t3.micro (x86_64); for other names also set SSM_LAB_INSTANCE_ARCH',
      ),
    parse: (text, context): InstanceArchitecture =>
      text === InstanceArchitecture.ARM64 || text === InstanceArchitecture.X86_64
        ? text
        : context.invalid('arm64 or x86_64'),
  })
  .add('amiId', {
    variable: 'SSM_LAB_AMI_ID',
    defaultDoc: 'latest Amazon Linux 2023',
    doc: 'pin an AMI (`ami-…`); unset reads `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-<arch>` at plan time',
    parse: (text, context): string | undefined =>
      AMI_PATTERN.test(text) ? text : context.invalid('an AMI id such as ami-0123456789abcdef0'),
  })
  .add('rootVolumeGiB', {
    variable: 'SSM_LAB_ROOT_VOLUME_GIB',
    doc: 'root volume size (encrypted gp3)',
    default: '8',
    parse: (text, context) => {
      // Decimal digits only: Number() would also take 0x10, 1e1 or 0b1000.
      const size = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
      if (!Number.isInteger(size) || size < 8 || size > 16384)
        context.invalid('a whole number of GiB from 8 (the AMI snapshot) to 16384');
      return size;
    },
  })
  .add('endpointServices', {
    variable: 'SSM_LAB_ENDPOINT_SERVICES',
    doc: 'Interface endpoints of `lab-ssm-endpoint`; add `ec2messages` for agents older than 3.3.40',
    default: DEFAULT_SESSION_MANAGER_SERVICES.join(','),
    parse: (text, context): readonly SessionManagerService[] => {
      const expected = `a comma-separated subset of ${ALL_SESSION_MANAGER_SERVICES.join(', ')} including ${REQUIRED_SESSION_MANAGER_SERVICES.join(' and ')}`;
      const services = splitList(text);
      for (const service of services) if (!isSessionManagerService(service)) context.invalid(expected, service);
      const chosen = new Set(services);
      if (!REQUIRED_SESSION_MANAGER_SERVICES.every((service) => chosen.has(service))) context.invalid(expected);
      // Stable order whatever order the user typed, so synth stays byte-identical.
      return ALL_SESSION_MANAGER_SERVICES.filter((service) => chosen.has(service));
    },
  })
  .add('sshAllowedCidrs', {
    variable: 'SSM_LAB_SSH_ALLOWED_CIDRS',
    defaultDoc: 'none',
    doc: 'comma-separated sources for tcp/22 on instance 1; required to deploy `lab-ssh`',
    default: (): readonly string[] => [],
    parse: (text, context): readonly string[] =>
      splitList(text).map(
        (item) =>
          parseIpv4Cidr(item)?.text ?? context.invalid('comma-separated IPv4 CIDRs such as 203.0.113.7/32', item),
      ),
  })
  .add('sshKeyName', {
    variable: 'SSM_LAB_SSH_KEY_NAME',
    doc: 'existing EC2 key pair for instance 1',
    parse: (text, context): string | undefined =>
      KEY_NAME_PATTERN.test(text)
        ? text
        : context.invalid('the name of an existing EC2 key pair (printable ASCII, at most 255)'),
  })
  .add('sshPublicKey', {
    variable: 'SSM_LAB_SSH_PUBLIC_KEY',
    doc: 'OpenSSH public key line; `lab-network` imports it as key pair `<lab name>-ssh` (use this or the key name)',
    parse: (text, context): string | undefined => {
      if (!PUBLIC_KEY_PATTERN.test(text)) {
        context.invalid(
          'an OpenSSH public key line (ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp*), e.g. "$(cat ~/.ssh/id_ed25519.pub)"',
          abbreviate(text),
        );
      }
      // Cross-field: one key, not two.
      if (context.earlier.sshKeyName !== undefined) {
        context.invalid(
          `to be unset when ${SETTINGS_TABLE.variableOf('sshKeyName')} is set (choose one key)`,
          abbreviate(text),
        );
      }
      return text;
    },
  })
  .add('sshOverSessionManager', {
    variable: 'SSM_LAB_SSH_OVER_SSM',
    doc: 'give the Session Manager instances the key pair for [SSH through Session Manager](scenarios.md#ssh-through-session-manager)',
    default: 'false',
    parse: (text, context) => {
      const on = boolean(text, context);
      // Cross-field: ssh through Session Manager still needs a key pair.
      if (on && context.earlier.sshKeyName === undefined && context.earlier.sshPublicKey === undefined) {
        context.invalid(
          `${SETTINGS_TABLE.variableOf('sshKeyName')} or ${SETTINGS_TABLE.variableOf('sshPublicKey')} as well: ssh through Session Manager still needs a key pair`,
        );
      }
      return on;
    },
  })
  .add('sessionAudit', {
    variable: 'SSM_LAB_SESSION_AUDIT',
    doc: "add `lab-session-audit` (KMS key, encrypted log group, the lab's Session document) and connect through it: every session logged and encrypted",
    default: 'false',
    parse: boolean,
  })
  .add('sessionLogDays', {
    variable: 'SSM_LAB_SESSION_LOG_DAYS',
    doc: 'days CloudWatch Logs keeps session transcripts (with the session audit)',
    default: '7',
    parse: (text, context) => {
      const days = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
      if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
        context.invalid(`a retention CloudWatch Logs accepts, in days: ${LOG_RETENTION_DAYS.join(', ')}`);
      }
      return days;
    },
  })
  .add('labName', {
    variable: 'SSM_LAB_NAME',
    doc: 'lab name: prefix of resource names, `Lab` tag, state files and keys',
    default: 'ssm-lab',
    parse: (text, context) =>
      LAB_NAME_PATTERN.test(text)
        ? text
        : context.invalid('a lab name of 2-20 lowercase letters, digits or -, starting with a letter'),
  })
  .add('prefixStackNames', {
    variable: 'SSM_LAB_PREFIX_STACK_NAMES',
    doc: 'also prefix the stack names with the lab name',
    default: 'false',
    parse: boolean,
  })
  .add('stateBucket', {
    variable: 'SSM_LAB_STATE_BUCKET',
    defaultDoc: 'none (local state)',
    doc: "S3 bucket for every stack's state",
    parse: (text, context): string | undefined =>
      BUCKET_PATTERN.test(text) && !text.includes('..')
        ? text
        : context.invalid('an S3 bucket name (3-63 lowercase letters, digits, dots or hyphens)'),
  })
  .add('stateKeyPrefix', {
    variable: 'SSM_LAB_STATE_KEY_PREFIX',
    defaultDoc: code('ssm-access-lab'),
    doc: 'S3 key prefix (needs the bucket)',
    default: () => 'ssm-access-lab',
    parse: (text, context) => {
      if (!KEY_PREFIX_PATTERN.test(text) || text.startsWith('/') || text.endsWith('/')) {
        context.invalid('an S3 key prefix such as teams/network (no leading or trailing /)');
      }
      // Cross-field: only S3 state has a key prefix.
      if (context.earlier.stateBucket === undefined)
        context.invalid(`${SETTINGS_TABLE.variableOf('stateBucket')} to be set too (it only applies to S3 state)`);
      return text;
    },
  })
  .add('stateRegion', {
    variable: 'SSM_LAB_STATE_REGION',
    defaultDoc: code('SSM_LAB_REGION'),
    doc: 'region of the bucket',
    default: ({ earlier }) => earlier.region,
    parse: (text, context) => {
      if (!REGION_PATTERN.test(text)) context.invalid('the AWS region of the state bucket, such as ap-northeast-1');
      // Cross-field: only S3 state has a region of its own.
      if (context.earlier.stateBucket === undefined)
        context.invalid(`${SETTINGS_TABLE.variableOf('stateBucket')} to be set too (it only applies to S3 state)`);
      return text;
    },
  })
  .add('acknowledgements', {
    variable: 'SSM_LAB_ACKNOWLEDGE',
    defaultDoc: 'none',
    doc: 'guardrail findings accepted on purpose: `RULE-ID@stack=reason;…`',
    default: (): readonly Acknowledgement[] => [],
    parse: (text, context): readonly Acknowledgement[] =>
      text
        .split(';')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '')
        .map((entry) => parseAcknowledgement(entry) ?? context.invalid(ACKNOWLEDGEMENT_EXPECTED, entry)),
  })
  .add('projectTag', {
    variable: 'SSM_LAB_PROJECT_TAG',
    doc: '`Project` tag on every resource',
    default: 'ssm-access-lab',
    parse: (text, context) =>
      TAG_PATTERN.test(text) ? text : context.invalid('a tag value of 1-256 letters, digits, spaces or _.:/=+-@'),
  });

/** Every setting's value, typed by the table. */
export type LabSettings = ReturnType<typeof SETTINGS_TABLE.read>;

export interface S3StateConfig {
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly region: string;
}

/** The settings plus what follows from them. */
export interface LabConfig extends LabSettings {
  /** AWS partition of the region (`aws`, `aws-cn`, `aws-us-gov`). */
  readonly partition: string;
  /** Shared state in S3; `undefined` keeps local state files. */
  readonly stateBackend?: S3StateConfig;
}

/** Setting key → its environment variable, e.g. `SETTINGS.region` is `SSM_LAB_REGION`. */
export const SETTINGS = Object.fromEntries(SETTINGS_TABLE.rows.map(({ key, setting }) => [key, setting.variable])) as {
  readonly [K in keyof LabSettings]: string;
};

export interface LoadOptions {
  /** `SSM_LAB_*` variables that tools around the app read; not an error here. */
  readonly otherVariables?: readonly string[];
}

/** Reads and validates the configuration. Throws {@link ConfigError} on the first bad value. */
export function loadConfig(env: Env = process.env, options: LoadOptions = {}): LabConfig {
  rejectUnknownSettings(env, [...SETTINGS_TABLE.variables, ...(options.otherVariables ?? [])]);
  const settings = SETTINGS_TABLE.read(env);
  const { stateBucket, stateKeyPrefix, stateRegion } = settings;
  return {
    ...settings,
    partition: partitionOf(settings.region),
    stateBackend:
      stateBucket === undefined ? undefined : { bucket: stateBucket, keyPrefix: stateKeyPrefix, region: stateRegion },
  };
}

/** The configuration with every default. */
export const DEFAULTS: LabConfig = loadConfig({});

function rejectUnknownSettings(env: Env, known: readonly string[]): void {
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith('SSM_LAB_') && !known.includes(name)) {
      const suggestion = closest(name, known);
      const expected = suggestion
        ? `a known setting (did you mean ${suggestion}?)`
        : 'a known setting (see the table in docs/settings.md)';
      throw new ConfigError(name, env[name] ?? '', expected);
    }
  }
}

/** The known name nearest to a typo, by edit distance; none when nothing is reasonably close. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  // Beyond a third of the name's own part (after SSM_LAB_) the "suggestion" would be a guess.
  return bestDistance <= Math.max(2, Math.floor((name.length - 'SSM_LAB_'.length) / 3)) ? best : undefined;
}

/** Optimal string alignment distance: inserts, deletes, substitutions and adjacent swaps (REGOIN → REGION) cost 1. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function abbreviate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}...` : value;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
