/**
 * Does the operator policy a stack prints allow the commands it prints beside it? Each command is
 * read as the AWS CLI runs it — `aws ssm start-session`, `aws ec2-instance-connect ssh|open-tunnel|
 * send-ssh-public-key`, an `ssh` whose ProxyCommand (its own `-o`, or the stack's `ssh_config`)
 * runs one of those — into the IAM requests it makes, and each request is evaluated against the
 * printed policy with the review's IAM evaluation. The world the commands act on (instances,
 * endpoints, the Session documents and the keys they encrypt with) comes from the synthesized
 * stacks, with made-up values in AWS's formats where AWS assigns them, or from Terraform's state.
 */
import { createHash } from 'crypto';
import { evaluateValue, UnevaluableExpression } from '../../../lib/terraform-expressions';
import { evaluateRequest, IamRequest, wildcardMatches } from '../../../lib/iam-policy';
import { SynthesizedStack, TerraformState } from '../../terraform-json';

/** The Session document `aws ssm start-session` uses when the command names none. */
export const DEFAULT_SESSION_DOCUMENT = 'SSM-SessionManagerRunShell';
/** The caller the requests are evaluated for (its `aws:userid` starts its session ids). */
export const OPERATOR_USERID = 'AROAEXAMPLEOPERATOR00:operator';

export interface WorldInstance {
  readonly id: string;
  readonly arn: string;
  readonly privateIp: string;
  readonly vpcId?: string;
  readonly subnetId?: string;
}

export interface WorldEndpoint {
  readonly id: string;
  readonly arn: string;
  readonly vpcId?: string;
  readonly subnetId?: string;
}

/** What the commands act on. */
export interface AccessWorld {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly instances: ReadonlyMap<string, WorldInstance>;
  /** EC2 Instance Connect Endpoints. */
  readonly endpoints: readonly WorldEndpoint[];
  /** The Session documents the configuration holds, by name: the KMS key (ARN) each encrypts session data with. */
  readonly documents: ReadonlyMap<string, { readonly keyArn?: string }>;
}

/** One AWS request a command makes, and why. */
export interface CommandCall extends IamRequest {
  readonly why: string;
}

export interface CheckedCall {
  readonly call: CommandCall;
  readonly allowed: boolean;
  readonly reason?: string;
}

export interface CheckedCommand {
  readonly output: string;
  readonly command: string;
  readonly calls: readonly CheckedCall[];
  /** What the check could not decide (an instance the configuration does not hold, say). */
  readonly notes: readonly string[];
  /**
   * Session documents the command uses that the configuration does not hold (AWS's, or the
   * account's default): whether their sessions are encrypted with a KMS key is the account's
   * Session Manager preference, which no configuration shows.
   */
  readonly outsideDocuments: readonly string[];
}

/** What the check says of a document the configuration does not hold. */
export const OUTSIDE_DOCUMENT_NOTE =
  "whether their sessions are encrypted with a KMS key (and need kms:GenerateDataKey on it) is the account's Session Manager preference, which no configuration shows";

export interface OperatorAccess {
  readonly stack: string;
  readonly commands: readonly CheckedCommand[];
  /** One line per request the policy does not allow: the command, the call and the missing grant. */
  readonly missing: readonly string[];
  /** Set when the stack's outputs could not be read (an expression the review does not evaluate). */
  readonly unreadable?: string;
}

/** Shell words of a command line: quotes group, `&&`, `;` and `|` stand alone. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === "'" || char === '"') {
      const close = line.indexOf(char, i + 1);
      const end = close === -1 ? line.length : close;
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (line.startsWith('&&', i) || char === ';' || char === '|') {
      if (word !== undefined) words.push(word);
      word = undefined;
      const operator = line.startsWith('&&', i) ? '&&' : char;
      words.push(operator);
      i += operator.length - 1;
    } else word = (word ?? '') + char;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** `--name value` options of an AWS CLI command. */
