/**
 * The network as a plan or state describes it, read the way AWS applies it: which subnet, VPC,
 * security groups, route table and default route an instance has, the rules in force on groups
 * however they are written (inline, `aws_security_group_rule`, `aws_vpc_security_group_*_rule`),
 * public addresses (at launch or an Elastic IP), default groups and main route tables, and what a
 * verdict had to assume where the plan leaves a link open. The judges (reachability.ts) ask this.
 */
import { Entity, NetworkModel } from '../model/plan-model';
import { PlannedRuleBlock } from '../../terraform-json';
import { FORWARDING_TARGET_SCENARIO } from '../../../lib/forwarding-target';

/** One rule in force: a protocol, a port range, and one source or destination (a range or a group). */
export interface Rule {
  readonly entity: Entity;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidr?: string;
  readonly securityGroup?: Entity;
  /** The prefix list the rule names, where its range came from one (or, without `cidr`, a list whose entries are unknown). */
  readonly prefixList?: string;
}

export class Network {
  constructor(protected readonly model: NetworkModel) {}

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

  /**
   * The instance's subnet. An instance whose configuration names no subnet (nor a network
   * interface) is launched in a default subnet of the region's default VPC (EC2 User Guide,
   * "Default VPCs"): {@link defaultVpcParts} stands in for it, and {@link assumptions} says so.
   */
  subnetOf(instance: Entity): Entity | undefined {
    const subnet = this.model.target(instance, 'subnet_id');
    if (subnet) return subnet;
    // Attached by `network_interface { network_interface_id = … }`: the interface's subnet.
    const primary = this.primaryInterfaceOf(instance);
    if (primary) return this.model.target(primary, 'subnet_id');
    return this.inDefaultSubnet(instance) ? this.defaultVpcParts().subnet : undefined;
  }

  /**
   * The network interface an instance is launched with as its primary one (a `network_interface`
   * block with device index 0 naming an `aws_network_interface`): its subnet and groups are the
   * instance's (EC2 User Guide, "Elastic network interfaces").
   */
  primaryInterfaceOf(instance: Entity): Entity | undefined {
    if (instance.type !== 'aws_instance') return undefined;
    const blocks = Array.isArray(instance.values.network_interface)
      ? (instance.values.network_interface as { device_index?: number; network_interface_id?: string }[])
      : [];
    const primary = blocks.find((block) => Number(block?.device_index ?? 0) === 0);
    const id = primary?.network_interface_id;
    const byId = typeof id === 'string' && id !== '' ? this.model.byValue(id) : [];
    return [...byId, ...this.model.targets(instance, 'network_interface')].find(
      (entity) => entity.type === 'aws_network_interface',
    );
  }

  /** Nothing in the configuration or the values places the instance: AWS picks a default subnet. */
  private inDefaultSubnet(instance: Entity): boolean {
    return (
      instance.type === 'aws_instance' &&
      instance.values.subnet_id === undefined &&
      instance.references.subnet_id === undefined &&
      instance.references.network_interface === undefined &&
      !(Array.isArray(instance.values.network_interface) && instance.values.network_interface.length > 0)
    );
  }

  /** The VPC of a subnet, or of what sits in one (an instance, an interface, an Instance Connect Endpoint), or an endpoint's. */
  vpcOf(entity: Entity): Entity | undefined {
    if (entity.type === 'aws_vpc_endpoint') return this.model.target(entity, 'vpc_id');
    const subnet =
      entity.type === 'aws_instance'
        ? this.subnetOf(entity)
        : entity.type === 'aws_network_interface' || entity.type === 'aws_ec2_instance_connect_endpoint'
          ? this.model.target(entity, 'subnet_id')
          : entity;
    if (!subnet) return undefined;
    const vpc = this.model.target(subnet, 'vpc_id');
    // A default subnet (the plan's aws_default_subnet, or the stand-in) is in the default VPC.
    return vpc ?? (subnet.type === 'aws_default_subnet' ? this.defaultVpcParts().vpc : undefined);
  }

