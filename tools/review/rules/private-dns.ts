/**
 * Names a VPC resolves through Route 53 private hosted zones, as AWS's "centralize access using
 * VPC interface endpoints" builds them: Interface endpoints in a shared-services VPC with private
 * DNS off, and for each service a private hosted zone (`ssm.<region>.amazonaws.com`, …) whose
 * record aliases the endpoint, associated with every VPC that uses it (a `vpc` block of
 * `aws_route53_zone`, or an `aws_route53_zone_association`). Route 53 Resolver answers a name from
 * the most specific private zone associated with the asking VPC; a name such a zone holds no
 * record for does not resolve (no fallback to public DNS). The Route 53 Developer Guide asks for
 * DNS support and DNS hostnames on in the VPC for private zones to apply.
 */
import { ipv4Range } from '../../../lib/cidr';
import { Entity, NetworkModel } from '../model/plan-model';

/** What a VPC's resolver answers for a service's name from private hosted zones. */
export type PrivateAnswer =
  /** The zone answers with this endpoint (its record aliases it, or names its addresses). */
  | { readonly zone: Entity; readonly record: Entity; readonly endpoint: Entity; readonly assumption?: string }
  /** The zone's record points somewhere the plans do not hold. */
  | { readonly zone: Entity; readonly record: Entity; readonly unknownTarget: string }
  /** The zone answers, but not with an endpoint of this service. */
  | { readonly zone: Entity; readonly record: Entity; readonly problem: string }
  /** The zone holds no record of the name: the name does not resolve. */
  | { readonly zone: Entity; readonly missing: string };

/** `ssm` → `ssm.us-east-1.amazonaws.com`: the public name an SDK in that Region calls. */
export function serviceHostName(service: string, region: string): string {
  return `${service}.${region}.amazonaws.com`;
}

const withoutDot = (name: unknown) =>
  String(name ?? '')
    .toLowerCase()
    .replace(/\.$/, '');

export class PrivateZones {
  constructor(private readonly model: NetworkModel) {}

  /** Zone id → the ids of the VPCs it is associated with, read once: every instance asks per service. */
  private associations?: Map<string, Set<string>>;
  private readonly answers = new Map<string, PrivateAnswer | undefined>();

  private associatedIds(zone: Entity): Set<string> {
    if (!this.associations)
      this.associations = new Map(
        this.model.all('aws_route53_zone').map((z) => [z.id, new Set(this.associatedVpcs(z).map((vpc) => vpc.id))]),
      );
    return this.associations.get(zone.id) ?? new Set();
  }

  /** The private hosted zones associated with a VPC: their own `vpc` blocks, and zone associations. */
  zonesOf(vpc: Entity): Entity[] {
    return this.model.all('aws_route53_zone').filter((zone) => this.associatedIds(zone).has(vpc.id));
  }

  /** The private zones named exactly `name` that are not associated with the VPC (so it asks the public DNS). */
  unassociated(vpc: Entity, name: string): Entity[] {
    return this.model.all('aws_route53_zone').filter(
      (zone) =>
        withoutDot(zone.values.name) === withoutDot(name) &&
        // A private zone: `vpc` blocks of its own, or associations.
        (Array.isArray(zone.values.vpc) || this.associatedIds(zone).size > 0) &&
        !this.associatedIds(zone).has(vpc.id),
    );
  }

  /** A zone by its Name tag, else its domain name. */
  label(zone: Entity): string {
    return zone.values.tags?.Name ?? (withoutDot(zone.values.name) || this.model.label(zone));
  }

  private associatedVpcs(zone: Entity): Entity[] {
    const blocks = Array.isArray(zone.values.vpc) ? (zone.values.vpc as { vpc_id?: unknown }[]) : [];
    const byId = blocks.flatMap((block) => (typeof block?.vpc_id === 'string' ? this.model.byValue(block.vpc_id) : []));
    const referenced = this.model
      .targets(zone, 'vpc')
      .filter((e) => e.type === 'aws_vpc' || e.type === 'aws_default_vpc');
    const associations = this.model
      .pointingAt('aws_route53_zone_association', 'zone_id', zone)
      .flatMap((association) => this.model.targets(association, 'vpc_id'));
    return [...byId, ...referenced, ...associations];
  }

  /**
   * The private zone that answers for `name` in the VPC (the longest zone name the name ends
   * with), and what it answers. Undefined when no associated private zone covers the name: the
   * public DNS answers.
   */
  answer(vpc: Entity, name: string, service: string): PrivateAnswer | undefined {
    const key = `${vpc.id}\u0000${name}\u0000${service}`;
    if (!this.answers.has(key)) this.answers.set(key, this.answerFor(vpc, name, service));
    return this.answers.get(key);
  }