function cliOptions(words: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < words.length; i++)
    if (words[i].startsWith('--')) {
      const [name, inline] = words[i].slice(2).split('=', 2);
      if (inline !== undefined) options.set(name, inline);
      else if (i + 1 < words.length && !words[i + 1].startsWith('--')) options.set(name, words[++i]);
      else options.set(name, '');
    }
  return options;
}

/** An `ssh_config` as the lab prints it: `host` patterns and each one's ProxyCommand. */
export interface SshConfig {
  readonly hosts: readonly { readonly patterns: readonly string[]; readonly proxyCommand?: string }[];
}

export function parseSshConfig(text: string): SshConfig {
  const hosts: { patterns: string[]; proxyCommand?: string }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const [keyword, ...rest] = line.split(/\s+/);
    if (/^host$/i.test(keyword)) hosts.push({ patterns: rest });
    else if (/^proxycommand$/i.test(keyword) && hosts.length > 0)
      hosts[hosts.length - 1].proxyCommand = line.slice(keyword.length).trim();
  }
  return { hosts };
}

/** An ssh_config `Host` pattern: the same two wildcards as IAM's (`*` any run, `?` one character), case-sensitive. */
const globMatches = (pattern: string, text: string) => wildcardMatches(pattern, text);

class CallReader {
  readonly calls: CommandCall[] = [];
  readonly notes: string[] = [];
  readonly outsideDocuments: string[] = [];

  constructor(
    private readonly world: AccessWorld,
    private readonly sshConfig?: SshConfig,
  ) {}

  private arn(service: string, resource: string, account = this.world.account, region = this.world.region): string {
    return `arn:${this.world.partition}:${service}:${region}:${account}:${resource}`;
  }

  private add(action: string, resource: string, why: string, context: Record<string, string> = {}): void {
    this.calls.push({ action, resource, why, context: { 'aws:userid': OPERATOR_USERID, ...context } });
  }

  private instance(id: string | undefined, command: string): WorldInstance | undefined {
    const found = id === undefined ? undefined : this.world.instances.get(id);
    if (!found) this.notes.push(`${command}: the instance ${id ?? '(none named)'} is not in the configuration`);
    return found;
  }

  /** A command line: `&&`-joined commands, each read on its own. */
  line(line: string): void {
    let current: string[] = [];
    for (const word of [...shellWords(line), '&&']) {
      if (word === '&&' || word === ';' || word === '|') {
        if (current.length > 0) this.command(current);
        current = [];
      } else current.push(word);
    }
  }

  private command(words: readonly string[]): void {
    if (words[0] === 'sh' && words[1] === '-c' && words[2] !== undefined) return this.line(words[2]);
    if (words[0] === 'ssh') return this.ssh(words);
    if (words[0] !== 'aws') return;
    const [service, operation] = words.slice(1, 3);
    const options = cliOptions(words.slice(3));
    const region = options.get('region') ?? this.world.region;
    if (service === 'ssm' && operation === 'start-session') this.startSession(options, region);
    else if (service === 'ec2-instance-connect' && operation === 'send-ssh-public-key')
      this.sendSshPublicKey(options.get('instance-id'), options.get('instance-os-user') ?? 'ec2-user');
    else if (service === 'ec2-instance-connect' && operation === 'open-tunnel') this.openTunnel(options);
    else if (service === 'ec2-instance-connect' && operation === 'ssh') this.instanceConnectSsh(options);
    // Others (aws logs tail, say) are not the operator's session commands: not this check's.
  }

