import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { App, Aspects, Fn, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import {
  GUARDRAIL_RULE_IDS,
  GUARDRAIL_RULES,
  GuardrailAspect,
  GuardrailError,
  GuardrailOptions,
  GuardrailRuleId,
} from '../lib/guardrails';
import { wildcardActions } from '../lib/iam-policy';
import { LabInstance, httpsToInternet } from '../lib/lab-instance';
import { SessionManagerRole } from '../lib/session-manager-role';
import { addLabStacks } from '../stacks';
import { PUBLIC_SCENARIOS, Scenario } from '../stacks/scenario-stack';
import { configWith, SSH_OPERATOR_ENV } from './helpers/synth';

const OPTIONS: GuardrailOptions = {
  publicScenarios: PUBLIC_SCENARIOS,
  sshScenario: Scenario.SSH_INTERNET,
  forwardingTargets: [{ securityGroupLogicalId: 'target-sg', vpcCidr: '10.0.0.0/16' }],
};

/** Findings of the guardrails over one stack that `build` fills. */
function findingsFor(build: (stack: Construct) => void, options: GuardrailOptions = OPTIONS) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'broken');
  build(stack);
  const aspect = new GuardrailAspect(options);
  try {
    aspect.check(app);
  } catch (error) {
    if (!(error instanceof GuardrailError)) throw error;
  }
  return aspect.findings;
}

const goodInstance = {
  ami: 'ami-0123456789abcdef0',
  instanceType: 't4g.nano',
  metadataOptions: { httpTokens: 'required' },
  rootBlockDevice: { encrypted: true },
};
const ec2Trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

