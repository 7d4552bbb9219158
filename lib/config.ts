/**
 * The lab's one typed configuration: built-in defaults, overridable by `SSM_LAB_*` environment
 * variables, validated before any construct exists so that a bad value never half-writes
 * `cdktf.out`.
 */
import { cidrContains, cidrsOverlap, Ipv4Cidr, parseIpv4Cidr } from './cidr';
import {
  ALL_SESSION_MANAGER_SERVICES,
  DEFAULT_SESSION_MANAGER_SERVICES,
  isSessionManagerService,
  SessionManagerService,
} from './endpoint-services';
import { Acknowledgement, ACKNOWLEDGEMENT_EXPECTED, parseAcknowledgement } from './guardrails';
import { architectureOfInstanceType, InstanceArchitecture } from './instance-architecture';

export interface LabConfig {
  /** AWS region of every lab stack. */
  readonly region: string;
  /** AWS partition of that region (`aws`, `aws-cn`, `aws-us-gov`). */
  readonly partition: string;
  /** Value of the `Project` tag on every resource. */
  readonly projectTag: string;
  readonly vpc1Cidr: string;
  readonly publicSubnetCidr: string;
  readonly privateSubnet1Cidr: string;
  readonly vpc1AvailabilityZone: string;
  readonly vpc2Cidr: string;
  readonly privateSubnet2Cidr: string;
  readonly vpc2AvailabilityZone: string;
  readonly instanceType: string;
  readonly instanceArchitecture: InstanceArchitecture;
  /** Pinned AMI id; `undefined` resolves the latest Amazon Linux 2023 at plan time. */
  readonly amiId?: string;
  readonly rootVolumeGiB: number;
  /** Interface endpoints created by `lab-ssm-endpoint`. */
  readonly endpointServices: readonly SessionManagerService[];
  /** Sources allowed to reach tcp/22 of the SSH baseline; empty until the operator sets them. */
  readonly sshAllowedCidrs: readonly string[];
  /** Existing EC2 key pair for the SSH baseline. */
  readonly sshKeyName?: string;
  /** OpenSSH public key; lab-network imports it as a key pair. */
  readonly sshPublicKey?: string;
  /** Give the Session Manager instances the key pair too, for `ssh` through Session Manager (port 22 stays closed). */
  readonly sshOverSessionManager: boolean;
  /** Prefix of resource names, tags and state keys, so several labs share an account and region. */
  readonly labName: string;
  /** Prefix the stack names with the lab name as well. */
  readonly prefixStackNames: boolean;
  /** Shared state in S3; `undefined` keeps local state files. */
  readonly stateBackend?: S3StateConfig;
  /** Guardrail findings accepted on purpose, each with a reason. */
  readonly acknowledgements: readonly Acknowledgement[];
}

export interface S3StateConfig {
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly region: string;
}


/** One environment variable per setting; the README documents the same table. */
export const SETTINGS = {
  region: 'SSM_LAB_REGION',
  projectTag: 'SSM_LAB_PROJECT_TAG',
  vpc1Cidr: 'SSM_LAB_VPC1_CIDR',
  publicSubnetCidr: 'SSM_LAB_PUBLIC_SUBNET_CIDR',
  privateSubnet1Cidr: 'SSM_LAB_PRIVATE_SUBNET1_CIDR',
  vpc1AvailabilityZone: 'SSM_LAB_VPC1_AZ',
  vpc2Cidr: 'SSM_LAB_VPC2_CIDR',
  privateSubnet2Cidr: 'SSM_LAB_PRIVATE_SUBNET2_CIDR',
  vpc2AvailabilityZone: 'SSM_LAB_VPC2_AZ',
  instanceType: 'SSM_LAB_INSTANCE_TYPE',
  instanceArchitecture: 'SSM_LAB_INSTANCE_ARCH',
  amiId: 'SSM_LAB_AMI_ID',
  rootVolumeGiB: 'SSM_LAB_ROOT_VOLUME_GIB',
  endpointServices: 'SSM_LAB_ENDPOINT_SERVICES',
  sshAllowedCidrs: 'SSM_LAB_SSH_ALLOWED_CIDRS',
  sshKeyName: 'SSM_LAB_SSH_KEY_NAME',
  sshPublicKey: 'SSM_LAB_SSH_PUBLIC_KEY',
  sshOverSessionManager: 'SSM_LAB_SSH_OVER_SSM',
  labName: 'SSM_LAB_NAME',
  prefixStackNames: 'SSM_LAB_PREFIX_STACK_NAMES',
  stateBucket: 'SSM_LAB_STATE_BUCKET',
  stateKeyPrefix: 'SSM_LAB_STATE_KEY_PREFIX',
  stateRegion: 'SSM_LAB_STATE_REGION',
  acknowledgements: 'SSM_LAB_ACKNOWLEDGE',
} as const;

