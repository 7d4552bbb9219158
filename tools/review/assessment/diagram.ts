/**
 * The network as the reports draw it, as data: VPCs holding subnets holding instances, gateways
 * and endpoints, and the hops each verdict takes (443 to an endpoint or a gateway, SSH from the
 * operator, the forwarded port). render/mermaid.ts writes it as a Mermaid flowchart.
 */
import { FORWARDS_TO_TAG, parseForwardsTo } from '../../../lib/forwarding-target';
import { Entity, NetworkModel } from '../model/plan-model';
import { Reachability } from '../rules/reachability';

/** How a node is drawn: a service (cylinder), an endpoint (parallelogram), a gateway, an instance (box). */
export type DiagramShape = 'circle' | 'box' | 'cylinder' | 'parallelogram' | 'hexagon' | 'stadium';

export interface DiagramNode {
  readonly kind: 'node';
  /** The model's entity id (`<stack>/<address>`), or a name of the diagram's own (`internet`, `operator`). */
  readonly id: string;
  /** Its lines of text. */
  readonly label: readonly string[];
  readonly shape: DiagramShape;
}

export interface DiagramGroup {
  readonly kind: 'group';
  readonly id: string;
  readonly label: string;
  readonly children: readonly (DiagramNode | DiagramGroup)[];
}

export interface DiagramEdge {
  /** A node of the tree by id, or a node drawn where the edge is (the operator). */
  readonly from: string | DiagramNode;
  readonly to: string;
  readonly label?: string;
  /** `line`: belongs to; `arrow`: traffic; `dotted`: a forwarded port. */
  readonly style: 'line' | 'arrow' | 'dotted';
}

export interface Diagram {
  readonly nodes: readonly (DiagramNode | DiagramGroup)[];
  readonly edges: readonly DiagramEdge[];
}

const node = (id: string, shape: DiagramShape, ...label: string[]): DiagramNode => ({ kind: 'node', id, label, shape });
const OPERATOR = node('operator', 'stadium', 'operator');

