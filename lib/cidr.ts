/** Minimal IPv4 CIDR arithmetic: enough to validate the lab's addressing before Terraform sees it. */

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  /** Prefix length, 0–32. */
  readonly prefix: number;
  /** The CIDR as written (normalised to a.b.c.d/n). */
  readonly text: string;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses an IPv4 CIDR. Returns `undefined` for anything malformed, including host bits set
 * (`10.0.1.5/24`), which AWS rejects for VPC and subnet blocks.
 */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  // A review parses the same subnets' blocks for every instance: each text once.
  if (PARSED.has(text)) return PARSED.get(text);
  const parsed = parse(text);
  if (PARSED.size > 100_000) PARSED.clear();
  PARSED.set(text, parsed);
  return parsed;
}

const PARSED = new Map<string, Ipv4Cidr | undefined>();

function parse(text: string): Ipv4Cidr | undefined {
  const match = CIDR_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  if (match.slice(1, 5).some((o) => o.length > 1 && o.startsWith('0'))) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefixMask(prefix);
  if ((address & ~mask) >>> 0 !== 0) return undefined;
  return { network: address, prefix, text: `${octets.join('.')}/${prefix}` };
}

function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** First and last address of a block as unsigned integers, or undefined when malformed. */
export function ipv4Range(cidr: string): [number, number] | undefined {
  const parsed = parseIpv4Cidr(cidr);
  return parsed ? [parsed.network, parsed.network + 2 ** (32 - parsed.prefix) - 1] : undefined;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  if (inner.prefix < outer.prefix) return false;
  return (inner.network & prefixMask(outer.prefix)) >>> 0 === outer.network;
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/**
 * Sources at least this narrow may be an allow-list; anything wider counts as "anywhere" (no
 * operator's own range is a /7, and AWS's guidance calls such rules open to the internet).
 */
export const NARROWEST_ANYWHERE_IPV4_PREFIX = 8;
export const NARROWEST_ANYWHERE_IPV6_PREFIX = 16;

/**
 * Why these sources amount to "from anywhere", or undefined when they do not: one IPv4 range
 * wider than /8 or IPv6 range wider than /16 (`0.0.0.0/0`, `0.0.0.0/1`, `::/0`), or IPv4 ranges
 * that together cover every address (`0.0.0.0/1` + `128.0.0.0/1`, or 256 /8s). `10.0.0.0/8`
 * alone is not anywhere.
 */
export function anywhereReason(ipv4: readonly string[], ipv6: readonly string[] = []): string | undefined {
  const wideV4 = ipv4.filter((text) => (parseIpv4Cidr(text)?.prefix ?? 32) < NARROWEST_ANYWHERE_IPV4_PREFIX);
  const wideV6 = ipv6.filter(
    (text) => Number(/\/(\d{1,3})$/.exec(text.trim())?.[1] ?? 128) < NARROWEST_ANYWHERE_IPV6_PREFIX,
  );
  const wide = [...wideV4, ...wideV6];
  if (wide.length > 0) {
    const all = wide.filter((text) => text === '0.0.0.0/0' || /^::\/0$/.test(text.trim()));
    if (all.length === wide.length) return all.join(', ');
    return `${wide.join(', ')} (wider than /${NARROWEST_ANYWHERE_IPV4_PREFIX} for IPv4 or /${NARROWEST_ANYWHERE_IPV6_PREFIX} for IPv6: counts as anywhere)`;
  }
  if (coversAllIpv4(ipv4)) return `${ipv4.join(', ')} (together all of IPv4)`;
  return undefined;
}

/** True when the union of the blocks is 0.0.0.0/0. */
export function coversAllIpv4(cidrs: readonly string[]): boolean {
  const ranges = cidrs
    .map(ipv4Range)
    .filter((range): range is [number, number] => range !== undefined)
    .sort((a, b) => a[0] - b[0]);
  let coveredUpTo = 0; // exclusive end of [0, coveredUpTo)
  for (const [first, last] of ranges) {
    if (first > coveredUpTo) return false;
    coveredUpTo = Math.max(coveredUpTo, last + 1);
  }
  return coveredUpTo >= 2 ** 32;
}
