/**
 * What a maintenance window of `ssm-endpoints` gives the instances of the VPC it serves: Session
 * Manager now and with the endpoints, per instance, and the counts a reviewer reads first (as
 * data: the renderers word them).
 */
import { NetworkModel } from '../model/plan-model';
import { AccessPath, Reachability, ReachabilityOptions, Verdict } from '../rules/reachability';
import { ExistingVpc, existingInstanceId, HostManagement, InstanceRegistration } from '../sources/existing-vpc';

/** One instance of the VPC the temporary endpoints serve: Session Manager now and with the endpoints. */
export interface WindowInstance {
  readonly id: string;
  readonly name?: string;
  readonly now?: Verdict;
  readonly withEndpoints?: Verdict;
  /** Systems Manager's registration of its agent, when it could be read. */
  readonly registration?: InstanceRegistration;
}

/** The counts of a window, each with the instances it names. */
export type WindowHeadline =
  | { readonly kind: 'no-instance'; readonly vpcId: string }
  | {
      readonly kind: 'opens';
      readonly stack: string;
      readonly vpcId: string;
      readonly total: number;
      readonly instances: readonly WindowInstance[];
    }
  | {
      readonly kind: 'already-reachable';
      readonly instances: readonly { readonly instance: WindowInstance; readonly paths: readonly AccessPath[] }[];
    }
  | { readonly kind: 'lost'; readonly instances: readonly WindowInstance[] }
  | { readonly kind: 'cannot-open'; readonly reason: string; readonly instances: readonly WindowInstance[] };

/** What a maintenance window of `ssm-endpoints` gives the VPC's instances. */
export interface EndpointWindow {
  readonly stack: string;
  readonly vpcId: string;
  readonly instances: readonly WindowInstance[];
  /** The counts: how many the window opens, how many it cannot and why. */
  readonly headlines: readonly WindowHeadline[];
  /** Why the VPC could not be read (then there is nothing else). */
  readonly unread?: string;
  readonly registrationUnread?: string;
  /** The account's Default Host Management Configuration, which manages instances without a usable profile. */
  readonly hostManagement?: HostManagement;
  readonly instancePages?: number;
}

const agentOptions = new WeakMap<ExistingVpc, { now: ReachabilityOptions; later: ReachabilityOptions }>();

/**
 * The judges of the models before and after the window, told what Systems Manager reported of the
 * VPC's agents (registration, version, platform): it decides now and is assumed after. The same
 * options for the same read, so a second call keeps the judges (and their verdicts).
 */
export function judgeWithAgents(
  existing: ExistingVpc,
  before: NetworkModel,
  after: NetworkModel,
): { reachBefore: Reachability; reachAfter: Reachability } {
  let options = agentOptions.get(existing);
  if (!options) {
    const agents = new Map(
      [...(existing.registration ?? [])].map(
        ([id, report]) => [existingInstanceId(existing.vpcId, id), report] as const,
      ),
    );
    options = { now: { agents, registrationIsNow: true }, later: { agents } };
    agentOptions.set(existing, options);
  }
  return { reachBefore: Reachability.of(before, options.now), reachAfter: Reachability.of(after, options.later) };
}

/**
 * Per instance of the existing VPC: Session Manager before the plan and after it, and the window's
 * headlines — the instances it opens, those it cannot (grouped by reason), those already reachable.
 */
export function assessWindow(
  stack: string,
  existing: ExistingVpc,
  before: NetworkModel,
  after: NetworkModel,
): EndpointWindow {
  const { reachBefore, reachAfter } = judgeWithAgents(existing, before, after);
  const instances = existing.instances.map((instance): WindowInstance => {
    const id = existingInstanceId(existing.vpcId, instance.id);
    const old = before.get(id);
    const planned = after.get(id);
    const now = old ? reachBefore.sessionManager(old) : undefined;
    let withEndpoints = planned ? reachAfter.sessionManager(planned) : undefined;
    // A path reaches it today and its agent does not answer: endpoints do not change that.
    if (now?.agentSilent && withEndpoints?.reachable) {
      const reason = `${now.agentSilent} although a path reaches it now, so the endpoints do not make its agent answer`;
      withEndpoints = { reachable: false, paths: [], reason, text: `Session Manager: NOT reachable — ${reason}` };
    }
    return {
      id: instance.id,
      name: instance.name,
      now,
      withEndpoints,
      registration: existing.registration?.get(instance.id),
    };
  });
  const opened = instances.filter(
    (i) => !i.now?.reachable && i.withEndpoints?.reachable && i.withEndpoints.paths.includes('vpc-endpoints'),
  );
  const already = instances.filter((i) => i.now?.reachable && i.withEndpoints?.reachable);
  const lost = instances.filter((i) => i.now?.reachable && !i.withEndpoints?.reachable);
  const cannot = instances.filter((i) => !i.now?.reachable && !i.withEndpoints?.reachable);
  const headlines: WindowHeadline[] = [];
  if (instances.length === 0) headlines.push({ kind: 'no-instance', vpcId: existing.vpcId });
  else headlines.push({ kind: 'opens', stack, vpcId: existing.vpcId, total: instances.length, instances: opened });
  if (already.length > 0)
    headlines.push({
      kind: 'already-reachable',
      instances: already.map((instance) => ({ instance, paths: instance.now!.paths })),
    });
  if (lost.length > 0) headlines.push({ kind: 'lost', instances: lost });
  const byReason = new Map<string, WindowInstance[]>();
  for (const instance of cannot) {
    const reason = instance.withEndpoints?.reason ?? 'the instance is gone after the plan';
    byReason.set(reason, [...(byReason.get(reason) ?? []), instance]);
  }
  for (const [reason, group] of [...byReason].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0])))
    headlines.push({ kind: 'cannot-open', reason, instances: group });
  return {
    stack,
    vpcId: existing.vpcId,
    instances,
    headlines,
    registrationUnread: existing.registrationUnread,
    hostManagement: existing.hostManagement,
    instancePages: existing.instancePages,
  };
}