  private startSession(options: Map<string, string>, region: string): void {
    const target = options.get('target');
    const name = options.get('document-name') ?? DEFAULT_SESSION_DOCUMENT;
    const command = `aws ssm start-session --target ${target}`;
    const instance = this.instance(target, command);
    // AWS-owned documents (names AWS reserves: AWS-, Amazon…) carry no account in their ARN.
    const awsOwned = /^(aws|amazon|amzn)/i.test(name);
    const check = { 'ssm:SessionDocumentAccessCheck': 'true' };
    if (instance) this.add('ssm:StartSession', instance.arn, `start a session on ${instance.id}`, check);
    this.add(
      'ssm:StartSession',
      this.arn('ssm', `document/${name}`, awsOwned ? '' : this.world.account, region),
      `with the Session document ${name}${options.has('document-name') ? '' : ' (the default when none is named)'}`,
      check,
    );
    const sessionId = `${OPERATOR_USERID}-0123456789abcdef0`;
    const session = this.arn('ssm', `session/${sessionId}`, this.world.account, region);
    this.add('ssm:ResumeSession', session, 'resume the session after a dropped connection (the plugin does)');
    this.add('ssm:TerminateSession', session, 'end the session (the plugin does on exit)');
    const document = this.world.documents.get(name);
    if (document?.keyArn)
      this.add('kms:GenerateDataKey', document.keyArn, `the session data key: ${name} encrypts with this key`, {
        'kms:EncryptionContext:aws:ssm:TargetId': target ?? '',
        'kms:EncryptionContext:aws:ssm:SessionId': sessionId,
      });
    else if (!document && !this.outsideDocuments.includes(name)) this.outsideDocuments.push(name);
  }

  private sendSshPublicKey(instanceId: string | undefined, osUser: string): void {
    const instance = this.instance(instanceId, 'aws ec2-instance-connect send-ssh-public-key');
    if (!instance) return;
    this.add('ec2-instance-connect:SendSSHPublicKey', instance.arn, `push a one-minute key for ${osUser}`, {
      'ec2:osuser': osUser,
    });
  }

  private describe(what: 'instance' | 'endpoint'): void {
    if (what === 'instance') this.add('ec2:DescribeInstances', '*', "find the instance's address, VPC and subnet");
    else this.add('ec2:DescribeInstanceConnectEndpoints', '*', "find the endpoint in the instance's VPC");
  }

  /** The Instance Connect Endpoint the CLI picks for an instance: one in its subnet, else in its VPC. */
  private endpointFor(instance: WorldInstance): WorldEndpoint | undefined {
    const endpoints = this.world.endpoints;
    return (
      endpoints.find((e) => e.subnetId !== undefined && e.subnetId === instance.subnetId) ??
      endpoints.find((e) => e.vpcId !== undefined && e.vpcId === instance.vpcId)
    );
  }

  private tunnel(instance: WorldInstance, port: string, address: string, endpointId: string | undefined): void {
    const endpoint =
      endpointId !== undefined ? this.world.endpoints.find((e) => e.id === endpointId) : this.endpointFor(instance);
    if (!endpoint) {
      this.notes.push(`no EC2 Instance Connect Endpoint in the VPC of ${instance.id}: the tunnel has nowhere to open`);
      return;
    }
    this.add('ec2-instance-connect:OpenTunnel', endpoint.arn, `a tunnel through ${endpoint.id} to ${address}:${port}`, {
      'ec2-instance-connect:remotePort': port,
      'ec2-instance-connect:privateIpAddress': address,
    });
  }

  private openTunnel(options: Map<string, string>): void {
    const instance = this.instance(options.get('instance-id'), 'aws ec2-instance-connect open-tunnel');
    if (!instance) return;
    const address = options.get('private-ip-address');
    if (address === undefined) this.describe('instance');
    if (!options.has('instance-connect-endpoint-dns-name')) this.describe('endpoint');
    this.tunnel(
      instance,
      options.get('remote-port') ?? '22',
      address ?? instance.privateIp,
      options.get('instance-connect-endpoint-id'),
    );
  }

