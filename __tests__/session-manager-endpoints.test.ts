import { SessionManagerEndpoints } from '../lib/session-manager-endpoints';
import { SessionManagerService } from '../lib/endpoint-services';
import { onlyResource, referenceTo, resourcesOfType, synthConstruct, tagsOf } from './helpers/synth';

const base = { name: 'test', vpcId: 'vpc-0123', subnetIds: ['subnet-0aaa'], region: 'ap-northeast-1' };

describe('SessionManagerEndpoints', () => {
  const json = synthConstruct((scope) => {
    new SessionManagerEndpoints(scope, 'endpoints', { ...base, allowedSecurityGroupIds: ['sg-0instance'] });
  });

  test('GIVEN defaults WHEN synthesized THEN ssm and ssmmessages are Interface endpoints with private DNS', () => {
    const endpoints = resourcesOfType(json, 'aws_vpc_endpoint');
    expect(endpoints.map((e) => e.service_name).sort()).toEqual([
      'com.amazonaws.ap-northeast-1.ssm',
      'com.amazonaws.ap-northeast-1.ssmmessages',
    ]);
    for (const endpoint of endpoints) {
      expect(endpoint).toMatchObject({
        vpc_endpoint_type: 'Interface',
        private_dns_enabled: true,
        vpc_id: 'vpc-0123',
        subnet_ids: ['subnet-0aaa'],
        security_group_ids: [referenceTo(json, 'aws_security_group')],
      });
    }
  });

  test('GIVEN an instance SG WHEN synthesized THEN the endpoint SG admits 443 from it by reference, and nothing else', () => {
    const sg = onlyResource(json, 'aws_security_group');
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    expect(onlyResource(json, 'aws_vpc_security_group_ingress_rule')).toMatchObject({
      security_group_id: referenceTo(json, 'aws_security_group'),
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
      referenced_security_group_id: 'sg-0instance',
      description: expect.stringContaining('HTTPS'),
    });
    expect(resourcesOfType(json, 'aws_vpc_security_group_egress_rule')).toHaveLength(0);
  });

  test('GIVEN the three services of the articles and CIDR sources WHEN synthesized THEN each gets its resource', () => {
    const three = synthConstruct((scope) => {
      new SessionManagerEndpoints(scope, 'endpoints', {
        ...base,
        services: [SessionManagerService.SSM, SessionManagerService.SSM_MESSAGES, SessionManagerService.EC2_MESSAGES],
        allowedCidrs: ['10.1.3.0/24'],
        tags: { ExpiresAt: '2026-11-23T12:00:00Z' },
      });
    });
    expect(resourcesOfType(three, 'aws_vpc_endpoint').map((e) => e.service_name)).toContain(
      'com.amazonaws.ap-northeast-1.ec2messages',
    );
    const rule = onlyResource(three, 'aws_vpc_security_group_ingress_rule');
    expect(rule).toMatchObject({ cidr_ipv4: '10.1.3.0/24', from_port: 443, to_port: 443 });
    expect(rule.referenced_security_group_id).toBeUndefined();
    expect(
      resourcesOfType(three, 'aws_vpc_endpoint').every((e) => tagsOf(e).ExpiresAt === '2026-11-23T12:00:00Z'),
    ).toBe(true);
  });

  test.each([
    ['no source', {}, 'must name at least one source'],
    ['no service', { services: [], allowedCidrs: ['10.0.0.0/8'] }, 'at least one service'],
    ['an unknown service', { services: ['s3'] as never, allowedCidrs: ['10.0.0.0/8'] }, 'unknown service(s) s3'],
    [
      'a duplicate service',
      { services: ['ssm', 'ssm'] as never, allowedCidrs: ['10.0.0.0/8'] },
      'lists a service twice',
    ],
  ])('GIVEN %s WHEN constructed THEN it throws', (_, extra, message) => {
    expect(() => synthConstruct((scope) => new SessionManagerEndpoints(scope, 'e', { ...base, ...extra }))).toThrow(
      message,
    );
  });
});
