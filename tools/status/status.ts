/**
 * `npm run status`: is each deployed access path really online? Reads every deployed scenario
 * stack's outputs from its state (local file or S3), then asks AWS — EC2 for the instance and the
 * endpoints, Systems Manager for the agent's registration — and compares what it observes with
 * what the lab is built to do. With `wait`, polls (with back-off) until every path is as expected.
 */
import {
  DescribeInstanceConnectEndpointsCommand,
  DescribeInstancesCommand,
  DescribeVpcEndpointsCommand,
} from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, InstanceInformation } from '@aws-sdk/client-ssm';
import { LabConfig } from '../../lib/config';
import { stackName, StackName } from '../../stacks/names';
import { SCENARIO_LABELS, Scenario } from '../../stacks/scenario-stack';
import { awsFailure, explainAwsFailure, whatCameBack } from '../aws-errors';
import { readStackState } from '../state';
import type { StatusOptions } from './options';
import { ago, checkWindow, recheckWindow, WindowStatus, windowStatusText } from './window';

/** The scenario stacks `status` checks, what each is built for, and whether Session Manager should be online. */
export const CHECKED_STACKS: readonly {
  readonly base: string;
  readonly scenario: Scenario;
  readonly sessionManager: boolean;
}[] = [
  { base: StackName.SSH, scenario: Scenario.SSH_INTERNET, sessionManager: false },
  { base: StackName.SSM_PUBLIC, scenario: Scenario.SSM_INTERNET_GATEWAY, sessionManager: true },
  { base: StackName.SSM_NAT, scenario: Scenario.SSM_NAT_GATEWAY, sessionManager: true },
  { base: StackName.SSM_ENDPOINT, scenario: Scenario.SSM_VPC_ENDPOINTS, sessionManager: true },
  // SSH through an EC2 Instance Connect Endpoint: no agent; the endpoint must be create-complete.
  { base: StackName.EICE, scenario: Scenario.SSH_EICE, sessionManager: false },
];

/** Agent registration as Systems Manager reports it (`PingStatus`), not registered at all, or not checked (the call failed). */
export type Registration = 'Online' | 'ConnectionLost' | 'Inactive' | 'not registered' | 'not checked';

export interface Observation {
  readonly instanceState: string;
  readonly registration: Registration;
  /** `lab-eice`: its EC2 Instance Connect Endpoint and its state (`create-complete` when usable). */
  readonly instanceConnectEndpoint?: { readonly id: string; readonly state: string };
  /** Why the registration is not known: the call and what came back. */
  readonly registrationUnchecked?: string;
  readonly agentVersion?: string;
  readonly lastPing?: Date;
  readonly launchTime?: Date;
  readonly subnetId?: string;
  readonly vpcId?: string;
  readonly securityGroupIds: readonly string[];
  readonly hasInstanceProfile: boolean;
  /** Interface endpoints of the stack: id → state and private DNS. */
  readonly endpoints: readonly { readonly id: string; readonly state: string; readonly privateDns: boolean }[];
}

export interface InstanceStatus {
  readonly stack: string;
  readonly scenario: Scenario;
  readonly instanceId: string;
  /** What the lab is built for: Session Manager online, or (SSH baseline) not registered. */
  readonly expectOnline: boolean;
  readonly observed?: Observation;
  /** Why it could not be checked (throttled, not allowed). */
  readonly error?: string;
  readonly matches: boolean;
  /** When it does not match: likely causes, most likely first, each with the command to check it. */
  readonly causes: readonly string[];
}

/** A forwarding target of lab-network: it only has to run (its service starts at boot). */
export interface TargetStatus {
  /** `vpc1` or `vpc2`. */
  readonly vpc: string;
  readonly instanceId: string;
  /** `<private address>:<port>`, from lab-network's outputs. */
  readonly address?: string;
  /** EC2's instance state, when it answered. */
  readonly state?: string;
  /** Why it could not be checked. */
  readonly error?: string;
  readonly matches: boolean;
}

