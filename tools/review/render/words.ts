/**
 * The phrases every renderer shares: money, a change, a command check, the NAT-versus-endpoints
 * sums, the headlines and the window's counts, each worded from the assessment's data.
 */
import type { CutCause, Headline, ResourceChangeLine } from '../assessment/changes';
import type { NatVersusEndpoints, PathCosts } from '../assessment/costs';
import type { WindowHeadline, WindowInstance } from '../assessment/window';
import type { HostManagement } from '../sources/existing-vpc';
import type { ConfigurationStatus } from '../model/terraform-configuration';
import type { OperatorAccess } from '../rules/operator-access';
import type { PlanPolicyFinding } from '../rules/policies';
import type { AccessPath } from '../rules/reachability';

export function usd(value: number): string {
  return Number.isFinite(value) ? `USD ${value.toFixed(4)}` : 'unknown';
}

/** An address with its stack in front (`lab-ssm-nat/aws_route.x`); a user's plan has no stack. */
export function qualified(stack: string, address: string): string {
  return stack === '' ? address : `${stack}/${address}`;
}

/** A stack's commands and what its policy lacks for them, in a few words. */
export function accessVerdict(access: OperatorAccess): string {
  if (access.unreadable) return `not checked: ${access.unreadable}`;
  const calls = access.commands.reduce((sum, command) => sum + command.calls.length, 0);
  if (access.missing.length === 0)
    return calls === 0 ? 'its commands call no AWS API' : `allows all ${calls} AWS calls of its commands`;
  return `lacks ${access.missing.length} of ${calls} AWS calls`;
}

/** One change in words: `replace aws_instance.x (forced by ami)`. */
export function changeWords(change: ResourceChangeLine): string {
  const forced = change.forcedBy.length > 0 ? ` (forced by ${change.forcedBy.join(', ')})` : '';
  return `${change.kind === 'delete' ? 'destroy' : change.kind} ${change.address}${forced}`;
}

/** One line per policy finding, as the reports list them. */
export function policyFindingLine(finding: PlanPolicyFinding): string {
  return `\`${finding.resource}\` ${finding.attribute}, ${finding.statement}: ${finding.message} (${finding.fix})`;
}

/** `The 1 policy document` / `The 3 policy documents`. */
export function policyCount(count: number): string {
  return `The ${count} policy document${count === 1 ? '' : 's'}`;
}

/** NAT path vs endpoint path, from the two scenario stacks' costs (the comparison the README explains). */
export function natVersusEndpoints(costs: PathCosts): string[] {
  const eice = costs.instanceConnectStack
    ? [
        `EC2 Instance Connect Endpoint path (${costs.instanceConnectStack}): ${usd(0)}/h for the endpoint (cross-AZ data only); SSH with no agent, no NAT and no interface endpoints. Audit: CloudTrail records each tunnel and key push (OpenTunnel, SendSSHPublicKey), not what is typed; Session Manager can log the session's transcript.`,
      ]
    : [];
  const compared: NatVersusEndpoints | undefined = costs.natVersusEndpoints;
  if (!compared) return eice;
  const { natUsdPerHour: nat, endpointsUsdPerHour: endpoints } = compared;
  return [
    `NAT path (${compared.natStack}): ${usd(nat)}/h for the NAT gateway and its Elastic IP, + ${costs.prices?.natGatewayGb.usd ?? '?'} USD/GB processed.`,
    `Endpoint path (${compared.endpointStack}): ${usd(endpoints)}/h for ${compared.endpoints} Interface endpoints in one AZ, + ${costs.prices?.interfaceEndpointGb.usd ?? '?'} USD/GB.`,
    endpoints < nat
      ? `Endpoints are cheaper by ${usd(nat - endpoints)}/h (${usd((nat - endpoints) * 4)} over a 4-hour window); a NAT gateway is cheaper from the ${ordinal(Math.floor(compared.breakEvenEndpoints) + 1)} Interface endpoint on (one per AWS service to reach; the two cost the same at ${compared.breakEvenEndpoints.toFixed(1)}).`
      : `The NAT gateway is cheaper by ${usd(endpoints - nat)}/h with this many endpoints.`,
    ...eice,
  ];
}

/** `1st`, `2nd`, `3rd`, `4th`, … `11th`, `21st`. */
function ordinal(n: number): string {
  if (!Number.isFinite(n)) return '?th';
  const teen = n % 100 >= 11 && n % 100 <= 13;
  return `${n}${teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th')}`;
}

