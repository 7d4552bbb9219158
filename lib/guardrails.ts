/**
 * Guardrails checked on every stack at synth, modelled on what the trusted scanners check. A
 * finding fails synth with the rule id, the construct path and how to fix it, unless the
 * configuration acknowledges it with a reason (`SSM_LAB_ACKNOWLEDGE`).
 */
import {
  DefaultTokenResolver,
  IAspect,
  StringConcat,
  TerraformResource,
  TerraformStack,
  Tokenization,
} from 'cdktf';
import { IConstruct } from 'constructs';
import { anywhereReason } from './cidr';
import { addressOf } from './terraform-address';
import { Acknowledgement, GUARDRAIL_RULE_IDS } from './config';
import { SSM_MANAGED_INSTANCE_CORE } from './session-manager-role';

export type GuardrailRuleId = (typeof GUARDRAIL_RULE_IDS)[number];

export interface GuardrailRule {
  readonly title: string;
  /** The same check in checkov, cdk-nag and AWS Security Hub. */
  readonly equivalents: string;
  readonly fix: string;
}

export const GUARDRAIL_RULES: Readonly<Record<GuardrailRuleId, GuardrailRule>> = {
  'SSMLAB-SG-1': {
    title: 'no inbound rule from anywhere on any port: 0.0.0.0/0, ::/0, any IPv4 range wider than /8 or IPv6 wider than /16, or rules that together cover all of IPv4',
    equivalents: 'checkov CKV_AWS_24, CKV_AWS_25, CKV_AWS_260, CKV_AWS_277; cdk-nag EC23; Security Hub EC2.13, EC2.18, EC2.19',
    fix: 'allow only the sources that need it (for lab-ssh: SSM_LAB_SSH_ALLOWED_CIDRS=<your address>/32), or use Session Manager, which needs no inbound rule',
  },
  'SSMLAB-SG-2': {
    title: 'every security group and rule has a description',
    equivalents: 'checkov CKV_AWS_23',
    fix: 'give the security group and each of its rules a description',
  },
  'SSMLAB-VPC-1': {
    title: "every VPC's default security group is managed with no rules",
    equivalents: 'checkov CKV2_AWS_12; Security Hub EC2.2',
    fix: 'add an aws_default_security_group for the VPC with no ingress and no egress (LabVpc does this)',
  },
  'SSMLAB-EC2-1': {
    title: 'IMDSv2 required',
    equivalents: 'checkov CKV_AWS_79; Security Hub EC2.8',
    fix: 'set metadata_options.http_tokens = "required" (LabInstance does this)',
  },
  'SSMLAB-EC2-2': {
    title: 'root and EBS volumes encrypted',
    equivalents: 'checkov CKV_AWS_8, CKV_AWS_3; Security Hub EC2.7',
    fix: 'set encrypted = true on root_block_device, every ebs_block_device and aws_ebs_volume',
  },
  'SSMLAB-EC2-3': {
    title: 'no public address outside the two public scenarios',
    equivalents: 'checkov CKV_AWS_88; Security Hub EC2.9',
    fix: 'set associate_public_ip_address = false; only lab-ssh and lab-ssm-public demonstrate public addresses',
  },
  'SSMLAB-EC2-4': {
    title: 'no key pair on a Session Manager-only instance unless SSH through Session Manager is on',
    equivalents: 'cdk-nag EC29-style least privilege (no SSH key where no SSH is meant; SSH rides Session Manager only when asked)',
    fix: 'drop key_name, or set SSM_LAB_SSH_OVER_SSM=true to use ssh through Session Manager on purpose',
  },
  'SSMLAB-IAM-1': {
    title: `the Session Manager role holds ${SSM_MANAGED_INSTANCE_CORE} and nothing broader`,
    equivalents: 'cdk-nag IAM4/IAM5 (least privilege); Security Hub IAM.1; AWS guidance for Session Manager instance profiles',
    fix: `attach only arn:aws:iam::aws:policy/${SSM_MANAGED_INSTANCE_CORE} to the EC2 instance role; no inline or other managed policies`,
  },
  'SSMLAB-IAM-2': {
    title: 'no wildcard actions in IAM policies',
    equivalents: 'checkov CKV_AWS_62, CKV_AWS_63, CKV_AWS_290, CKV_AWS_355; cdk-nag IAM5; Security Hub IAM.21',
    fix: 'name each action (e.g. ec2:DeleteVpcEndpoints) instead of * or service:*',
  },
};

export interface Finding {
  readonly ruleId: GuardrailRuleId;
  readonly stack: string;
  /** Construct path, e.g. `lab-ssh/instance/ingress-22-0-0`. */
  readonly path: string;
  readonly message: string;
  readonly acknowledgement?: Acknowledgement;
}