export interface StatusResult {
  readonly instances: readonly InstanceStatus[];
  /** lab-network's forwarding targets, when it is deployed. */
  readonly targets: readonly TargetStatus[];
  /** Scenario stacks with no deployed state. */
  readonly notDeployed: readonly string[];
  /** With `ssm-endpoints` deployed: its VPC's instances and their registration since the window opened. */
  readonly window?: WindowStatus;
  readonly exitCode: 0 | 1;
  readonly text: string;
}

export type { StatusClients, StatusOptions } from './options';

/** An error that ends `status` with one line (credentials, a state that cannot be read). */
export class StatusError extends Error {}

/** A registration takes a few minutes after launch (agent start, back-off between tries). */
export const REGISTRATION_GRACE_MS = 10 * 60_000;
/** Polls at these intervals, the last repeating. */
export const POLL_BACKOFF_MS = [5_000, 10_000, 20_000, 30_000];

type StateOutputs = Readonly<Record<string, { readonly value?: unknown }>>;

/** The outputs of a stack's state, or undefined when it is not deployed. */
async function stateOutputs(options: StatusOptions, stack: string): Promise<StateOutputs | undefined> {
  let state;
  try {
    state = await readStackState(
      { config: options.config, projectDir: options.projectDir, s3: options.clients.s3 },
      stack,
    );
  } catch (error) {
    throw translate(error, `reading the state of ${stack}`);
  }
  return (state?.resources ?? []).length > 0 ? (state?.outputs ?? {}) : undefined;
}

/** AWS SDK errors that stop everything (credentials), in one line; others pass through. */
function translate(error: unknown, doing: string): Error {
  const failure = awsFailure(error);
  if (failure?.kind === 'credentials' || failure?.kind === 'refused') {
    return new StatusError(explainAwsFailure(error, doing, 'npm run status')!);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** One call's failure for one instance: throttled or not allowed, in words and with the fix. */
function perInstanceError(error: unknown, doing: string): string | undefined {
  const failure = awsFailure(error);
  if (failure?.kind !== 'throttled' && failure?.kind !== 'denied') return undefined;
  return explainAwsFailure(
    error,
    doing,
    'npm run status',
    'the read-only permissions ec2:DescribeInstances, ec2:DescribeVpcEndpoints and ssm:DescribeInstanceInformation are needed',
  );
}

async function observe(
  options: StatusOptions,
  instanceId: string,
  endpointIds: readonly string[],
): Promise<Observation> {
  const { ec2, ssm } = options.clients;
  const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const instance = described.Reservations?.flatMap((reservation) => reservation.Instances ?? [])[0];
  // A failing Systems Manager call does not hide what EC2 said: the registration is then unknown.
  let registered: InstanceInformation | undefined;
  let registrationUnchecked: string | undefined;
  try {
    const information = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [instanceId] }] }),
    );
    registered = information.InstanceInformationList?.find((entry) => entry.InstanceId === instanceId);
  } catch (error) {
    // Failures a user acts on (sign in, a permission, wait) keep their one-line advice for the instance.
    if (awsFailure(error)) throw error;
    registrationUnchecked = `Systems Manager DescribeInstanceInformation — ${whatCameBack(error, 'ssm:DescribeInstanceInformation', 'npm run status')}`;
  }
  const endpoints =
    endpointIds.length === 0
      ? []
      : (
          (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [...endpointIds] }))).VpcEndpoints ?? []
        ).map((endpoint) => ({
          id: endpoint.VpcEndpointId ?? '?',
          state: String(endpoint.State ?? 'unknown'),
          privateDns: endpoint.PrivateDnsEnabled === true,
        }));
  return {
    instanceState: instance?.State?.Name ?? 'not found',
    registration: registrationUnchecked
      ? 'not checked'
      : ((registered?.PingStatus as Registration | undefined) ?? 'not registered'),
    registrationUnchecked,
    agentVersion: registered?.AgentVersion,
    lastPing: registered?.LastPingDateTime,
    launchTime: instance?.LaunchTime,
    subnetId: instance?.SubnetId,
    vpcId: instance?.VpcId,
    securityGroupIds: (instance?.SecurityGroups ?? []).map((group) => group.GroupId ?? '?'),
    hasInstanceProfile: instance?.IamInstanceProfile !== undefined,
    endpoints,
  };
}

