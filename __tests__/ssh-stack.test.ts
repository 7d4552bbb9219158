import { SSH_INPUTS_MISSING } from '../stacks/ssh-stack';
import {
  configWith,
  exceptForwardingHop,
  onlyExceptForwardingHop,
  onlyResource,
  resourcesOfType,
  SSH_OPERATOR_ENV,
  synthLab,
  tagsOf,
  TerraformJson,
} from './helpers/synth';

describe('lab-ssh stack', () => {
  let unconfigured: TerraformJson;
  let configured: TerraformJson;
  beforeAll(() => {
    unconfigured = synthLab().stacks['lab-ssh'];
    configured = synthLab(configWith(SSH_OPERATOR_ENV)).stacks['lab-ssh'];
  });

  test('GIVEN operator inputs WHEN synthesized THEN instance 1 is public with a key pair and no SSM role', () => {
    const instance = onlyResource(configured, 'aws_instance');
    expect(instance.associate_public_ip_address).toBe(true);
    expect(instance.subnet_id).toContain('vpc1_public-subnet');
    expect(instance.iam_instance_profile).toBeUndefined();
    // The key pair lives in lab-network (free, shared with SSH through Session Manager).
    expect(instance.key_name).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-lab-network\.outputs\.[^}]*aws_key_pair[^}]*key_name\}$/,
    );
    expect(resourcesOfType(configured, 'aws_key_pair')).toHaveLength(0);
    expect(tagsOf(instance).Scenario).toBe('ssh-internet');
  });

  test('GIVEN operator CIDRs WHEN synthesized THEN tcp/22 is open only to them', () => {
    const rules = exceptForwardingHop(configured, 'aws_vpc_security_group_ingress_rule');
    expect(rules.map((r) => [r.ip_protocol, r.from_port, r.to_port, r.cidr_ipv4])).toEqual([
      ['tcp', 22, 22, '203.0.113.7/32'],
      ['tcp', 22, 22, '198.51.100.0/24'],
    ]);
    expect(configured.locals).toEqual({ ssh_operator_inputs_set: true });
  });

  test('GIVEN an existing key pair name WHEN synthesized THEN it is used and no key pair is created', () => {
    const json = synthLab(configWith({ SSM_LAB_SSH_ALLOWED_CIDRS: '203.0.113.7/32', SSM_LAB_SSH_KEY_NAME: 'ops' }))
      .stacks['lab-ssh'];
    expect(onlyResource(json, 'aws_instance').key_name).toBe('ops');
    expect(resourcesOfType(json, 'aws_key_pair')).toHaveLength(0);
    expect(json.output?.connect_command.value).toMatch(
      /^ssh -i ~\/\.ssh\/ops\.pem ec2-user@\$\{aws_instance\.[^.]+\.public_ip\}$/,
    );
  });

  test('GIVEN no operator inputs WHEN synthesized THEN synth succeeds, nothing is opened, and plan is refused by a precondition', () => {
    expect(exceptForwardingHop(unconfigured, 'aws_vpc_security_group_ingress_rule')).toHaveLength(0);
    expect(resourcesOfType(unconfigured, 'aws_key_pair')).toHaveLength(0);
    expect(unconfigured.locals).toEqual({ ssh_operator_inputs_set: false });
    expect(onlyResource(unconfigured, 'aws_instance').lifecycle?.precondition).toEqual([
      { condition: '${local.ssh_operator_inputs_set}', error_message: SSH_INPUTS_MISSING },
    ]);
    expect(SSH_INPUTS_MISSING).toContain('SSM_LAB_SSH_ALLOWED_CIDRS');
  });

  test('GIVEN any config WHEN synthesized THEN egress is tcp/443 only (besides the forwarding hop)', () => {
    expect(onlyExceptForwardingHop(configured, 'aws_vpc_security_group_egress_rule')).toMatchObject({
      from_port: 443,
      to_port: 443,
      ip_protocol: 'tcp',
    });
  });

  test('GIVEN operator inputs WHEN synthesized THEN outputs give id, IPs and the ssh line', () => {
    expect(Object.keys(configured.output ?? {}).sort()).toEqual([
      'connect_command',
      'forward_to_target_command',
      'instance_id',
      'private_ip',
      'public_ip',
    ]);
    expect(configured.output?.connect_command.value).toMatch(
      /^ssh -i ~\/\.ssh\/id_ed25519 ec2-user@\$\{aws_instance\.[^.]+\.public_ip\}$/,
    );
    for (const output of Object.values(configured.output ?? {})) expect(output.description).toMatch(/\S/);
  });
});