  private defaultVpc?: { vpc: Entity; subnet: Entity; routeTable: Entity; gateway: Entity };

  /**
   * The region's default VPC as AWS makes it, where the plan does not manage it: DNS support and
   * hostnames on, default subnets that give a public address at launch, and a main route table
   * whose 0.0.0.0/0 goes to its internet gateway. The plan's `aws_default_vpc` is used when it has one.
   */
  defaultVpcParts(): { vpc: Entity; subnet: Entity; routeTable: Entity; gateway: Entity } {
    if (this.defaultVpc) return this.defaultVpc;
    const standIn = (type: string, name: string, values: Entity['values']): Entity => ({
      id: `(${name})`,
      stack: '',
      address: name,
      baseAddress: name,
      type,
      values: { tags: { Name: name }, ...values },
      references: {},
      actions: ['no-op'],
    });
    const vpc =
      this.model.all('aws_default_vpc')[0] ??
      standIn('aws_default_vpc', 'the default VPC', {
        cidr_block: '172.31.0.0/16',
        enable_dns_support: true,
        enable_dns_hostnames: true,
      });
    const gateway = standIn('aws_internet_gateway', "the default VPC's internet gateway", {});
    this.defaultVpc = {
      vpc,
      gateway,
      subnet: standIn('aws_default_subnet', 'a default subnet of the default VPC', {
        cidr_block: '172.31.0.0/20',
        map_public_ip_on_launch: true,
      }),
      routeTable: standIn('aws_default_route_table', "the default VPC's main route table", {}),
    };
    return this.defaultVpc;
  }

  /**
   * The security groups of an instance, a network interface, an interface VPC endpoint or an
   * Instance Connect Endpoint (or of what else has `attribute`). An instance launched with a
   * network interface has that interface's groups; a VPC instance's groups may be written as
   * `vpc_security_group_ids` or `security_groups` alike. Where none is named, AWS puts it in its
   * VPC's default group (EC2 User Guide, "Default security groups"; CreateVpcEndpoint,
   * CreateInstanceConnectEndpoint and CreateNetworkInterface likewise): the
   * `aws_default_security_group` the plan manages for that VPC, else AWS's default rules — all
   * outbound, inbound from the group itself — which {@link assumptions} then names.
   */
  securityGroupsOf(
    entity: Entity,
    attribute = GROUP_ATTRIBUTES[entity.type]?.[0] ?? 'vpc_security_group_ids',
  ): Entity[] {
    const primary = this.primaryInterfaceOf(entity);
    if (primary) return this.securityGroupsOf(primary);
    const written = GROUP_ATTRIBUTES[entity.type];
    if (!written?.includes(attribute)) return this.model.targets(entity, attribute);
    for (const each of written) {
      const groups = this.model.targets(entity, each);
      if (groups.length > 0) return groups;
    }
    if (this.namesGroups(entity, written)) return [];
    if (entity.type === 'aws_vpc_endpoint' && entity.values.vpc_endpoint_type !== 'Interface') return [];
    const vpc = this.vpcOf(entity);
    if (!vpc) return [];
    const managed = this.model.pointingAt('aws_default_security_group', 'vpc_id', vpc);
    return managed.length > 0 ? managed : [this.awsDefaultGroup(vpc)];
  }

