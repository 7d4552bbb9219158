import { anywhereReason, cidrContains, cidrsOverlap, coversAllIpv4, parseIpv4Cidr } from '../lib/cidr';

describe('IPv4 CIDR helpers', () => {
  test('GIVEN well-formed blocks WHEN parsed THEN network and prefix are read', () => {
    expect(parseIpv4Cidr('10.0.1.0/24')).toEqual({ network: 0x0a000100, prefix: 24, text: '10.0.1.0/24' });
    expect(parseIpv4Cidr('0.0.0.0/0')?.prefix).toBe(0);
    expect(parseIpv4Cidr('203.0.113.7/32')?.text).toBe('203.0.113.7/32');
  });

  test.each(['10.0.0.0', '10.0.0.0/33', '256.0.0.0/8', '10.0.1.5/24', '010.0.0.0/8', ' /16', 'a.b.c.d/8'])(
    'GIVEN %j WHEN parsed THEN it is rejected',
    (text) => expect(parseIpv4Cidr(text)).toBeUndefined(),
  );

  test('GIVEN nested and disjoint blocks WHEN compared THEN containment and overlap are exact', () => {
    const vpc = parseIpv4Cidr('10.0.0.0/16')!;
    const inside = parseIpv4Cidr('10.0.255.0/24')!;
    const outside = parseIpv4Cidr('10.1.0.0/24')!;
    expect(cidrContains(vpc, inside)).toBe(true);
    expect(cidrContains(inside, vpc)).toBe(false);
    expect(cidrContains(vpc, outside)).toBe(false);
    expect(cidrsOverlap(inside, vpc)).toBe(true);
    expect(cidrsOverlap(inside, outside)).toBe(false);
    expect(cidrContains(parseIpv4Cidr('0.0.0.0/0')!, outside)).toBe(true);
  });

  test.each([
    [['0.0.0.0/0'], [], '0.0.0.0/0'],
    [[], ['::/0'], '::/0'],
    [['0.0.0.0/1', '128.0.0.0/1'], [], '0.0.0.0/1, 128.0.0.0/1 (wider than /8'],
    [['10.0.0.0/7'], [], '10.0.0.0/7 (wider than /8'],
    [[], ['2001::/15'], '2001::/15 (wider than /8 for IPv4 or /16 for IPv6'],
    [Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`), [], '(together all of IPv4)'],
  ])('GIVEN sources %j %j WHEN judged THEN they count as anywhere', (ipv4, ipv6, reason) => {
    expect(anywhereReason(ipv4, ipv6)).toContain(reason);
  });

  test.each([
    [['10.0.0.0/8']],
    [['203.0.113.7/32', '198.51.100.0/24']],
    [Array.from({ length: 255 }, (_, i) => `${i}.0.0.0/8`)],
  ])('GIVEN sources %j WHEN judged THEN they are an allow-list, not anywhere', (ipv4) =>
    expect(anywhereReason(ipv4, ['2001:db8::/32'])).toBeUndefined(),
  );

  test('GIVEN overlapping and adjacent blocks WHEN their union is taken THEN gaps are found exactly', () => {
    expect(coversAllIpv4(['0.0.0.0/1', '64.0.0.0/2', '128.0.0.0/1'])).toBe(true);
    expect(coversAllIpv4(['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/4'])).toBe(false);
    expect(coversAllIpv4([])).toBe(false);
  });
});
