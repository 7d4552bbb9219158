/**
 * Can an instance be reached, and why (not)? The rules of the source articles (seed 000's table):
 *
 * Session Manager needs the SSM role (AmazonSSMManagedInstanceCore) and outbound 443 to each
 * required service (ssm, ssmmessages) along one of:
 *  - an Interface endpoint with private DNS in the instance's VPC, the VPC having DNS support and
 *    DNS hostnames on, the endpoint SG allowing 443 from the instance, the instance allowing 443
 *    to the endpoint (with private DNS on, this path wins even where a NAT exists);
 *  - a default route to an internet gateway plus a public address;
 *  - a default route to a NAT gateway that itself sits in a subnet routed to an internet gateway.
 * SSH needs port 22 open from the client, a public address, a route to an internet gateway and a
 * key pair.
 */
import { cidrContains, parseIpv4Cidr } from '../../lib/cidr';
import { SSM_MANAGED_INSTANCE_CORE } from '../../lib/session-manager-role';
import { Entity, NetworkModel } from './plan-model';

/** Services the agent must reach (SSM Agent 3.3.40+; ec2messages is optional since then). */
export const REQUIRED_SESSION_MANAGER_SERVICES = ['ssm', 'ssmmessages'] as const;

export type AccessPath = 'vpc-endpoints' | 'internet-gateway' | 'nat-gateway';

export interface Verdict {
  readonly reachable: boolean;
  /** One line: "Session Manager: reachable via …" or "… NOT reachable — <reason>". */
  readonly text: string;
  readonly reason: string;
  readonly paths: readonly AccessPath[];
}

interface Rule {
  readonly entity: Entity;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidr?: string;
  readonly securityGroup?: Entity;
}

export class Reachability {
  constructor(private readonly model: NetworkModel) {}

  instances(): Entity[] {
    return this.model.all('aws_instance');
  }

  subnetOf(instance: Entity): Entity | undefined {
    return this.model.target(instance, 'subnet_id');
  }

  vpcOf(subnetOrInstance: Entity): Entity | undefined {
    const subnet = subnetOrInstance.type === 'aws_instance' ? this.subnetOf(subnetOrInstance) : subnetOrInstance;
    return subnet ? this.model.target(subnet, 'vpc_id') : undefined;
  }

  securityGroupsOf(entity: Entity, attribute = 'vpc_security_group_ids'): Entity[] {
    return this.model.targets(entity, attribute);
  }

  rules(type: 'ingress' | 'egress', groups: readonly Entity[]): Rule[] {
    const ids = new Set(groups.map((group) => group.id));
    return this.model
      .all(`aws_vpc_security_group_${type}_rule`)
      .filter((rule) => this.model.targets(rule, 'security_group_id').some((group) => ids.has(group.id)))
      .map((rule) => ({
        entity: rule,
        protocol: String(rule.values.ip_protocol ?? ''),
        fromPort: Number(rule.values.from_port ?? -1),
        toPort: Number(rule.values.to_port ?? -1),
        cidr: rule.values.cidr_ipv4 ?? undefined,
        securityGroup: this.model.target(rule, 'referenced_security_group_id'),
      }));
  }

  hasPublicAddress(instance: Entity): boolean {
    return instance.values.associate_public_ip_address === true;
  }

  /** Where 0.0.0.0/0 of the subnet's route table goes. */
  defaultRoute(subnet: Entity): { gateway?: Entity; kind?: 'internet-gateway' | 'nat-gateway'; routeTable?: Entity } {
    const association = this.model.pointingAt('aws_route_table_association', 'subnet_id', subnet)[0];
    const routeTable = association ? this.model.target(association, 'route_table_id') : undefined;
    if (!routeTable) return {};
    const route = this.model
      .pointingAt('aws_route', 'route_table_id', routeTable)
      .find((candidate) => candidate.values.destination_cidr_block === '0.0.0.0/0');
    if (!route) return { routeTable };
    const internetGateway = this.model.target(route, 'gateway_id');
    if (internetGateway?.type === 'aws_internet_gateway') return { gateway: internetGateway, kind: 'internet-gateway', routeTable };
    const natGateway = this.model.target(route, 'nat_gateway_id');
    if (natGateway?.type === 'aws_nat_gateway') return { gateway: natGateway, kind: 'nat-gateway', routeTable };
    return { routeTable };
  }