/** Likely causes of a path that is not online, most likely first, each with a command to check it. */
export function likelyCauses(
  scenario: Scenario,
  instanceId: string,
  observed: Observation,
  region: string,
  now: number,
): string[] {
  const causes: string[] = [];
  const aws = (command: string) => `${command} --region ${region}`;
  if (observed.instanceState !== 'running') {
    causes.push(
      `the instance is ${observed.instanceState}, not running — check: ${aws(`aws ec2 describe-instances --instance-ids ${instanceId} --query "Reservations[].Instances[].State"`)}`,
    );
    return causes;
  }
  if (
    observed.launchTime &&
    now - observed.launchTime.getTime() < REGISTRATION_GRACE_MS &&
    observed.registration === 'not registered'
  ) {
    causes.push(
      `the agent may still be starting: registration can take a few minutes after launch (launched ${Math.round((now - observed.launchTime.getTime()) / 60_000)} min ago) — wait: npm run status -- --wait 5m`,
    );
  }
  if (!observed.hasInstanceProfile) {
    causes.push(
      `no instance profile, so the agent has no Systems Manager role — check: ${aws(`aws ec2 describe-iam-instance-profile-associations --filters Name=instance-id,Values=${instanceId}`)}`,
    );
  }
  const subnet = observed.subnetId ?? '<subnet-id>';
  const vpc = observed.vpcId ?? '<vpc-id>';
  if (scenario === Scenario.SSM_VPC_ENDPOINTS) {
    const notReady = observed.endpoints.filter(
      (endpoint) => endpoint.state.toLowerCase() !== 'available' || !endpoint.privateDns,
    );
    const ids = observed.endpoints.map((endpoint) => endpoint.id).join(' ');
    causes.push(
      notReady.length > 0
        ? `endpoints not ready: ${notReady.map((endpoint) => `${endpoint.id} is ${endpoint.state}${endpoint.privateDns ? '' : ', private DNS off'}`).join('; ')} — check: ${aws(`aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${ids}`)}`
        : `no usable path to the endpoints (route, endpoint security group) — check: ${aws(`aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${ids}`)}`,
    );
  } else {
    const way = scenario === Scenario.SSM_NAT_GATEWAY ? 'a NAT gateway' : 'the internet gateway';
    causes.push(
      `no route to the internet through ${way} from ${subnet} — check: ${aws(`aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=${subnet}`)}`,
    );
  }
  causes.push(
    `DNS support or DNS hostnames off in ${vpc} — check: ${aws(`aws ec2 describe-vpc-attribute --vpc-id ${vpc} --attribute enableDnsSupport`)} (and enableDnsHostnames)`,
  );
  causes.push(
    `security groups do not allow HTTPS (443) out — check: ${aws(`aws ec2 describe-security-groups --group-ids ${observed.securityGroupIds.join(' ') || '<sg-id>'}`)}`,
  );
  return causes;
}

async function checkOnce(options: StatusOptions, deployed: readonly Deployed[]): Promise<InstanceStatus[]> {
  const now = (options.now ?? Date.now)();
  const results: InstanceStatus[] = [];
  for (const target of deployed) {
    const base = {
      stack: target.stack,
      scenario: target.scenario,
      instanceId: target.instanceId,
      expectOnline: target.expectOnline,
    };
    let observed: Observation;
    try {
      observed = await observe(options, target.instanceId, target.endpointIds);
      if (target.instanceConnectEndpointId) {
        const described = await options.clients.ec2.send(
          new DescribeInstanceConnectEndpointsCommand({
            InstanceConnectEndpointIds: [target.instanceConnectEndpointId],
          }),
        );
        observed = {
          ...observed,
          instanceConnectEndpoint: {
            id: target.instanceConnectEndpointId,
            state: String(described.InstanceConnectEndpoints?.[0]?.State ?? 'not found'),
          },
        };
      }
    } catch (error) {
      const explained = perInstanceError(error, 'the status calls');
      if (!explained) throw translate(error, `checking ${target.instanceId}`);
      results.push({ ...base, error: explained, matches: false, causes: [] });
      continue;
    }
    const online = observed.instanceState === 'running' && observed.registration === 'Online';
    const endpointReady =
      observed.instanceConnectEndpoint === undefined || observed.instanceConnectEndpoint.state === 'create-complete';
    const matches = target.expectOnline
      ? online
      : observed.instanceState === 'running' && observed.registration === 'not registered' && endpointReady;
    const causes =
      matches || !target.expectOnline || observed.registrationUnchecked
        ? []
        : likelyCauses(target.scenario, target.instanceId, observed, options.config.region, now);
    results.push({ ...base, observed, matches, causes });
  }
  return results;
}