export interface GuardrailOptions {
  /** SSH through Session Manager is on: key pairs on Session Manager instances are intended. */
  readonly sshOverSessionManager?: boolean;
  /** `Scenario` tags whose instances may have a public address. */
  readonly publicScenarios?: readonly string[];
  /** `Scenario` tag of the SSH baseline, which needs its key pair. */
  readonly sshScenario?: string;
  readonly acknowledgements?: readonly Acknowledgement[];
}

/** One line per finding: rule id, path, what is wrong, how to fix it. */
export function formatFinding(finding: Finding): string {
  const rule = GUARDRAIL_RULES[finding.ruleId];
  return `${finding.ruleId} at ${finding.path}: ${finding.message}. Fix: ${rule.fix} (or acknowledge: SSM_LAB_ACKNOWLEDGE="${finding.ruleId}@${finding.stack}=<reason>").`;
}

export class GuardrailError extends Error {
  constructor(readonly findings: readonly Finding[]) {
    super(`guardrails failed (${findings.length}):\n${findings.map((finding) => `  ${formatFinding(finding)}`).join('\n')}`);
    this.name = 'GuardrailError';
  }
}

/**
 * The cdktf Aspect. `Aspects.of(stack).add(aspect)` checks at synth (findings become stack
 * validation errors); {@link GuardrailAspect.check} runs the same visit over a whole app up front, so
 * a finding stops synth before anything is written.
 */
export class GuardrailAspect implements IAspect {
  private readonly found = new Map<string, Finding>();
  private readonly stacksWithValidation = new Set<TerraformStack>();

  constructor(private readonly options: GuardrailOptions = {}) {}

  /** Every finding so far, acknowledged or not, in construct-path order. */
  get findings(): Finding[] {
    return [...this.found.values()].sort((a, b) => a.path.localeCompare(b.path) || a.ruleId.localeCompare(b.ruleId));
  }

  unacknowledged(stack?: string): Finding[] {
    return this.findings.filter((finding) => !finding.acknowledgement && (stack === undefined || finding.stack === stack));
  }

  /** Acknowledgements that matched no finding (stale, or a typo in the stack name). */
  unusedAcknowledgements(): Acknowledgement[] {
    return (this.options.acknowledgements ?? []).filter(
      (ack) => !this.findings.some((finding) => finding.ruleId === ack.ruleId && finding.stack === ack.stack),
    );
  }

