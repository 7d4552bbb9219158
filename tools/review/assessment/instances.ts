/**
 * What the review concludes about each instance of a model: its ways in (Session Manager, SSH,
 * port forwarding) with their verdicts and assumptions, what it is configured with, and — with a
 * model before the plan — each verdict before → after.
 */
import { SCENARIO_LABELS } from '../../../stacks/scenario-stack';
import { changeKind, ChangeKind } from '../../terraform-json';
import { Entity, NetworkModel } from '../model/plan-model';
import { Reachability, Verdict } from '../rules/reachability';

/** An instance of the lab's own plans, with what its row in the report shows. */
export interface InstanceReview {
  /** `<stack>/<address>`. */
  readonly id: string;
  readonly stack: string;
  readonly address: string;
  readonly name: string;
  readonly accessPath: string;
  readonly publicAddress: boolean;
  readonly inbound: string;
  readonly egress: string;
  readonly keyPair: string;
  readonly ssmRole: boolean;
  /** Where its sessions are logged and with which key, or why not. */
  readonly audit: string;
  readonly sessionManager: Verdict;
  readonly ssh: Verdict;
  /** Port forwarding to the target its `ForwardsTo` tag names; undefined when it names none. */
  readonly forwarding?: Verdict;
}

/** A private service the instances forward to. */
export interface ForwardingTargetReview {
  readonly stack: string;
  readonly name: string;
  readonly subnet: string;
  readonly publicAddress: boolean;
  readonly inbound: string;
  readonly egress: string;
  /** The instances whose `ForwardsTo` names it. */
  readonly clients: readonly string[];
}

/** Security group rules in a table cell: `tcp/443 0.0.0.0/0, tcp/8080 SG …`. */
function describeRules(model: NetworkModel, rules: ReturnType<Reachability['rules']>): string {
  return rules.length === 0
    ? 'none'
    : rules
        .map((rule) => {
          const ports =
            rule.protocol === '-1'
              ? 'all'
              : rule.fromPort === rule.toPort
                ? `${rule.protocol}/${rule.fromPort}`
                : `${rule.protocol}/${rule.fromPort}-${rule.toPort}`;
          const peer = rule.cidr ?? (rule.securityGroup ? `SG ${model.label(rule.securityGroup)}` : '?');
          return `${ports} ${peer}`;
        })
        .join(', ');
}

export function reviewForwardingTargets(model: NetworkModel): ForwardingTargetReview[] {
  const reach = Reachability.of(model);
  return reach.forwardingTargets().map((target) => {
    const groups = reach.securityGroupsOf(target);
    const name = model.label(target);
    return {
      stack: target.stack,
      name,
      subnet: model.label(reach.subnetOf(target)),
      publicAddress: reach.hasPublicAddress(target),
      inbound: describeRules(model, reach.rules('ingress', groups)),
      egress: describeRules(model, reach.rules('egress', groups)),
      clients: reach
        .instances()
        .filter((instance) => (instance.values.tags?.ForwardsTo ?? '').startsWith(`${name}:`))
        .map((instance) => model.label(instance)),
    };
  });
}

export function reviewInstances(model: NetworkModel): InstanceReview[] {
  const reach = Reachability.of(model);
  return reach.instances().map((instance) => {
    const groups = reach.securityGroupsOf(instance);
    const describe = (rules: ReturnType<Reachability['rules']>) => describeRules(model, rules);
    const keyPair = model.target(instance, 'key_name');
    const profile = model.target(instance, 'iam_instance_profile');
    return {
      id: instance.id,
      stack: instance.stack,
      address: instance.address,
      name: model.label(instance),
      accessPath:
        (SCENARIO_LABELS as Readonly<Record<string, string>>)[instance.values.tags?.Scenario ?? ''] ?? 'unknown',
      publicAddress: reach.hasPublicAddress(instance),
      inbound: describe(reach.rules('ingress', groups)),
      egress: describe(reach.rules('egress', groups)),
      keyPair: keyPair
        ? `yes (${keyPair.values.key_name ?? model.label(keyPair)})`
        : instance.values.key_name
          ? `yes (${instance.values.key_name})`
          : 'no',
      ssmRole: profile !== undefined,
      audit: sessionAudit(model, profile),
      sessionManager: reach.sessionManager(instance),
      ssh: reach.ssh(instance),
      forwarding: reach.forwarding(instance),
    };
  });
}