interface Deployed {
  readonly stack: string;
  readonly scenario: Scenario;
  readonly instanceId: string;
  readonly expectOnline: boolean;
  readonly endpointIds: readonly string[];
  /** `lab-eice`'s EC2 Instance Connect Endpoint (its `endpoint_id` output). */
  readonly instanceConnectEndpointId?: string;
}

export async function checkStatus(options: StatusOptions): Promise<StatusResult> {
  const deployed: Deployed[] = [];
  const notDeployed: string[] = [];
  for (const checked of CHECKED_STACKS) {
    const stack = stackName(options.config, checked.base);
    let outputs: StateOutputs | undefined;
    try {
      outputs = await stateOutputs(options, stack);
    } catch (error) {
      throw error instanceof StatusError ? error : translate(error, `reading the state of ${stack}`);
    }
    const instanceId = outputs?.instance_id?.value;
    if (typeof instanceId !== 'string') {
      notDeployed.push(stack);
      continue;
    }
    const endpointIds = Object.entries(outputs ?? {})
      .filter(([name, output]) => name.endsWith('_endpoint_id') && typeof output.value === 'string')
      .map(([, output]) => String(output.value));
    const eice = outputs?.endpoint_id?.value;
    deployed.push({
      stack,
      scenario: checked.scenario,
      instanceId,
      expectOnline: checked.sessionManager,
      endpointIds,
      instanceConnectEndpointId: typeof eice === 'string' ? eice : undefined,
    });
  }
  let window = await checkWindow(options).catch((error) => {
    throw error instanceof StatusError ? error : translate(error, 'reading the VPC of the temporary endpoints');
  });
  if (deployed.length === 0 && !window) {
    return {
      instances: [],
      targets: [],
      notDeployed,
      exitCode: 1,
      text: `No scenario stack of lab ${options.config.labName} is deployed (no state for ${notDeployed.join(', ')}): deploy one first, e.g. npx cdktf deploy ${stackName(options.config, StackName.NETWORK)} ${stackName(options.config, StackName.SSM_NAT)}.\n`,
    };
  }

  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + (options.waitMs ?? 0);
  let instances = await checkOnce(options, deployed);
  const pending = () => [
    ...instances.filter((instance) => !instance.matches).map((instance) => instance.stack),
    ...(window && !window.matches ? [window.stack] : []),
  ];
  for (let attempt = 0; pending().length > 0 && now() < deadline; attempt++) {
    const pause = Math.min(
      POLL_BACKOFF_MS[Math.min(attempt, POLL_BACKOFF_MS.length - 1)],
      Math.max(0, deadline - now()),
    );
    options.progress?.(`waiting ${Math.round(pause / 1000)} s for ${pending().join(', ')}…`);
    await sleep(pause);
    instances = await checkOnce(options, deployed);
    if (window) window = await recheckWindow(options, window);
  }
  const targets = await checkTargets(options);
  const exitCode = [...instances, ...targets].every((checked) => checked.matches) && (window?.matches ?? true) ? 0 : 1;
  const windowLines = window ? windowStatusText(window, now(), options.config.region) : [];
  return {
    instances,
    targets,
    notDeployed,
    window,
    exitCode,
    text: statusText(options.config, instances, targets, notDeployed, now(), windowLines),
  };
}