  private instanceConnectSsh(options: Map<string, string>): void {
    const instance = this.instance(options.get('instance-id'), 'aws ec2-instance-connect ssh');
    if (!instance) return;
    this.describe('instance');
    const eice = options.get('connection-type') === 'eice' || options.has('eice-options');
    if (eice) this.describe('endpoint');
    if (!options.has('private-key-file')) this.sendSshPublicKey(instance.id, options.get('os-user') ?? 'ec2-user');
    if (eice) this.tunnel(instance, options.get('ssh-port') ?? '22', instance.privateIp, undefined);
    else this.notes.push('aws ec2-instance-connect ssh without --connection-type eice: connects directly, no tunnel');
  }

  /** `ssh`: its ProxyCommand (an `-o` option, else the stack's ssh_config for the host) runs with %h and %p filled in. */
  private ssh(words: readonly string[]): void {
    let proxy: string | undefined;
    let port = '22';
    let destination: string | undefined;
    for (let i = 1; i < words.length; i++) {
      const word = words[i];
      if (word === '-o') {
        const [key, ...value] = words[++i].split('=');
        if (/^proxycommand$/i.test(key)) proxy = value.join('=');
      } else if (word === '-p') port = words[++i];
      else if (/^-[iLlFJRDWbcEemOQSw]$/.test(word)) i++;
      else if (!word.startsWith('-') && destination === undefined) destination = word;
    }
    const host = destination?.split('@').pop() ?? '';
    proxy ??= this.sshConfig?.hosts.find((entry) => entry.patterns.some((p) => globMatches(p, host)))?.proxyCommand;
    if (proxy !== undefined) this.line(proxy.replace(/%h/g, host).replace(/%p/g, port));
  }
}

/** The AWS requests one printed command makes (`sshConfig`: the stack's `ssh_config` output). */
export function callsOfCommand(
  command: string,
  world: AccessWorld,
  sshConfig?: SshConfig,
): { calls: CommandCall[]; notes: string[]; outsideDocuments: string[] } {
  const reader = new CallReader(world, sshConfig);
  reader.line(command);
  return { calls: reader.calls, notes: reader.notes, outsideDocuments: reader.outsideDocuments };
}

/** The outputs of a stack that are commands for the operator to run. */
export function isCommandOutput(name: string): boolean {
  return name.endsWith('_command');
}

/** The outputs the check reads: the commands, the policy and the ssh configuration they use. */
export function isOperatorOutput(name: string): boolean {
  return isCommandOutput(name) || name === 'operator_policy' || name === 'ssh_config';
}

/**
 * Every printed command of a stack evaluated against its printed `operator_policy`. `outputs` are
 * the stack's outputs as the operator reads them (evaluated: no Terraform expressions left).
 */
export function checkOperatorAccess(
  stack: string,
  outputs: Readonly<Record<string, string>>,
  world: AccessWorld,
): OperatorAccess {
  const policy = outputs.operator_policy;
  const sshConfig = outputs.ssh_config !== undefined ? parseSshConfig(outputs.ssh_config) : undefined;
  const commands: CheckedCommand[] = [];
  const missing: string[] = [];
  for (const output of Object.keys(outputs).filter(isCommandOutput).sort()) {
    const command = outputs[output];
    const { calls, notes, outsideDocuments } = callsOfCommand(command, world, sshConfig);
    const checked = calls.map((call) => {
      const decision =
        policy === undefined
          ? { allowed: false, reason: 'the stack prints no operator_policy' }
          : evaluateRequest(policy, call);
      if (!decision.allowed)
        missing.push(
          `${stack} ${output}: \`${command}\` calls ${call.action} on ${call.resource} (${call.why}), which operator_policy does not allow: ${decision.reason}`,
        );
      return { call, allowed: decision.allowed, reason: decision.reason };
    });
    commands.push({ output, command, calls: checked, notes, outsideDocuments });
  }
  return { stack, commands, missing };
}

/** The account the made-up ARNs carry (AWS's documentation account). */
export const EXAMPLE_ACCOUNT = '111122223333';

