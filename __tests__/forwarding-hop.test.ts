import { sessionManagerOperatorPolicy } from '../lib/session-manager-operator-policy';
import {
  configWith,
  isForwardingHopRule,
  onlyResource,
  resourcesOfType,
  SSH_OPERATOR_ENV,
  synthLab,
  tagsOf,
  TerraformJson,
} from './helpers/synth';

// Every scenario forwards a local port to the private service in its VPC: the instance SG sends
// the port to the target SG only, the target SG admits it from the instance SG only (the rule in
// the scenario's own stack), and the outputs hold ready commands.

const SCENARIOS = [
  ['lab-ssh', 'vpc1'],
  ['lab-ssm-public', 'vpc1'],
  ['lab-ssm-nat', 'vpc1'],
  ['lab-ssm-endpoint', 'vpc2'],
  ['lab-eice', 'vpc2'],
] as const;
const SESSION_MANAGER = ['lab-ssm-public', 'lab-ssm-nat', 'lab-ssm-endpoint'] as const;
const INSTANCE_GROUP = '${aws_security_group.instance_security-group_5E4E7627.id}';
const remoteTarget = (vpc: string, attribute: string) =>
  new RegExp(
    `^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-lab-network\\.outputs\\.cross-stack-output-aws_[a-z_]+target-${vpc}_target_[^}]*${attribute}\\}$`,
  );

/**
 * The policy output as JSON: Terraform fills in the account (`${element(split(":", …arn), 4)}`)
 * when it evaluates the template; its quotes are Terraform's, not the JSON's.
 */
const policyOf = (json: TerraformJson) =>
  JSON.parse(
    String(json.output!.operator_policy.value).replace(
      /\$\{element\(split\(":", (aws_instance\.[^.]+\.arn)\), 4\)\}/g,
      '<account of $1>',
    ),
  );

