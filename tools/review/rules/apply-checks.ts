/**
 * What AWS would refuse during apply, found in the plans: these fail half-way through a deploy,
 * after other resources exist, so the review lists them apart from the reachability verdicts.
 */
import { Entity, NetworkModel } from '../model/plan-model';
import { PrivateZones, serviceHostName } from './private-dns';

export interface ApplyFailure {
  /** The resource AWS would refuse, `<stack>/<address>`. */
  readonly resource: string;
  /** What AWS would say, and why. */
  readonly problem: string;
}

export function applyFailures(model: NetworkModel): ApplyFailure[] {
  const failures: ApplyFailure[] = [];
  const fail = (entity: Entity, problem: string) => failures.push({ resource: entity.id, problem });
  const vpcOf = (entity: Entity | undefined) => (entity ? model.target(entity, 'vpc_id') : undefined);
  const peered = (a: Entity, b: Entity) =>
    model.all('aws_vpc_peering_connection').some((peering) => {
      const ends = [model.target(peering, 'vpc_id'), model.target(peering, 'peer_vpc_id')].map((vpc) => vpc?.id);
      return ends.includes(a.id) && ends.includes(b.id);
    });

  const interfaceEndpoints = model
    .all('aws_vpc_endpoint')
    .filter((endpoint) => endpoint.values.vpc_endpoint_type === 'Interface');
  for (const endpoint of interfaceEndpoints) {
    const vpc = vpcOf(endpoint);
    const service = String(endpoint.values.service_name ?? '?');
    if (
      endpoint.values.private_dns_enabled === true &&
      vpc &&
      (vpc.values.enable_dns_support !== true || vpc.values.enable_dns_hostnames !== true)
    ) {
      const off = [
        vpc.values.enable_dns_support !== true ? 'DNS support' : '',
        vpc.values.enable_dns_hostnames !== true ? 'DNS hostnames' : '',
      ]
        .filter(Boolean)
        .join(' and ');
      fail(
        endpoint,
        `private DNS for ${service} in ${model.label(vpc)}, which has ${off} off: AWS refuses it ("Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true")`,
      );
    }
    const subnets = model.targets(endpoint, 'subnet_ids');
    const byZone = new Map<string, string[]>();
    for (const subnet of subnets) {
      const zone = subnet.values.availability_zone;
      if (typeof zone === 'string') byZone.set(zone, [...(byZone.get(zone) ?? []), model.label(subnet)]);
    }
    for (const [zone, names] of byZone) {
      if (names.length > 1)
        fail(
          endpoint,
          `subnets ${names.sort().join(', ')} are both in ${zone}: an Interface endpoint takes at most one subnet per Availability Zone`,
        );
    }
    for (const subnet of subnets) {
      const subnetVpc = vpcOf(subnet);
      if (vpc && subnetVpc && subnetVpc.id !== vpc.id)
        fail(
          endpoint,
          `subnet ${model.label(subnet)} is in ${model.label(subnetVpc)}, not in the endpoint's ${model.label(vpc)}`,
        );
    }
    for (const group of model.targets(endpoint, 'security_group_ids')) {
      const groupVpc = vpcOf(group);
      if (vpc && groupVpc && groupVpc.id !== vpc.id)
        fail(
          endpoint,
          `security group ${model.label(group)} belongs to ${model.label(groupVpc)}, not to the endpoint's ${model.label(vpc)}`,
        );
    }
  }

  // Two private-DNS endpoints for one service in one VPC, across every planned stack.
  const privateDns = new Map<string, Entity[]>();
  for (const endpoint of interfaceEndpoints.filter((e) => e.values.private_dns_enabled === true)) {
    const vpc = vpcOf(endpoint);
    if (!vpc) continue;
    const key = `${vpc.id}|${endpoint.values.service_name}`;
    privateDns.set(key, [...(privateDns.get(key) ?? []), endpoint]);
  }
  for (const endpoints of privateDns.values()) {
    for (const endpoint of endpoints.slice(1)) {
      fail(
        endpoint,
        `a second private-DNS endpoint for ${endpoint.values.service_name} in ${model.label(vpcOf(endpoint))} (the first is ${endpoints[0].id}): AWS refuses it ("conflicting DNS domain")`,
      );
    }
  }

  for (const instance of model.all('aws_instance')) {
    const subnetVpc = vpcOf(model.target(instance, 'subnet_id'));
    for (const group of model.targets(instance, 'vpc_security_group_ids')) {
      const groupVpc = vpcOf(group);
      if (subnetVpc && groupVpc && groupVpc.id !== subnetVpc.id) {
        fail(
          instance,
          `security group ${model.label(group)} belongs to ${model.label(groupVpc)}, but the instance's subnet is in ${model.label(subnetVpc)}: AWS refuses it (security group and subnet belong to different networks)`,
        );
      }
    }
  }

  // A transit gateway with security group referencing on carries references in inbound rules
  // between the VPCs it attaches (Transit Gateways guide, "Security group referencing").
  const referencingGateway = (a: Entity, b: Entity) =>
    model.all('aws_ec2_transit_gateway').some((tgw) => {
      if (tgw.values.security_group_referencing_support !== 'enable') return false;
      const attached = model
        .pointingAt('aws_ec2_transit_gateway_vpc_attachment', 'transit_gateway_id', tgw)
        .filter((attachment) => attachment.values.security_group_referencing_support !== 'disable')
        .map((attachment) => model.target(attachment, 'vpc_id')?.id);
      return attached.includes(a.id) && attached.includes(b.id);
    });
  for (const [type, inbound] of [
    ['aws_vpc_security_group_ingress_rule', true],
    ['aws_vpc_security_group_egress_rule', false],
  ] as const)
    for (const rule of model.all(type)) {
      const group = model.target(rule, 'security_group_id');
      const referenced = model.target(rule, 'referenced_security_group_id');
      const [groupVpc, referencedVpc] = [vpcOf(group), vpcOf(referenced)];
      if (
        groupVpc &&
        referencedVpc &&
        groupVpc.id !== referencedVpc.id &&
        !peered(groupVpc, referencedVpc) &&
        !(inbound && referencingGateway(groupVpc, referencedVpc))
      ) {
        fail(
          rule,
          `it references security group ${model.label(referenced)} of ${model.label(referencedVpc)} from ${model.label(group)} in ${model.label(groupVpc)}, and the two VPCs are not peered${inbound ? ' nor attached to a transit gateway with security group referencing on' : ' (a transit gateway carries references in inbound rules only)'}: AWS refuses a security-group reference across VPCs`,
        );
      }
    }

  // Two private hosted zones of one name associated with one VPC — an Interface endpoint's private
  // DNS is one, for its service's name — AWS refuses the second (ConflictingDomainExists).
  const zones = new PrivateZones(model);
  for (const vpc of [...model.all('aws_vpc'), ...model.all('aws_default_vpc')]) {
    const named = new Map<string, string>();
    for (const endpoint of interfaceEndpoints.filter(
      (e) => e.values.private_dns_enabled === true && vpcOf(e)?.id === vpc.id,
    )) {
      const match = /^com\.amazonaws\.([a-z0-9-]+)\.(.+)$/.exec(String(endpoint.values.service_name ?? ''));
      if (match) named.set(serviceHostName(match[2], match[1]), `the private DNS of ${model.label(endpoint)}`);
    }
    for (const zone of zones.zonesOf(vpc)) {
      const name = String(zone.values.name ?? '')
        .toLowerCase()
        .replace(/\.$/, '');
      const first = named.get(name);
      // The association that would fail: its own resource, else the zone's `vpc` block.
      const association = model
        .pointingAt('aws_route53_zone_association', 'zone_id', zone)
        .find((candidate) => model.target(candidate, 'vpc_id')?.id === vpc.id);
      if (first)
        fail(
          association ?? zone,
          `private hosted zone ${name} is associated with ${model.label(vpc)}, where ${first} already answers that name: AWS refuses a second zone of one name in a VPC (ConflictingDomainExists)`,
        );
      else named.set(name, `private hosted zone ${model.label(zone)}`);
    }
  }
  return failures;
}