  /** Whether the configuration or the values name security groups of its own. */
  private namesGroups(entity: Entity, attributes: readonly string[]): boolean {
    const named = (value: unknown) => Array.isArray(value) && value.length > 0;
    if (attributes.some((attribute) => named(entity.values[attribute]))) return true;
    // Unknown until apply, yet written: the configuration's references could not be followed.
    return attributes.some(
      (attribute) => entity.values[attribute] === undefined && entity.references[attribute] !== undefined,
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
    const chosen: string[] = [];
    for (const attribute of ['subnet_id', 'iam_instance_profile', 'vpc_security_group_ids']) {
      if (instance.values[attribute] !== undefined) continue;
      const candidates = this.model.targets(instance, attribute);
      if (candidates.length === 0) continue;
      const several = attribute !== 'vpc_security_group_ids' && candidates.length > 1;
      const words = several
        ? `${attribute} → ${candidates[0].address} (the first of ${candidates.length}: ${candidates.map((c) => c.address).join(', ')})`
        : `${attribute} → ${candidates.map((c) => c.address).join(', ')}`;
      // The configuration's files, evaluated, name exactly one: nothing is assumed.
      if (instance.evaluated && !instance.alternatives?.has(attribute)) continue;
      (instance.evaluated ? chosen : taken).push(words);
    }
    if (chosen.length > 0)
      found.push(`the configuration chooses by a value known only after apply: ${chosen.join('; ')}`);
    if (taken.length > 0)
      found.push(`known only after apply, taken from the configuration's references: ${taken.join('; ')}`);
    const subnet = this.subnetOf(instance);
    const groups = this.securityGroupsOf(instance);
    // The links on the instance's own path: its subnet and route table, its groups' rules.
    const routeTable = subnet ? this.routeTableOf(subnet) : undefined;
    const rules = [...this.rules('ingress', groups), ...this.rules('egress', groups)].map((rule) => rule.entity);
    found.push(
      ...this.model.guessesAbout([
        instance,
        ...(subnet ? [subnet] : []),
        ...(routeTable ? [routeTable] : []),
        ...rules,
      ]),
    );
    if (this.inDefaultSubnet(instance))
      found.push(
        "no subnet_id: launched in a default subnet of the region's default VPC, taken with AWS's defaults (a public address at launch; the main route table's 0.0.0.0/0 to the internet gateway; DNS hostnames on) — an account or region without a default VPC refuses the launch",
      );
    const vpc = this.vpcOf(instance);
    const standIn = vpc ? this.defaultGroups.get(vpc.id) : undefined;
    if (standIn && groups.includes(standIn))
      found.push(
        `${this.model.label(standIn)} is not in the plan: AWS's default rules assumed (all outbound; inbound only from the group itself)`,
      );
    // The endpoints that serve the instance and name no group are in that default group too.
    const endpoints = vpc
      ? [
          ...this.model.all('aws_ec2_instance_connect_endpoint').filter((e) => this.vpcOf(e)?.id === vpc.id),
          ...this.model.pointingAt('aws_vpc_endpoint', 'vpc_id', vpc),
        ]
      : [];
    for (const endpoint of endpoints)
      if (standIn && this.securityGroupsOf(endpoint).includes(standIn))
        found.push(
          `${this.model.label(endpoint)} names no security group, so it is in ${this.model.label(standIn)}, which is not in the plan: AWS's default rules assumed (all outbound; inbound only from the group itself)`,
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
    // The interface it was launched with, by the configuration's link.
    const primary = this.primaryInterfaceOf(instance);
    if (primary) {
      const onInterface = this.model.pointingAt('aws_eip', 'network_interface', primary)[0];
      const associated = this.model.pointingAt('aws_eip_association', 'network_interface_id', primary)[0];
      if (onInterface) return onInterface;
      if (associated) return this.model.target(associated, 'allocation_id') ?? associated;
    }
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
    const found: Rule[] = on(`aws_vpc_security_group_${type}_rule`).flatMap((rule) => {
      const base = {
        entity: rule,
        protocol: protocolName(rule.values.ip_protocol),
        fromPort: Number(rule.values.from_port ?? -1),
        toPort: Number(rule.values.to_port ?? -1),
      };
      const named = rule.values.prefix_list_id !== undefined || rule.references.prefix_list_id !== undefined;
      if (named && rule.values.prefix_list_id !== null)
        return this.prefixListRules(base, rule, 'prefix_list_id', [rule.values.prefix_list_id]);
      return [
        {
          ...base,
          cidr: rule.values.cidr_ipv4 ?? undefined,
          securityGroup: this.model.target(rule, 'referenced_security_group_id'),
        },
      ];
    });
    for (const rule of on('aws_security_group_rule').filter((r) => r.values.type === type)) {
      const owner = this.model.target(rule, 'security_group_id');
      const peers = [
        ...this.model.targets(rule, 'source_security_group_id'),
        ...(rule.values.self === true && owner ? [owner] : []),
      ];
      found.push(...this.expand(rule, rule.values as PlannedRuleBlock, peers));
      const lists = rule.values.prefix_list_ids;
      if ((Array.isArray(lists) && lists.length > 0) || (lists === undefined && rule.references.prefix_list_ids))
        found.push(...this.prefixListRules(ruleBase(rule), rule, 'prefix_list_ids', lists));
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
        if (Array.isArray(block.prefix_list_ids) && block.prefix_list_ids.length > 0)
          found.push(...this.prefixListRules(ruleBase(group, block), group, type, block.prefix_list_ids));
      }
    }
    return found;
  }

  /**
   * A rule naming prefix lists, as one Rule per entry: a customer-managed list in the plans (its
   * `entry` blocks and `aws_ec2_managed_prefix_list_entry` resources), or a list a data source read
   * at plan time (AWS-managed ones among them). A list whose entries neither shows stays one Rule
   * without a range, which the judges name as an assumption.
   */
  private prefixListRules(
    base: Omit<Rule, 'cidr' | 'securityGroup'>,
    entity: Entity,
    attribute: string,
    ids: unknown,
  ): Rule[] {
    const literals = (Array.isArray(ids) ? ids : [ids]).filter(
      (id): id is string => typeof id === 'string' && id !== '',
    );
    const lists = [
      ...literals.flatMap((id) => this.model.byValue(id)),
      ...(literals.length === 0 ? this.model.targets(entity, attribute) : []),
    ].filter((candidate) => candidate.type === 'aws_ec2_managed_prefix_list');
    const rules: Rule[] = [];
    for (const list of new Set(lists)) {
      const name = String(list.values.name ?? this.model.label(list));
      const blocks = Array.isArray(list.values.entry) ? (list.values.entry as { cidr?: unknown }[]) : [];
      const entries = [
        ...blocks.map((block) => block?.cidr),
        ...this.model.pointingAt('aws_ec2_managed_prefix_list_entry', 'prefix_list_id', list).map((e) => e.values.cidr),
      ].filter((cidr): cidr is string => typeof cidr === 'string');
      if (entries.length === 0) rules.push({ ...base, prefixList: name });
      for (const cidr of entries) rules.push({ ...base, cidr, prefixList: name });
    }
    const matched = new Set(lists.map((list) => list.values.id));
    for (const id of literals.filter((literal) => !matched.has(literal))) {
      const read = this.readPrefixList(id);
      if (!read) rules.push({ ...base, prefixList: id });
      else for (const cidr of read.cidrs) rules.push({ ...base, cidr, prefixList: read.name });
    }
    if (literals.length === 0 && lists.length === 0)
      rules.push({ ...base, prefixList: `(a prefix list known only after apply)` });
    return rules;
  }

  /** A prefix list a data source read when the plan was made (its entries in the plan's prior state). */
  private readPrefixList(id: string): { name: string; cidrs: string[] } | undefined {
    for (const plan of Object.values(this.model.plans)) {
      const found = findDataResource(plan.prior_state?.values?.root_module, 'aws_ec2_managed_prefix_list', id);
      if (found) {
        const entries = Array.isArray(found.entries) ? (found.entries as { cidr?: unknown }[]) : [];
        return {
          name: String(found.name ?? id),
          cidrs: entries.map((entry) => entry?.cidr).filter((cidr): cidr is string => typeof cidr === 'string'),
        };
      }
    }
    return undefined;
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
    // An interface made beforehand gets no public address at launch (only one the launch creates does).
    if (this.primaryInterfaceOf(instance)) return false;
    const assigned = instance.values.associate_public_ip_address;
    if (typeof assigned === 'boolean') return assigned;
    return this.subnetOf(instance)?.values.map_public_ip_on_launch === true;
  }

  /** The route table a subnet uses: its association, else the VPC's main route table (only the local route unless managed). */
  routeTableOf(subnet: Entity): Entity | undefined {
    const association = this.model.pointingAt('aws_route_table_association', 'subnet_id', subnet)[0];
    const associated = association ? this.model.target(association, 'route_table_id') : undefined;
    if (associated) return associated;
    const vpc = this.vpcOf(subnet);
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
        : undefined) ??
      // The default VPC's main table the plan does not manage: AWS's, with its route out.
      (vpc.type === 'aws_default_vpc' ? this.defaultVpcParts().routeTable : undefined)
    );
  }

  /**
   * Where 0.0.0.0/0 of the subnet's route table goes: `aws_route` resources and routes written
   * inline alike. A route to a firewall endpoint (a Gateway Load Balancer endpoint, an AWS Network
   * Firewall endpoint) is followed on, through the endpoint's subnet in the same Availability Zone
   * and that subnet's own default route; `through` names the firewalls passed, whose rules the
   * verdicts assume (they are not judged).
   */
  defaultRoute(subnet: Entity, seen: ReadonlySet<string> = new Set()): DefaultRoute {
    const routeTable = this.routeTableOf(subnet);
    if (!routeTable) return {};
    if (this.defaultVpc && routeTable === this.defaultVpc.routeTable)
      return { gateway: this.defaultVpc.gateway, kind: 'internet-gateway', routeTable };
    const gateways: Entity[] = [];
    for (const route of this.model.pointingAt('aws_route', 'route_table_id', routeTable)) {
      if (route.values.destination_cidr_block !== '0.0.0.0/0') continue;
      gateways.push(
        ...[this.model.target(route, 'gateway_id'), this.model.target(route, 'nat_gateway_id')].filter(
          (g): g is Entity => g !== undefined,
        ),
        ...this.firewallsOf(route.values.vpc_endpoint_id, this.model.targets(route, 'vpc_endpoint_id')),
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
        if (typeof route.vpc_endpoint_id === 'string' && route.vpc_endpoint_id !== '')
          gateways.push(...this.firewallsOf(route.vpc_endpoint_id, referenced));
      }
    }
    const internetGateway = gateways.find((gateway) => gateway.type === 'aws_internet_gateway');
    if (internetGateway) return { gateway: internetGateway, kind: 'internet-gateway', routeTable };
    const natGateway = gateways.find((gateway) => gateway.type === 'aws_nat_gateway');
    if (natGateway) return { gateway: natGateway, kind: 'nat-gateway', routeTable };
    const firewall = gateways.find(isFirewall);
    if (firewall && !seen.has(subnet.id)) {
      const next = this.firewallSubnet(firewall, subnet.values.availability_zone);
      if (!next) return { routeTable, through: [firewall] };
      const onward = this.defaultRoute(next, new Set([...seen, subnet.id]));
      return { ...onward, routeTable, through: [firewall, ...(onward.through ?? [])], firewallSubnet: next };
    }
    return { routeTable };
  }

  /**
   * The firewall a route's `vpc_endpoint_id` leads to: a Gateway Load Balancer endpoint, or the
   * AWS Network Firewall whose endpoint in a zone it is (known ids, else the configuration's references).
   */
  private firewallsOf(id: unknown, referenced: readonly Entity[]): Entity[] {
    const known =
      typeof id === 'string' && id !== ''
        ? [
            ...this.model.byValue(id),
            ...this.model
              .all('aws_networkfirewall_firewall')
              .filter((firewall) => JSON.stringify(firewall.values.firewall_status ?? '').includes(`"${id}"`)),
          ]
        : [];
    return (known.length > 0 ? known : referenced).filter(isFirewall);
  }

  /** The firewall's subnet in this Availability Zone (else its first), where traffic sent to it goes on from. */
  private firewallSubnet(firewall: Entity, zone: unknown): Entity | undefined {
    const subnets =
      firewall.type === 'aws_vpc_endpoint'
        ? this.model.targets(firewall, 'subnet_ids')
        : [
            ...(Array.isArray(firewall.values.subnet_mapping) ? firewall.values.subnet_mapping : []).flatMap(
              (mapping: { subnet_id?: unknown }) =>
                typeof mapping?.subnet_id === 'string' ? this.model.byValue(mapping.subnet_id) : [],
            ),
            ...this.model.targets(firewall, 'subnet_mapping'),
          ].filter((entity) => entity.type === 'aws_subnet');
    return subnets.find((subnet) => subnet.values.availability_zone === zone) ?? subnets[0];
  }

  /** How a verdict names the firewalls a default route passes through, whose rules it assumes. */
  firewallAssumption(route: DefaultRoute, port: number): string | undefined {
    if (!route.through || route.through.length === 0) return undefined;
    const names = route.through.map((firewall) =>
      firewall.type === 'aws_vpc_endpoint'
        ? `Gateway Load Balancer endpoint ${this.model.label(firewall)}`
        : `AWS Network Firewall ${this.model.label(firewall)}`,
    );
    return `through ${names.join(' and ')}: assuming the firewall's rules pass ${port} and its replies (they are not judged)`;
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
}