/** What the review read beside the plan: the configuration's files, none, or files the plan was not made from. */
export function configurationLine(status: ConfigurationStatus | undefined): string | undefined {
  if (!status) return undefined;
  if (status.kind === 'read') {
    const modules = status.configuration.modules.size;
    const missing = status.configuration.missing;
    return `Configuration read: ${status.configuration.dir} (${modules} module folder${modules === 1 ? '' : 's'}: locals, dynamic blocks and expressions followed)${missing.length > 0 ? `; not on disk, read from the plan alone: ${missing.join(', ')} (run terraform init)` : ''}.`;
  }
  if (status.kind === 'absent')
    return `Configuration not read: no .tf file in ${status.dir} — links known only after apply are taken from the plan's references (give the folder with --config <dir>).`;
  return `Configuration not read: the files in ${status.dir} are not the ones this plan was made from (${status.why}) — verdicts read the plan alone; plan again, or give the right folder with --config <dir>.`;
}

const PATH_LABELS = { sessionManager: 'Session Manager', ssh: 'SSH', forwarding: 'port forwarding' } as const;

/** One change a cut is owed to: `deletes lab-ssm-nat/aws_route.x (0.0.0.0/0 → nat-0abc…)`. */
function causeWords(cause: CutCause): string {
  const detail = cause.route
    ? ` (${cause.route.destination} → ${cause.route.target})`
    : cause.name
      ? ` (${cause.name})`
      : '';
  const verb = cause.kind === 'delete' ? 'deletes' : cause.kind === 'replace' ? 'replaces' : 'updates';
  return `${verb} ${qualified(cause.stack, cause.address)}${detail}`;
}

/** A headline as a sentence: the path cut and why, or the instance replaced and what follows. */
export function headlineSentence(headline: Headline): string {
  const { instance } = headline;
  if (headline.kind === 'instance-replaced') {
    const consequence = headline.forwardingTarget
      ? "it gets a new instance id and private address, so forwarded connections end and the scenarios' forwarding commands name the old address until they are applied again"
      : 'it gets a new instance id, so open sessions end, saved targets break and SSH host keys change';
    return `This plan replaces ${instance.name} (${qualified(instance.stack, instance.address)}): ${consequence}.`;
  }
  const because = headline.causes.length > 0 ? ` The plan ${headline.causes.map(causeWords).join('; ')}.` : '';
  const what =
    headline.path === 'forwarding'
      ? `${(headline.hop ?? '').replace('Port', 'port')} from`
      : `${PATH_LABELS[headline.path]} to`;
  return `This plan cuts ${what} ${instance.name}: ${headline.reason}.${because}`;
}

/** How many instances a window headline names before it counts the rest. */
const HEADLINE_NAMES = 5;

/** An instance named as a reader finds it: `i-0abc… (web-1)`. */
function instanceWords(instance: Pick<WindowInstance, 'id' | 'name'>): string {
  return instance.name ? `${instance.id} (${instance.name})` : instance.id;
}

/** The access paths in the words of a headline. */
const PATH_WORDS: Readonly<Record<AccessPath, string>> = {
  'vpc-endpoints': 'its VPC endpoints',
  'internet-gateway': 'a public address and internet gateway',
  'nat-gateway': 'a NAT gateway',
  'instance-connect-endpoint': 'an EC2 Instance Connect Endpoint',
};

/** A window's count as one line: the first few instances by name, the rest counted (each has its own line below). */
export function windowHeadlineSentence(headline: WindowHeadline): string {
  const list = (group: readonly WindowInstance[]) =>
    group.length <= HEADLINE_NAMES
      ? group.map(instanceWords).join(', ')
      : `${group.slice(0, HEADLINE_NAMES).map(instanceWords).join(', ')} and ${group.length - HEADLINE_NAMES} more`;
  switch (headline.kind) {
    case 'no-instance':
      return `${headline.vpcId} holds no instance: the endpoints would serve none yet.`;
    case 'opens':
      return `${headline.stack} opens Session Manager to ${headline.instances.length} of ${headline.total} instance(s) in ${headline.vpcId}${headline.instances.length > 0 ? `: ${list(headline.instances)}` : ''}.`;
    case 'already-reachable':
      return `${headline.instances.length} already reachable without these endpoints: ${headline.instances
        .map(
          ({ instance, paths }) =>
            `${instanceWords(instance)} via ${paths.map((path) => PATH_WORDS[path]).join(' and ')}`,
        )
        .join(', ')}.`;
    case 'lost':
      return `${headline.instances.length} lose Session Manager with this plan: ${list(headline.instances)} (the headlines above say why).`;
    case 'cannot-open':
      return `${headline.instances.length} it cannot open — ${headline.reason}: ${list(headline.instances)}.`;
  }
}

/** The account's Default Host Management Configuration, as a window's report states it. */
export function hostManagementLine(management: HostManagement): string {
  if (management.state === 'on')
    return `Default Host Management Configuration: on, role ${management.role} (it manages the instances without a usable instance profile)`;
  if (management.state === 'off')
    return "Default Host Management Configuration: off (AWS's default: instances without a usable instance profile are not managed)";
  return `Default Host Management Configuration not read: ${management.why} (taken as off)`;
}
