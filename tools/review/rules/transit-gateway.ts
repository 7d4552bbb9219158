/**
 * Routing through a transit gateway as the Amazon VPC Transit Gateways guide describes it: traffic
 * from a VPC enters by that VPC's attachment — only from the Availability Zones where the
 * attachment has a subnet — and is routed by the route table the attachment is associated with
 * (an explicit association, or the transit gateway's default association table), by longest prefix
 * over its static routes (a blackhole drops) and the routes attachments propagate into it (a VPC
 * attachment propagates its VPC's ranges; with the same prefix a static route wins), to the
 * attachment it leaves by.
 */
import { ipv4Range } from '../../../lib/cidr';
import { Entity, NetworkModel } from '../model/plan-model';

/** A route table of a transit gateway: an `aws_ec2_transit_gateway_route_table`, or the gateway's default one. */
export interface TransitRouteTable {
  readonly key: string;
  /** How a reason names it. */
  readonly label: string;
}

/** Where a transit gateway route table sends a destination: an attachment, a blackhole, or nowhere. */
export type TransitHop =
  | { readonly attachment: Entity; readonly cidr: string; readonly propagated: boolean }
  | { readonly blackhole: true; readonly cidr: string }
  | { readonly none: true };

/** An address block as `[first, last]`. */
type Range = readonly [number, number];

const prefixOf = (cidr: string) => Number(cidr.split('/')[1] ?? 32);

export class TransitGateways {
  constructor(
    private readonly model: NetworkModel,
    private readonly vpcOf: (entity: Entity) => Entity | undefined,
  ) {}

  /** The VPC attachment of a VPC to the transit gateway, when there is one. */
  attachmentOf(tgw: Entity, vpc: Entity): Entity | undefined {
    // Indexed once per gateway: a hub has hundreds of attachments, asked for every instance.
    let byVpc = this.attachments.get(tgw.id);
    if (!byVpc) {
      byVpc = new Map();
      for (const attachment of this.model.pointingAt(
        'aws_ec2_transit_gateway_vpc_attachment',
        'transit_gateway_id',
        tgw,
      )) {
        const attached = this.model.target(attachment, 'vpc_id');
        if (attached && !byVpc.has(attached.id)) byVpc.set(attached.id, attachment);
      }
      this.attachments.set(tgw.id, byVpc);
    }
    return byVpc.get(vpc.id);
  }

  private readonly attachments = new Map<string, Map<string, Entity>>();
  /** Per gateway and table: its routes, longest prefix first and static before propagated. */
  private readonly tables = new Map<string, { range: Range; cidr: string; static: boolean; hop: TransitHop }[]>();
  private readonly hops = new Map<string, TransitHop>();

  /** The attachment's subnets (one per Availability Zone it serves). */
  subnetsOf(attachment: Entity): Entity[] {
    return this.model.targets(attachment, 'subnet_ids');
  }

  /**
   * Why traffic from a subnet does not enter the attachment: the attachment has no subnet in the
   * subnet's Availability Zone (when both zones are known). Undefined when it enters.
   */
  zoneProblem(attachment: Entity, subnet: Entity): string | undefined {
    const zone = subnet.values.availability_zone;
    const zones = this.subnetsOf(attachment).map((candidate) => candidate.values.availability_zone);
    if (typeof zone !== 'string' || zones.length === 0 || zones.some((candidate) => typeof candidate !== 'string'))
      return undefined;
    if (zones.includes(zone)) return undefined;
    return `transit gateway attachment ${this.model.label(attachment)} has no subnet in ${zone}, so traffic from ${this.model.label(subnet)} does not enter the transit gateway`;
  }

  /** The attachment's subnet a flow from this zone leaves by: the one in the same zone, else the first. */
  exitSubnet(attachment: Entity, zone: unknown): Entity | undefined {
    const subnets = this.subnetsOf(attachment);
    return subnets.find((subnet) => subnet.values.availability_zone === zone) ?? subnets[0];
  }

  /** The default route table of a transit gateway, as a table. */
  private defaultTable(tgw: Entity): TransitRouteTable {
    return { key: `default ${tgw.id}`, label: `the default route table of ${this.model.label(tgw)}` };
  }

  /** The table a route, association or propagation names by `transit_gateway_route_table_id`. */
  private tableNamedBy(entity: Entity): TransitRouteTable | undefined {
    const target = this.model
      .targets(entity, 'transit_gateway_route_table_id')
      .find(
        (candidate) =>
          candidate.type === 'aws_ec2_transit_gateway_route_table' || candidate.type === 'aws_ec2_transit_gateway',
      );
    if (target?.type === 'aws_ec2_transit_gateway_route_table')
      return { key: target.id, label: `transit gateway route table ${this.model.label(target)}` };
    // `aws_ec2_transit_gateway.x.association_default_route_table_id`, or in a state its id.
    if (target) return this.defaultTable(target);
    const id = entity.values.transit_gateway_route_table_id;
    const owner = this.model
      .all('aws_ec2_transit_gateway')
      .find(
        (tgw) =>
          typeof id === 'string' &&
          (tgw.values.association_default_route_table_id === id ||
            tgw.values.propagation_default_route_table_id === id),
      );
    return owner ? this.defaultTable(owner) : undefined;
  }