  /** Visits every construct under `root` now; throws {@link GuardrailError} on unacknowledged findings. */
  check(root: IConstruct): Finding[] {
    for (const node of root.node.findAll()) this.visit(node);
    const failing = this.unacknowledged();
    if (failing.length > 0) throw new GuardrailError(failing);
    return this.findings;
  }

  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) {
      this.checkStack(node);
      return;
    }
    if (!(node instanceof TerraformResource)) return;
    const stack = TerraformStack.of(node);
    const attributes = attributesOf(node);
    const report = (ruleId: GuardrailRuleId, message: string) => this.report(stack, node, ruleId, message);
    switch (node.terraformResourceType) {
      case 'aws_vpc_security_group_ingress_rule':
      case 'aws_security_group_rule': {
        const inbound = node.terraformResourceType === 'aws_vpc_security_group_ingress_rule' || attributes.type === 'ingress';
        const anywhere = inbound ? opensToWorld(attributes) : undefined;
        if (anywhere) report('SSMLAB-SG-1', `inbound ${describePorts(attributes)} from ${anywhere}`);
        if (!hasText(attributes.description)) report('SSMLAB-SG-2', 'the rule has no description');
        break;
      }
      case 'aws_vpc_security_group_egress_rule':
        if (!hasText(attributes.description)) report('SSMLAB-SG-2', 'the rule has no description');
        break;
      case 'aws_security_group':
      case 'aws_default_security_group':
        if (node.terraformResourceType === 'aws_security_group' && !hasText(attributes.description)) {
          report('SSMLAB-SG-2', 'the security group has no description');
        }
        for (const rule of asList(attributes.ingress)) {
          const anywhere = opensToWorld(rule);
          if (anywhere) report('SSMLAB-SG-1', `inline inbound ${describePorts(rule)} from ${anywhere}`);
          if (!hasText(rule.description)) report('SSMLAB-SG-2', 'an inline inbound rule has no description');
        }
        for (const rule of asList(attributes.egress)) if (!hasText(rule.description)) report('SSMLAB-SG-2', 'an inline outbound rule has no description');
        break;
      case 'aws_instance':
        this.checkInstance(attributes, report);
        break;
      case 'aws_ebs_volume':
        if (attributes.encrypted !== true) report('SSMLAB-EC2-2', 'the EBS volume is not encrypted');
        break;
      case 'aws_iam_role':
        for (const document of [attributes.assume_role_policy, ...asList(attributes.inline_policy).map((p) => p.policy)]) {
          for (const action of wildcardActions(resolveIn(stack, document))) report('SSMLAB-IAM-2', `wildcard action "${action}"`);
        }
        break;
      case 'aws_iam_role_policy':
      case 'aws_iam_policy':
        for (const action of wildcardActions(resolveIn(stack, attributes.policy))) report('SSMLAB-IAM-2', `wildcard action "${action}"`);
        break;
      default:
        break;
    }
  }

  private checkInstance(attributes: Record<string, any>, report: (ruleId: GuardrailRuleId, message: string) => void): void {
    if (first(attributes.metadata_options)?.http_tokens !== 'required') report('SSMLAB-EC2-1', 'IMDSv2 is not required (metadata_options.http_tokens)');
    if (first(attributes.root_block_device)?.encrypted !== true) report('SSMLAB-EC2-2', 'the root volume is not encrypted');
    for (const device of asList(attributes.ebs_block_device)) {
      if (device.encrypted !== true) report('SSMLAB-EC2-2', `EBS volume ${device.device_name ?? ''} is not encrypted`.trim());
    }
    const scenario = attributes.tags?.Scenario;
    if (attributes.associate_public_ip_address === true && !(this.options.publicScenarios ?? []).includes(scenario)) {
      report('SSMLAB-EC2-3', `public address on an instance of scenario "${scenario ?? 'none'}"`);
    }
    const sessionManagerOnly = attributes.iam_instance_profile !== undefined && scenario !== this.options.sshScenario;
    if (attributes.key_name !== undefined && sessionManagerOnly && !this.options.sshOverSessionManager) {
      report('SSMLAB-EC2-4', 'a key pair on a Session Manager instance while SSH through Session Manager is off');
    }
  }

  /** Stack-wide rules (default SGs, the Session Manager role) and the synth-time validation. */
  private checkStack(stack: TerraformStack): void {
    const resources = stack.node.findAll().filter((node): node is TerraformResource => node instanceof TerraformResource);
    const ofType = (type: string) => resources.filter((resource) => resource.terraformResourceType === type);

    for (const vpc of ofType('aws_vpc')) {
      const guarded = ofType('aws_default_security_group').filter((group) => resolveIn(stack, attributesOf(group).vpc_id) === `\${${addressOf(vpc)}.id}`);
      const empty = guarded.some((group) => asList(attributesOf(group).ingress).length === 0 && asList(attributesOf(group).egress).length === 0);
      if (!empty) {
        this.report(stack, vpc, 'SSMLAB-VPC-1', guarded.length === 0 ? 'the default security group is not managed' : 'the default security group keeps rules');
      }
    }

    // Rules that are each an allow-list can still add up to anywhere (0.0.0.0/1 + 128.0.0.0/1 is
    // caught per rule; 256 /8s only together): the union per group, over rules covering the same port.
    const ingressByGroup = new Map<string, { rule: TerraformResource; attributes: Record<string, any> }[]>();
    for (const rule of [...ofType('aws_vpc_security_group_ingress_rule'), ...ofType('aws_security_group_rule')]) {
      const attributes = attributesOf(rule);
      if (rule.terraformResourceType === 'aws_security_group_rule' && attributes.type !== 'ingress') continue;
      const group = String(resolveIn(stack, attributes.security_group_id));
      ingressByGroup.set(group, [...(ingressByGroup.get(group) ?? []), { rule, attributes }]);
    }
    for (const rules of ingressByGroup.values()) {
      for (const { rule, attributes } of rules) {
        const covering = rules.filter((other) => portsCover(other.attributes, attributes)).map((other) => sourcesOf(other.attributes));
        if (covering.some(({ ipv4, ipv6 }) => anywhereReason(ipv4, ipv6))) continue; // reported per rule
        const together = anywhereReason(covering.flatMap((c) => c.ipv4), covering.flatMap((c) => c.ipv6));
        if (together) {
          this.report(stack, rule, 'SSMLAB-SG-1', `inbound ${describePorts(attributes)} from ${together}`);
          break; // one finding per group is enough to name the problem
        }
      }
    }

    for (const role of ofType('aws_iam_role')) {
      const attributes = attributesOf(role);
      if (!String(attributes.assume_role_policy ?? '').includes('ec2.amazonaws.com')) continue;
      const onRole = (resource: TerraformResource) => {
        const target = resolveIn(stack, attributesOf(resource).role);
        return target === `\${${addressOf(role)}.name}` || target === `\${${addressOf(role)}.id}`;
      };
      const arns = ofType('aws_iam_role_policy_attachment').filter(onRole).map((attachment) => String(attributesOf(attachment).policy_arn));
      if (!arns.some((arn) => arn.endsWith(`:policy/${SSM_MANAGED_INSTANCE_CORE}`))) {
        this.report(stack, role, 'SSMLAB-IAM-1', `the EC2 role lacks ${SSM_MANAGED_INSTANCE_CORE}`);
      }
      for (const arn of arns.filter((candidate) => !candidate.endsWith(`:policy/${SSM_MANAGED_INSTANCE_CORE}`))) {
        this.report(stack, role, 'SSMLAB-IAM-1', `the EC2 role also holds ${arn}`);
      }
      if (ofType('aws_iam_role_policy').some(onRole) || asList(attributes.inline_policy).length > 0 || asList(attributes.managed_policy_arns).length > 0) {
        this.report(stack, role, 'SSMLAB-IAM-1', 'the EC2 role has inline or extra managed policies');
      }
    }

    if (!this.stacksWithValidation.has(stack)) {
      this.stacksWithValidation.add(stack);
      stack.node.addValidation({ validate: () => this.unacknowledged(stack.node.id).map(formatFinding) });
    }
  }

  private report(stack: TerraformStack, node: IConstruct, ruleId: GuardrailRuleId, message: string): void {
    const key = `${ruleId}|${node.node.path}|${message}`;
    if (this.found.has(key)) return;
    const acknowledgement = (this.options.acknowledgements ?? []).find((ack) => ack.ruleId === ruleId && ack.stack === stack.node.id);
    this.found.set(key, { ruleId, stack: stack.node.id, path: node.node.path, message, acknowledgement });
  }
}

