import { cidrContains, cidrsOverlap, parseIpv4Cidr } from '../lib/cidr';

describe('IPv4 CIDR helpers', () => {
  test('GIVEN well-formed blocks WHEN parsed THEN network and prefix are read', () => {
    expect(parseIpv4Cidr('10.0.1.0/24')).toEqual({ network: 0x0a000100, prefix: 24, text: '10.0.1.0/24' });
    expect(parseIpv4Cidr('0.0.0.0/0')?.prefix).toBe(0);
    expect(parseIpv4Cidr('203.0.113.7/32')?.text).toBe('203.0.113.7/32');
  });

  test.each(['10.0.0.0', '10.0.0.0/33', '256.0.0.0/8', '10.0.1.5/24', '010.0.0.0/8', ' /16', 'a.b.c.d/8'])(
    'GIVEN %p WHEN parsed THEN it is rejected',
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
});
