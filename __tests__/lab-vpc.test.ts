import { LabVpc } from '../lib/lab-vpc';
import { onlyResource, resourcesOfType, synthConstruct } from './helpers/synth';

describe('LabVpc', () => {
  const json = synthConstruct((scope) => {
    new LabVpc(scope, 'vpc', {
      name: 'test',
      cidrBlock: '10.0.0.0/16',
      subnets: [
        { name: 'public', cidrBlock: '10.0.1.0/24', availabilityZone: 'ap-northeast-1a', routeToInternetGateway: true },
        { name: 'private', cidrBlock: '10.0.2.0/24', availabilityZone: 'ap-northeast-1a' },
      ],
    });
  });

  test('GIVEN defaults WHEN synthesized THEN the VPC keeps the AWS DNS defaults', () => {
    expect(onlyResource(json, 'aws_vpc')).toMatchObject({
      cidr_block: '10.0.0.0/16',
      enable_dns_support: true,
      enable_dns_hostnames: false,
      tags: { Name: 'test' },
    });
  });

  test('GIVEN two subnets WHEN synthesized THEN each has its own route table and none maps public IPs', () => {
    const subnets = resourcesOfType(json, 'aws_subnet');
    expect(subnets.map((s) => s.cidr_block)).toEqual(['10.0.2.0/24', '10.0.1.0/24']);
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
    expect(resourcesOfType(json, 'aws_route_table')).toHaveLength(2);
    const associations = resourcesOfType(json, 'aws_route_table_association');
    expect(new Set(associations.map((a) => a.route_table_id)).size).toBe(2);
  });

  test('GIVEN one public subnet WHEN synthesized THEN only its table routes 0.0.0.0/0 to the internet gateway', () => {
    onlyResource(json, 'aws_internet_gateway');
    const route = onlyResource(json, 'aws_route');
    expect(route.destination_cidr_block).toBe('0.0.0.0/0');
    expect(route.gateway_id).toMatch(/^\$\{aws_internet_gateway\.[^.]+\.id\}$/);
    expect(route.route_table_id).toMatch(/aws_route_table\.vpc_public-route-table_[0-9A-F]+\.id/);
  });

  test('GIVEN any VPC WHEN synthesized THEN its default security group is managed with no rules', () => {
    const defaultSg = onlyResource(json, 'aws_default_security_group');
    expect(defaultSg.ingress).toBeUndefined();
    expect(defaultSg.egress).toBeUndefined();
    expect(defaultSg.vpc_id).toMatch(/aws_vpc\./);
  });

  test('GIVEN only private subnets and DNS on WHEN synthesized THEN no gateway, no route, both DNS attributes', () => {
    const privateOnly = synthConstruct((scope) => {
      new LabVpc(scope, 'vpc', {
        name: 'private',
        cidrBlock: '10.1.0.0/16',
        enableDnsSupport: true,
        enableDnsHostnames: true,
        subnets: [{ name: 'p', cidrBlock: '10.1.3.0/24', availabilityZone: 'ap-northeast-1c' }],
      });
    });
    expect(resourcesOfType(privateOnly, 'aws_internet_gateway')).toHaveLength(0);
    expect(resourcesOfType(privateOnly, 'aws_route')).toHaveLength(0);
    expect(onlyResource(privateOnly, 'aws_vpc')).toMatchObject({
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
  });

  test.each([
    ['outside the VPC', '10.2.0.0/24', 'must be a CIDR inside 10.0.0.0/16'],
    ['overlapping another', '10.0.1.0/25', 'overlaps subnet a'],
  ])('GIVEN a subnet %s WHEN constructed THEN it throws', (_, cidrBlock, message) => {
    expect(() =>
      synthConstruct((scope) => {
        new LabVpc(scope, 'vpc', {
          name: 'bad',
          cidrBlock: '10.0.0.0/16',
          subnets: [
            { name: 'a', cidrBlock: '10.0.1.0/24', availabilityZone: 'x' },
            { name: 'b', cidrBlock, availabilityZone: 'x' },
          ],
        });
      }),
    ).toThrow(message);
  });
});
