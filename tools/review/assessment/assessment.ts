/**
 * The assessment: what the review concludes from a model, whatever its source (the lab's offline
 * plans, the account review's plans, a user's `terraform show -json`). Renderers in `render/` draw
 * these conclusions as text, Markdown and Mermaid; nothing here formats a report.
 */
import { SCENARIO_LABELS } from '../../../stacks/scenario-stack';
import { Entity, NetworkModel } from '../model/plan-model';
import { changeKind, ChangeKind, PlanJson, priorPlan, ResourceChange } from '../../terraform-json';
import { OperatorAccess } from '../rules/operator-access';
import { stackCost, StackCost } from '../rules/prices';
import { Reachability, Verdict } from '../rules/reachability';
import { ExistingVpc, existingInstanceId, InstanceRegistration } from '../sources/existing-vpc';

/** A user's plan or state (`--plan`) is one configuration: its addresses stand alone, with no stack in front. */
export const PLAN_STACK = '';

export interface StackReview {
  readonly stack: string;
  /** Resource type → how many the plan creates. */
  readonly creates: Readonly<Record<string, number>>;
  readonly cost: StackCost;
}

export interface InstanceReview {
  readonly stack: string;
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

export interface ReviewFacts {
  readonly region: string;
  readonly terraformVersion: string;
  readonly placeholders: readonly string[];
  readonly acknowledged?: readonly string[];
  /** Each stack's printed commands checked against its printed operator policy. */
  readonly operatorAccess?: readonly OperatorAccess[];
}

export function reviewStacks(model: NetworkModel, region: string): StackReview[] {
  return Object.keys(model.plans).map((stack) => {
    const creates: Record<string, number> = {};
    for (const entity of model.all().filter((e) => e.stack === stack && e.actions.includes('create'))) {
      creates[entity.type] = (creates[entity.type] ?? 0) + 1;
    }
    return { stack, creates, cost: stackCost(model, stack, region) };
  });
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
      stack: instance.stack,
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

/** Exit codes a CI job can gate on. */
export const AccountExit = {
  /** Reviewed; no reachable path is lost and no instance is replaced. */
  OK: 0,
  /** Could not review (credentials, Terraform, a stack that does not plan). */
  ERROR: 1,
  /** The plan makes a reachable path unreachable, or replaces an instance. */
  PATH_LOST: 2,
} as const;

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
export const PATHS = [
  ['sessionManager', 'Session Manager'],
  ['ssh', 'SSH'],
  ['forwarding', 'port forwarding'],
] as const;
export type PathKey = (typeof PATHS)[number][0];

export function summarizeStack(
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
export function changeWords(change: ResourceChangeLine): string {
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
  return `${verb} ${stack === PLAN_STACK ? '' : `${stack}/`}${change.address}${detail}`;
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
        `This plan replaces ${instance.name} (${instance.stack === PLAN_STACK ? '' : `${instance.stack}/`}${entity?.address ?? instance.id.split('/')[1]}): ${consequence}.`,
      );
    }
  }
  return lines;
}

/** One instance's verdicts, as the review prints them. */
export interface InstanceBlock {
  readonly address: string;
  readonly name?: string;
  readonly action: string;
  readonly lines: readonly string[];
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
  const verdicts: (Verdict | undefined)[] = [
    reach.sessionManager(instance),
    reach.ssh(instance),
    reach.forwarding(instance),
  ];
  return {
    address: instance.address,
    name: instance.values.tags?.Name,
    action: ACTION_WORDS[instance.actions.join(',')] ?? instance.actions.join(', '),
    lines: verdicts.filter((v): v is Verdict => v !== undefined).map((v) => v.text),
    assumptions: reach.assumptions(instance),
  };
}

/** One instance of the VPC the temporary endpoints serve: Session Manager now and with the endpoints. */
export interface WindowInstance {
  readonly id: string;
  readonly name?: string;
  readonly now?: Verdict;
  readonly withEndpoints?: Verdict;
  /** Systems Manager's registration of its agent, when it could be read. */
  readonly registration?: InstanceRegistration;
}