  /** The route table an attachment is associated with: its explicit association, else the default when both sides keep it on. */
  tableOf(attachment: Entity, tgw: Entity): TransitRouteTable | undefined {
    const association = this.model.pointingAt(
      'aws_ec2_transit_gateway_route_table_association',
      'transit_gateway_attachment_id',
      attachment,
    )[0];
    if (association) return this.tableNamedBy(association);
    const associates =
      attachment.values.transit_gateway_default_route_table_association !== false &&
      tgw.values.default_route_table_association !== 'disable';
    return associates ? this.defaultTable(tgw) : undefined;
  }

  /** Whether an attachment propagates its VPC's routes into the table (explicitly, or by the default propagation). */
  private propagates(attachment: Entity, tgw: Entity, table: TransitRouteTable): boolean {
    const explicit = this.model
      .pointingAt('aws_ec2_transit_gateway_route_table_propagation', 'transit_gateway_attachment_id', attachment)
      .some((propagation) => this.tableNamedBy(propagation)?.key === table.key);
    if (explicit) return true;
    return (
      table.key === this.defaultTable(tgw).key &&
      attachment.values.transit_gateway_default_route_table_propagation !== false &&
      tgw.values.default_route_table_propagation !== 'disable'
    );
  }

  /** A VPC's address blocks: its primary range and the secondary ones associated with it. */
  private rangesOf(vpc: Entity): string[] {
    const primary = typeof vpc.values.cidr_block === 'string' ? [vpc.values.cidr_block] : [];
    const secondary = this.model
      .pointingAt('aws_vpc_ipv4_cidr_block_association', 'vpc_id', vpc)
      .map((association) => association.values.cidr_block)
      .filter((cidr): cidr is string => typeof cidr === 'string');
    return [...primary, ...secondary];
  }

  /**
   * Where the table sends every address of `destination`: the longest prefix that covers it, a
   * static route before a propagated one of the same prefix.
   */
  route(tgw: Entity, table: TransitRouteTable, destination: Range): TransitHop {
    const key = `${tgw.id}\u0000${table.key}\u0000${destination[0]}-${destination[1]}`;
    let hop = this.hops.get(key);
    if (!hop) {
      const covering = this.routesOf(tgw, table).find(
        ({ range }) => range[0] <= destination[0] && destination[1] <= range[1],
      );
      hop = covering?.hop ?? { none: true };
      this.hops.set(key, hop);
    }
    return hop;
  }

  /** The table's routes: static ones (a blackhole drops) and those its propagating attachments' VPCs give. */
  private routesOf(tgw: Entity, table: TransitRouteTable) {
    const key = `${tgw.id}\u0000${table.key}`;
    let routes = this.tables.get(key);
    if (routes) return routes;
    routes = [];
    for (const route of this.model.all('aws_ec2_transit_gateway_route')) {
      const cidr = route.values.destination_cidr_block;
      const range = typeof cidr === 'string' ? ipv4Range(cidr) : undefined;
      if (!range || this.tableNamedBy(route)?.key !== table.key) continue;
      const attachment = this.model.target(route, 'transit_gateway_attachment_id');
      routes.push({
        range,
        cidr: cidr as string,
        static: true,
        hop:
          route.values.blackhole === true || !attachment
            ? { blackhole: true, cidr: cidr as string }
            : { attachment, cidr: cidr as string, propagated: false },
      });
    }
    for (const attachment of this.model.pointingAt(
      'aws_ec2_transit_gateway_vpc_attachment',
      'transit_gateway_id',
      tgw,
    )) {
      if (!this.propagates(attachment, tgw, table)) continue;
      const vpc = this.model.target(attachment, 'vpc_id');
      for (const cidr of vpc ? this.rangesOf(vpc) : []) {
        const range = ipv4Range(cidr);
        if (range) routes.push({ range, cidr, static: false, hop: { attachment, cidr, propagated: true } });
      }
    }
    routes.sort((a, b) => prefixOf(b.cidr) - prefixOf(a.cidr) || Number(b.static) - Number(a.static));
    this.tables.set(key, routes);
    return routes;
  }

  /** The VPC an attachment joins. */
  vpcOfAttachment(attachment: Entity): Entity | undefined {
    return this.model.target(attachment, 'vpc_id') ?? this.subnetsOf(attachment).map(this.vpcOf)[0];
  }
}