  private answerFor(vpc: Entity, name: string, service: string): PrivateAnswer | undefined {
    const wanted = withoutDot(name);
    const zone = this.zonesOf(vpc)
      .filter((candidate) => {
        const zoneName = withoutDot(candidate.values.name);
        return zoneName !== '' && (wanted === zoneName || wanted.endsWith(`.${zoneName}`));
      })
      .sort((a, b) => withoutDot(b.values.name).length - withoutDot(a.values.name).length)[0];
    if (!zone) return undefined;
    return this.answerOf(zone, wanted, service, vpc);
  }

  /** What one zone answers for `name` (`vpc`: the asking VPC, for the reason). */
  answerOf(zone: Entity, name: string, service: string, vpc: Entity): PrivateAnswer {
    const wanted = withoutDot(name);
    const zoneName = withoutDot(zone.values.name);
    const records = this.model.pointingAt('aws_route53_record', 'zone_id', zone).filter((record) => {
      const recordName = withoutDot(record.values.name);
      // The provider appends the zone's name to a relative one; a name known only after apply may be it.
      const full = recordName === '' ? '' : recordName.endsWith(zoneName) ? recordName : `${recordName}.${zoneName}`;
      return (full === '' || full === wanted) && ['A', 'CNAME', undefined].includes(record.values.type as string);
    });
    const record = records[0];
    if (!record)
      return {
        zone,
        missing: `the private hosted zone ${this.label(zone)} is associated with ${this.model.label(vpc)} but holds no record for ${wanted}, so the name does not resolve (a private zone does not fall back to public DNS)`,
      };
    const endpoints = this.model
      .all('aws_vpc_endpoint')
      .filter((endpoint) => endpoint.values.vpc_endpoint_type === 'Interface');
    // An alias or CNAME naming the endpoint's DNS name: by the configuration's reference, or by the name.
    const named = [...this.model.targets(record, 'alias'), ...this.model.targets(record, 'records')].filter(
      (entity) => entity.type === 'aws_vpc_endpoint',
    );
    const alias = Array.isArray(record.values.alias) ? (record.values.alias[0] as { name?: unknown }) : undefined;
    const targetNames = [alias?.name, ...(Array.isArray(record.values.records) ? record.values.records : [])]
      .map(withoutDot)
      .filter((text) => text !== '');
    const byName = endpoints.filter((endpoint) => {
      const entries = Array.isArray(endpoint.values.dns_entry)
        ? (endpoint.values.dns_entry as { dns_name?: unknown }[])
        : [];
      return entries.some((entry) => targetNames.includes(withoutDot(entry?.dns_name)));
    });
    // A records holding addresses: the endpoint whose subnets hold them, as an assumption.
    const addresses = targetNames.filter((text) => /^\d+\.\d+\.\d+\.\d+$/.test(text));
    const byAddress =
      addresses.length > 0
        ? endpoints.filter((endpoint) =>
            this.model.targets(endpoint, 'subnet_ids').some((subnet) => {
              const range = ipv4Range(String(subnet.values.cidr_block ?? ''));
              return (
                range !== undefined &&
                addresses.some((address) => {
                  const [first] = ipv4Range(`${address}/32`) ?? [-1];
                  return range[0] <= first && first <= range[1];
                })
              );
            }),
          )
        : [];
    // A record made by for_each names "one of" the endpoints where the plan alone cannot tell
    // which (`aws_vpc_endpoint.x[each.value]` without the files): the one of this service.
    const serves = (candidate: Entity) => String(candidate.values.service_name ?? '').endsWith(`.${service}`);
    const candidates = [...new Set(byName.length > 0 ? byName : named.length > 0 ? named : byAddress)];
    const endpoint = candidates.find(serves) ?? candidates[0];
    const ambiguous =
      byName.length === 0 && candidates.length > 1 && endpoint
        ? `the record ${this.model.label(record)} names one of ${candidates.length} endpoints the plan alone cannot tell apart (${candidates.map((c) => this.model.label(c)).join(', ')}): taken to be ${this.model.label(endpoint)}, the one of ${service} (give the configuration's folder with --config to follow it)`
        : undefined;
    if (!endpoint)
      return {
        zone,
        record,
        unknownTarget: `the record ${this.model.label(record)} in the private hosted zone ${this.label(zone)} points to ${targetNames[0] ?? 'a target known only after apply'}, which is no endpoint in the plans`,
      };
    const served = String(endpoint.values.service_name ?? '').endsWith(`.${service}`);
    if (!served)
      return {
        zone,
        record,
        problem: `the private hosted zone ${this.label(zone)} answers ${wanted} with ${this.model.label(endpoint)}, an endpoint of ${String(endpoint.values.service_name ?? 'another service')}, not of ${service}`,
      };
    return {
      zone,
      record,
      endpoint,
      assumption:
        ambiguous ??
        (named.length === 0 && byName.length === 0
          ? `the record ${this.model.label(record)} names addresses in ${this.model.label(endpoint)}'s subnets: taken to be its interfaces' addresses`
          : undefined),
    };
  }
}