/** What a maintenance window of `ssm-endpoints` gives the VPC's instances. */
export interface EndpointWindow {
  readonly stack: string;
  readonly vpcId: string;
  readonly instances: readonly WindowInstance[];
  /** The counts: how many the window opens, how many it cannot and why, one line each. */
  readonly headlines: readonly string[];
  /** Why the VPC could not be read (then there is nothing else). */
  readonly unread?: string;
  readonly registrationUnread?: string;
  readonly instancePages?: number;
}

/** An instance named as a reader finds it: `i-0abc… (web-1)`. */
function instanceWords(instance: { readonly id: string; readonly name?: string }): string {
  return instance.name ? `${instance.id} (${instance.name})` : instance.id;
}

/**
 * Per instance of the existing VPC: Session Manager before the plan and after it, and the window's
 * headline — the instances it opens, those it cannot (grouped by reason), those already reachable.
 */
export function assessWindow(
  stack: string,
  existing: ExistingVpc,
  before: NetworkModel,
  after: NetworkModel,
): EndpointWindow {
  const reachBefore = Reachability.of(before);
  const reachAfter = Reachability.of(after);
  const instances = existing.instances.map((instance): WindowInstance => {
    const id = existingInstanceId(existing.vpcId, instance.id);
    const old = before.get(id);
    const planned = after.get(id);
    return {
      id: instance.id,
      name: instance.name,
      now: old ? reachBefore.sessionManager(old) : undefined,
      withEndpoints: planned ? reachAfter.sessionManager(planned) : undefined,
      registration: existing.registration?.get(instance.id),
    };
  });
  const opened = instances.filter(
    (i) => !i.now?.reachable && i.withEndpoints?.reachable && i.withEndpoints.paths.includes('vpc-endpoints'),
  );
  const already = instances.filter((i) => i.now?.reachable && i.withEndpoints?.reachable);
  const lost = instances.filter((i) => i.now?.reachable && !i.withEndpoints?.reachable);
  const cannot = instances.filter((i) => !i.now?.reachable && !i.withEndpoints?.reachable);
  const total = instances.length;
  // A headline stays one line: the first few by name, the rest counted (each has its own line below).
  const list = (group: readonly WindowInstance[]) =>
    group.length <= HEADLINE_NAMES
      ? group.map(instanceWords).join(', ')
      : `${group.slice(0, HEADLINE_NAMES).map(instanceWords).join(', ')} and ${group.length - HEADLINE_NAMES} more`;
  const headlines: string[] = [];
  if (total === 0) headlines.push(`${existing.vpcId} holds no instance: the endpoints would serve none yet.`);
  else
    headlines.push(
      `${stack} opens Session Manager to ${opened.length} of ${total} instance(s) in ${existing.vpcId}${opened.length > 0 ? `: ${list(opened)}` : ''}.`,
    );
  if (already.length > 0)
    headlines.push(
      `${already.length} already reachable without these endpoints: ${already
        .map((i) => `${instanceWords(i)} via ${i.now!.paths.map((path) => PATH_WORDS[path]).join(' and ')}`)
        .join(', ')}.`,
    );
  if (lost.length > 0)
    headlines.push(`${lost.length} lose Session Manager with this plan: ${list(lost)} (the headlines above say why).`);
  const byReason = new Map<string, WindowInstance[]>();
  for (const instance of cannot) {
    const reason = instance.withEndpoints?.reason ?? 'the instance is gone after the plan';
    byReason.set(reason, [...(byReason.get(reason) ?? []), instance]);
  }
  for (const [reason, group] of [...byReason].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0])))
    headlines.push(`${group.length} it cannot open — ${reason}: ${list(group)}.`);
  return {
    stack,
    vpcId: existing.vpcId,
    instances,
    headlines,
    registrationUnread: existing.registrationUnread,
    instancePages: existing.instancePages,
  };
}

/** How many instances a window headline names before it counts the rest. */
const HEADLINE_NAMES = 5;

/** The access paths in the words of a headline. */
const PATH_WORDS: Readonly<Record<Verdict['paths'][number], string>> = {
  'vpc-endpoints': 'its VPC endpoints',
  'internet-gateway': 'a public address and internet gateway',
  'nat-gateway': 'a NAT gateway',
  'instance-connect-endpoint': 'an EC2 Instance Connect Endpoint',
};