/** Where a subnet's 0.0.0.0/0 goes, and the firewalls it passes on the way. */
export interface DefaultRoute {
  readonly gateway?: Entity;
  readonly kind?: 'internet-gateway' | 'nat-gateway';
  readonly routeTable?: Entity;
  /** The firewall endpoints the route passes through before the gateway. */
  readonly through?: readonly Entity[];
  /** The subnet the route goes on from after the (last) firewall. */
  readonly firewallSubnet?: Entity;
}

/** What a route's `vpc_endpoint_id` may lead to that inspects and forwards traffic: a Gateway Load Balancer endpoint, a Network Firewall. */
function isFirewall(entity: Entity): boolean {
  return (
    entity.type === 'aws_networkfirewall_firewall' ||
    (entity.type === 'aws_vpc_endpoint' && entity.values.vpc_endpoint_type === 'GatewayLoadBalancer')
  );
}

/** A rule's protocol and ports, without a source or destination. */
function ruleBase(
  entity: Entity,
  block: PlannedRuleBlock = entity.values as PlannedRuleBlock,
): Omit<Rule, 'cidr' | 'securityGroup'> {
  return {
    entity,
    protocol: protocolName(block.protocol),
    fromPort: Number(block.from_port ?? -1),
    toPort: Number(block.to_port ?? -1),
  };
}

