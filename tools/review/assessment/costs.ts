/**
 * What the lab's paths cost side by side (the offline review): each scenario's instance and its
 * stack's hourly cost, the forwarding targets', the NAT gateway against the Interface endpoints,
 * and the region a user's plan is priced in. Sums and prices only: the renderers word them.
 */
import { StackName } from '../../../stacks';
import { Scenario } from '../../../stacks/scenario-stack';
import { NetworkModel } from '../model/plan-model';
import { PRICES, RegionPrices, stackCost } from '../rules/prices';
import { Reachability } from '../rules/reachability';

/** One access path of the lab: its scenario, stack and hourly cost. */
export interface PathCost {
  /** The scenario (`Scenario` tag) of the instance. */
  readonly scenario: string;
  readonly stack: string;
  readonly usdPerHour: number;
}

/** A forwarding target's own hourly cost (its instance and volume). */
export interface TargetCost {
  readonly name: string;
  readonly stack: string;
  readonly usdPerHour: number;
}

/** The NAT path against the endpoint path, from the two scenario stacks' costs. */
export interface NatVersusEndpoints {
  readonly natStack: string;
  readonly endpointStack: string;
  /** The NAT gateway and its Elastic IP, per hour. */
  readonly natUsdPerHour: number;
  /** The Interface endpoints, per hour, and how many. */
  readonly endpointsUsdPerHour: number;
  readonly endpoints: number;
  /** How many Interface endpoints (one AZ) cost what the NAT gateway does: with more, the NAT gateway is cheaper (NaN without a price). */
  readonly breakEvenEndpoints: number;
}

/** The lab's paths compared: what each costs, and the NAT path against the endpoints. */
export interface PathCosts {
  readonly paths: readonly PathCost[];
  readonly targets: readonly TargetCost[];
  readonly natVersusEndpoints?: NatVersusEndpoints;
  /** The Instance Connect Endpoint's stack, when the plans hold its endpoint (no hourly charge). */
  readonly instanceConnectStack?: string;
  /** The region's prices (per GB charges, sources), when the table has it. */
  readonly prices?: RegionPrices;
}

/** The lab's paths (instances tagged with one of its scenarios) and what they cost in a region. */
export function pathCosts(model: NetworkModel, region: string): PathCosts {
  const scenarios: readonly string[] = Object.values(Scenario);
  const reach = Reachability.of(model);
  const paths: PathCost[] = [];
  for (const instance of reach.instances()) {
    const scenario = instance.values.tags?.Scenario ?? '';
    if (!scenarios.includes(scenario)) continue;
    paths.push({
      scenario,
      stack: instance.stack,
      usdPerHour: stackCost(model, instance.stack, region).knownUsdPerHour,
    });
  }
  // What the far end costs: each target's instance and volume, from its own stack's lines.
  const targets = reach.forwardingTargets().map((target) => {
    const name = model.label(target);
    const usdPerHour = stackCost(model, target.stack, region)
      .lines.filter((line) => line.item.endsWith(` ${name}`))
      .reduce((sum, line) => sum + (line.usdPerHour ?? NaN), 0);
    return { name, stack: target.stack, usdPerHour };
  });
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
  );
  const sum = (lines: typeof natLines) => lines.reduce((total, line) => total + (line.usdPerHour ?? NaN), 0);
  const prices = PRICES[region];
  const nat = sum(natLines);
  return {
    paths,
    targets,
    natVersusEndpoints:
      natLines.length === 0 || endpointLines.length === 0
        ? undefined
        : {
            natStack,
            endpointStack,
            natUsdPerHour: nat,
            endpointsUsdPerHour: sum(endpointLines),
            endpoints: endpointLines.length,
            breakEvenEndpoints: nat / (prices?.interfaceEndpointAzHour.usd ?? NaN),
          },
    ...(eice ? { instanceConnectStack: eiceStack } : {}),
    ...(prices ? { prices } : {}),
  };
}

/** The region a user's plan names in its endpoints' service names or its subnets' zones. */
export function regionOfPlan(model: NetworkModel): string | undefined {
  for (const endpoint of model.all('aws_vpc_endpoint')) {
    const match = /^com\.amazonaws\.([a-z0-9-]+)\./.exec(String(endpoint.values.service_name ?? ''));
    if (match) return match[1];
  }
  for (const subnet of model.all('aws_subnet')) {
    const zone = subnet.values.availability_zone;
    if (typeof zone === 'string') return zone.replace(/[a-z]$/, '');
  }
  return undefined;
}
