/**
 * Network ACLs as AWS evaluates them: per subnet, stateless, one direction at a time, rules in
 * ascending rule number, the first rule that matches a packet decides, and the final `*` rule
 * denies. A subnet uses the ACL associated with it, else its VPC's default ACL; a default ACL that
 * Terraform does not manage allows everything (as AWS creates it), one it manages has exactly the
 * rules declared (none: deny all).
 */
import { ipv4Range } from '../../../lib/cidr';
import { Entity, NetworkModel } from '../model/plan-model';
import { PlannedRuleBlock } from '../../terraform-json';

export interface NaclRule {
  readonly number: number;
  readonly egress: boolean;
  readonly allow: boolean;
  /** `-1` (all) or a protocol number as text. */
  readonly protocol: string;
  readonly cidr?: string;
  readonly fromPort: number;
  readonly toPort: number;
}

export interface SubnetAcl {
  /** The managed ACL, or undefined for the VPC's unmanaged default ACL (allows everything). */
  readonly acl?: Entity;
  readonly rules?: readonly NaclRule[];
}

/** Address × port rectangles (inclusive bounds). */
interface Box {
  readonly a0: number;
  readonly a1: number;
  readonly p0: number;
  readonly p1: number;
}

const ALL_IPV4: [number, number] = [0, 2 ** 32 - 1];
/** Ranges no AWS public service endpoint lives in (RFC 1918, shared, loopback, link-local). */
const NOT_PUBLIC = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16'];

/** The address ranges of the public internet, where the AWS service endpoints are. */
export const PUBLIC_INTERNET: readonly [number, number][] = NOT_PUBLIC.reduce<[number, number][]>(
  (ranges, text) => ranges.flatMap((range) => subtractRange(range, ipv4Range(text)!)),
  [ALL_IPV4],
);

function subtractRange([a, b]: [number, number], [c, d]: [number, number]): [number, number][] {
  if (d < a || c > b) return [[a, b]];
  const out: [number, number][] = [];
  if (c > a) out.push([a, c - 1]);
  if (d < b) out.push([d + 1, b]);
  return out;
}

function protocolOf(value: unknown): string {
  const text = String(value ?? '').toLowerCase();
  if (text === 'all' || text === '-1') return '-1';
  return text === 'tcp' ? '6' : text === 'udp' ? '17' : text;
}

export class NetworkAcls {
  constructor(private readonly model: NetworkModel) {}

  /** The ACL that governs a subnet. */
  of(subnet: Entity): SubnetAcl {
    const custom =
      this.model
        .all('aws_network_acl')
        .find((acl) => this.model.targets(acl, 'subnet_ids').some((s) => s.id === subnet.id)) ??
      this.model
        .pointingAt('aws_network_acl_association', 'subnet_id', subnet)
        .map((association) => this.model.target(association, 'network_acl_id'))
        .find((acl) => acl !== undefined);
    if (custom) return { acl: custom, rules: this.rulesOf(custom) };
    const vpc = this.model.target(subnet, 'vpc_id');
    const managedDefault = vpc
      ? this.model
          .all('aws_default_network_acl')
          .find((acl) => this.model.targets(acl, 'default_network_acl_id').some((target) => target.id === vpc.id))
      : undefined;
    if (managedDefault) return { acl: managedDefault, rules: this.rulesOf(managedDefault) };
    return {};
  }

  private rulesOf(acl: Entity): NaclRule[] {
    const blocks = (egress: boolean): readonly PlannedRuleBlock[] => {
      const value = egress ? acl.values.egress : acl.values.ingress;
      return Array.isArray(value) ? value : [];
    };
    const inline = (egress: boolean) =>
      blocks(egress).map((rule): NaclRule => ({
        number: Number(rule.rule_no),
        egress,
        allow: String(rule.action).toLowerCase() === 'allow',
        protocol: protocolOf(rule.protocol),
        cidr: rule.cidr_block || undefined,
        fromPort: Number(rule.from_port ?? 0),
        toPort: Number(rule.to_port ?? 0),
      }));
    const separate = this.model.pointingAt('aws_network_acl_rule', 'network_acl_id', acl).map((rule): NaclRule => ({
      number: Number(rule.values.rule_number),
      egress: rule.values.egress === true,
      allow: String(rule.values.rule_action).toLowerCase() === 'allow',
      protocol: protocolOf(rule.values.protocol),
      cidr: rule.values.cidr_block || undefined,
      fromPort: Number(rule.values.from_port ?? 0),
      toPort: Number(rule.values.to_port ?? 0),
    }));
    return [...inline(false), ...inline(true), ...separate].sort((a, b) => a.number - b.number);
  }

  /**
   * Whether the subnet's ACL lets TCP on `ports` through, in one direction, for every address of
   * `peers`; when not, the text says which rule stops it.
   */
  allowsTcp(
    subnet: Entity,
    direction: 'in' | 'out',
    ports: [number, number],
    peers: readonly [number, number][],
  ): { allowed: boolean; why?: string } {
    const { acl, rules } = this.of(subnet);
    if (!acl || !rules) return { allowed: true };
    let undecided: Box[] = peers.map(([a0, a1]) => ({ a0, a1, p0: ports[0], p1: ports[1] }));
    const what = `${direction === 'out' ? 'outbound' : 'inbound'} tcp ${ports[0] === ports[1] ? ports[0] : `${ports[0]}-${ports[1]}`}`;
    for (const rule of rules) {
      if (rule.egress !== (direction === 'out') || !rule.cidr || (rule.protocol !== '-1' && rule.protocol !== '6'))
        continue;
      const range = ipv4Range(rule.cidr);
      if (!range) continue;
      const box: Box = {
        a0: range[0],
        a1: range[1],
        p0: rule.protocol === '-1' ? 0 : rule.fromPort,
        p1: rule.protocol === '-1' ? 65535 : rule.toPort,
      };
      const hit = undecided.some((u) => intersects(u, box));
      if (!hit) continue;
      if (!rule.allow)
        return {
          allowed: false,
          why: `network ACL ${this.model.label(acl)} rule ${rule.number} denies ${what} (${rule.cidr}) before any allow`,
        };
      undecided = undecided.flatMap((u) => subtractBox(u, box));
      if (undecided.length === 0) return { allowed: true };
    }
    return {
      allowed: false,
      why: `network ACL ${this.model.label(acl)} allows no ${what}${rules.length === 0 ? ' (it has no rules: everything is denied)' : ''}`,
    };
  }
}

function intersects(a: Box, b: Box): boolean {
  return a.a0 <= b.a1 && b.a0 <= a.a1 && a.p0 <= b.p1 && b.p0 <= a.p1;
}

/** `a` minus `b`, as up to four boxes. */
function subtractBox(a: Box, b: Box): Box[] {
  if (!intersects(a, b)) return [a];
  const out: Box[] = [];
  if (a.a0 < b.a0) out.push({ ...a, a1: b.a0 - 1 });
  if (a.a1 > b.a1) out.push({ ...a, a0: b.a1 + 1 });
  const a0 = Math.max(a.a0, b.a0);
  const a1 = Math.min(a.a1, b.a1);
  if (a.p0 < b.p0) out.push({ a0, a1, p0: a.p0, p1: b.p0 - 1 });
  if (a.p1 > b.p1) out.push({ a0, a1, p0: b.p1 + 1, p1: a.p1 });
  return out;
}
