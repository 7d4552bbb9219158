/** The phrases every renderer shares: money, a change, a command check, the NAT-versus-endpoints sums. */
import type { ConfigurationStatus } from '../reports';
import { StackName } from '../../../stacks';
import { OperatorAccess } from '../rules/operator-access';
import { NetworkModel } from '../model/plan-model';
import { PRICES, stackCost } from '../rules/prices';
import { ResourceChangeLine } from '../assessment/assessment';

export function usd(value: number): string {
  return Number.isFinite(value) ? `USD ${value.toFixed(4)}` : 'unknown';
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

/** NAT path vs endpoint path, from the two scenario plans (the cost comparison the README explains). */
export function natVersusEndpoints(model: NetworkModel, region: string): string[] {
  const stackEnding = (suffix: string) => Object.keys(model.plans).find((stack) => stack.endsWith(suffix)) ?? suffix;
  const natStack = stackEnding(StackName.SSM_NAT);
  const endpointStack = stackEnding(StackName.SSM_ENDPOINT);
  const natLines = stackCost(model, natStack, region).lines.filter((line) =>
    /^(NAT gateway|Elastic IP)/.test(line.item),
  );
  const endpointLines = stackCost(model, endpointStack, region).lines.filter((line) =>
    line.item.startsWith('Interface endpoint'),
  );
  const eiceStack = stackEnding(StackName.EICE);
  const eice = stackCost(model, eiceStack, region).lines.some((line) =>
    line.item.startsWith('EC2 Instance Connect Endpoint'),
  )
    ? [
        `EC2 Instance Connect Endpoint path (${eiceStack}): ${usd(0)}/h for the endpoint (cross-AZ data only); SSH with no agent, no NAT and no interface endpoints. Audit: CloudTrail records each tunnel and key push (OpenTunnel, SendSSHPublicKey), not what is typed; Session Manager can log the session's transcript.`,
      ]
    : [];
  if (natLines.length === 0 || endpointLines.length === 0) return eice;
  const sum = (lines: typeof natLines) => lines.reduce((total, line) => total + (line.usdPerHour ?? NaN), 0);
  const nat = sum(natLines);
  const endpoints = sum(endpointLines);
  const prices = PRICES[region];
  const perEndpoint = prices?.interfaceEndpointAzHour.usd ?? NaN;
  return [
    `NAT path (${natStack}): ${usd(nat)}/h for the NAT gateway and its Elastic IP, + ${prices?.natGatewayGb.usd ?? '?'} USD/GB processed.`,
    `Endpoint path (${endpointStack}): ${usd(endpoints)}/h for ${endpointLines.length} Interface endpoints in one AZ, + ${prices?.interfaceEndpointGb.usd ?? '?'} USD/GB.`,
    endpoints < nat
      ? `Endpoints are cheaper by ${usd(nat - endpoints)}/h (${usd((nat - endpoints) * 4)} over a 4-hour window); a NAT gateway becomes cheaper beyond about ${Math.floor(nat / perEndpoint)} Interface endpoints (one per AWS service to reach).`
      : `The NAT gateway is cheaper by ${usd(endpoints - nat)}/h with this many endpoints.`,
    ...eice,
  ];
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