interface StateModuleValues {
  readonly resources?: readonly { mode?: string; type?: string; values?: Record<string, unknown> }[];
  readonly child_modules?: readonly StateModuleValues[];
}

/** The values of a data source of `type` whose id is `id`, in a module of a plan's prior state or its children. */
function findDataResource(module: unknown, type: string, id: string): Record<string, unknown> | undefined {
  const values = module as StateModuleValues | undefined;
  for (const resource of values?.resources ?? [])
    if (resource.mode === 'data' && resource.type === type && resource.values?.id === id) return resource.values;
  for (const child of values?.child_modules ?? []) {
    const found = findDataResource(child, type, id);
    if (found) return found;
  }
  return undefined;
}

/** Where each kind of resource names its security groups, the usual attribute first. */
const GROUP_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_instance: ['vpc_security_group_ids', 'security_groups'],
  aws_network_interface: ['security_groups'],
  aws_vpc_endpoint: ['security_group_ids'],
  aws_ec2_instance_connect_endpoint: ['security_group_ids'],
};

/** A nested block as the plan shows it: a one-element list (or the object itself). */
export function blockOf(value: unknown): Record<string, unknown> | undefined {
  const block = Array.isArray(value) ? value[0] : value;
  return typeof block === 'object' && block !== null ? (block as Record<string, unknown>) : undefined;
}

/** A rule's protocol as `tcp`, `udp`, `icmp` or `-1` (all): AWS takes names and numbers alike. */
export function protocolName(value: unknown): string {
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

/** Whether a rule lets tcp to `port` through. */
export function allowsTcp(rule: Rule, port: number): boolean {
  if (rule.protocol === '-1') return true;
  return rule.protocol === 'tcp' && rule.fromPort <= port && port <= rule.toPort;
}