/** The resource's arguments as they will be synthesized (snake_case; tokens unresolved). */
function attributesOf(resource: TerraformResource): Record<string, any> {
  const json = resource.toTerraform() as { resource: Record<string, Record<string, Record<string, any>>> };
  return Object.values(json.resource[resource.terraformResourceType])[0];
}

/** Resolves a same-stack reference token to its `${…}` text, for matching resources. */
function resolveIn(stack: TerraformStack, value: unknown): unknown {
  return Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()), preparing: false });
}

function asList(value: unknown): any[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

function first(value: unknown): any {
  return asList(value)[0];
}

function hasText(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** A rule's address sources, whichever resource type or inline block it comes from. */
function sourcesOf(rule: Record<string, any>): { ipv4: string[]; ipv6: string[] } {
  return {
    ipv4: [...stringsOf(rule.cidr_ipv4), ...stringsOf(rule.cidr_blocks)],
    ipv6: [...stringsOf(rule.cidr_ipv6), ...stringsOf(rule.ipv6_cidr_blocks)],
  };
}

/** Why a rule's sources amount to anywhere (see {@link anywhereReason}), or undefined. */
function opensToWorld(rule: Record<string, any>): string | undefined {
  const { ipv4, ipv6 } = sourcesOf(rule);
  return anywhereReason(ipv4, ipv6);
}

function stringsOf(value: unknown): string[] {
  return asList(value).filter((item): item is string => typeof item === 'string');
}

/** Whether `outer`'s protocol and ports include every port of `inner`. */
function portsCover(outer: Record<string, any>, inner: Record<string, any>): boolean {
  const protocol = (rule: Record<string, any>) => String(rule.ip_protocol ?? rule.protocol ?? '');
  if (['-1', 'all'].includes(protocol(outer))) return true;
  if (protocol(outer) !== protocol(inner)) return false;
  return Number(outer.from_port) <= Number(inner.from_port) && Number(inner.to_port) <= Number(outer.to_port);
}

function describePorts(rule: Record<string, any>): string {
  const protocol = rule.ip_protocol ?? rule.protocol;
  if (protocol === '-1' || protocol === 'all') return 'on every port';
  return rule.from_port === rule.to_port ? `${protocol}/${rule.from_port}` : `${protocol}/${rule.from_port}-${rule.to_port}`;
}

/** Actions with a `*` in a policy document (JSON, or Terraform's jsonencode HCL). */
export function wildcardActions(document: unknown): string[] {
  if (typeof document !== 'string') return [];
  const actions: string[] = [];
  try {
    const parsed = JSON.parse(document);
    for (const statement of asList(parsed.Statement)) {
      for (const key of ['Action', 'NotAction']) for (const action of asList(statement[key])) actions.push(key === 'NotAction' ? `NotAction ${action}` : String(action));
    }
  } catch {
    // Hand-written HCL (`Action = …`) or cdktf's rendering of Fn.jsonencode (`"Action" = …`).
    for (const match of document.matchAll(/\b(Not)?Action"?\s*=\s*(\[[^\]]*\]|"[^"]*")/g)) {
      for (const quoted of match[2].matchAll(/"([^"]*)"/g)) actions.push(match[1] ? `NotAction ${quoted[1]}` : quoted[1]);
    }
  }
  return actions.filter((action) => action.includes('*') || action.startsWith('NotAction'));
}