/** Variables read by tools around the app rather than by the app's stacks. */
const TOOL_VARIABLES = ['SSM_LAB_TF_PROVIDER_MIRROR', 'SSM_LAB_DEBUG', 'SSM_LAB_REVIEW_DIR'];

export const DEFAULTS = {
  region: 'ap-northeast-1',
  projectTag: 'ssm-access-lab',
  vpc1Cidr: '10.0.0.0/16',
  publicSubnetCidr: '10.0.1.0/24',
  privateSubnet1Cidr: '10.0.2.0/24',
  /** Appended to the region, as the reference template places VPC 1. */
  vpc1AzSuffix: 'a',
  vpc2Cidr: '10.1.0.0/16',
  privateSubnet2Cidr: '10.1.3.0/24',
  vpc2AzSuffix: 'c',
  instanceType: 't4g.nano',
  rootVolumeGiB: 8,
  endpointServices: DEFAULT_SESSION_MANAGER_SERVICES,
  labName: 'ssm-lab',
  stateKeyPrefix: 'ssm-access-lab',
} as const;

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

/** Reads and validates the configuration. Throws {@link ConfigError} on the first bad value. */
export function loadConfig(env: Env = process.env): LabConfig {
  rejectUnknownSettings(env);
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  const region = read(SETTINGS.region) ?? DEFAULTS.region;
  if (!REGION_PATTERN.test(region)) {
    throw new ConfigError(SETTINGS.region, region, 'an AWS region name such as ap-northeast-1');
  }

  const projectTag = read(SETTINGS.projectTag) ?? DEFAULTS.projectTag;
  if (!TAG_PATTERN.test(projectTag)) {
    throw new ConfigError(SETTINGS.projectTag, projectTag, 'a tag value of 1-256 letters, digits, spaces or _.:/=+-@');
  }

  const cidr = (name: string, fallback: string): Ipv4Cidr => {
    const text = read(name) ?? fallback;
    const parsed = parseIpv4Cidr(text);
    if (!parsed) throw new ConfigError(name, text, 'an IPv4 CIDR block with no host bits set, such as 10.0.0.0/16');
    return parsed;
  };
  const vpcCidr = (name: string, fallback: string): Ipv4Cidr => {
    const parsed = cidr(name, fallback);
    if (parsed.prefix < 16 || parsed.prefix > 28) {
      throw new ConfigError(name, parsed.text, 'a VPC block between /16 and /28 (an AWS limit)');
    }
    return parsed;
  };
  const subnetCidr = (name: string, fallback: string, vpc: Ipv4Cidr, vpcSetting: string): Ipv4Cidr => {
    const parsed = cidr(name, fallback);
    if (!cidrContains(vpc, parsed)) {
      throw new ConfigError(name, parsed.text, `a subnet inside ${vpcSetting}=${vpc.text}`);
    }
    if (parsed.prefix > 28) throw new ConfigError(name, parsed.text, 'a subnet of /28 or larger (an AWS limit)');
    return parsed;
  };

  const vpc1 = vpcCidr(SETTINGS.vpc1Cidr, DEFAULTS.vpc1Cidr);
  const publicSubnet = subnetCidr(SETTINGS.publicSubnetCidr, DEFAULTS.publicSubnetCidr, vpc1, SETTINGS.vpc1Cidr);
  const privateSubnet1 = subnetCidr(SETTINGS.privateSubnet1Cidr, DEFAULTS.privateSubnet1Cidr, vpc1, SETTINGS.vpc1Cidr);
  if (cidrsOverlap(publicSubnet, privateSubnet1)) {
    throw new ConfigError(
      SETTINGS.privateSubnet1Cidr,
      privateSubnet1.text,
      `a block that does not overlap ${SETTINGS.publicSubnetCidr}=${publicSubnet.text}`,
    );
  }
  const vpc2 = vpcCidr(SETTINGS.vpc2Cidr, DEFAULTS.vpc2Cidr);
  const privateSubnet2 = subnetCidr(SETTINGS.privateSubnet2Cidr, DEFAULTS.privateSubnet2Cidr, vpc2, SETTINGS.vpc2Cidr);

  const availabilityZone = (name: string, suffix: string): string => {
    const zone = read(name) ?? `${region}${suffix}`;
    if (!/^[a-z]$/.test(zone.slice(region.length)) || !zone.startsWith(region)) {
      throw new ConfigError(name, zone, `an Availability Zone of ${region}, such as ${region}a`);
    }
    return zone;
  };
  const vpc1AvailabilityZone = availabilityZone(SETTINGS.vpc1AvailabilityZone, DEFAULTS.vpc1AzSuffix);
  const vpc2AvailabilityZone = availabilityZone(SETTINGS.vpc2AvailabilityZone, DEFAULTS.vpc2AzSuffix);

  const instanceType = read(SETTINGS.instanceType) ?? DEFAULTS.instanceType;
  const inferred = architectureOfInstanceType(instanceType);
  const architectureSetting = read(SETTINGS.instanceArchitecture);
  let instanceArchitecture: InstanceArchitecture;
  if (architectureSetting !== undefined) {
    if (architectureSetting !== InstanceArchitecture.ARM64 && architectureSetting !== InstanceArchitecture.X86_64) {
      throw new ConfigError(SETTINGS.instanceArchitecture, architectureSetting, 'arm64 or x86_64');
    }
    instanceArchitecture = architectureSetting;
  } else if (inferred) {
    instanceArchitecture = inferred;
  } else {
    throw new ConfigError(
      SETTINGS.instanceType,
      instanceType,
      `an EC2 instance type such as t4g.nano (arm64) or t3.micro (x86_64); for other names also set ${SETTINGS.instanceArchitecture}`,
    );
  }

  const amiId = read(SETTINGS.amiId);
  if (amiId !== undefined && !AMI_PATTERN.test(amiId)) {
    throw new ConfigError(SETTINGS.amiId, amiId, 'an AMI id such as ami-0123456789abcdef0');
  }

  const volumeText = read(SETTINGS.rootVolumeGiB);
  // Decimal digits only: Number() would also take 0x10, 1e1 or 0b1000.
  const rootVolumeGiB = volumeText === undefined ? DEFAULTS.rootVolumeGiB : /^\d{1,6}$/.test(volumeText) ? Number(volumeText) : NaN;
  if (!Number.isInteger(rootVolumeGiB) || rootVolumeGiB < 8 || rootVolumeGiB > 16384) {
    throw new ConfigError(SETTINGS.rootVolumeGiB, volumeText ?? '', 'a whole number of GiB from 8 (the AMI snapshot) to 16384');
  }

  const endpointServices = parseEndpointServices(read(SETTINGS.endpointServices));

  const sshAllowedCidrs = splitList(read(SETTINGS.sshAllowedCidrs)).map((text) => {
    const parsed = parseIpv4Cidr(text);
    if (!parsed) {
      throw new ConfigError(SETTINGS.sshAllowedCidrs, text, 'comma-separated IPv4 CIDRs such as 203.0.113.7/32');
    }
    return parsed.text;
  });

  const sshKeyName = read(SETTINGS.sshKeyName);
  if (sshKeyName !== undefined && !KEY_NAME_PATTERN.test(sshKeyName)) {
    throw new ConfigError(SETTINGS.sshKeyName, sshKeyName, 'the name of an existing EC2 key pair (printable ASCII, at most 255)');
  }
  const sshPublicKey = read(SETTINGS.sshPublicKey);
  if (sshPublicKey !== undefined && !PUBLIC_KEY_PATTERN.test(sshPublicKey)) {
    throw new ConfigError(
      SETTINGS.sshPublicKey,
      abbreviate(sshPublicKey),
      'an OpenSSH public key line (ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp*), e.g. "$(cat ~/.ssh/id_ed25519.pub)"',
    );
  }
  if (sshKeyName !== undefined && sshPublicKey !== undefined) {
    throw new ConfigError(SETTINGS.sshPublicKey, abbreviate(sshPublicKey), `to be unset when ${SETTINGS.sshKeyName} is set (choose one key)`);
  }

  const sshOverSessionManager = parseBoolean(SETTINGS.sshOverSessionManager, read(SETTINGS.sshOverSessionManager));
  if (sshOverSessionManager && sshKeyName === undefined && sshPublicKey === undefined) {
    throw new ConfigError(
      SETTINGS.sshOverSessionManager,
      'true',
      `${SETTINGS.sshKeyName} or ${SETTINGS.sshPublicKey} as well: ssh through Session Manager still needs a key pair`,
    );
  }

  const labName = read(SETTINGS.labName) ?? DEFAULTS.labName;
  if (!LAB_NAME_PATTERN.test(labName)) {
    throw new ConfigError(SETTINGS.labName, labName, 'a lab name of 2-20 lowercase letters, digits or -, starting with a letter');
  }
  const prefixStackNames = parseBoolean(SETTINGS.prefixStackNames, read(SETTINGS.prefixStackNames));

  const bucket = read(SETTINGS.stateBucket);
  if (bucket !== undefined && (!BUCKET_PATTERN.test(bucket) || bucket.includes('..'))) {
    throw new ConfigError(SETTINGS.stateBucket, bucket, 'an S3 bucket name (3-63 lowercase letters, digits, dots or hyphens)');
  }
  const keyPrefix = read(SETTINGS.stateKeyPrefix) ?? DEFAULTS.stateKeyPrefix;
  if (!KEY_PREFIX_PATTERN.test(keyPrefix) || keyPrefix.startsWith('/') || keyPrefix.endsWith('/')) {
    throw new ConfigError(SETTINGS.stateKeyPrefix, keyPrefix, 'an S3 key prefix such as teams/network (no leading or trailing /)');
  }
  const stateRegion = read(SETTINGS.stateRegion) ?? region;
  if (!REGION_PATTERN.test(stateRegion)) {
    throw new ConfigError(SETTINGS.stateRegion, stateRegion, 'the AWS region of the state bucket, such as ap-northeast-1');
  }
  for (const [setting, value] of [[SETTINGS.stateKeyPrefix, read(SETTINGS.stateKeyPrefix)], [SETTINGS.stateRegion, read(SETTINGS.stateRegion)]] as const) {
    if (value !== undefined && bucket === undefined) throw new ConfigError(setting, value, `${SETTINGS.stateBucket} to be set too (it only applies to S3 state)`);
  }
  const stateBackend = bucket === undefined ? undefined : { bucket, keyPrefix, region: stateRegion };

  const acknowledgements = parseAcknowledgements(read(SETTINGS.acknowledgements));

  return {
    region,
    partition: partitionOf(region),
    projectTag,
    vpc1Cidr: vpc1.text,
    publicSubnetCidr: publicSubnet.text,
    privateSubnet1Cidr: privateSubnet1.text,
    vpc1AvailabilityZone,
    vpc2Cidr: vpc2.text,
    privateSubnet2Cidr: privateSubnet2.text,
    vpc2AvailabilityZone,
    instanceType,
    instanceArchitecture,
    amiId,
    rootVolumeGiB,
    endpointServices,
    sshAllowedCidrs,
    sshKeyName,
    sshPublicKey,
    sshOverSessionManager,
    labName,
    prefixStackNames,
    stateBackend,
    acknowledgements,
  };
}

