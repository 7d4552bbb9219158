/**
 * Can an instance be reached, and why (not)? AWS's documented rules, applied to planned values:
 *
 * Session Manager needs an instance role EC2 may assume that allows the agent's calls (iam.ts),
 * DNS resolution in the VPC, and outbound 443 to each required service (ssm, ssmmessages) along
 * the path its name resolves to:
 *  - an Interface endpoint with private DNS in the instance's VPC with DNS hostnames on: then this
 *    path alone (even where a NAT exists), with the endpoint SG allowing 443 from the instance, the
 *    instance allowing 443 to the endpoint, and the network ACLs between them (nacl.ts);
 *  - else the public name: a default route to an internet gateway plus a public address, or to a
 *    NAT gateway that sits in a subnet routed to an internet gateway, with the ACLs on the way.
 * SSH needs port 22 open from the client, a public address, a route to an internet gateway and a
 * key pair, or (with a key pair) a working Session Manager path for AWS-StartSSHSession.
 */
import { cidrContains, ipv4Range, parseIpv4Cidr } from '../../lib/cidr';
import { REQUIRED_SESSION_MANAGER_SERVICES } from '../../lib/endpoint-services';
import { FORWARDING_TARGET_SCENARIO, FORWARDS_TO_TAG, parseForwardsTo } from '../../lib/forwarding-target';
import { endpointPolicyRefuses, judgeRole } from './iam';
import { NetworkAcls, PUBLIC_INTERNET } from './nacl';
import { Entity, NetworkModel, PlannedRuleBlock } from './plan-model';

