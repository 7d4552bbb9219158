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

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  if (inner.prefix < outer.prefix) return false;
  return ((inner.network & prefixMask(outer.prefix)) >>> 0) === outer.network;
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}