describe('the forwarding hop of every scenario', () => {
  let stacks: Record<string, TerraformJson>;
  beforeAll(() => {
    stacks = synthLab(configWith(SSH_OPERATOR_ENV)).stacks;
  });

  test.each(SCENARIOS)(
    'GIVEN %s WHEN synthesized THEN its instance names the target of %s and sends tcp/8080 to that target SG only',
    (stack, vpc) => {
      const json = stacks[stack];
      expect(tagsOf(onlyResource(json, 'aws_instance')).ForwardsTo).toBe(`ssm-lab-target-${vpc}:8080`);
      const egress = resourcesOfType(json, 'aws_vpc_security_group_egress_rule').filter(isForwardingHopRule);
      expect(egress).toHaveLength(1);
      expect(egress[0]).toMatchObject({ security_group_id: INSTANCE_GROUP, ip_protocol: 'tcp', from_port: 8080 });
      expect(egress[0].to_port).toBe(8080);
      expect(egress[0].cidr_ipv4).toBeUndefined();
      expect(egress[0].referenced_security_group_id).toMatch(remoteTarget(vpc, 'security-group_[^}]*id'));
    },
  );

  test.each(SCENARIOS)(
    'GIVEN %s WHEN synthesized THEN it admits its own instance SG to the target of %s, and nothing else',
    (stack, vpc) => {
      const ingress = resourcesOfType(stacks[stack], 'aws_vpc_security_group_ingress_rule').filter(isForwardingHopRule);
      expect(ingress).toHaveLength(1);
      expect(ingress[0]).toMatchObject({
        referenced_security_group_id: INSTANCE_GROUP,
        ip_protocol: 'tcp',
        from_port: 8080,
        to_port: 8080,
      });
      expect(ingress[0].cidr_ipv4).toBeUndefined();
      expect(ingress[0].security_group_id).toMatch(remoteTarget(vpc, 'security-group_[^}]*id'));
    },
  );

  test.each(SESSION_MANAGER)(
    'GIVEN %s WHEN synthesized THEN the outputs forward to the instance and to the target with both documents',
    (stack) => {
      const output = stacks[stack].output!;
      const vpc = SCENARIOS.find(([name]) => name === stack)![1];
      expect(output.port_forward_command.value).toBe(
        'aws ssm start-session --target ${aws_instance.instance_A89AA789.id} --document-name AWS-StartPortForwardingSession --parameters portNumber=22,localPortNumber=2222 --region ap-northeast-1',
      );
      expect(String(output.forward_to_target_command.value)).toMatch(
        new RegExp(
          `^aws ssm start-session --target \\$\\{aws_instance\\.instance_A89AA789\\.id\\} --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=\\$\\{nonsensitive\\(data\\.terraform_remote_state\\.[^)]*target-${vpc}_target_instance_[^)]*private_ip\\)\\},portNumber=8080,localPortNumber=8080 --region ap-northeast-1$`,
        ),
      );
    },
  );

  test('GIVEN lab-ssh and lab-eice WHEN synthesized THEN the target is reached with ssh -L (over open-tunnel for the endpoint)', () => {
    expect(String(stacks['lab-ssh'].output!.forward_to_target_command.value)).toMatch(
      /^ssh -i ~\/\.ssh\/id_ed25519 -N -L 8080:\$\{nonsensitive\([^)]*target-vpc1_target_instance_[^)]*private_ip\)\}:8080 ec2-user@\$\{aws_instance\.instance_A89AA789\.public_ip\}$/,
    );
    expect(String(stacks['lab-eice'].output!.forward_to_target_command.value)).toMatch(
      /^aws ec2-instance-connect send-ssh-public-key --instance-id \$\{aws_instance\.instance_A89AA789\.id\} --instance-os-user ec2-user --ssh-public-key file:\/\/~\/\.ssh\/id_ed25519\.pub --region ap-northeast-1 && ssh -i ~\/\.ssh\/id_ed25519 -o ProxyCommand='aws ec2-instance-connect open-tunnel --instance-id \$\{aws_instance\.instance_A89AA789\.id\} --region ap-northeast-1' -N -L 8080:\$\{nonsensitive\([^)]*target-vpc2_target_instance_[^)]*private_ip\)\}:8080 ec2-user@\$\{aws_instance\.instance_A89AA789\.id\}$/,
    );
    expect(stacks['lab-ssh'].output!.operator_policy).toBeUndefined();
    expect(stacks['lab-ssh'].output!.port_forward_command).toBeUndefined();
  });

  test.each(SESSION_MANAGER)(
    'GIVEN %s WHEN synthesized THEN the operator policy allows StartSession on this instance and the documents its commands use, and ends only own sessions',
    (stack) => {
      const policy = policyOf(stacks[stack]);
      expect(policy.Statement).toEqual([
        {
          Sid: 'StartSessionsOnThisInstanceWithTheseDocuments',
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: [
            '${aws_instance.instance_A89AA789.arn}',
            'arn:aws:ssm:ap-northeast-1:<account of aws_instance.instance_A89AA789.arn>:document/SSM-SessionManagerRunShell',
            'arn:aws:ssm:ap-northeast-1::document/AWS-StartPortForwardingSession',
            'arn:aws:ssm:ap-northeast-1::document/AWS-StartPortForwardingSessionToRemoteHost',
          ],
          Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
        },
        {
          Sid: 'EndOrResumeOwnSessionsOnly',
          Effect: 'Allow',
          Action: ['ssm:TerminateSession', 'ssm:ResumeSession'],
          // Escaped for Terraform: IAM receives the policy variable ${aws:userid} itself.
          Resource: 'arn:aws:ssm:*:*:session/$${aws:userid}-*',
        },
      ]);
    },
  );

  test('GIVEN SSH through Session Manager and the session audit WHEN synthesized THEN the policy names AWS-StartSSHSession and the audit document instead of the default shell', () => {
    const json = synthLab(
      configWith({ ...SSH_OPERATOR_ENV, SSM_LAB_SSH_OVER_SSM: 'true', SSM_LAB_SESSION_AUDIT: 'true' }),
    ).stacks['lab-ssm-nat'];
    const resources = policyOf(json).Statement[0].Resource;
    expect(resources.slice(1)).toEqual([
      'arn:aws:ssm:ap-northeast-1:<account of aws_instance.instance_A89AA789.arn>:document/ssm-lab-session-audit',
      'arn:aws:ssm:ap-northeast-1::document/AWS-StartSSHSession',
      'arn:aws:ssm:ap-northeast-1::document/AWS-StartPortForwardingSession',
      'arn:aws:ssm:ap-northeast-1::document/AWS-StartPortForwardingSessionToRemoteHost',
    ]);
    // lab-ssh has no Session Manager role: no ssh-over-SSM outputs there.
    const ssh = synthLab(configWith({ ...SSH_OPERATOR_ENV, SSM_LAB_SSH_OVER_SSM: 'true' })).stacks['lab-ssh'];
    expect(ssh.output!.ssh_config).toBeUndefined();
  });

  test('GIVEN another partition WHEN the policy is written THEN every ARN is in it', () => {
    const policy = JSON.parse(
      sessionManagerOperatorPolicy({
        partition: 'aws-cn',
        region: 'cn-north-1',
        account: '111122223333',
        instanceArn: 'arn:aws-cn:ec2:cn-north-1:111122223333:instance/i-1',
        shellDocument: 'SSM-SessionManagerRunShell',
        awsDocuments: ['AWS-StartPortForwardingSession'],
      }),
    );
    expect(policy.Statement[0].Resource).toEqual([
      'arn:aws-cn:ec2:cn-north-1:111122223333:instance/i-1',
      'arn:aws-cn:ssm:cn-north-1:111122223333:document/SSM-SessionManagerRunShell',
      'arn:aws-cn:ssm:cn-north-1::document/AWS-StartPortForwardingSession',
    ]);
    expect(policy.Statement[1].Resource).toBe('arn:aws-cn:ssm:*:*:session/$${aws:userid}-*');
  });
});