  /** Session Manager verdict for one instance. */
  sessionManager(instance: Entity): Verdict {
    const fail = (reason: string): Verdict => ({ reachable: false, reason, paths: [], text: `Session Manager: NOT reachable — ${reason}` });

    const profile = this.model.target(instance, 'iam_instance_profile');
    if (!profile) return fail('no instance profile, so the SSM Agent has no Systems Manager role');
    const role = this.model.target(profile, 'role');
    const hasCore =
      role !== undefined &&
      this.model
        .pointingAt('aws_iam_role_policy_attachment', 'role', role)
        .some((attachment) => String(attachment.values.policy_arn ?? '').endsWith(`/${SSM_MANAGED_INSTANCE_CORE}`));
    if (!hasCore) return fail(`the instance profile's role lacks ${SSM_MANAGED_INSTANCE_CORE}`);

    const subnet = this.subnetOf(instance);
    const vpc = subnet ? this.vpcOf(subnet) : undefined;
    if (!subnet || !vpc) return fail('its subnet or VPC is not in the plans');
    const groups = this.securityGroupsOf(instance);
    const egress = this.rules('egress', groups).filter((rule) => allowsTcp(rule, 443));
    if (egress.length === 0) return fail('the instance security groups allow no outbound 443');

    const paths = new Set<AccessPath>();
    const details: string[] = [];
    const viaEndpoints: string[] = [];
    for (const service of REQUIRED_SESSION_MANAGER_SERVICES) {
      const endpoint = this.interfaceEndpoint(vpc, service);
      if (endpoint?.values.private_dns_enabled === true) {
        const problem = this.endpointProblem(vpc, endpoint, groups, subnet, egress);
        if (problem) return fail(problem);
        viaEndpoints.push(service);
        paths.add('vpc-endpoints');
        continue;
      }
      const internet = this.internetPath(instance, subnet, egress);
      if (typeof internet === 'string') {
        if (endpoint) return fail(`the ${service} endpoint has private DNS off, and ${internet}`);
        const anyEndpoint = REQUIRED_SESSION_MANAGER_SERVICES.some((other) => this.interfaceEndpoint(vpc, other));
        if (anyEndpoint) return fail(`no ${service} endpoint with private DNS in ${this.model.label(vpc)}, and ${internet}`);
        return fail(`${internet}, and ${this.model.label(vpc)} has no Session Manager endpoints`);
      }
      paths.add(internet.path);
      if (!details.includes(internet.detail)) details.push(internet.detail);
    }
    if (viaEndpoints.length > 0) {
      details.unshift(
        `${viaEndpoints.join(', ')} with private DNS in ${this.model.label(vpc)}; endpoint SG allows 443 from the instance SG; instance SG allows 443 to it`,
      );
    }
    const via = [...paths].map((path) => PATH_NAMES[path]).join(' and ');
    return { reachable: true, paths: [...paths], reason: details.join('; '), text: `Session Manager: reachable via ${via} (${details.join('; ')})` };
  }

  /** SSH verdict: from the allowed sources, or for one client address. */
  ssh(instance: Entity, client?: string): Verdict {
    const fail = (reason: string): Verdict => ({ reachable: false, reason, paths: [], text: `SSH: NOT reachable — ${reason}` });
    const open = this.rules('ingress', this.securityGroupsOf(instance)).filter((rule) => allowsTcp(rule, 22));
    const cidrs = open.map((rule) => rule.cidr).filter((cidr): cidr is string => cidr !== undefined);
    const key = this.keyPairOf(instance);
    if (cidrs.length === 0) {
      // Seed 004: with a key pair, ssh can ride a Session Manager session while port 22 stays closed.
      if (key && this.sessionManager(instance).reachable) {
        const reason = `AWS-StartSSHSession over Session Manager; port 22 stays closed; ${key}`;
        return { reachable: true, paths: [], reason, text: `SSH: reachable through Session Manager (${reason})` };
      }
      return fail('no inbound rule opens port 22');
    }
    if (client !== undefined) {
      const clientCidr = parseIpv4Cidr(client.includes('/') ? client : `${client}/32`);
      if (!clientCidr || !cidrs.some((cidr) => cidrContains(parseIpv4Cidr(cidr)!, clientCidr))) {
        return fail(`port 22 is open only to ${cidrs.join(', ')}; ${client} is not in it`);
      }
    }
    if (!this.hasPublicAddress(instance)) return fail('the instance has no public address');
    const subnet = this.subnetOf(instance);
    if (!subnet || this.defaultRoute(subnet).kind !== 'internet-gateway') return fail('its subnet has no default route to an internet gateway');
    if (!key) return fail('no key pair is installed');
    return {
      reachable: true,
      paths: ['internet-gateway'],
      reason: `port 22 open from ${cidrs.join(', ')}; public address; route to the internet gateway; ${key}`,
      text: `SSH: reachable from ${client ?? cidrs.join(', ')} (port 22 open from ${cidrs.join(', ')}; public address; route to the internet gateway; ${key})`,
    };
  }