export type AccessPath = 'vpc-endpoints' | 'internet-gateway' | 'nat-gateway' | 'instance-connect-endpoint';

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
  private static readonly shared = new WeakMap<NetworkModel, Reachability>();

  /**
   * The one assessment of a model: the report, its diagram, the text and the account review's
   * comparison all read the same verdicts, each judged once (a model does not change).
   */
  static of(model: NetworkModel): Reachability {
    let reach = Reachability.shared.get(model);
    if (!reach) {
      reach = new Reachability(model);
      Reachability.shared.set(model, reach);
    }
    return reach;
  }

  private readonly acls: NetworkAcls;
  private readonly verdicts = new Map<string, Verdict>();

  constructor(private readonly model: NetworkModel) {
    this.acls = new NetworkAcls(model);
  }

  /** The instances people connect to: every instance but the forwarding targets behind them. */
  instances(): Entity[] {
    return this.model.all('aws_instance').filter((instance) => !this.isForwardingTarget(instance));
  }

  /** The private services the instances forward to (their `Scenario` tag says so). */
  forwardingTargets(): Entity[] {
    return this.model.all('aws_instance').filter((instance) => this.isForwardingTarget(instance));
  }

  isForwardingTarget(instance: Entity): boolean {
    return instance.values.tags?.Scenario === FORWARDING_TARGET_SCENARIO;
  }

  subnetOf(instance: Entity): Entity | undefined {
    return this.model.target(instance, 'subnet_id');
  }

  vpcOf(subnetOrInstance: Entity): Entity | undefined {
    const subnet = subnetOrInstance.type === 'aws_instance' ? this.subnetOf(subnetOrInstance) : subnetOrInstance;
    return subnet ? this.model.target(subnet, 'vpc_id') : undefined;
  }

  /**
   * The security groups of an instance (or of what else has `attribute`). An instance whose
   * configuration names none is in its VPC's default group (EC2 User Guide, "Default security
   * groups"): the `aws_default_security_group` the plan manages for that VPC, else AWS's default
   * rules — all outbound, inbound from the group itself — which {@link assumptions} then names.
   */
  securityGroupsOf(entity: Entity, attribute = 'vpc_security_group_ids'): Entity[] {
    const groups = this.model.targets(entity, attribute);
    if (groups.length > 0 || entity.type !== 'aws_instance' || attribute !== 'vpc_security_group_ids') return groups;
    if (this.namesGroups(entity)) return groups;
    const vpc = this.vpcOf(entity);
    if (!vpc) return groups;
    const managed = this.model.pointingAt('aws_default_security_group', 'vpc_id', vpc);
    return managed.length > 0 ? managed : [this.awsDefaultGroup(vpc)];
  }

  /** Whether the instance's configuration or values name security groups of its own. */
  private namesGroups(instance: Entity): boolean {
    const named = (value: unknown) => Array.isArray(value) && value.length > 0;
    if (named(instance.values.vpc_security_group_ids) || named(instance.values.security_groups)) return true;
    // Unknown until apply, yet written: the configuration's references could not be followed.
    return (
      instance.values.vpc_security_group_ids === undefined &&
      (instance.references.vpc_security_group_ids !== undefined || instance.references.security_groups !== undefined)
    );
  }

  private readonly defaultGroups = new Map<string, Entity>();

  /** A stand-in for a VPC's default group the plan does not manage: AWS's rules for a new VPC. */
  private awsDefaultGroup(vpc: Entity): Entity {
    const existing = this.defaultGroups.get(vpc.id);
    if (existing) return existing;
    const group: Entity = {
      id: `${vpc.stack}/(default security group of ${vpc.address})`,
      stack: vpc.stack,
      address: `default security group of ${vpc.address}`,
      baseAddress: `default security group of ${vpc.address}`,
      type: 'aws_default_security_group',
      values: {
        tags: { Name: `the default security group of ${this.model.label(vpc)}` },
        egress: [{ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }],
        ingress: [{ protocol: '-1', from_port: 0, to_port: 0, self: true }],
      },
      references: {},
      actions: ['no-op'],
    };
    this.defaultGroups.set(vpc.id, group);
    return group;
  }

  /**
   * What the verdicts of an instance take to be so because the plan does not say: a link the
   * configuration names several candidates for, a default security group the plan does not manage.
   */
  assumptions(instance: Entity): string[] {
    const found: string[] = [];
    // Links known only after apply, taken from the configuration's references (a conditional or
    // element() the review does not evaluate may choose another, or none).
    const taken: string[] = [];
    for (const attribute of ['subnet_id', 'iam_instance_profile', 'vpc_security_group_ids']) {
      if (instance.values[attribute] !== undefined) continue;
      const candidates = this.model.targets(instance, attribute);
      if (candidates.length === 0) continue;
      const several = attribute !== 'vpc_security_group_ids' && candidates.length > 1;
      taken.push(
        several
          ? `${attribute} → ${candidates[0].address} (the first of ${candidates.length}: ${candidates.map((c) => c.address).join(', ')})`
          : `${attribute} → ${candidates.map((c) => c.address).join(', ')}`,
      );
    }
    if (taken.length > 0)
      found.push(`known only after apply, taken from the configuration's references: ${taken.join('; ')}`);
    if (instance.values.subnet_id === undefined && !instance.references.subnet_id)
      found.push('subnet_id is known only after apply and no reference in the configuration leads to a subnet');
    const groups = this.securityGroupsOf(instance);
    for (const group of groups.filter((g) => this.defaultGroups.get(this.vpcOf(instance)?.id ?? '') === g))
      found.push(
        `${this.model.label(group)} is not in the plan: AWS's default rules assumed (all outbound; inbound only from the group itself)`,
      );
    return found;
  }

  /**
   * The Elastic IP associated with the instance or its primary network interface: `aws_eip` with
   * `instance` or `network_interface`, or an `aws_eip_association` with `instance_id` or
   * `network_interface_id`.
   */
  elasticIpOf(instance: Entity): Entity | undefined {
    const direct = this.model.pointingAt('aws_eip', 'instance', instance)[0];
    if (direct) return direct;
    const association = this.model.pointingAt('aws_eip_association', 'instance_id', instance)[0];
    if (association) return this.model.target(association, 'allocation_id') ?? association;
    // Its primary interface, by the id the plan or state knows.
    const eni = instance.values.primary_network_interface_id;
    if (typeof eni !== 'string' || eni === '') return undefined;
    return (
      this.model.all('aws_eip').find((eip) => eip.values.network_interface === eni) ??
      this.model.all('aws_eip_association').find((a) => a.values.network_interface_id === eni)
    );
  }

  /**
   * The rules of one direction in force on these groups, however they are written: rule resources
   * (`aws_vpc_security_group_*_rule`, `aws_security_group_rule`) and blocks written inline in the
   * group (only where its configuration writes them: plan-model.ts, MIRRORED_ATTRIBUTES). One
   * entry per source or destination.
   */
  rules(type: 'ingress' | 'egress', groups: readonly Entity[]): Rule[] {
    // One rule written twice — a rule resource and, in a state (no configuration says who writes
    // what), the group's own list mirroring it — is one rule.
    const seen = new Set<string>();
    return this.writtenRules(type, groups).filter((rule) => {
      const key = [rule.protocol, rule.fromPort, rule.toPort, rule.cidr ?? '', rule.securityGroup?.id ?? ''].join(' ');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  private writtenRules(type: 'ingress' | 'egress', groups: readonly Entity[]): Rule[] {
    // The rule resources on these groups (indexed by the model: a review asks for every instance).
    const on = (ruleType: string) => {
      const onGroups = new Set(groups.flatMap((group) => this.model.pointingAt(ruleType, 'security_group_id', group)));
      // In the plan's order, as the reasons list them.
      return onGroups.size === 0 ? [] : this.model.all(ruleType).filter((rule) => onGroups.has(rule));
    };
    const found: Rule[] = on(`aws_vpc_security_group_${type}_rule`).map((rule) => ({
      entity: rule,
      protocol: protocolName(rule.values.ip_protocol),
      fromPort: Number(rule.values.from_port ?? -1),
      toPort: Number(rule.values.to_port ?? -1),
      cidr: rule.values.cidr_ipv4 ?? undefined,
      securityGroup: this.model.target(rule, 'referenced_security_group_id'),
    }));
    for (const rule of on('aws_security_group_rule').filter((r) => r.values.type === type)) {
      const owner = this.model.target(rule, 'security_group_id');
      const peers = [
        ...this.model.targets(rule, 'source_security_group_id'),
        ...(rule.values.self === true && owner ? [owner] : []),
      ];
      found.push(...this.expand(rule, rule.values as PlannedRuleBlock, peers));
    }
    for (const group of groups) {
      const blocks = group.values[type];
      if (!Array.isArray(blocks)) continue;
      // Ids known in the plan name their groups; unknown ones come from the attribute's references.
      const referenced = this.model.targets(group, type).filter((e) => e.type.endsWith('security_group'));
      for (const block of blocks as PlannedRuleBlock[]) {
        const named = (block.security_groups ?? []).flatMap((id) => this.model.byValue(id));
        const peers = [...(named.length > 0 ? named : referenced), ...(block.self === true ? [group] : [])];
        found.push(...this.expand(group, block, peers));
      }
    }
    return found;
  }

  /** One Rule per CIDR and per peer group of a rule written with lists. */
  private expand(entity: Entity, rule: PlannedRuleBlock, peers: readonly Entity[]): Rule[] {
    const base = {
      entity,
      protocol: protocolName(rule.protocol),
      fromPort: Number(rule.from_port ?? -1),
      toPort: Number(rule.to_port ?? -1),
    };
    return [
      ...(rule.cidr_blocks ?? []).map((cidr) => ({ ...base, cidr })),
      ...peers.map((securityGroup) => ({ ...base, securityGroup })),
    ];
  }

  /**
   * A public IPv4 address: assigned at launch (the instance's setting, else its subnet's
   * map_public_ip_on_launch), or an Elastic IP associated with it.
   */
  hasPublicAddress(instance: Entity): boolean {
    if (this.elasticIpOf(instance)) return true;
    const assigned = instance.values.associate_public_ip_address;
    if (typeof assigned === 'boolean') return assigned;
    return this.subnetOf(instance)?.values.map_public_ip_on_launch === true;
  }

  /** The route table a subnet uses: its association, else the VPC's main route table (only the local route unless managed). */
  routeTableOf(subnet: Entity): Entity | undefined {
    const association = this.model.pointingAt('aws_route_table_association', 'subnet_id', subnet)[0];
    const associated = association ? this.model.target(association, 'route_table_id') : undefined;
    if (associated) return associated;
    const vpc = this.model.target(subnet, 'vpc_id');
    if (!vpc) return undefined;
    const main = this.model.pointingAt('aws_main_route_table_association', 'vpc_id', vpc)[0];
    if (main) return this.model.target(main, 'route_table_id');
    // The VPC's main table: its aws_default_route_table (linked by the configuration's reference, or
    // in a state by the id the VPC reports), else the route table whose id the VPC names as main.
    const mainId = vpc.values.main_route_table_id ?? vpc.values.default_route_table_id;
    return (
      this.model
        .all('aws_default_route_table')
        .find(
          (table) =>
            this.model.targets(table, 'default_route_table_id').some((t) => t.id === vpc.id) ||
            (mainId !== undefined && (table.values.default_route_table_id === mainId || table.values.id === mainId)),
        ) ??
      (typeof mainId === 'string'
        ? this.model.byValue(mainId).find((table) => table.type === 'aws_route_table')
        : undefined)
    );
  }

  /** Where 0.0.0.0/0 of the subnet's route table goes: `aws_route` resources and routes written inline alike. */
  defaultRoute(subnet: Entity): { gateway?: Entity; kind?: 'internet-gateway' | 'nat-gateway'; routeTable?: Entity } {
    const routeTable = this.routeTableOf(subnet);
    if (!routeTable) return {};
    const gateways: Entity[] = [];
    for (const route of this.model.pointingAt('aws_route', 'route_table_id', routeTable)) {
      if (route.values.destination_cidr_block !== '0.0.0.0/0') continue;
      gateways.push(
        ...[this.model.target(route, 'gateway_id'), this.model.target(route, 'nat_gateway_id')].filter(
          (g): g is Entity => g !== undefined,
        ),
      );
    }
    const inline = Array.isArray(routeTable.values.route) ? routeTable.values.route : [];
    const defaults = inline.filter((route) => route?.cidr_block === '0.0.0.0/0');
    if (defaults.length > 0) {
      // Ids known in the plan name their gateway; ids known only after apply come from the references.
      const referenced = this.model.targets(routeTable, 'route');
      for (const route of defaults) {
        const byId = [route.gateway_id, route.nat_gateway_id].filter(
          (id: unknown) => typeof id === 'string' && id !== '',
        );
        const known = byId.flatMap((id: string) => this.model.byValue(id));
        gateways.push(
          ...(known.length > 0
            ? known
            : referenced.filter((e) => e.type === 'aws_internet_gateway' || e.type === 'aws_nat_gateway')),
        );
      }
    }
    const internetGateway = gateways.find((gateway) => gateway.type === 'aws_internet_gateway');
    if (internetGateway) return { gateway: internetGateway, kind: 'internet-gateway', routeTable };
    const natGateway = gateways.find((gateway) => gateway.type === 'aws_nat_gateway');
    if (natGateway) return { gateway: natGateway, kind: 'nat-gateway', routeTable };
    return { routeTable };
  }

  /** Session Manager verdict for one instance: each required service judged along the path its DNS name takes. */
  sessionManager(instance: Entity): Verdict {
    return this.remembered(`session-manager ${instance.id}`, () => this.judgeSessionManager(instance));
  }

  /** SSH verdict: from the allowed sources, or for one client address. */
  ssh(instance: Entity, client?: string): Verdict {
    return this.remembered(`ssh ${instance.id} ${client ?? ''}`, () => this.judgeSsh(instance, client));
  }

  /**
   * A verdict judged once per model: the report, its diagram and the forwarding hop all ask for the
   * same instance's first hops, and the model does not change under a Reachability.
   */
  private remembered(key: string, judge: () => Verdict): Verdict {
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      verdict = judge();
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private judgeSessionManager(instance: Entity): Verdict {
    const fail = (reason: string): Verdict => ({
      reachable: false,
      reason,
      paths: [],
      text: `Session Manager: NOT reachable — ${reason}`,
    });

    const stopped = this.notRunning(instance);
    if (stopped) return fail(stopped);
    // Every reason is listed: what the instance lacks, then what its network lacks.
    const lacks: string[] = [];
    const assumptions: string[] = [];
    const profile = this.model.target(instance, 'iam_instance_profile');
    const role = profile ? this.model.target(profile, 'role') : undefined;
    if (!profile) lacks.push('no instance profile, so the SSM Agent has no Systems Manager role');
    else if (!role) lacks.push(`the instance profile ${this.model.label(profile)} has no role`);
    else {
      const roleVerdict = judgeRole(this.model, role);
      if (!roleVerdict.ok) lacks.push(roleVerdict.problem!);
      assumptions.push(...(roleVerdict.assumptions ?? []));
    }
    const metadata = blockOf(instance.values.metadata_options);
    if (metadata?.http_endpoint === 'disabled')
      lacks.push(
        'its instance metadata service is off (metadata_options http_endpoint = "disabled"), and the SSM Agent takes the role\'s credentials from it',
      );
    const roleArn = typeof role?.values.arn === 'string' ? role.values.arn : undefined;

    const subnet = this.subnetOf(instance);
    const vpc = subnet ? this.vpcOf(subnet) : undefined;
    if (!subnet || !vpc) return fail([...lacks, 'its subnet or VPC is not in the plans'].join('; '));
    if (vpc.values.enable_dns_support === false) {
      return fail(
        [
          ...lacks,
          `${this.model.label(vpc)} has DNS support off, so the instance cannot resolve any Systems Manager endpoint name (neither public nor private DNS)`,
        ].join('; '),
      );
    }
    const groups = this.securityGroupsOf(instance);
    const allowed = this.rules('egress', groups).filter((rule) => allowsTcp(rule, 443));
    if (allowed.length === 0) lacks.push('the instance security groups allow no outbound 443');
    // Without it, the network is judged as if 443 went everywhere: its own faults are listed too.
    const egress: Rule[] =
      allowed.length > 0
        ? allowed
        : [{ entity: instance, protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' }];

    const dnsHostnames = vpc.values.enable_dns_hostnames === true;
    const anyEndpoint = REQUIRED_SESSION_MANAGER_SERVICES.some((service) => this.interfaceEndpoint(vpc, service));
    const works: { service: string; path: AccessPath; detail: string }[] = [];
    const problems: { service: string; problem: string }[] = [];
    const notes = new Map<string, string[]>(); // note → services
    const note = (text: string, service: string) => notes.set(text, [...(notes.get(text) ?? []), service]);
    let internetPath: ReturnType<Reachability['internetPath']> | undefined; // the same for every service: judged once
    for (const service of REQUIRED_SESSION_MANAGER_SERVICES) {
      const endpoint = this.interfaceEndpoint(vpc, service);
      if (endpoint?.values.private_dns_enabled === true && dnsHostnames) {
        // Private DNS answers with the endpoint's addresses: this path, and only this one, is taken.
        const result = this.endpointPath(endpoint, groups, subnet, egress, roleArn);
        if ('problem' in result) problems.push({ service, problem: result.problem });
        else works.push({ service, path: 'vpc-endpoints', detail: result.detail });
        continue;
      }
      if (endpoint?.values.private_dns_enabled === true)
        note(
          `{endpoints'} private DNS does not apply (${this.model.label(vpc)} has DNS hostnames off), so the public names are used`,
          service,
        );
      else if (endpoint) note(`{endpoints'} private DNS is off, so the public names are used`, service);
      const internet = (internetPath ??= this.internetPath(instance, subnet, egress));
      if (typeof internet !== 'string') works.push({ service, path: internet.path, detail: internet.detail });
      else if (anyEndpoint && !endpoint)
        problems.push({
          service,
          problem: `no ${service} endpoint with private DNS in ${this.model.label(vpc)}, and ${internet}`,
        });
      else problems.push({ service, problem: internet });
    }
    const noteText = [...notes].map(([text, services]) => `${nameEndpoints(text, services)}; `).join('');
    if (lacks.length > 0 && problems.length === 0) return fail(lacks.join('; '));
    if (problems.length > 0) {
      const byProblem = new Map<string, string[]>();
      for (const { service, problem } of problems) byProblem.set(problem, [...(byProblem.get(problem) ?? []), service]);
      const shared = byProblem.size === 1 && problems.length === REQUIRED_SESSION_MANAGER_SERVICES.length;
      const reasons = [...byProblem].map(([problem, services]) =>
        shared || problem.includes('{endpoints')
          ? nameEndpoints(problem, services)
          : `for ${services.join(' and ')}: ${problem}`,
      );
      const suffix =
        !anyEndpoint && works.length === 0 ? `, and ${this.model.label(vpc)} has no Session Manager endpoints` : '';
      return fail(`${lacks.map((lack) => `${lack}; `).join('')}${noteText}${reasons.join('; ')}${suffix}`);
    }
    const paths = [...new Set(works.map((w) => w.path))];
    const details: string[] = [];
    const viaEndpoints = works.filter((w) => w.path === 'vpc-endpoints');
    if (viaEndpoints.length > 0) {
      details.push(
        `${viaEndpoints.map((w) => w.service).join(', ')} with private DNS in ${this.model.label(vpc)}; ${[...new Set(viaEndpoints.map((w) => w.detail))].join('; ')}`,
      );
    }
    for (const w of works.filter((w) => w.path !== 'vpc-endpoints'))
      if (!details.includes(w.detail)) details.push(w.detail);
    const via = paths.map((path) => PATH_NAMES[path]).join(' and ');
    // What the plan cannot decide is said, not taken as true in silence.
    for (const assumption of assumptions) details.push(assumption);
    const reason = `${noteText}${details.join('; ')}`;
    return { reachable: true, paths, reason, text: `Session Manager: reachable via ${via} (${reason})` };
  }

  private judgeSsh(instance: Entity, client?: string): Verdict {
    const fail = (reason: string): Verdict => ({
      reachable: false,
      reason,
      paths: [],
      text: `SSH: NOT reachable — ${reason}`,
    });
    const stopped = this.notRunning(instance);
    if (stopped) return fail(stopped);
    const open = this.rules('ingress', this.securityGroupsOf(instance)).filter((rule) => allowsTcp(rule, 22));
    const eice = open.length > 0 ? this.instanceConnectPath(instance, open) : undefined;
    if (eice && 'detail' in eice)
      return {
        reachable: true,
        paths: ['instance-connect-endpoint'],
        reason: eice.detail,
        text: `SSH: reachable via EC2 Instance Connect Endpoint (${eice.detail})`,
      };
    const cidrs = open.map((rule) => rule.cidr).filter((cidr): cidr is string => cidr !== undefined);
    const key = this.keyPairOf(instance);
    if (cidrs.length === 0) {
      // With a key pair, ssh can ride a Session Manager session (AWS-StartSSHSession) while port 22 stays closed.
      if (key && this.sessionManager(instance).reachable) {
        const reason = `AWS-StartSSHSession over Session Manager; port 22 stays closed; ${key}`;
        return { reachable: true, paths: [], reason, text: `SSH: reachable through Session Manager (${reason})` };
      }
      return fail(eice && 'problem' in eice ? eice.problem : 'no inbound rule opens port 22');
    }
    if (client !== undefined) {
      const clientCidr = parseIpv4Cidr(client.includes('/') ? client : `${client}/32`);
      if (!clientCidr || !cidrs.some((cidr) => cidrContains(parseIpv4Cidr(cidr)!, clientCidr))) {
        return fail(`port 22 is open only to ${cidrs.join(', ')}; ${client} is not in it`);
      }
    }
    if (!this.hasPublicAddress(instance)) return fail('the instance has no public address');
    const subnet = this.subnetOf(instance);
    if (!subnet || this.defaultRoute(subnet).kind !== 'internet-gateway')
      return fail('its subnet has no default route to an internet gateway');
    if (!key) return fail('no key pair is installed');
    return {
      reachable: true,
      paths: ['internet-gateway'],
      reason: `port 22 open from ${cidrs.join(', ')}; public address; route to the internet gateway; ${key}`,
      text: `SSH: reachable from ${client ?? cidrs.join(', ')} (port 22 open from ${cidrs.join(', ')}; public address; route to the internet gateway; ${key})`,
    };
  }

  /**
   * The forwarding verdict of an instance that names a target in its `ForwardsTo` tag (undefined
   * for one that names none): a local port reaches `<target>:<port>` only if the first hop (a
   * Session Manager session, or SSH — directly or through an EC2 Instance Connect Endpoint) opens,
   * and the instance itself can open tcp/<port> to the target by AWS's rules: a route between
   * their subnets (the VPC's local route, or a peering or transit gateway route both ways), the
   * instance's security groups sending the port to the target, the target's admitting it from the
   * instance (by group reference or a covering range), and the network ACLs of both subnets
   * passing the port one way and the replies the other (none between resources of one subnet).
   * Every reason is given, not just the first.
   */
  forwarding(instance: Entity): Verdict | undefined {
    const wanted = parseForwardsTo(instance.values.tags?.[FORWARDS_TO_TAG]);
    if (!wanted) return undefined;
    const label = `Port forwarding to ${wanted.name}:${wanted.port}`;
    const problems: string[] = [];
    const sessionManager = this.sessionManager(instance);
    const ssh = sessionManager.reachable ? undefined : this.ssh(instance);
    let hop: string | undefined;
    let paths: readonly AccessPath[] = [];
    if (sessionManager.reachable) {
      paths = sessionManager.paths;
      hop = `Session Manager over the ${paths.map((path) => PATH_NAMES[path]).join(' and ')}, document AWS-StartPortForwardingSessionToRemoteHost`;
    } else if (ssh!.reachable && ssh!.paths.includes('instance-connect-endpoint')) {
      hop = 'the EC2 Instance Connect Endpoint, ssh -L over open-tunnel to the instance';
      paths = ssh!.paths;
    } else if (ssh!.reachable) {
      paths = ssh!.paths;
      hop = `SSH over the ${paths.map((path) => PATH_NAMES[path]).join(' and ') || 'network'}, ssh -L`;
    } else {
      problems.push(
        `no first hop reaches the instance (Session Manager: ${sessionManager.reason}; SSH: ${ssh!.reason})`,
      );
    }
    const target = this.model
      .all('aws_instance')
      .find((candidate) => candidate.id !== instance.id && this.model.label(candidate) === wanted.name);
    const fail = (reasons: string[]): Verdict => {
      const reason = reasons.join('; ');
      return { reachable: false, paths: [], reason, text: `${label}: NOT reachable — ${reason}` };
    };
    if (!target) return fail([...problems, `no instance named ${wanted.name} is in the plans`]);
    const details: string[] = [];
    const stopped = this.notRunning(target);
    if (stopped) problems.push(stopped.replace('the instance', 'the target'));

    const subnet = this.subnetOf(instance);
    const targetSubnet = this.subnetOf(target);
    if (!subnet || !targetSubnet)
      return fail([...problems, "the instance's or the target's subnet is not in the plans"]);
    const here = this.addressRange(instance, subnet);
    const there = this.addressRange(target, targetSubnet);
    const route = this.routeBetween(subnet, targetSubnet, here, there);
    if ('problem' in route) problems.push(route.problem);
    else details.push(route.detail);

    const groups = this.securityGroupsOf(instance);
    const targetGroups = this.securityGroupsOf(target);
    const groupIds = new Set(groups.map((group) => group.id));
    const targetGroupIds = new Set(targetGroups.map((group) => group.id));
    const covers = (cidr: string | undefined, range: [number, number] | undefined) => {
      const outer = cidr ? ipv4Range(cidr) : undefined;
      return outer !== undefined && range !== undefined && outer[0] <= range[0] && range[1] <= outer[1];
    };
    const sent = this.rules('egress', groups)
      .filter((rule) => allowsTcp(rule, wanted.port))
      .find(
        (rule) =>
          (rule.securityGroup !== undefined && targetGroupIds.has(rule.securityGroup.id)) || covers(rule.cidr, there),
      );
    if (!sent)
      problems.push(
        `the instance security groups send no tcp/${wanted.port} to the target (neither to its security group ${targetGroups.map((g) => this.model.label(g)).join(', ') || '(none)'} nor to a range covering it)`,
      );
    else details.push(`instance SG sends tcp/${wanted.port} to ${sent.securityGroup ? 'the target SG' : sent.cidr}`);
    const admitted = this.rules('ingress', targetGroups)
      .filter((rule) => allowsTcp(rule, wanted.port))
      .find(
        (rule) => (rule.securityGroup !== undefined && groupIds.has(rule.securityGroup.id)) || covers(rule.cidr, here),
      );
    if (!admitted)
      problems.push(
        `the target's security group ${targetGroups.map((g) => this.model.label(g)).join(', ') || '(none)'} admits no tcp/${wanted.port} from the instance (neither from its security group nor from a range covering it)`,
      );
    else
      details.push(
        `target SG admits tcp/${wanted.port} from ${admitted.securityGroup ? 'the instance SG' : `${admitted.cidr} (covers the instance)`}`,
      );
    if (subnet.id !== targetSubnet.id && here && there) {
      for (const [aclSubnet, verdict] of [
        [subnet, this.acls.allowsTcp(subnet, 'out', [wanted.port, wanted.port], [there])],
        [targetSubnet, this.acls.allowsTcp(targetSubnet, 'in', [wanted.port, wanted.port], [here])],
        [targetSubnet, this.acls.allowsTcp(targetSubnet, 'out', EPHEMERAL_PORTS, [here])],
        [subnet, this.acls.allowsTcp(subnet, 'in', EPHEMERAL_PORTS, [there])],
      ] as const)
        if (!verdict.allowed) problems.push(`in ${this.model.label(aclSubnet)}, ${verdict.why}`);
    }
    if (problems.length > 0 || !hop) return fail(problems);
    const reason = details.join('; ');
    return { reachable: true, paths, reason, text: `${label}: reachable via ${hop} (${reason})` };
  }

  /** The addresses an instance speaks from: its private address when the plan knows it, else its subnet. */
  private addressRange(instance: Entity, subnet: Entity): [number, number] | undefined {
    const ip = instance.values.private_ip;
    if (typeof ip === 'string' && ipv4Range(`${ip}/32`)) return ipv4Range(`${ip}/32`);
    return ipv4Range(String(subnet.values.cidr_block ?? ''));
  }

  /**
   * Whether packets go from one subnet to the other and back: within one VPC its local route
   * does it; across VPCs each subnet's route table needs a route covering the other side, through
   * one VPC peering connection between the two VPCs (accepted) or a transit gateway (whose
   * attachments and route tables are assumed to join them — the plans rarely hold them).
   */
  routeBetween(
    from: Entity,
    to: Entity,
    fromRange: [number, number] | undefined,
    toRange: [number, number] | undefined,
  ): { detail: string } | { problem: string } {
    const fromVpc = this.vpcOf(from);
    const toVpc = this.vpcOf(to);
    if (!fromVpc || !toVpc) return { problem: "the instance's or the target's VPC is not in the plans" };
    if (fromVpc.id === toVpc.id)
      return {
        detail:
          from.id === to.id
            ? `same subnet ${this.model.label(from)}`
            : `same VPC ${this.model.label(fromVpc)} (local route; ${this.model.label(from)} → ${this.model.label(to)})`,
      };
    const there = this.routeFor(from, toRange);
    const back = this.routeFor(to, fromRange);
    const between = `the instance is in ${this.model.label(fromVpc)} and the target in ${this.model.label(toVpc)}`;
    const joins = (via: Entity | undefined) =>
      via?.type === 'aws_vpc_peering_connection' || via?.type === 'aws_ec2_transit_gateway';
    if (!joins(there.via) || !joins(back.via)) {
      const side = (subnet: Entity, via: Entity | undefined, whose: string) =>
        joins(via)
          ? ''
          : via
            ? `${this.model.label(subnet)} sends ${whose} addresses to ${this.model.label(via)}, which joins no VPCs`
            : `${this.model.label(subnet)} has no route to ${whose} addresses`;
      return {
        problem: `${between}, and no route joins them (${[
          side(from, there.via, "the target's"),
          side(to, back.via, "the instance's"),
        ]
          .filter(Boolean)
          .join('; ')}; a VPC peering connection or a transit gateway with routes both ways would)`,
      };
    }
    const [thereVia, backVia] = [there.via!, back.via!];
    if (thereVia.type === 'aws_vpc_peering_connection' && backVia.type === 'aws_vpc_peering_connection') {
      if (thereVia.id !== backVia.id)
        return { problem: `${between}, and their routes use different peering connections` };
      const joins = [this.model.target(thereVia, 'vpc_id')?.id, this.model.target(thereVia, 'peer_vpc_id')?.id];
      if (!joins.includes(fromVpc.id) || !joins.includes(toVpc.id))
        return {
          problem: `${between}, and peering connection ${this.model.label(thereVia)} does not join those two VPCs`,
        };
      const accepted =
        thereVia.values.auto_accept === true ||
        thereVia.values.accept_status === 'active' ||
        this.model.pointingAt('aws_vpc_peering_connection_accepter', 'vpc_peering_connection_id', thereVia).length > 0;
      if (!accepted)
        return {
          problem: `${between}, and peering connection ${this.model.label(thereVia)} is never accepted (no auto_accept, no accepter)`,
        };
      return { detail: `peering connection ${this.model.label(thereVia)} routes both ways` };
    }
    if (thereVia.type === 'aws_ec2_transit_gateway' && backVia.type === 'aws_ec2_transit_gateway')
      return {
        detail: `transit gateway ${this.model.label(thereVia)} routes both ways (its attachments and route tables are assumed to join the VPCs)`,
      };
    return {
      detail: `routes out through ${this.model.label(thereVia)} and back through ${this.model.label(backVia)} (asymmetric: assumed to pass)`,
    };
  }

  /**
   * The route a subnet's table uses for every address of `range` (longest prefix first): what it
   * goes to, or nothing when no route covers the whole range.
   */
  private routeFor(subnet: Entity, range: [number, number] | undefined): { via?: Entity } {
    const routeTable = this.routeTableOf(subnet);
    if (!routeTable || !range) return {};
    const candidates: { cidr: string; via: Entity[] }[] = [];
    const attributes = ['vpc_peering_connection_id', 'transit_gateway_id', 'gateway_id', 'nat_gateway_id'];
    for (const route of this.model.pointingAt('aws_route', 'route_table_id', routeTable)) {
      const cidr = route.values.destination_cidr_block;
      if (typeof cidr === 'string')
        candidates.push({ cidr, via: attributes.flatMap((attribute) => this.model.targets(route, attribute)) });
    }
    const inline = Array.isArray(routeTable.values.route) ? routeTable.values.route : [];
    const referenced = this.model.targets(routeTable, 'route');
    for (const block of inline) {
      if (typeof block?.cidr_block !== 'string') continue;
      const known = attributes
        .map((attribute) => block[attribute])
        .filter((id): id is string => typeof id === 'string' && id !== '')
        .flatMap((id) => this.model.byValue(id));
      candidates.push({ cidr: block.cidr_block, via: known.length > 0 ? known : referenced });
    }
    const covering = candidates
      .filter(({ cidr }) => {
        const outer = ipv4Range(cidr);
        return outer !== undefined && outer[0] <= range[0] && range[1] <= outer[1];
      })
      .sort((a, b) => Number(b.cidr.split('/')[1]) - Number(a.cidr.split('/')[1]));
    const best = covering[0]?.via.find((entity) =>
      ['aws_vpc_peering_connection', 'aws_ec2_transit_gateway', 'aws_internet_gateway', 'aws_nat_gateway'].includes(
        entity.type,
      ),
    );
    return { via: best };
  }

  /**
   * Why the instance is not running, or undefined: stopped by an `aws_ec2_instance_state`
   * resource, or (in a deployed state) stopped or stopping. Nothing answers on a stopped instance.
   */
  notRunning(instance: Entity): string | undefined {
    const managed = this.model
      .pointingAt('aws_ec2_instance_state', 'instance_id', instance)
      .find((state) => state.values.state === 'stopped');
    if (managed) return `the instance is stopped (${managed.address} sets its state to "stopped")`;
    const state = instance.values.instance_state;
    if (state === 'stopped' || state === 'stopping') return `the instance is ${state}`;
    return undefined;
  }

  /**
   * SSH through an EC2 Instance Connect Endpoint in the instance's VPC (EC2 User Guide, "EC2
   * Instance Connect Endpoint"): the endpoint opens tcp/22 to the instance from its own interface
   * (or, with `preserve_client_ip`, with the client's address as the source), so the instance SG
   * must admit that source, the endpoint SG must send tcp/22 to the instance, and the subnets'
   * network ACLs must pass it and the replies. No key pair is needed: the CLI pushes a key.
   * Undefined when the VPC has no endpoint.
   */
  instanceConnectPath(instance: Entity, open: readonly Rule[]): { detail: string } | { problem: string } | undefined {
    const subnet = this.subnetOf(instance);
    const vpc = subnet ? this.vpcOf(subnet) : undefined;
    if (!subnet || !vpc) return undefined;
    const endpoint = this.model.all('aws_ec2_instance_connect_endpoint').find((candidate) => {
      const endpointSubnet = this.model.target(candidate, 'subnet_id');
      return endpointSubnet !== undefined && this.vpcOf(endpointSubnet)?.id === vpc.id;
    });
    if (!endpoint) return undefined;
    const name = this.model.label(endpoint);
    const endpointSubnet = this.model.target(endpoint, 'subnet_id')!;
    const endpointGroups = this.securityGroupsOf(endpoint, 'security_group_ids');
    const endpointIds = new Set(endpointGroups.map((group) => group.id));
    const instanceIds = new Set(this.securityGroupsOf(instance).map((group) => group.id));
    const endpointCidr = parseIpv4Cidr(String(endpointSubnet.values.cidr_block ?? ''));
    const instanceCidr = parseIpv4Cidr(String(subnet.values.cidr_block ?? ''));
    const preserve = endpoint.values.preserve_client_ip === true;
    if (preserve) {
      if (!open.some((rule) => rule.cidr !== undefined))
        return {
          problem: `the EC2 Instance Connect Endpoint ${name} keeps the client's address (preserve_client_ip = true), and the instance SG admits tcp/22 from no address range — only from security groups, which a client's address never matches`,
        };
    } else if (
      !open.some(
        (rule) =>
          (rule.securityGroup && endpointIds.has(rule.securityGroup.id)) ||
          (rule.cidr && endpointCidr && cidrContains(parseIpv4Cidr(rule.cidr)!, endpointCidr)),
      )
    ) {
      return {
        problem: `the instance SG admits tcp/22 neither from the EC2 Instance Connect Endpoint ${name}'s security group nor from a range covering its subnet (with preserve_client_ip = false the endpoint's interface is the source)`,
      };
    }
    const sent = this.rules('egress', endpointGroups)
      .filter((rule) => allowsTcp(rule, 22))
      .some(
        (rule) =>
          (rule.securityGroup && instanceIds.has(rule.securityGroup.id)) ||
          (rule.cidr && instanceCidr && cidrContains(parseIpv4Cidr(rule.cidr)!, instanceCidr)),
      );
    if (!sent)
      return {
        problem: `the EC2 Instance Connect Endpoint ${name}'s security group sends no tcp/22 to the instance (neither to its security group nor to a range covering its subnet)`,
      };
    if (endpointSubnet.id !== subnet.id) {
      const there = ipv4Range(String(endpointSubnet.values.cidr_block ?? ''));
      const here = ipv4Range(String(subnet.values.cidr_block ?? ''));
      if (there && here) {
        const blocked = [
          this.acls.allowsTcp(endpointSubnet, 'out', [22, 22], [here]),
          this.acls.allowsTcp(subnet, 'in', [22, 22], [there]),
          this.acls.allowsTcp(subnet, 'out', NAT_PORTS, [there]),
          this.acls.allowsTcp(endpointSubnet, 'in', NAT_PORTS, [here]),
        ].find((verdict) => !verdict.allowed);
        if (blocked)
          return { problem: `between the EC2 Instance Connect Endpoint ${name} and the instance, ${blocked.why}` };
      }
    }
    const admitted = preserve
      ? `instance SG admits tcp/22 from ${open
          .filter((r) => r.cidr)
          .map((r) => r.cidr)
          .join(', ')} (preserve_client_ip = true)`
      : 'instance SG admits tcp/22 from the endpoint SG';
    return {
      detail: `${name} in ${this.model.label(vpc)}; ${admitted}; endpoint SG sends tcp/22 to the instance; no key pair needed: the CLI pushes a one-minute key`,
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
      .find(
        (endpoint) =>
          endpoint.values.vpc_endpoint_type === 'Interface' &&
          String(endpoint.values.service_name ?? '').endsWith(`.${service}`),
      );
  }

  /** The endpoint path for one service: what works (a description) or what stops it. */
  private endpointPath(
    endpoint: Entity,
    instanceGroups: Entity[],
    subnet: Entity,
    egress: Rule[],
    roleArn: string | undefined,
  ): { detail: string } | { problem: string } {
    const service =
      String(endpoint.values.service_name ?? '')
        .split('.')
        .pop() ?? '';
    const refused = endpointPolicyRefuses(endpoint.values.policy, service, roleArn);
    if (refused.length > 0)
      return {
        problem: `{endpoints'} policy does not allow ${refused.join(', ')} (a request through an endpoint needs its policy's Allow too)`,
      };
    const endpointGroups = this.securityGroupsOf(endpoint, 'security_group_ids');
    const instanceIds = new Set(instanceGroups.map((group) => group.id));
    const subnetCidr = parseIpv4Cidr(String(subnet.values.cidr_block ?? ''));
    const inbound = this.rules('ingress', endpointGroups).filter((rule) => allowsTcp(rule, 443));
    const bySecurityGroup = inbound.find((rule) => rule.securityGroup && instanceIds.has(rule.securityGroup.id));
    const byRange = inbound.find(
      (rule) => rule.cidr && subnetCidr && cidrContains(parseIpv4Cidr(rule.cidr)!, subnetCidr),
    );
    const sgNames = endpointGroups.map((group) => this.model.label(group)).join(', ') || '(none)';
    if (!bySecurityGroup && !byRange) {
      return {
        problem: `{endpoints'} security group ${sgNames} allows no inbound 443 from the instance (neither from its security group nor from a range covering ${subnetCidr?.text ?? 'its subnet'})`,
      };
    }
    const endpointIds = new Set(endpointGroups.map((group) => group.id));
    const endpointSubnets = this.model.targets(endpoint, 'subnet_ids');
    const outToGroup = egress.find((rule) => rule.securityGroup && endpointIds.has(rule.securityGroup.id));
    const outToRange = egress.find(
      (rule) =>
        rule.cidr &&
        endpointSubnets.length > 0 &&
        endpointSubnets.every((endpointSubnet) => {
          const cidr = parseIpv4Cidr(String(endpointSubnet.values.cidr_block ?? ''));
          return cidr !== undefined && cidrContains(parseIpv4Cidr(rule.cidr!)!, cidr);
        }),
    );
    if (!outToGroup && !outToRange)
      return {
        problem: `the instance security groups allow no 443 to {endpoints} (neither to its security group ${sgNames} nor to a range covering its subnets)`,
      };
    for (const endpointSubnet of endpointSubnets.filter((other) => other.id !== subnet.id)) {
      const there = ipv4Range(String(endpointSubnet.values.cidr_block ?? ''));
      const here = ipv4Range(String(subnet.values.cidr_block ?? ''));
      if (!there || !here) continue;
      const blocked = [
        this.acls.allowsTcp(subnet, 'out', [443, 443], [there]),
        this.acls.allowsTcp(subnet, 'in', EPHEMERAL_PORTS, [there]),
        this.acls.allowsTcp(endpointSubnet, 'in', [443, 443], [here]),
        this.acls.allowsTcp(endpointSubnet, 'out', EPHEMERAL_PORTS, [here]),
      ].find((verdict) => !verdict.allowed);
      if (blocked)
        return {
          problem: `between the instance and {endpoints} in ${this.model.label(endpointSubnet)}, ${blocked.why}`,
        };
    }
    const admitted = bySecurityGroup
      ? 'endpoint SG allows 443 from the instance SG'
      : `endpoint SG allows 443 from ${byRange!.cidr} (covers the instance)`;
    const sent = outToGroup
      ? 'instance SG allows 443 to it'
      : `instance SG allows 443 to ${outToRange!.cidr} (covers the endpoint subnets)`;
    return { detail: `${admitted}; ${sent}` };
  }

  private internetPath(
    instance: Entity,
    subnet: Entity,
    egress: Rule[],
  ): { path: AccessPath; detail: string } | string {
    const toInternet = egress.some((rule) => rule.cidr !== undefined && coversPublicInternet(rule.cidr));
    const route = this.defaultRoute(subnet);
    if (!route.kind) return `${this.model.label(subnet)} has no default route (0.0.0.0/0) to the internet`;
    if (!toInternet) return 'the instance SG allows 443 only to private destinations';
    const internet = PUBLIC_INTERNET;
    const here = ipv4Range(String(subnet.values.cidr_block ?? ''));
    const aclProblem = [
      this.acls.allowsTcp(subnet, 'out', [443, 443], internet),
      this.acls.allowsTcp(subnet, 'in', EPHEMERAL_PORTS, internet),
    ].find((v) => !v.allowed);
    if (aclProblem) return `in ${this.model.label(subnet)}, ${aclProblem.why}`;
    if (route.kind === 'internet-gateway') {
      if (!this.hasPublicAddress(instance))
        return `its subnet routes to an internet gateway but the instance has no public address`;
      return { path: 'internet-gateway', detail: 'public address; 0.0.0.0/0 → internet gateway; 443 out' };
    }
    const nat = route.gateway!;
    if (nat.values.connectivity_type === 'private') return 'its NAT gateway is a private NAT gateway';
    const natSubnet = this.model.target(nat, 'subnet_id');
    if (!natSubnet || this.defaultRoute(natSubnet).kind !== 'internet-gateway') {
      return `the NAT gateway's subnet ${this.model.label(natSubnet)} has no route to an internet gateway`;
    }
    if (here) {
      const natProblem = [
        this.acls.allowsTcp(natSubnet, 'in', [443, 443], [here]),
        this.acls.allowsTcp(natSubnet, 'out', [443, 443], internet),
        this.acls.allowsTcp(natSubnet, 'in', NAT_PORTS, internet),
        this.acls.allowsTcp(natSubnet, 'out', EPHEMERAL_PORTS, [here]),
      ].find((v) => !v.allowed);
      if (natProblem) return `in the NAT gateway's subnet ${this.model.label(natSubnet)}, ${natProblem.why}`;
    }
    return {
      path: 'nat-gateway',
      detail: `0.0.0.0/0 → NAT gateway in ${this.model.label(natSubnet)} → internet gateway; 443 out`,
    };
  }
}

/** Fills `{endpoints}` / `{endpoints'}` with the services' endpoints: "the ssm and ssmmessages endpoints'". */
function nameEndpoints(text: string, services: readonly string[]): string {
  const names = `the ${services.join(' and ')} endpoint${services.length > 1 ? 's' : ''}`;
  return text
    .replace(/\{endpoints'\}/g, services.length > 1 ? `${names}'` : `${names}'s`)
    .replace(/\{endpoints\}/g, names);
}

/** Linux's default ephemeral range (Amazon Linux 2023): the client ports replies come back to. */
export const EPHEMERAL_PORTS: [number, number] = [32768, 60999];
/** A NAT gateway's source ports towards the internet (AWS: 1024-65535). */
export const NAT_PORTS: [number, number] = [1024, 65535];

/** Whether an egress destination includes every public address (where the service endpoints are). */
function coversPublicInternet(cidr: string): boolean {
  const range = ipv4Range(cidr);
  return range !== undefined && PUBLIC_INTERNET.every(([a, b]) => range[0] <= a && b <= range[1]);
}

const PATH_NAMES: Record<AccessPath, string> = {
  'vpc-endpoints': 'VPC endpoints',
  'internet-gateway': 'internet gateway',
  'nat-gateway': 'NAT gateway',
  'instance-connect-endpoint': 'EC2 Instance Connect Endpoint',
};

/** A nested block as the plan shows it: a one-element list (or the object itself). */
function blockOf(value: unknown): Record<string, unknown> | undefined {
  const block = Array.isArray(value) ? value[0] : value;
  return typeof block === 'object' && block !== null ? (block as Record<string, unknown>) : undefined;
}

/** A rule's protocol as `tcp`, `udp`, `icmp` or `-1` (all): AWS takes names and numbers alike. */
function protocolName(value: unknown): string {
  const text = String(value ?? '').toLowerCase();
  return text === 'all' || text === '-1'
    ? '-1'
    : text === '6'
      ? 'tcp'
      : text === '17'
        ? 'udp'
        : text === '1'
          ? 'icmp'
          : text;
}

function allowsTcp(rule: Rule, port: number): boolean {
  if (rule.protocol === '-1') return true;
  return rule.protocol === 'tcp' && rule.fromPort <= port && port <= rule.toPort;
}
