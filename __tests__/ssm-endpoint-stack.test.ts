import {
  configWith,
  onlyExceptForwardingHop,
  onlyResource,
  referenceTo,
  resourceIds,
  resourcesOfType,
  synthLab,
  TerraformJson,
} from './helpers/synth';

describe('lab-ssm-endpoint stack', () => {
  let json: TerraformJson;
  beforeAll(() => {
    json = synthLab().stacks['lab-ssm-endpoint'];
  });

  const sgRef = (name: string) => {
    const ids = resourceIds(json, 'aws_security_group');
    const id = ids.find((candidate) => json.resource!.aws_security_group[candidate].name_prefix === `${name}-`)!;
    return `\${aws_security_group.${id}.id}`;
  };

  test('GIVEN defaults WHEN synthesized THEN ssm and ssmmessages endpoints with private DNS sit in private subnet 2', () => {
    const endpoints = resourcesOfType(json, 'aws_vpc_endpoint');
    expect(endpoints.map((e) => e.service_name).sort()).toEqual([
      'com.amazonaws.ap-northeast-1.ssm',
      'com.amazonaws.ap-northeast-1.ssmmessages',
    ]);
    for (const endpoint of endpoints) {
      expect(endpoint.vpc_endpoint_type).toBe('Interface');
      expect(endpoint.private_dns_enabled).toBe(true);
      expect(endpoint.subnet_ids).toEqual([expect.stringContaining('vpc2_private-2-subnet')]);
      expect(endpoint.vpc_id).toContain('vpc2_vpc');
      expect(endpoint.security_group_ids).toEqual([sgRef('ssm-lab-endpoints')]);
    }
  });

  test('GIVEN defaults WHEN synthesized THEN endpoint SG admits 443 only from the instance SG, by reference', () => {
    expect(onlyExceptForwardingHop(json, 'aws_vpc_security_group_ingress_rule')).toMatchObject({
      security_group_id: sgRef('ssm-lab-endpoints'),
      referenced_security_group_id: sgRef('ssm-lab-ssm-endpoint-instance'),
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
    });
  });

  test('GIVEN defaults WHEN synthesized THEN instance SG sends 443 only to the endpoint SG', () => {
    const egress = onlyExceptForwardingHop(json, 'aws_vpc_security_group_egress_rule');
    expect(egress).toMatchObject({
      security_group_id: sgRef('ssm-lab-ssm-endpoint-instance'),
      referenced_security_group_id: sgRef('ssm-lab-endpoints'),
      from_port: 443,
      to_port: 443,
    });
    expect(egress.cidr_ipv4).toBeUndefined();
  });

  test('GIVEN defaults WHEN synthesized THEN instance 4 is private in VPC 2, SSM profile, no key, boots after the endpoints', () => {
    const instance = onlyResource(json, 'aws_instance');
    expect(instance.associate_public_ip_address).toBe(false);
    expect(instance.subnet_id).toContain('vpc2_private-2-subnet');
    expect(instance.iam_instance_profile).toContain('session-manager-role_instance-profile');
    expect(instance.key_name).toBeUndefined();
    expect(instance.depends_on).toEqual(resourceIds(json, 'aws_vpc_endpoint').map((id) => `aws_vpc_endpoint.${id}`));
    expect(instance.vpc_security_group_ids).toEqual([sgRef('ssm-lab-ssm-endpoint-instance')]);
  });

  test('GIVEN defaults WHEN synthesized THEN no route, gateway or NAT is created', () => {
    for (const type of ['aws_route', 'aws_nat_gateway', 'aws_internet_gateway', 'aws_eip']) {
      expect(resourcesOfType(json, type)).toHaveLength(0);
    }
  });

  test('GIVEN ec2messages requested WHEN synthesized THEN the articles three endpoints exist', () => {
    const three = synthLab(configWith({ SSM_LAB_ENDPOINT_SERVICES: 'ssm,ssmmessages,ec2messages' })).stacks[
      'lab-ssm-endpoint'
    ];
    expect(
      resourcesOfType(three, 'aws_vpc_endpoint')
        .map((e) => e.service_name)
        .sort(),
    ).toEqual([
      'com.amazonaws.ap-northeast-1.ec2messages',
      'com.amazonaws.ap-northeast-1.ssm',
      'com.amazonaws.ap-northeast-1.ssmmessages',
    ]);
    expect(Object.keys(three.output ?? {})).toContain('ec2messages_endpoint_id');
  });

  test('GIVEN defaults WHEN synthesized THEN outputs give the endpoints and the start-session command', () => {
    expect(Object.keys(json.output ?? {}).sort()).toEqual([
      'connect_command',
      'forward_to_target_command',
      'instance_id',
      'operator_policy',
      'port_forward_command',
      'private_ip',
      'ssm_endpoint_id',
      'ssmmessages_endpoint_id',
    ]);
    expect(json.output?.instance_id.value).toBe(referenceTo(json, 'aws_instance'));
  });
});