const ID_PREFIX: Readonly<Record<string, string>> = {
  aws_instance: 'i',
  aws_vpc: 'vpc',
  aws_subnet: 'subnet',
  aws_security_group: 'sg',
  aws_ec2_instance_connect_endpoint: 'eice',
  aws_vpc_endpoint: 'vpce',
  aws_nat_gateway: 'nat',
  aws_internet_gateway: 'igw',
  aws_route_table: 'rtb',
  aws_eip: 'eipalloc',
};

/**
 * The synthesized stacks' outputs evaluated with the values AWS would assign — ids, ARNs and
 * addresses made up in AWS's formats, the same for every reference to one attribute — so that the
 * commands and the policy name the same instance, key and endpoint, as after an apply.
 */
export class SynthesizedValues {
  constructor(
    private readonly stacks: Readonly<Record<string, SynthesizedStack>>,
    private readonly partition: string,
    private readonly account = EXAMPLE_ACCOUNT,
  ) {}

  region(stack: string): string {
    const region = this.stacks[stack]?.provider?.aws?.[0]?.region;
    return typeof region === 'string' ? region : 'us-east-1';
  }

  /** A stack's outputs (those `wanted`), evaluated; throws {@link UnevaluableExpression} for one it cannot read. */
  outputs(stack: string, wanted: (name: string) => boolean = () => true): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [name, output] of Object.entries(this.stacks[stack]?.output ?? {})) {
      if (!wanted(name)) continue;
      const value = this.evaluate(stack, output.value);
      result[name] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    return result;
  }

  evaluate(stack: string, value: unknown): unknown {
    return evaluateValue(value, (parts) => this.reference(stack, parts));
  }

  private reference(stack: string, parts: readonly string[]): unknown {
    if (parts[0] === 'data' && parts[1] === 'terraform_remote_state' && parts[3] === 'outputs') {
      // cdktf names the data source after the stack it reads: cross-stack-reference-input-<stack>.
      const source = parts[2].replace(/^cross-stack-reference-input-/, '');
      const output = this.stacks[source]?.output?.[parts[4]];
      return output === undefined ? undefined : this.evaluate(source, output.value);
    }
    if (parts.length !== 3 || parts[0] === 'var' || parts[0] === 'local' || parts[0] === 'data') return undefined;
    return this.attribute(stack, parts[0], parts[1], parts[2]);
  }

  /** A resource's attribute: as configured, else what AWS would assign. */
  attribute(stack: string, type: string, name: string, attribute: string): unknown {
    const block = this.stacks[stack]?.resource?.[type]?.[name];
    if (!block) return undefined;
    if (attribute in block && attribute !== 'arn') return this.evaluate(stack, block[attribute]);
    const hash = createHash('sha256').update(`${stack}/${type}.${name}`).digest('hex');
    const region = this.region(stack);
    const arn = (service: string, resource: string) =>
      `arn:${this.partition}:${service}:${region}:${this.account}:${resource}`;
    const id = (): string => {
      if (type === 'aws_kms_key')
        return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-8${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
      if (type === 'aws_ssm_document' || type.startsWith('aws_iam_'))
        return String(this.attribute(stack, type, name, 'name'));
      return `${ID_PREFIX[type] ?? type.replace(/^aws_/, '')}-${hash.slice(0, 17)}`;
    };
    switch (attribute) {
      case 'id':
      case 'key_id':
        return id();
      case 'public_ip':
        // TEST-NET-3 (RFC 5737): a documentation address.
        return `203.0.113.${(parseInt(hash.slice(0, 2), 16) % 250) + 1}`;
      case 'private_ip':
        return `10.${parseInt(hash.slice(0, 2), 16)}.${parseInt(hash.slice(2, 4), 16)}.${(parseInt(hash.slice(4, 6), 16) % 250) + 4}`;
      case 'arn':
        if (type === 'aws_instance') return arn('ec2', `instance/${id()}`);
        if (type === 'aws_kms_key') return arn('kms', `key/${id()}`);
        if (type === 'aws_ec2_instance_connect_endpoint') return arn('ec2', `instance-connect-endpoint/${id()}`);
        if (type === 'aws_ssm_document') return arn('ssm', `document/${id()}`);
        return arn(type.replace(/^aws_/, ''), id());
      default:
        if (attribute === 'name' && typeof block.name_prefix === 'string')
          return `${this.evaluate(stack, block.name_prefix)}${hash.slice(0, 26)}`;
        return undefined;
    }
  }

  private readonly worlds = new Map<string, AccessWorld>();

  /** The world of every stack (read once per region): instances, Instance Connect Endpoints and Session documents with their keys. */
  world(region: string): AccessWorld {
    let world = this.worlds.get(region);
    if (!world) {
      world = this.readWorld(region);
      this.worlds.set(region, world);
    }
    return world;
  }

  private readWorld(region: string): AccessWorld {
    const instances = new Map<string, WorldInstance>();
    const endpoints: WorldEndpoint[] = [];
    const documents = new Map<string, { keyArn?: string }>();
    const subnetVpc = new Map<string, string>();
    const each = (type: string, visit: (stack: string, name: string) => void) => {
      for (const stack of Object.keys(this.stacks).sort())
        for (const name of Object.keys(this.stacks[stack].resource?.[type] ?? {}).sort()) visit(stack, name);
    };
    const read = (stack: string, type: string, name: string, attribute: string) => {
      try {
        const value = this.attribute(stack, type, name, attribute);
        return typeof value === 'string' ? value : undefined;
      } catch (error) {
        if (error instanceof UnevaluableExpression) return undefined;
        throw error;
      }
    };
    each('aws_subnet', (stack, name) => {
      const id = read(stack, 'aws_subnet', name, 'id');
      const vpc = read(stack, 'aws_subnet', name, 'vpc_id');
      if (id && vpc) subnetVpc.set(id, vpc);
    });
    each('aws_instance', (stack, name) => {
      const id = read(stack, 'aws_instance', name, 'id')!;
      const subnetId = read(stack, 'aws_instance', name, 'subnet_id');
      instances.set(id, {
        id,
        arn: read(stack, 'aws_instance', name, 'arn')!,
        privateIp: read(stack, 'aws_instance', name, 'private_ip')!,
        subnetId,
        vpcId: subnetId ? subnetVpc.get(subnetId) : undefined,
      });
    });
    each('aws_ec2_instance_connect_endpoint', (stack, name) => {
      const subnetId = read(stack, 'aws_ec2_instance_connect_endpoint', name, 'subnet_id');
      endpoints.push({
        id: read(stack, 'aws_ec2_instance_connect_endpoint', name, 'id')!,
        arn: read(stack, 'aws_ec2_instance_connect_endpoint', name, 'arn')!,
        subnetId,
        vpcId: subnetId ? subnetVpc.get(subnetId) : undefined,
      });
    });
    each('aws_ssm_document', (stack, name) => {
      const block = this.stacks[stack].resource!.aws_ssm_document[name];
      const documentName = read(stack, 'aws_ssm_document', name, 'name');
      if (!documentName || block.document_type !== 'Session') return;
      documents.set(documentName, { keyArn: this.sessionKey(stack, block.content) });
    });
    return { partition: this.partition, region, account: this.account, instances, endpoints, documents };
  }

  /** The ARN of the key a Session document's content names (`inputs.kmsKeyId`, a key id or ARN). */
  private sessionKey(stack: string, content: unknown): string | undefined {
    let parsed: unknown;
    try {
      const text = this.evaluate(stack, content);
      parsed = typeof text === 'string' ? JSON.parse(text) : text;
    } catch (error) {
      if (error instanceof UnevaluableExpression || error instanceof SyntaxError) return undefined;
      throw error;
    }
    const keyId = (parsed as { inputs?: { kmsKeyId?: unknown } } | undefined)?.inputs?.kmsKeyId;
    if (typeof keyId !== 'string' || keyId === '') return undefined;
    if (keyId.startsWith('arn:')) return keyId;
    // The key's ARN: the key resource whose id this is.
    for (const [source, json] of Object.entries(this.stacks))
      for (const name of Object.keys(json.resource?.aws_kms_key ?? {}))
        if (this.attribute(source, 'aws_kms_key', name, 'key_id') === keyId)
          return String(this.attribute(source, 'aws_kms_key', name, 'arn'));
    return `arn:${this.partition}:kms:${this.region(stack)}:${this.account}:key/${keyId}`;
  }
}

