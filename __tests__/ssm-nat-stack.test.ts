import {
  exceptForwardingHop,
  onlyExceptForwardingHop,
  onlyResource,
  referenceTo,
  synthLab,
  TerraformJson,
} from './helpers/synth';

describe('lab-ssm-nat stack', () => {
  let json: TerraformJson;
  beforeAll(() => {
    json = synthLab().stacks['lab-ssm-nat'];
  });

  test('GIVEN defaults WHEN synthesized THEN an Elastic IP and a NAT gateway sit in the public subnet', () => {
    expect(onlyResource(json, 'aws_eip').domain).toBe('vpc');
    const nat = onlyResource(json, 'aws_nat_gateway');
    expect(nat.allocation_id).toBe(referenceTo(json, 'aws_eip', 'allocation_id'));
    expect(nat.subnet_id).toContain('vpc1_public-subnet');
    expect(nat.connectivity_type).toBe('public');
  });

  test('GIVEN defaults WHEN synthesized THEN private subnet 1 gets its default route to the NAT gateway here', () => {
    const route = onlyResource(json, 'aws_route');
    expect(route.destination_cidr_block).toBe('0.0.0.0/0');
    expect(route.nat_gateway_id).toBe(referenceTo(json, 'aws_nat_gateway'));
    expect(route.route_table_id).toContain('vpc1_private-1-route-table');
  });

  test('GIVEN defaults WHEN synthesized THEN instance 3 is private with the SSM profile, waits for the route, and has no inbound rule', () => {
    const instance = onlyResource(json, 'aws_instance');
    expect(instance.associate_public_ip_address).toBe(false);
    expect(instance.subnet_id).toContain('vpc1_private-1-subnet');
    expect(instance.iam_instance_profile).toContain('session-manager-role_instance-profile');
    expect(instance.key_name).toBeUndefined();
    expect(instance.depends_on).toEqual([`aws_route.${Object.keys(json.resource!.aws_route)[0]}`]);
    expect(exceptForwardingHop(json, 'aws_vpc_security_group_ingress_rule')).toHaveLength(0);
    expect(onlyExceptForwardingHop(json, 'aws_vpc_security_group_egress_rule')).toMatchObject({
      from_port: 443,
      to_port: 443,
      cidr_ipv4: '0.0.0.0/0',
    });
  });

  test('GIVEN defaults WHEN synthesized THEN outputs have no public IP of the instance', () => {
    expect(Object.keys(json.output ?? {}).sort()).toEqual([
      'connect_command',
      'forward_to_target_command',
      'instance_id',
      'nat_public_ip',
      'operator_policy',
      'port_forward_command',
      'private_ip',
    ]);
  });
});