/**
 * Whether the instance's sessions are logged: a Session document in the plans that streams to a
 * log group (encrypted with a key), and a policy on the instance's role that lets the agent write
 * there. Both come from the session audit stack; the scenarios connect through that document.
 */
export function sessionAudit(model: NetworkModel, profile: Entity | undefined): string {
  const documents = model.all('aws_ssm_document').filter((document) => document.values.document_type === 'Session');
  if (documents.length === 0) return 'not logged';
  const role = profile ? model.target(profile, 'role') : undefined;
  if (!role) return 'not logged (no Session Manager role)';
  const mayWrite = model.pointingAt('aws_iam_role_policy', 'role', role).length > 0;
  for (const document of documents) {
    const targets = model.targets(document, 'content');
    const logGroup = targets.find((target) => target.type === 'aws_cloudwatch_log_group');
    if (!logGroup) continue;
    if (!mayWrite) return `not logged (${model.label(role)} may not write ${model.label(logGroup)})`;
    const key = model.target(logGroup, 'kms_key_id');
    return `logged to CloudWatch Logs ${model.label(logGroup)}${key ? `, encrypted with KMS key ${model.label(key)}` : ''} (document ${document.values.name ?? model.label(document)})`;
  }
  return 'not logged';
}

/** An instance's verdicts: the two ways in, and its forwarding hop when it names a target. */
export interface InstanceVerdicts {
  readonly sessionManager: Verdict;
  readonly ssh: Verdict;
  readonly forwarding?: Verdict;
}

/** The paths a verdict speaks of, with their words. */
export const PATHS = [
  ['sessionManager', 'Session Manager'],
  ['ssh', 'SSH'],
  ['forwarding', 'port forwarding'],
] as const;
export type PathKey = (typeof PATHS)[number][0];

/** How each path's verdict is judged. */
export const JUDGE: { readonly [K in PathKey]: (reach: Reachability, instance: Entity) => InstanceVerdicts[K] } = {
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

export interface InstanceChange {
  /** `<stack>/<address>`. */
  readonly id: string;
  readonly stack: string;
  readonly address: string;
  readonly name: string;
  readonly kind: ChangeKind;
  /** A forwarding target: no way in of its own, the far end of the others' forwarding hop. */
  readonly forwardingTarget: boolean;
  readonly before?: InstanceVerdicts;
  readonly after?: InstanceVerdicts;
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
      address: entity.address,
      name: after.label(planned ?? old),
      kind: planned ? changeKind(planned.actions) : 'delete',
      forwardingTarget: reachAfter.isForwardingTarget(entity),
      before: old ? verdictsOf(reachBefore, old) : undefined,
      after: planned ? verdictsOf(reachAfter, planned) : undefined,
    };
  });
}

/** One instance of a user's plan: its verdicts, and what they assume. */
export interface InstanceBlock {
  readonly address: string;
  readonly name?: string;
  /** What the plan does to it, in a plan summary's words (`to create`, `unchanged`, …). */
  readonly action: string;
  readonly kind: ChangeKind;
  readonly verdicts: InstanceVerdicts;
  readonly assumptions: readonly string[];
}

const ACTION_WORDS: Readonly<Record<string, string>> = {
  'no-op': 'unchanged',
  create: 'to create',
  update: 'to update',
  'delete,create': 'to replace',
  'create,delete': 'to replace',
  read: 'read',
};

export function instanceBlock(reach: Reachability, instance: Entity): InstanceBlock {
  return {
    address: instance.address,
    name: instance.values.tags?.Name,
    action: ACTION_WORDS[instance.actions.join(',')] ?? instance.actions.join(', '),
    kind: changeKind(instance.actions),
    verdicts: verdictsOf(reach, instance),
    assumptions: reach.assumptions(instance),
  };
}

/** An instance's verdicts in the order the reports print them (forwarding only where it names a target). */
export function verdictList(verdicts: InstanceVerdicts): Verdict[] {
  return [verdicts.sessionManager, verdicts.ssh, ...(verdicts.forwarding ? [verdicts.forwarding] : [])];
}