/** VPCs, subnets, gateways, endpoints and instances with their verdicts, and the hops between them. */
export function diagramOf(model: NetworkModel): Diagram {
  const reach = Reachability.of(model);
  const nodes: (DiagramNode | DiagramGroup)[] = [node('internet', 'circle', 'Internet / AWS public endpoints')];
  // Each instance in the one subnet it is judged in (a link the plan leaves open may name several).
  const bySubnet = new Map<string, Entity[]>();
  for (const instance of model.all('aws_instance')) {
    const subnet = reach.subnetOf(instance);
    if (subnet) bySubnet.set(subnet.id, [...(bySubnet.get(subnet.id) ?? []), instance]);
  }
  for (const vpc of model.all('aws_vpc')) {
    const dns =
      vpc.values.enable_dns_hostnames === true && vpc.values.enable_dns_support === true
        ? 'DNS support + hostnames'
        : 'DNS hostnames off';
    const children: (DiagramNode | DiagramGroup)[] = [];
    for (const subnet of model.pointingAt('aws_subnet', 'vpc_id', vpc)) {
      const route = reach.defaultRoute(subnet);
      const transit = reach.defaultTransit(subnet);
      const firewall = route.through?.length ? ' → firewall' : '';
      const routeText =
        route.kind === 'internet-gateway'
          ? `0.0.0.0/0${firewall} → IGW`
          : route.kind === 'nat-gateway'
            ? `0.0.0.0/0${firewall} → NAT`
            : transit?.type === 'aws_ec2_transit_gateway'
              ? '0.0.0.0/0 → transit gateway'
              : transit?.type === 'aws_vpc_peering_connection'
                ? '0.0.0.0/0 → peering'
                : 'no default route';
      const inSubnet: DiagramNode[] = [];
      const instances = bySubnet.get(subnet.id) ?? [];
      for (const target of instances.filter((instance) => reach.isForwardingTarget(instance)))
        inSubnet.push(node(target.id, 'cylinder', model.label(target), 'private service'));
      for (const endpoint of model.pointingAt('aws_ec2_instance_connect_endpoint', 'subnet_id', subnet))
        inSubnet.push(node(endpoint.id, 'parallelogram', 'EC2 Instance Connect Endpoint'));
      for (const instance of instances.filter((candidate) => !reach.isForwardingTarget(candidate))) {
        const ssm = reach.sessionManager(instance);
        const ssh = reach.ssh(instance);
        const verdict = [
          ssm.reachable ? `SSM ✓ via ${ssm.paths.join('+')}` : 'SSM ✗',
          ssh.reachable ? 'SSH ✓' : 'SSH ✗',
        ].join(' · ');
        inSubnet.push(node(instance.id, 'box', model.label(instance), verdict));
      }
      for (const nat of model.pointingAt('aws_nat_gateway', 'subnet_id', subnet))
        inSubnet.push(node(nat.id, 'hexagon', 'NAT gateway'));
      for (const endpoint of model.pointingAt('aws_vpc_endpoint', 'subnet_ids', subnet)) {
        const service = String(endpoint.values.service_name ?? '')
          .split('.')
          .pop();
        inSubnet.push(
          node(
            endpoint.id,
            'parallelogram',
            `endpoint ${service}${endpoint.values.private_dns_enabled ? ' (private DNS)' : ''}`,
          ),
        );
      }
      children.push({
        kind: 'group',
        id: subnet.id,
        label: `${model.label(subnet)} ${subnet.values.cidr_block ?? ''} — ${routeText}`,
        children: inSubnet,
      });
    }
    for (const igw of model.pointingAt('aws_internet_gateway', 'vpc_id', vpc))
      children.push(node(igw.id, 'stadium', 'internet gateway'));
    nodes.push({
      kind: 'group',
      id: vpc.id,
      label: `${model.label(vpc)} ${vpc.values.cidr_block ?? ''} (${dns})`,
      children,
    });
  }
  // Transit gateways stand between VPCs: each a node of its own, joined to the VPCs it attaches.
  for (const tgw of model.all('aws_ec2_transit_gateway'))
    nodes.push(node(tgw.id, 'hexagon', `transit gateway ${model.label(tgw)}`));
  const edges: DiagramEdge[] = [];
  for (const attachment of model.all('aws_ec2_transit_gateway_vpc_attachment')) {
    const tgw = model.target(attachment, 'transit_gateway_id');
    const vpc = model.target(attachment, 'vpc_id');
    if (tgw && vpc) edges.push({ from: tgw.id, to: vpc.id, style: 'line' });
  }
  for (const igw of model.all('aws_internet_gateway')) edges.push({ from: igw.id, to: 'internet', style: 'line' });
  for (const nat of model.all('aws_nat_gateway')) {
    const natSubnet = model.target(nat, 'subnet_id');
    const igw = natSubnet ? reach.defaultRoute(natSubnet).gateway : undefined;
    if (igw) edges.push({ from: nat.id, to: igw.id, style: 'arrow' });
  }
  for (const instance of reach.instances()) {
    const verdict = reach.sessionManager(instance);
    const subnet = reach.subnetOf(instance);
    const route = subnet ? reach.defaultRoute(subnet) : {};
    if (verdict.paths.includes('vpc-endpoints')) {
      const vpc = reach.vpcOf(instance);
      // Its own endpoint, else the one a private hosted zone of its VPC names (shared from a hub).
      const endpoint = (vpc ? reach.interfaceEndpoint(vpc, 'ssm') : undefined) ?? reach.sharedEndpoint(instance, 'ssm');
      if (endpoint) edges.push({ from: instance.id, to: endpoint.id, label: '443', style: 'arrow' });
    } else if (verdict.reachable && route.gateway) {
      edges.push({ from: instance.id, to: route.gateway.id, label: '443', style: 'arrow' });
    } else if (verdict.reachable && subnet) {
      // Centralized egress: out through the transit gateway (the VPC it leads to is drawn joined to it).
      const transit = reach.defaultTransit(subnet);
      if (transit?.type === 'aws_ec2_transit_gateway')
        edges.push({ from: instance.id, to: transit.id, label: '443', style: 'arrow' });
    }
    const ssh = reach.ssh(instance);
    const vpc = reach.vpcOf(instance);
    const eice = ssh.paths.includes('instance-connect-endpoint')
      ? model.all('aws_ec2_instance_connect_endpoint').find((endpoint) => {
          const endpointSubnet = model.target(endpoint, 'subnet_id');
          return endpointSubnet !== undefined && reach.vpcOf(endpointSubnet)?.id === vpc?.id;
        })
      : undefined;
    // Every hop a path takes: through the Instance Connect Endpoint, not around it.
    if (eice)
      edges.push(
        { from: OPERATOR, to: eice.id, label: 'OpenTunnel', style: 'arrow' },
        { from: eice.id, to: instance.id, label: 'tcp/22', style: 'arrow' },
      );
    else if (ssh.reachable) edges.push({ from: OPERATOR, to: instance.id, label: 'tcp/22', style: 'arrow' });
    const forwarding = reach.forwarding(instance);
    const wanted = parseForwardsTo(instance.values.tags?.[FORWARDS_TO_TAG]);
    const target = wanted
      ? reach.forwardingTargets().find((candidate) => model.label(candidate) === wanted.name)
      : undefined;
    if (forwarding && wanted && target)
      edges.push({
        from: instance.id,
        to: target.id,
        label: `${forwarding.reachable ? '' : '✗ '}tcp/${wanted.port} forwarded`,
        style: 'dotted',
      });
  }
  return { nodes, edges };
}