  /** "key pair <name>" / "existing key pair <name>", or undefined without one. */
  keyPairOf(instance: Entity): string | undefined {
    const keyPair = this.model.target(instance, 'key_name');
    if (keyPair?.type === 'aws_key_pair') return `key pair ${keyPair.values.key_name ?? this.model.label(keyPair)}`;
    const keyName = instance.values.key_name;
    return keyName ? `existing key pair ${keyName}` : undefined;
  }

  interfaceEndpoint(vpc: Entity, service: string): Entity | undefined {
    return this.model
      .pointingAt('aws_vpc_endpoint', 'vpc_id', vpc)
      .find((endpoint) => endpoint.values.vpc_endpoint_type === 'Interface' && String(endpoint.values.service_name ?? '').endsWith(`.${service}`));
  }

  private endpointProblem(vpc: Entity, endpoint: Entity, instanceGroups: Entity[], subnet: Entity, egress: Rule[]): string | undefined {
    const service = String(endpoint.values.service_name).split('.').pop();
    if (vpc.values.enable_dns_support !== true || vpc.values.enable_dns_hostnames !== true) {
      const off = [vpc.values.enable_dns_support !== true ? 'DNS support' : '', vpc.values.enable_dns_hostnames !== true ? 'DNS hostnames' : ''].filter(Boolean);
      return `${this.model.label(vpc)} has ${off.join(' and ')} off, so the endpoints' private DNS does not resolve`;
    }
    const endpointGroups = this.securityGroupsOf(endpoint, 'security_group_ids');
    const instanceIds = new Set(instanceGroups.map((group) => group.id));
    const subnetCidr = parseIpv4Cidr(String(subnet.values.cidr_block ?? ''));
    const inbound = this.rules('ingress', endpointGroups).filter((rule) => allowsTcp(rule, 443));
    const admitted = inbound.some(
      (rule) =>
        (rule.securityGroup && instanceIds.has(rule.securityGroup.id)) ||
        (rule.cidr && subnetCidr && cidrContains(parseIpv4Cidr(rule.cidr)!, subnetCidr)),
    );
    if (!admitted) return `the ${service} endpoint SG has no inbound 443 from the instance SG`;
    const endpointIds = new Set(endpointGroups.map((group) => group.id));
    const endpointSubnets = this.model.targets(endpoint, 'subnet_ids');
    const allowedOut = egress.some(
      (rule) =>
        (rule.securityGroup && endpointIds.has(rule.securityGroup.id)) ||
        (rule.cidr &&
          endpointSubnets.some((endpointSubnet) => {
            const cidr = parseIpv4Cidr(String(endpointSubnet.values.cidr_block ?? ''));
            return cidr !== undefined && cidrContains(parseIpv4Cidr(rule.cidr!)!, cidr);
          })),
    );
    if (!allowedOut) return `the instance SG allows no 443 to the ${service} endpoint SG`;
    return undefined;
  }

  private internetPath(instance: Entity, subnet: Entity, egress: Rule[]): { path: AccessPath; detail: string } | string {
    const toInternet = egress.some((rule) => rule.cidr !== undefined && parseIpv4Cidr(rule.cidr)?.prefix === 0);
    const route = this.defaultRoute(subnet);
    if (!route.kind) return `${this.model.label(subnet)} has no default route (0.0.0.0/0) to the internet`;
    if (!toInternet) return 'the instance SG allows 443 only to private destinations';
    if (route.kind === 'internet-gateway') {
      if (!this.hasPublicAddress(instance)) return `its subnet routes to an internet gateway but the instance has no public address`;
      return { path: 'internet-gateway', detail: 'public address; 0.0.0.0/0 → internet gateway; 443 out' };
    }
    const nat = route.gateway!;
    if (nat.values.connectivity_type === 'private') return 'its NAT gateway is a private NAT gateway';
    const natSubnet = this.model.target(nat, 'subnet_id');
    if (!natSubnet || this.defaultRoute(natSubnet).kind !== 'internet-gateway') {
      return `the NAT gateway's subnet ${this.model.label(natSubnet)} has no route to an internet gateway`;
    }
    return { path: 'nat-gateway', detail: `0.0.0.0/0 → NAT gateway in ${this.model.label(natSubnet)} → internet gateway; 443 out` };
  }
}

const PATH_NAMES: Record<AccessPath, string> = {
  'vpc-endpoints': 'VPC endpoints',
  'internet-gateway': 'internet gateway',
  'nat-gateway': 'NAT gateway',
};

function allowsTcp(rule: Rule, port: number): boolean {
  if (rule.protocol === '-1') return true;
  return rule.protocol === 'tcp' && rule.fromPort <= port && port <= rule.toPort;
}