function parseBoolean(setting: string, text: string | undefined): boolean {
  if (text === undefined) return false;
  if (['true', '1', 'yes', 'on'].includes(text.toLowerCase())) return true;
  if (['false', '0', 'no', 'off'].includes(text.toLowerCase())) return false;
  throw new ConfigError(setting, text, 'true or false');
}

function parseAcknowledgements(text: string | undefined): Acknowledgement[] {
  return (text ?? '')
    .split(';')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const acknowledgement = parseAcknowledgement(entry);
      if (!acknowledgement) throw new ConfigError(SETTINGS.acknowledgements, entry, ACKNOWLEDGEMENT_EXPECTED);
      return acknowledgement;
    });
}

function parseEndpointServices(text: string | undefined): readonly SessionManagerService[] {
  if (text === undefined) return DEFAULTS.endpointServices;
  const expected = `a comma-separated subset of ${ALL_SESSION_MANAGER_SERVICES.join(', ')} including ssm and ssmmessages`;
  const services = splitList(text);
  for (const service of services) {
    if (!isSessionManagerService(service)) throw new ConfigError(SETTINGS.endpointServices, service, expected);
  }
  const chosen = new Set(services);
  if (!chosen.has(SessionManagerService.SSM) || !chosen.has(SessionManagerService.SSM_MESSAGES)) {
    throw new ConfigError(SETTINGS.endpointServices, text, expected);
  }
  // Stable order whatever order the user typed, so synth stays byte-identical.
  return ALL_SESSION_MANAGER_SERVICES.filter((service) => chosen.has(service));
}

function rejectUnknownSettings(env: Env): void {
  const known = [...Object.values(SETTINGS), ...TOOL_VARIABLES];
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith('SSM_LAB_') && !known.includes(name)) {
      const suggestion = closest(name, known);
      const expected = suggestion
        ? `a known setting (did you mean ${suggestion}?)`
        : 'a known setting (see the Settings table in README.md)';
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
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function splitList(text: string | undefined): string[] {
  if (text === undefined) return [];
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
