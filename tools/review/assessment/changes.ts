/**
 * What a plan changes, as a reviewer reads it: per stack, what it creates, updates, replaces and
 * destroys and what that costs by the hour; per instance, the paths it cuts and the changes each
 * cut is owed to (the headlines, as data: the renderers word them); and the exit code a CI job
 * gates on.
 */
import { changeKind, ChangeKind, PlanJson, priorPlan, ResourceChange } from '../../terraform-json';
import { NetworkModel } from '../model/plan-model';
import { stackCost, StackCost } from '../rules/prices';
import { Reachability } from '../rules/reachability';
import { InstanceChange, JUDGE, PATHS, PathKey } from './instances';

/** Exit codes a CI job can gate on. */
export const AccountExit = {
  /** Reviewed; no reachable path is lost and no instance is replaced. */
  OK: 0,
  /** Could not review (credentials, Terraform, a stack that does not plan). */
  ERROR: 1,
  /** The plan makes a reachable path unreachable, or replaces an instance. */
  PATH_LOST: 2,
} as const;
export type ExitCode = (typeof AccountExit)[keyof typeof AccountExit];

/** A stack of the lab's own plans: what it creates, and what that costs by the hour. */
export interface StackReview {
  readonly stack: string;
  /** Resource type → how many the plan creates. */
  readonly creates: Readonly<Record<string, number>>;
  readonly cost: StackCost;
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

/** The order a reviewer reads changes in: what is lost first. */
const CHANGE_ORDER: readonly ChangeKind[] = ['delete', 'replace', 'create', 'update'];

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

/** A change a cut path is owed to: what it does to which resource, and what that resource was. */
export interface CutCause {
  readonly kind: 'delete' | 'replace' | 'update';
  /** The stack (empty for a user's plan: one configuration, its addresses stand alone). */
  readonly stack: string;
  readonly address: string;
  /** For a route: where it led (`0.0.0.0/0` → `nat-0abc…`). */
  readonly route?: { readonly destination: string; readonly target: string };
  /** Otherwise the resource's Name tag, when it has one. */
  readonly name?: string;
}

function causeOf(stack: string, change: ResourceChange): CutCause {
  const kind = changeKind(change.change.actions) as CutCause['kind'];
  const was = change.change.before ?? {};
  if (change.type === 'aws_route')
    return {
      kind,
      stack,
      address: change.address,
      route: {
        destination: String(was.destination_cidr_block ?? '?'),
        target: String(
          was.nat_gateway_id ?? was.gateway_id ?? was.vpc_endpoint_id ?? was.vpc_peering_connection_id ?? '?',
        ),
      },
    };
  return { kind, stack, address: change.address, ...(was.tags?.Name ? { name: was.tags.Name } : {}) };
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
export function changesOnPath(
  plans: Readonly<Record<string, PlanJson>>,
  instanceId: string,
  path: PathKey,
): CutCause[] {
  const reachable = (model: NetworkModel) => {
    const instance = model.get(instanceId);
    // Only the path asked about: each change is judged on two models.
    return instance !== undefined && JUDGE[path](Reachability.of(model), instance)?.reachable === true;
  };
  const prior = Object.fromEntries(Object.entries(plans).map(([stack, plan]) => [stack, priorPlan(plan)]));
  const named: CutCause[] = [];
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
        named.push(causeOf(stack, change));
    }
  }
  return named;
}

/** An instance a headline names. */
export interface InstanceRef {
  readonly id: string;
  readonly stack: string;
  readonly address: string;
  readonly name: string;
}

/** What a reviewer must read first: a reachable path the plan cuts, or an instance it replaces. */
export type Headline =
  | {
      readonly kind: 'path-cut';
      readonly instance: InstanceRef;
      readonly path: PathKey;
      /** For port forwarding: the hop as its verdict names it (`Port forwarding to target:8080`). */
      readonly hop?: string;
      /** Why the path is cut after the plan (or that the instance is destroyed). */
      readonly reason: string;
      readonly instanceDestroyed: boolean;
      /** The plan's changes the cut is owed to. */
      readonly causes: readonly CutCause[];
    }
  | {
      readonly kind: 'instance-replaced';
      readonly instance: InstanceRef;
      /** A forwarding target: its forwarded connections end, and the forwarding commands name its old address. */
      readonly forwardingTarget: boolean;
    };

export function headlinesOf(
  instances: readonly InstanceChange[],
  plans: Readonly<Record<string, PlanJson>>,
): Headline[] {
  const headlines: Headline[] = [];
  for (const instance of instances) {
    const ref: InstanceRef = { id: instance.id, stack: instance.stack, address: instance.address, name: instance.name };
    if (!instance.before) continue;
    for (const [path] of PATHS) {
      const was = instance.before[path];
      const will = instance.after?.[path];
      if (!was?.reachable || will?.reachable) continue;
      headlines.push({
        kind: 'path-cut',
        instance: ref,
        path,
        ...(path === 'forwarding' ? { hop: was.text.slice(0, was.text.indexOf(': reachable')) } : {}),
        reason: will ? will.reason : 'the instance is destroyed',
        instanceDestroyed: !instance.after,
        // A destroyed instance is its own reason; otherwise the changes on this path, and no others.
        causes: instance.after ? changesOnPath(plans, instance.id, path) : [],
      });
    }
    if (instance.kind === 'replace')
      headlines.push({ kind: 'instance-replaced', instance: ref, forwardingTarget: instance.forwardingTarget });
  }
  return headlines;
}
