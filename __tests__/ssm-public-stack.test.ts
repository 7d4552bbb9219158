import {
  configWith,
  exceptForwardingHop,
  onlyExceptForwardingHop,
  onlyResource,
  SSH_OPERATOR_ENV,
  synthLab,
  TerraformJson,
} from './helpers/synth';

describe('lab-ssm-public stack', () => {
  let json: TerraformJson;
  beforeAll(() => {
    json = synthLab().stacks['lab-ssm-public'];
  });

  test('GIVEN defaults WHEN synthesized THEN instance 2 is in the public subnet with a public IP, SSM profile and no key', () => {
    const instance = onlyResource(json, 'aws_instance');
    expect(instance.associate_public_ip_address).toBe(true);
    expect(instance.subnet_id).toContain('vpc1_public-subnet');
    expect(instance.iam_instance_profile).toContain('session-manager-role_instance-profile');
    expect(instance.key_name).toBeUndefined();
    expect(instance.tags).toEqual({
      Name: 'ssm-lab-ssm-public',
      Scenario: 'ssm-internet-gateway',
      ForwardsTo: 'ssm-lab-target-vpc1:8080',
    });
  });

  test('GIVEN defaults WHEN synthesized THEN no inbound rule and outbound only 443 (besides the forwarding hop)', () => {
    expect(exceptForwardingHop(json, 'aws_vpc_security_group_ingress_rule')).toHaveLength(0);
    expect(onlyResource(json, 'aws_security_group').ingress).toBeUndefined();
    expect(onlyExceptForwardingHop(json, 'aws_vpc_security_group_egress_rule')).toMatchObject({
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
      cidr_ipv4: '0.0.0.0/0',
    });
  });

  test('GIVEN defaults WHEN synthesized THEN outputs include the start-session command', () => {
    expect(Object.keys(json.output ?? {}).sort()).toEqual([
      'connect_command',
      'forward_to_target_command',
      'instance_id',
      'operator_policy',
      'port_forward_command',
      'private_ip',
      'public_ip',
    ]);
    expect(json.output?.connect_command.value).toMatch(
      /^aws ssm start-session --target \$\{aws_instance\.[^.]+\.id\} --region ap-northeast-1$/,
    );
  });

  test('GIVEN SSH through Session Manager WHEN synthesized THEN the instance gets the key pair, port 22 stays closed, and outputs give the ssh config', () => {
    const json = synthLab(configWith({ ...SSH_OPERATOR_ENV, SSM_LAB_SSH_OVER_SSM: 'true' })).stacks['lab-ssm-public'];
    expect(onlyResource(json, 'aws_instance').key_name).toMatch(
      /cross-stack-reference-input-lab-network\.outputs\.[^}]*aws_key_pair/,
    );
    expect(exceptForwardingHop(json, 'aws_vpc_security_group_ingress_rule')).toHaveLength(0);
    expect(json.output?.ssh_config.value).toBe(
      'host i-* mi-*\n    ProxyCommand sh -c "aws ssm start-session --target %h --document-name AWS-StartSSHSession --parameters \'portNumber=%p\' --region ap-northeast-1"',
    );
    expect(json.output?.ssh_command.value).toMatch(
      /^ssh -i ~\/\.ssh\/id_ed25519 ec2-user@\$\{aws_instance\.[^.]+\.id\}$/,
    );
  });

  test('GIVEN SSH through Session Manager off WHEN synthesized THEN no key pair and no ssh outputs', () => {
    const json = synthLab(configWith(SSH_OPERATOR_ENV)).stacks['lab-ssm-public'];
    expect(onlyResource(json, 'aws_instance').key_name).toBeUndefined();
    expect(json.output?.ssh_config).toBeUndefined();
  });
});