/** lab-network's forwarding targets (its `<vpc>_target_instance_id` outputs): each must be running. */
async function checkTargets(options: StatusOptions): Promise<TargetStatus[]> {
  const outputs = await stateOutputs(options, stackName(options.config, StackName.NETWORK));
  const targets: TargetStatus[] = [];
  for (const [name, output] of Object.entries(outputs ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const vpc = /^(vpc\d+)_target_instance_id$/.exec(name)?.[1];
    if (!vpc || typeof output.value !== 'string') continue;
    const address = outputs?.[`${vpc}_target_address`]?.value;
    const base = { vpc, instanceId: output.value, address: typeof address === 'string' ? address : undefined };
    try {
      const described = await options.clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [output.value] }));
      const state = described.Reservations?.flatMap((r) => r.Instances ?? [])[0]?.State?.Name ?? 'not found';
      targets.push({ ...base, state, matches: state === 'running' });
    } catch (error) {
      const explained = perInstanceError(error, 'the status calls');
      if (!explained) throw translate(error, `checking ${output.value}`);
      targets.push({ ...base, error: explained, matches: false });
    }
  }
  return targets;
}

function statusText(
  config: LabConfig,
  instances: readonly InstanceStatus[],
  targets: readonly TargetStatus[],
  notDeployed: readonly string[],
  now: number,
  windowLines: readonly string[] = [],
): string {
  const out = [`ssm-access-lab status — lab ${config.labName}, ${config.region}`, ''];
  for (const instance of instances) {
    const expected = instance.expectOnline
      ? 'Session Manager Online'
      : instance.scenario === Scenario.SSH_EICE
        ? 'not registered (no agent role), its EC2 Instance Connect Endpoint create-complete'
        : 'not registered (no Systems Manager role)';
    const observed = instance.observed;
    const seen = instance.error
      ? `could not check: ${instance.error}`
      : observed!.registrationUnchecked
        ? `instance ${observed!.instanceState}; registration not checked: ${observed!.registrationUnchecked}`
        : `${observed!.registration}${observed!.registration === 'not registered' ? '' : ` (agent ${observed!.agentVersion ?? '?'}, last ping ${ago(observed!.lastPing, now)})`}, instance ${observed!.instanceState}`;
    out.push(
      `${instance.matches ? '✓' : '✗'} ${instance.stack} ${instance.instanceId} — ${SCENARIO_LABELS[instance.scenario]}`,
      `    expected: ${expected}`,
      `    observed: ${seen}`,
    );
    if (instance.observed?.instanceConnectEndpoint) {
      const { id, state } = instance.observed.instanceConnectEndpoint;
      out.push(
        `    EC2 Instance Connect Endpoint ${id}: ${state}${state === 'create-complete' ? '' : ' (usable once create-complete)'}`,
      );
    }
    for (const endpoint of instance.observed?.endpoints ?? []) {
      out.push(`    endpoint ${endpoint.id}: ${endpoint.state}, private DNS ${endpoint.privateDns ? 'on' : 'off'}`);
    }
    if (instance.causes.length > 0) {
      out.push(
        '    likely causes, most likely first:',
        ...instance.causes.map((cause, index) => `      ${index + 1}. ${cause}`),
      );
    }
  }
  const network = stackName(config, StackName.NETWORK);
  for (const target of targets) {
    out.push(
      `${target.matches ? '✓' : '✗'} ${network} ${target.instanceId} — forwarding target in ${target.vpc.toUpperCase()}${target.address ? ` (${target.address})` : ''}`,
      '    expected: running (its service answers from boot)',
      `    observed: ${target.error ? `could not check: ${target.error}` : `instance ${target.state}`}`,
    );
    if (!target.matches && !target.error)
      out.push(
        `    check: aws ec2 describe-instances --instance-ids ${target.instanceId} --query "Reservations[].Instances[].State" --region ${config.region}`,
      );
  }
  if (windowLines.length > 0) out.push(...(instances.length + targets.length > 0 ? [''] : []), ...windowLines);
  if (notDeployed.length > 0) out.push('', `Not deployed: ${notDeployed.join(', ')}.`);
  return `${out.join('\n')}\n`;
}
