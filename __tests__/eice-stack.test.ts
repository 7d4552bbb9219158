import { onlyExceptForwardingHop, onlyResource, synthLab, TerraformJson } from './helpers/synth';

describe('lab-eice stack', () => {
  let json: TerraformJson;
  beforeAll(() => {
    json = synthLab().stacks['lab-eice'];
  });

  test('GIVEN defaults WHEN synthesized THEN the instance has no public address, profile, key pair or egress, in VPC 2', () => {
    const instance = onlyResource(json, 'aws_instance');
    expect(instance.associate_public_ip_address).toBe(false);
    expect(instance.iam_instance_profile).toBeUndefined();
    expect(instance.key_name).toBeUndefined();
    expect(instance.subnet_id).toContain('vpc2_private-2');
    expect(onlyResource(json, 'aws_ec2_instance_connect_endpoint').subnet_id).toContain('vpc2_private-2');
  });

  test('GIVEN defaults WHEN synthesized THEN tcp/22 flows from the endpoint SG to the instance SG only, by reference', () => {
    const instanceGroup = `\${aws_security_group.instance_security-group_5E4E7627.id}`;
    const ingress = onlyExceptForwardingHop(json, 'aws_vpc_security_group_ingress_rule');
    expect(ingress).toMatchObject({ security_group_id: instanceGroup, ip_protocol: 'tcp', from_port: 22, to_port: 22 });
    expect(ingress.referenced_security_group_id).toMatch(/instance-connect-endpoint_security-group/);
    expect(ingress.cidr_ipv4).toBeUndefined();
    const egress = onlyExceptForwardingHop(json, 'aws_vpc_security_group_egress_rule');
    expect(egress).toMatchObject({ referenced_security_group_id: instanceGroup, from_port: 22, to_port: 22 });
    expect(egress.security_group_id).toMatch(/instance-connect-endpoint_security-group/);
  });

  test('GIVEN defaults WHEN synthesized THEN the outputs give the connect command and the operator policy', () => {
    expect(Object.keys(json.output!).sort()).toEqual([
      'connect_command',
      'endpoint_id',
      'forward_to_target_command',
      'instance_id',
      'operator_policy',
      'private_ip',
    ]);
    expect(json.output!.connect_command.value).toBe(
      'aws ec2-instance-connect ssh --instance-id ${aws_instance.instance_A89AA789.id} --connection-type eice --os-user ec2-user --region ap-northeast-1',
    );
    const policy = JSON.parse(String(json.output!.operator_policy.value));
    expect(policy.Statement.map((s: { Action: unknown }) => s.Action)).toEqual([
      'ec2-instance-connect:OpenTunnel',
      'ec2-instance-connect:SendSSHPublicKey',
      ['ec2:DescribeInstances', 'ec2:DescribeInstanceConnectEndpoints'],
    ]);
    expect(policy.Statement[0]).toMatchObject({
      Resource: expect.stringMatching(/^\$\{aws_ec2_instance_connect_endpoint\.[^.]+\.arn\}$/),
      Condition: {
        NumericEquals: { 'ec2-instance-connect:remotePort': 22 },
        IpAddress: { 'ec2-instance-connect:privateIpAddress': '${aws_instance.instance_A89AA789.private_ip}/32' },
      },
    });
    expect(policy.Statement[1]).toMatchObject({
      Resource: '${aws_instance.instance_A89AA789.arn}',
      Condition: { StringEquals: { 'ec2:osuser': 'ec2-user' } },
    });
  });
});