describe('guardrails', () => {
  const broken: [GuardrailRuleId, string, (stack: Construct) => void][] = [
    [
      'SSMLAB-SG-1',
      'an ingress rule from 0.0.0.0/0',
      (s) =>
        new VpcSecurityGroupIngressRule(s, 'r', {
          securityGroupId: 'sg-1',
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: '0.0.0.0/0',
          description: 'ssh',
        }),
    ],
    [
      'SSMLAB-SG-1',
      'an ingress rule from ::/0',
      (s) =>
        new VpcSecurityGroupIngressRule(s, 'r', {
          securityGroupId: 'sg-1',
          ipProtocol: '-1',
          cidrIpv6: '::/0',
          description: 'all',
        }),
    ],
    [
      'SSMLAB-SG-1',
      'an ingress rule from 0.0.0.0/1',
      (s) =>
        new VpcSecurityGroupIngressRule(s, 'r', {
          securityGroupId: 'sg-1',
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: '0.0.0.0/1',
          description: 'ssh',
        }),
    ],
    [
      'SSMLAB-SG-1',
      'an inline ingress block from 0.0.0.0/0',
      (s) =>
        new SecurityGroup(s, 'g', {
          description: 'x',
          ingress: [{ fromPort: 443, toPort: 443, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'], description: 'https' }],
        }),
    ],
    [
      'SSMLAB-SG-2',
      'a rule without a description',
      (s) =>
        new VpcSecurityGroupIngressRule(s, 'r', {
          securityGroupId: 'sg-1',
          ipProtocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          cidrIpv4: '10.0.0.0/8',
        }),
    ],
    ['SSMLAB-SG-2', 'a security group without a description', (s) => new SecurityGroup(s, 'g', { vpcId: 'vpc-1' })],
    ['SSMLAB-VPC-1', 'a VPC whose default SG is not managed', (s) => new Vpc(s, 'v', { cidrBlock: '10.0.0.0/16' })],
    [
      'SSMLAB-VPC-1',
      'a default SG that keeps a rule',
      (s) => {
        const vpc = new Vpc(s, 'v', { cidrBlock: '10.0.0.0/16' });
        new DefaultSecurityGroup(s, 'd', {
          vpcId: vpc.id,
          egress: [{ fromPort: 0, toPort: 0, protocol: '-1', cidrBlocks: ['10.0.0.0/8'], description: 'out' }],
        });
      },
    ],
    [
      'SSMLAB-EC2-1',
      'an instance without IMDSv2',
      (s) => new Instance(s, 'i', { ...goodInstance, metadataOptions: { httpTokens: 'optional' } }),
    ],
    [
      'SSMLAB-EC2-2',
      'an instance with an unencrypted root volume',
      (s) => new Instance(s, 'i', { ...goodInstance, rootBlockDevice: { encrypted: false } }),
    ],
    [
      'SSMLAB-EC2-2',
      'an instance with an unencrypted EBS volume',
      (s) => new Instance(s, 'i', { ...goodInstance, ebsBlockDevice: [{ deviceName: '/dev/sdf', encrypted: false }] }),
    ],
    [
      'SSMLAB-EC2-3',
      'a public address outside the public scenarios',
      (s) =>
        new Instance(s, 'i', {
          ...goodInstance,
          associatePublicIpAddress: true,
          tags: { Scenario: Scenario.SSM_NAT_GATEWAY },
        }),
    ],
    [
      'SSMLAB-EC2-4',
      'a key pair on a Session Manager instance',
      (s) =>
        new Instance(s, 'i', {
          ...goodInstance,
          keyName: 'ops',
          iamInstanceProfile: 'ssm',
          tags: { Scenario: Scenario.SSM_VPC_ENDPOINTS },
        }),
    ],
    [
      'SSMLAB-IAM-1',
      'an EC2 role with a broader policy',
      (s) => {
        const role = new SessionManagerRole(s, 'r', { name: 'lab' });
        new IamRolePolicyAttachment(s, 'admin', {
          role: role.role.name,
          policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        });
      },
    ],
    [
      'SSMLAB-IAM-1',
      'an EC2 role without AmazonSSMManagedInstanceCore',
      (s) => new IamRole(s, 'r', { assumeRolePolicy: ec2Trust }),
    ],
    [
      'SSMLAB-IAM-2',
      'a policy with Action "*"',
      (s) =>
        new IamRolePolicy(s, 'p', {
          role: 'x',
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
          }),
        }),
    ],
    [
      'SSMLAB-IAM-2',
      'an HCL policy with "s3:*"',
      (s) =>
        new IamRolePolicy(s, 'p', {
          role: 'x',
          policy: '${jsonencode({ Statement = [{ Action = ["s3:*"], Effect = "Allow", Resource = "*" }] })}',
        }),
    ],
    [
      'SSMLAB-IAM-2',
      'a policy built with Fn.jsonencode and "ec2:Delete*"',
      (s) =>
        new IamRolePolicy(s, 'p', {
          role: 'x',
          policy: Fn.jsonencode({
            Statement: [
              {
                Effect: 'Allow',
                Action: ['ec2:Delete*'],
                Resource: Fn.formatlist('arn:aws:ec2:*:*:vpc-endpoint/%s', [['vpce-1']]),
              },
            ],
          }),
        }),
    ],
    [
      'SSMLAB-IAM-3',
      'a policy on a role of another stack granting more than the session audit',
      (s) =>
        new IamRolePolicy(s, 'p', {
          role: '${data.terraform_remote_state.network.outputs.role_name}',
          policy: Fn.jsonencode({
            Statement: [{ Effect: 'Allow', Action: ['logs:PutLogEvents', 'ec2:TerminateInstances'], Resource: '*' }],
          }),
        }),
    ],
    [
      'SSMLAB-LOG-1',
      'a log group without a key or retention',
      (s) => new CloudwatchLogGroup(s, 'g', { name: 'sessions' }),
    ],
    ['SSMLAB-KMS-1', 'a KMS key without rotation', (s) => new KmsKey(s, 'k', { description: 'no rotation' })],
    [
      'SSMLAB-IAM-4',
      'a role policy with a misspelt action',
      (s) =>
        new IamRolePolicy(s, 'p', {
          role: 'r',
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Sid: 'Typo', Effect: 'Allow', Action: 'ssm:StartSesion', Resource: '*' }],
          }),
        }),
    ],
    [
      'SSMLAB-SG-3',
      "a forwarding target's port open to a range outside its VPC",
      (s) => {
        const group = new SecurityGroup(s, 'target-sg', { description: 'target', vpcId: 'vpc-1' });
        new VpcSecurityGroupIngressRule(s, 'r', {
          securityGroupId: group.id,
          description: 'office',
          ipProtocol: 'tcp',
          fromPort: 8080,
          toPort: 8080,
          cidrIpv4: '192.168.0.0/24',
        });
      },
    ],
  ];

  test.each(broken)('GIVEN %s rule, %s WHEN checked THEN it fires', (ruleId, _, build) => {
    const findings = findingsFor(build);
    expect(findings.map((f) => f.ruleId)).toContain(ruleId);
    const finding = findings.find((f) => f.ruleId === ruleId)!;
    expect(finding.path.startsWith('broken/')).toBe(true);
  });

  test('GIVEN the rule list WHEN compared with the broken cases THEN every rule has a firing test', () => {
    expect([...new Set(broken.map(([ruleId]) => ruleId))].sort()).toEqual([...GUARDRAIL_RULE_IDS].sort());
    for (const guardrail of GUARDRAIL_RULES) expect(guardrail.equivalents).toMatch(/checkov|cdk-nag|Security Hub/);
  });

  test('GIVEN SSH through Session Manager on WHEN a Session Manager instance has a key THEN no finding', () => {
    const build = (s: Construct) =>
      new Instance(s, 'i', {
        ...goodInstance,
        keyName: 'ops',
        iamInstanceProfile: 'ssm',
        tags: { Scenario: Scenario.SSM_VPC_ENDPOINTS },
      });
    expect(findingsFor(build, { ...OPTIONS, sshOverSessionManager: true })).toEqual([]);
  });

  test('GIVEN well-built lab constructs WHEN checked THEN no finding', () => {
    const findings = findingsFor((s) => {
      const role = new SessionManagerRole(s, 'r', { name: 'lab' });
      new LabInstance(s, 'i', {
        name: 'x',
        scenario: Scenario.SSM_NAT_GATEWAY,
        vpcId: 'vpc-1',
        subnetId: 'subnet-1',
        instanceProfileName: role.instanceProfile.name,
        httpsEgress: [httpsToInternet()],
      });
    });
    expect(findings).toEqual([]);
  });

  test('GIVEN a finding WHEN checked THEN the error names rule id, construct path and fix', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'broken');
    new Instance(stack, 'i', { ...goodInstance, metadataOptions: { httpTokens: 'optional' } });
    expect(() => new GuardrailAspect(OPTIONS).check(app)).toThrow(
      /SSMLAB-EC2-1 at broken\/i: IMDSv2 is not required \(metadata_options.http_tokens\)\. Fix: set metadata_options.http_tokens = "required".*SSM_LAB_ACKNOWLEDGE="SSMLAB-EC2-1@broken=<reason>"/,
    );
  });

  test('GIVEN the Aspect on a stack WHEN synthesized with validations THEN the finding fails synth', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'broken');
    new Instance(stack, 'i', { ...goodInstance, rootBlockDevice: { encrypted: false } });
    Aspects.of(stack).add(new GuardrailAspect(OPTIONS));
    expect(() => Testing.synth(stack, true)).toThrow('SSMLAB-EC2-2 at broken/i');
    // The lab's way out (fix or acknowledge), not cdktf's "pass 'skipValidation: true'".
    expect(() => Testing.synth(stack, true)).toThrow(GuardrailError);
    expect(() => Testing.synth(stack, true)).not.toThrow(/skipValidation/);
  });

  test('GIVEN the default lab WHEN checked THEN zero findings', () => {
    const app = Testing.app();
    const { guardrails } = addLabStacks(app, configWith());
    expect(guardrails.check(app)).toEqual([]);
  });

  test('GIVEN a scenario admitting a range outside the VPC to the forwarding target WHEN the lab is checked THEN SSMLAB-SG-3 names the rule and the range; one inside the VPC passes', () => {
    const app = Testing.app();
    const stacks = addLabStacks(app, configWith());
    const rule = (id: string, cidr: string) =>
      new VpcSecurityGroupIngressRule(stacks.ssmNat, id, {
        securityGroupId: stacks.network.forwardingTargets.vpc1.lab.securityGroup.id,
        description: 'a wider door',
        ipProtocol: 'tcp',
        fromPort: 8080,
        toPort: 8080,
        cidrIpv4: cidr,
      });
    rule('from-vpn', '172.16.0.0/12');
    rule('from-public-subnet', '10.0.1.0/24');
    expect(() => stacks.guardrails.check(app)).toThrow(GuardrailError);
    expect(stacks.guardrails.findings.map((f) => `${f.ruleId} ${f.path}: ${f.message}`)).toEqual([
      'SSMLAB-SG-3 lab-ssm-nat/from-vpn: a forwarding target admits tcp/8080 from 172.16.0.0/12, outside its VPC 10.0.0.0/16',
    ]);
  });

  test('GIVEN a forwarding target with a public address WHEN the lab is checked THEN SSMLAB-EC2-3 fires for it', () => {
    const app = Testing.app();
    const stacks = addLabStacks(app, configWith());
    stacks.network.forwardingTargets.vpc2.lab.instance.associatePublicIpAddress = true;
    expect(() => stacks.guardrails.check(app)).toThrow(
      'SSMLAB-EC2-3 at lab-network/target-vpc2/target/instance: public address on an instance of scenario "forwarding-target"',
    );
  });

  test('GIVEN the session audit WHEN the lab is checked THEN its scoped policy on the instance role, its key and log group pass', () => {
    const app = Testing.app();
    const { guardrails, sessionAudit } = addLabStacks(app, configWith({ SSM_LAB_SESSION_AUDIT: 'true' }));
    expect(sessionAudit).toBeDefined();
    expect(guardrails.check(app)).toEqual([]);
  });

  test('GIVEN the audit policy with one action more WHEN checked THEN SSMLAB-IAM-3 names it', () => {
    const findings = findingsFor(
      (s) =>
        new IamRolePolicy(s, 'p', {
          role: '${data.terraform_remote_state.network.outputs.role_name}',
          policy: Fn.jsonencode({
            Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:CreateGrant'], Resource: '*' }],
          }),
        }),
    );
    expect(findings.map((f) => [f.ruleId, f.message])).toEqual([
      ['SSMLAB-IAM-3', '"kms:CreateGrant" on a role of another stack'],
    ]);
  });

  test('GIVEN SSH through Session Manager and operator inputs WHEN the lab is checked THEN zero findings', () => {
    const app = Testing.app();
    const { guardrails } = addLabStacks(app, configWith({ ...SSH_OPERATOR_ENV, SSM_LAB_SSH_OVER_SSM: 'true' }));
    expect(guardrails.check(app)).toEqual([]);
  });

  test('GIVEN SSH open to the world and its acknowledgement WHEN checked THEN it passes and the finding is listed as acknowledged', () => {
    const config = configWith({
      SSM_LAB_SSH_ALLOWED_CIDRS: '0.0.0.0/0',
      SSM_LAB_SSH_KEY_NAME: 'ops',
      SSM_LAB_ACKNOWLEDGE:
        'SSMLAB-SG-1@lab-ssh=workshop: everyone connects from changing addresses; SSMLAB-EC2-1@lab-ssm-nat=stale entry',
    });
    const app = Testing.app();
    const { guardrails } = addLabStacks(app, config);
    const findings = guardrails.check(app);
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'SSMLAB-SG-1',
        stack: 'lab-ssh',
        acknowledgement: expect.objectContaining({ reason: 'workshop: everyone connects from changing addresses' }),
      }),
    ]);
    expect(guardrails.unusedAcknowledgements()).toEqual([
      expect.objectContaining({ ruleId: 'SSMLAB-EC2-1', stack: 'lab-ssm-nat' }),
    ]);
  });

  test('GIVEN SSH open to the world without acknowledgement WHEN checked THEN SSMLAB-SG-1 fails the lab', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const { guardrails } = addLabStacks(
      app,
      configWith({ SSM_LAB_SSH_ALLOWED_CIDRS: '0.0.0.0/0', SSM_LAB_SSH_KEY_NAME: 'ops' }),
    );
    expect(() => guardrails.check(app)).toThrow(
      'SSMLAB-SG-1 at lab-ssh/instance/ingress-22-0-0: inbound tcp/22 from 0.0.0.0/0',
    );
  });

  test('GIVEN SSH open to two halves of the internet WHEN the lab is checked THEN SSMLAB-SG-1 fires on each half', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const { guardrails } = addLabStacks(
      app,
      configWith({ SSM_LAB_SSH_ALLOWED_CIDRS: '0.0.0.0/1,128.0.0.0/1', SSM_LAB_SSH_KEY_NAME: 'ops' }),
    );
    expect(() => guardrails.check(app)).toThrow(
      /SSMLAB-SG-1 at lab-ssh\/instance\/ingress-22-0-0: inbound tcp\/22 from 0\.0\.0\.0\/1 \(wider than \/8/,
    );
    expect(guardrails.unacknowledged().map((f) => f.path)).toEqual([
      'lab-ssh/instance/ingress-22-0-0',
      'lab-ssh/instance/ingress-22-0-1',
    ]);
  });

  test('GIVEN a private /8 WHEN the lab is checked THEN it is an allow-list, not anywhere', () => {
    const app = Testing.app();
    const { guardrails } = addLabStacks(
      app,
      configWith({ SSM_LAB_SSH_ALLOWED_CIDRS: '10.0.0.0/8', SSM_LAB_SSH_KEY_NAME: 'ops' }),
    );
    expect(guardrails.check(app)).toEqual([]);
  });

  test('GIVEN 256 /8 rules on one port WHEN checked THEN their union is anywhere, reported once for the group', () => {
    const findings = findingsFor((s) => {
      for (let i = 0; i < 256; i++) {
        new VpcSecurityGroupIngressRule(s, `r${i}`, {
          securityGroupId: 'sg-1',
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: `${i}.0.0.0/8`,
          description: 'ssh',
        });
      }
      new VpcSecurityGroupIngressRule(s, 'other-group', {
        securityGroupId: 'sg-2',
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidrIpv4: '10.0.0.0/8',
        description: 'ssh',
      });
    });
    expect(findings).toEqual([
      expect.objectContaining({ ruleId: 'SSMLAB-SG-1', message: expect.stringContaining('(together all of IPv4)') }),
    ]);
  });

  test('GIVEN halves of the internet on different ports WHEN checked THEN no port is open to anywhere by union', () => {
    const findings = findingsFor((s) => {
      for (let i = 0; i < 256; i++) {
        const port = i < 128 ? 22 : 443;
        new VpcSecurityGroupIngressRule(s, `r${i}`, {
          securityGroupId: 'sg-1',
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          cidrIpv4: `${i}.0.0.0/8`,
          description: 'x',
        });
      }
    });
    expect(findings).toEqual([]);
  });

  test('GIVEN policy documents WHEN scanned THEN only wildcard actions are reported', () => {
    expect(wildcardActions('{"Statement":[{"Action":["ec2:DeleteVpcEndpoints"],"Resource":"*"}]}')).toEqual([]);
    expect(wildcardActions('{"Statement":[{"Action":["ec2:Describe*","s3:GetObject"]}]}')).toEqual(['ec2:Describe*']);
    expect(
      wildcardActions(
        '${jsonencode({ Statement = [{ Action = "scheduler:DeleteScheduleGroup", Resource = "arn:aws:scheduler:*:*:x" }] })}',
      ),
    ).toEqual([]);
    expect(wildcardActions('{"Statement":[{"NotAction":"iam:*"}]}')).toEqual(['NotAction iam:*']);
  });

  test('GIVEN a Deny with a wildcard or a NotAction WHEN scanned THEN it restricts and is no finding; the same in an Allow is one', () => {
    expect(wildcardActions('{"Statement":[{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}')).toEqual([]);
    expect(wildcardActions('{"Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}')).toEqual([]);
    expect(
      wildcardActions('${jsonencode({"Statement" = [{"Effect" = "Deny", "NotAction" = ["s3:*"], "Resource" = "*"}]})}'),
    ).toEqual([]);
    expect(wildcardActions('{"Statement":[{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}]}')).toEqual([
      'NotAction s3:*',
    ]);
    const findings = findingsFor(
      (s) =>
        new IamRolePolicy(s, 'guard', {
          role: 'r',
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Sid: 'OnlyS3', Effect: 'Deny', NotAction: 's3:*', Resource: '*' }],
          }),
        }),
    );
    expect(findings.map((finding) => finding.ruleId)).toEqual([]);
  });
});
