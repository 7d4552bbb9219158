/**
 * `npm run status` for a maintenance window: with `ssm-endpoints` deployed, every instance of the
 * VPC it serves, whether its agent registered with Systems Manager since the window opened, and
 * for an instance the review does not expect online, the review's reason.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { stackName, StackName } from '../../stacks/names';
import { NetworkModel } from '../review/model/plan-model';
import { Reachability } from '../review/rules/reachability';
import {
  AgentRegistration,
  existingInstanceId,
  existingVpcKey,
  readExistingVpc,
  readRegistration,
  RegistrationRead,
  VpcReadError,
} from '../review/sources/existing-vpc';
import { readStackState } from '../state';
import type { StatusOptions } from './options';

export interface WindowInstanceStatus {
  readonly id: string;
  readonly name?: string;
  /** Systems Manager's word, or `not checked` when the call failed. */
  readonly registration: AgentRegistration | 'not checked';
  readonly lastPing?: Date;
  /** The review's verdict on the VPC as it stands: Session Manager should be online. */
  readonly expectOnline: boolean;
  /** The verdict's reason (why online is expected, or why not). */
  readonly reason: string;
  readonly matches: boolean;
}

export interface WindowStatus {
  readonly stack: string;
  readonly vpcId: string;
  /** When the stack's first endpoint was created. */
  readonly openedAt?: Date;
  readonly endpoints: readonly { readonly id: string; readonly state: string }[];
  readonly instances: readonly WindowInstanceStatus[];
  /** Why the VPC could not be read. */
  readonly unread?: string;
  /** Why the registration could not be read. */
  readonly registrationUnread?: string;
  readonly matches: boolean;
}

/** The deployed `ssm-endpoints` and its VPC's instances, or undefined when it is not deployed. */
export async function checkWindow(options: StatusOptions): Promise<WindowStatus | undefined> {
  const stack = stackName(options.config, StackName.TEMPORARY_ENDPOINTS);
  const state = await readStackState(
    { config: options.config, projectDir: options.projectDir, s3: options.clients.s3 },
    stack,
  );
  const endpointResources = (state?.resources ?? []).filter(
    (resource) => resource.mode === 'managed' && resource.type === 'aws_vpc_endpoint',
  );
  const attributes = endpointResources.flatMap((resource) => resource.instances ?? []).map((i) => i.attributes ?? {});
  const vpcId = attributes.map((a) => a.vpc_id).find((id): id is string => typeof id === 'string');
  if (!vpcId) return undefined;
  const own = new Set(attributes.map((a) => a.id).filter((id): id is string => typeof id === 'string'));
  const region = String(attributes.find((a) => typeof a.region === 'string')?.region ?? options.config.region);
  let existing;
  try {
    existing = await readExistingVpc(
      {
        ec2: options.clients.ec2,
        iam: options.clients.iam ?? new IAMClient({ region }),
        ssm: options.clients.ssm,
      },
      vpcId,
      'npm run status',
    );
  } catch (error) {
    if (!(error instanceof VpcReadError)) throw error;
    return { stack, vpcId, endpoints: [], instances: [], unread: error.message, matches: false };
  }
  const endpoints = existing.endpoints.filter((endpoint) => own.has(endpoint.id));
  const created = endpoints.map((e) => e.created?.getTime()).filter((t): t is number => t !== undefined);
  const openedAt = created.length > 0 ? new Date(Math.min(...created)) : undefined;
  // The VPC as it stands, endpoints included: what the review would say of each instance now.
  const model = new NetworkModel({ [existingVpcKey(vpcId)]: existing.state });
  const reach = Reachability.of(model);
  const judged = existing.instances.map((instance): WindowInstanceStatus => {
    const entity = model.get(existingInstanceId(vpcId, instance.id));
    const verdict = entity ? reach.sessionManager(entity) : undefined;
    return {
      id: instance.id,
      name: instance.name,
      registration: 'not checked',
      expectOnline: verdict?.reachable === true,
      reason: verdict?.reason ?? 'not judged',
      matches: false,
    };
  });
  return withRegistration(
    {
      stack,
      vpcId,
      openedAt,
      endpoints: endpoints.map(({ id, state }) => ({ id, state })),
      instances: judged,
      matches: false,
    },
    { statuses: existing.registration, unread: existing.registrationUnread },
  );
}

/**
 * The window again while `status --wait` polls: only the agents' registration changes, so only
 * Systems Manager is asked (a window whose VPC could not be read is read again whole).
 */
export async function recheckWindow(options: StatusOptions, window: WindowStatus): Promise<WindowStatus | undefined> {
  if (window.unread) return checkWindow(options);
  const ids = window.instances.map((instance) => instance.id);
  return withRegistration(window, await readRegistration(options.clients.ssm, ids, 'npm run status'));
}

/** The window's instances with what Systems Manager said: Online since the window opened matches. */
function withRegistration(window: WindowStatus, read: RegistrationRead): WindowStatus {
  const instances = window.instances.map((instance): WindowInstanceStatus => {
    const registered = read.statuses?.get(instance.id);
    const registration = registered?.status ?? 'not checked';
    // Online since the window opened: a ping after the first endpoint existed.
    const online =
      registration === 'Online' &&
      (window.openedAt === undefined || registered?.lastPing === undefined || registered.lastPing >= window.openedAt);
    return {
      ...instance,
      registration,
      lastPing: registered?.lastPing,
      matches: instance.expectOnline ? online : true,
    };
  });
  return {
    ...window,
    instances,
    registrationUnread: read.unread,
    matches: instances.every((instance) => instance.matches),
  };
}

/** How long ago, in the words status prints. */
export function ago(date: Date | undefined, now: number): string {
  if (!date) return 'never';
  const seconds = Math.max(0, Math.round((now - date.getTime()) / 1000));
  return seconds < 120 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
}

/** The window's lines of `npm run status`: ✓ online as expected, ✗ expected and not online, – not expected. */
export function windowStatusText(window: WindowStatus, now: number, region: string): string[] {
  const head = `${window.stack} in ${window.vpcId}`;
  if (window.unread) return [`✗ ${head}: its instances could not be read — ${window.unread}`];
  const out = [
    `${window.matches ? '✓' : '✗'} ${head} — window opened ${ago(window.openedAt, now)}; endpoints ${window.endpoints.map((e) => `${e.id} ${e.state}`).join(', ') || 'none listed'}`,
  ];
  for (const instance of window.instances) {
    const seen =
      instance.registration === 'not checked'
        ? 'registration not checked'
        : instance.registration === 'not registered'
          ? 'not registered'
          : `${instance.registration} (last ping ${ago(instance.lastPing, now)})`;
    const mark = !instance.expectOnline ? '–' : instance.matches ? '✓' : '✗';
    out.push(
      `    ${mark} ${instance.id}${instance.name ? ` (${instance.name})` : ''}: ${seen}; ${instance.expectOnline ? 'expected Online' : `not expected online — ${instance.reason}`}`,
    );
  }
  // Advice for agents not online yet, when Systems Manager said so (not when it could not be asked).
  const waiting = window.instances.filter((i) => i.expectOnline && !i.matches && i.registration !== 'not checked');
  if (waiting.length > 0)
    out.push(
      `    not online yet: ${waiting.length}; the agent retries with back-off (a reboot hurries it) — check: aws ssm describe-instance-information --filters Key=InstanceIds,Values=${waiting
        .slice(0, 5)
        .map((i) => i.id)
        .join(',')} --region ${region}`,
    );
  if (window.registrationUnread) out.push(`    registration not read: ${window.registrationUnread}`);
  return out;
}