/**
 * The operator access of every stack that prints a command or an `operator_policy`, from the
 * synthesized app (the offline review): made-up ids in AWS's formats stand for what AWS assigns at
 * apply. A stack whose commands call AWS without a policy beside them fails too.
 */
export function synthesizedOperatorAccess(
  stacks: Readonly<Record<string, SynthesizedStack>>,
  partition: string,
): OperatorAccess[] {
  const values = new SynthesizedValues(stacks, partition);
  const results: OperatorAccess[] = [];
  for (const stack of Object.keys(stacks).sort()) {
    if (!Object.keys(stacks[stack].output ?? {}).some(isOperatorOutput)) continue;
    try {
      const outputs = values.outputs(stack, isOperatorOutput);
      const access = checkOperatorAccess(stack, outputs, values.world(values.region(stack)));
      // A stack with neither a policy nor a command that calls AWS (lab-ssh, the audit's log tail) has nothing to check.
      if (outputs.operator_policy !== undefined || access.commands.some((command) => command.calls.length > 0))
        results.push(access);
    } catch (error) {
      if (!(error instanceof UnevaluableExpression)) throw error;
      results.push({ stack, commands: [], missing: [], unreadable: error.message });
    }
  }
  return results;
}

/** The world after an apply, from the stacks' Terraform states (instances, endpoints, documents, keys). */
export function worldFromStates(states: readonly TerraformState[], partition: string, region: string): AccessWorld {
  const all = (type: string) =>
    states.flatMap((state) =>
      (state.resources ?? [])
        .filter((resource) => resource.mode === 'managed' && resource.type === type)
        .flatMap((resource) => (resource.instances ?? []).map((instance) => instance.attributes ?? {})),
    );
  const subnetVpc = new Map(all('aws_subnet').map((subnet) => [String(subnet.id), String(subnet.vpc_id)]));
  const keys = all('aws_kms_key');
  const instances = new Map<string, WorldInstance>(
    all('aws_instance').map((instance) => [
      String(instance.id),
      {
        id: String(instance.id),
        arn: String(instance.arn),
        privateIp: String(instance.private_ip),
        subnetId: String(instance.subnet_id),
        vpcId: subnetVpc.get(String(instance.subnet_id)),
      },
    ]),
  );
  const endpoints = all('aws_ec2_instance_connect_endpoint').map((endpoint) => ({
    id: String(endpoint.id),
    arn: String(endpoint.arn),
    subnetId: String(endpoint.subnet_id),
    vpcId: String(endpoint.vpc_id ?? subnetVpc.get(String(endpoint.subnet_id))),
  }));
  const documents = new Map<string, { keyArn?: string }>();
  for (const document of all('aws_ssm_document').filter((d) => d.document_type === 'Session')) {
    const keyId = (JSON.parse(String(document.content)) as { inputs?: { kmsKeyId?: string } }).inputs?.kmsKeyId;
    const key = keys.find((candidate) => candidate.key_id === keyId || candidate.arn === keyId);
    documents.set(String(document.name), { keyArn: keyId ? String(key?.arn ?? keyId) : undefined });
  }
  const account = String([...instances.values()][0]?.arn.split(':')[4] ?? EXAMPLE_ACCOUNT);
  return { partition, region, account, instances, endpoints, documents };
}
