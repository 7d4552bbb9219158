/** The Mermaid flowchart every report embeds: VPCs, subnets, gateways, endpoints, instances and their verdicts. */
import { FORWARDS_TO_TAG, parseForwardsTo } from '../../../lib/forwarding-target';
import { Entity, NetworkModel } from '../model/plan-model';
import { Reachability } from '../rules/reachability';

/** Mermaid flowchart of VPCs, subnets, gateways, endpoints and instances with their verdicts. */
export function mermaidDiagram(model: NetworkModel): string {
  const reach = Reachability.of(model);
  const id = (entity: Entity) => `n_${entity.id.replace(/[^A-Za-z0-9]/g, '_')}`;
  const text = (value: string) => value.replace(/"/g, "'");
  const lines = ['flowchart LR', '  internet(("Internet / AWS public endpoints"))'];
  for (const vpc of model.all('aws_vpc')) {
    const dns =
      vpc.values.enable_dns_hostnames === true && vpc.values.enable_dns_support === true
        ? 'DNS support + hostnames'
        : 'DNS hostnames off';
    lines.push(`  subgraph ${id(vpc)}["${text(model.label(vpc))} ${vpc.values.cidr_block ?? ''} (${dns})"]`);
    for (const subnet of model.pointingAt('aws_subnet', 'vpc_id', vpc)) {
      const route = reach.defaultRoute(subnet);
      const routeText =
        route.kind === 'internet-gateway'
          ? '0.0.0.0/0 → IGW'
          : route.kind === 'nat-gateway'
            ? '0.0.0.0/0 → NAT'
            : 'no default route';
      lines.push(
        `    subgraph ${id(subnet)}["${text(model.label(subnet))} ${subnet.values.cidr_block ?? ''} — ${routeText}"]`,
      );
      // Each instance in the one subnet it is judged in (a link the plan leaves open may name several).
      const inSubnet = model.all('aws_instance').filter((instance) => reach.subnetOf(instance)?.id === subnet.id);
      for (const target of inSubnet.filter((instance) => reach.isForwardingTarget(instance)))
        lines.push(`      ${id(target)}[("${text(model.label(target))}<br/>private service")]`);
      for (const endpoint of model.pointingAt('aws_ec2_instance_connect_endpoint', 'subnet_id', subnet))
        lines.push(`      ${id(endpoint)}[/"EC2 Instance Connect Endpoint"/]`);
      for (const instance of inSubnet.filter((candidate) => !reach.isForwardingTarget(candidate))) {
        const ssm = reach.sessionManager(instance);
        const ssh = reach.ssh(instance);
        const verdict = [
          ssm.reachable ? `SSM ✓ via ${ssm.paths.join('+')}` : 'SSM ✗',
          ssh.reachable ? 'SSH ✓' : 'SSH ✗',
        ].join(' · ');
        lines.push(`      ${id(instance)}["${text(model.label(instance))}<br/>${verdict}"]`);
      }
      for (const nat of model.pointingAt('aws_nat_gateway', 'subnet_id', subnet))
        lines.push(`      ${id(nat)}{{"NAT gateway"}}`);
      for (const endpoint of model.pointingAt('aws_vpc_endpoint', 'subnet_ids', subnet)) {
        const service = String(endpoint.values.service_name ?? '')
          .split('.')
          .pop();
        lines.push(
          `      ${id(endpoint)}[/"endpoint ${service}${endpoint.values.private_dns_enabled ? ' (private DNS)' : ''}"/]`,
        );
      }
      lines.push('    end');
    }
    for (const igw of model.pointingAt('aws_internet_gateway', 'vpc_id', vpc))
      lines.push(`    ${id(igw)}(["internet gateway"])`);
    lines.push('  end');
  }
  for (const igw of model.all('aws_internet_gateway')) lines.push(`  ${id(igw)} --- internet`);
  for (const nat of model.all('aws_nat_gateway')) {
    const natSubnet = model.target(nat, 'subnet_id');
    const igw = natSubnet ? reach.defaultRoute(natSubnet).gateway : undefined;
    if (igw) lines.push(`  ${id(nat)} --> ${id(igw)}`);
  }
  for (const instance of reach.instances()) {
    const verdict = reach.sessionManager(instance);
    const subnet = reach.subnetOf(instance);
    const route = subnet ? reach.defaultRoute(subnet) : {};
    if (verdict.paths.includes('vpc-endpoints')) {
      const vpc = reach.vpcOf(instance);
      const endpoint = vpc ? reach.interfaceEndpoint(vpc, 'ssm') : undefined;
      if (endpoint) lines.push(`  ${id(instance)} -- "443" --> ${id(endpoint)}`);
    } else if (verdict.reachable && route.gateway) {
      lines.push(`  ${id(instance)} -- "443" --> ${id(route.gateway)}`);
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
      lines.push(
        `  operator(["operator"]) -- "OpenTunnel" --> ${id(eice)}`,
        `  ${id(eice)} -- "tcp/22" --> ${id(instance)}`,
      );
    else if (ssh.reachable) lines.push(`  operator(["operator"]) -- "tcp/22" --> ${id(instance)}`);
    const forwarding = reach.forwarding(instance);
    const wanted = parseForwardsTo(instance.values.tags?.[FORWARDS_TO_TAG]);
    const target = wanted
      ? reach.forwardingTargets().find((candidate) => model.label(candidate) === wanted.name)
      : undefined;
    if (forwarding && wanted && target)
      lines.push(
        `  ${id(instance)} -. "${forwarding.reachable ? '' : '✗ '}tcp/${wanted.port} forwarded" .-> ${id(target)}`,
      );
  }
  return `${lines.join('\n')}\n`;
}
