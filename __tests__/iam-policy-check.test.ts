import * as fs from 'fs';
import * as path from 'path';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Testing } from 'cdktf';
import { GuardrailError } from '../lib/guardrails';
import { actionsOf, iamCatalogVersion, IAM_DATA_PACKAGE, serviceExists } from '../lib/iam-catalog';
import { checkPolicyDocument } from '../lib/iam-policy-check';
import { parsePolicyDocument } from '../lib/iam-policy';
import { addLabStacks } from '../stacks';
import { configWith, SSH_OPERATOR_ENV, synthLab } from './helpers/synth';

/** The findings of one statement, as `message (fix)` lines. */
function findings(statement: Record<string, unknown>): string[] {
  const document = parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: [statement] }));
  return checkPolicyDocument(document!).map((finding) => `${finding.statement}: ${finding.message} (${finding.fix})`);
}

describe('IAM policies checked against AWS catalogue', () => {
  test('GIVEN a misspelt action, a wildcard that matches nothing and an unknown service WHEN checked THEN one finding each, with the nearest name', () => {
    expect(
      findings({
        Sid: 'S',
        Effect: 'Allow',
        Action: ['ssm:StartSesion', 'ec2:Descirbe*', 'sssm:StartSession'],
        Resource: '*',
      }),
    ).toEqual([
      'statement "S": unknown action ssm:StartSesion (did you mean ssm:StartSession?)',
      'statement "S": ec2:Descirbe* matches no ec2 action (name an action of ec2 from the Service Authorization Reference)',
      'statement "S": unknown service "sssm" in action sssm:StartSession (use the service prefix of the Service Authorization Reference)',
    ]);
    expect(
      findings({ Effect: 'Allow', Action: ['ssmmessages:Open*', 'SSM:startsession', '*'], Resource: '*' }),
    ).toEqual([]);
  });

  test('GIVEN condition keys WHEN checked THEN unknown keys and operators that do not fit their type are found, IfExists and set forms included', () => {
    expect(
      findings({
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        Resource: '*',
        Condition: {
          BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true', 'ssm:SessionDocumentAccesCheck': 'true' },
          NumericLessThan: { 'aws:SourceArn': '1' },
          'ForAnyValue:StringEquals': { 'aws:SourceAccount': '111122223333', 'aws:TagKeys': 'Project' },
          DateGreaterThanIfExists: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' },
          StringLikeIfExists: { 'aws:ResourceTag/Project': 'ssm-*', 'ssm:resourceTag/Lab': 'x' },
          Null: { 'aws:SourceVpc': 'true' },
          StringEqualsAnything: { 'aws:SourceVpc': 'x' },
        },
      }),
    ).toEqual([
      "statement 1: unknown condition key ssm:SessionDocumentAccesCheck (use a global key (aws:…) or one of ssm's keys)",
      'statement 1: NumericLessThan does not fit aws:SourceArn, an ARN key (use an ARN operator (ArnEquals, ArnLike, …) or a String operator (StringEquals, StringLike, …))',
      'statement 1: ForAnyValue:StringEquals on aws:SourceAccount, which holds one value (a set operator tests every value of a multivalued key) (drop "ForAnyValue:")',
      'statement 1: unknown condition operator StringEqualsAnything (use an operator of the IAM policy grammar (StringEquals, ArnLike, IpAddress, …))',
    ]);
  });

  test("GIVEN lab-eice's operator policy as it was (StringEquals on an IPAddress key) WHEN checked THEN the mismatch is found, and IpAddress passes", () => {
    const statement = (condition: Record<string, unknown>) => ({
      Sid: 'OpenTunnelToThisInstanceOnly',
      Effect: 'Allow',
      Action: 'ec2-instance-connect:OpenTunnel',
      Resource: 'arn:aws:ec2:ap-northeast-1:111122223333:instance-connect-endpoint/eice-0123456789abcdef0',
      Condition: { NumericEquals: { 'ec2-instance-connect:remotePort': 22 }, ...condition },
    });
    expect(findings(statement({ StringEquals: { 'ec2-instance-connect:privateIpAddress': '10.1.3.10' } }))).toEqual([
      'statement "OpenTunnelToThisInstanceOnly": StringEquals does not fit ec2-instance-connect:privateIpAddress, an IPAddress key (use IpAddress or NotIpAddress)',
    ]);
    expect(findings(statement({ IpAddress: { 'ec2-instance-connect:privateIpAddress': '10.1.3.10/32' } }))).toEqual([]);
    // A key of another service that the action itself takes (ec2:osuser on SendSSHPublicKey).
    expect(
      findings({
        Effect: 'Allow',
        Action: 'ec2-instance-connect:SendSSHPublicKey',
        Resource: 'arn:aws:ec2:ap-northeast-1:111122223333:instance/i-0123456789abcdef0',
        Condition: { StringEquals: { 'ec2:osuser': 'ec2-user' } },
      }),
    ).toEqual([]);
  });

  test('GIVEN resources WHEN checked THEN each must fit a resource type the action takes; an action without any takes only "*"', () => {
    expect(findings({ Effect: 'Allow', Action: 'ssm:StartSession', Resource: 'arn:aws:s3:::lab-bucket' })).toEqual([
      'statement 1: no Resource fits a resource type ssm:StartSession takes (document, instance, managed-instance, task) (name a resource of that type, e.g. arn:${Partition}:ssm:${Region}:${Account}:document/${DocumentName})',
    ]);
    expect(
      findings({ Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: 'arn:aws:ec2:*:*:instance/*' }),
    ).toEqual([
      'statement 1: ec2:DescribeInstances takes no resource type, only Resource "*" (give ec2:DescribeInstances Resource "*" (in a statement of its own))',
    ]);
    // Wildcards, IAM policy variables and unknown (Terraform) parts can name a resource of the type.
    expect(
      findings({
        Effect: 'Allow',
        Action: ['ssm:TerminateSession', 'ssm:ResumeSession'],
        Resource: 'arn:aws:ssm:*:*:session/${aws:userid}-*',
      }),
    ).toEqual([]);
  });

  test('GIVEN what Terraform receives (JSON with interpolations, jsonencode HCL, escaped policy variables) WHEN parsed THEN unknown parts are no finding', () => {
    const json = parsePolicyDocument(
      '{"Statement":[{"Effect":"Allow","Action":"ssm:StartSession","Resource":["${aws_instance.x.arn}","arn:aws:ssm:ap-northeast-1:${element(split(":", aws_instance.x.arn), 4)}:document/SSM-SessionManagerRunShell"]},{"Effect":"Allow","Action":"ssm:TerminateSession","Resource":"arn:aws:ssm:*:*:session/$${aws:userid}-*"}]}',
    );
    expect(json).toBeDefined();
    expect((json!.Statement as { Resource: unknown }[])[1].Resource).toBe('arn:aws:ssm:*:*:session/${aws:userid}-*');
    expect(checkPolicyDocument(json!)).toEqual([]);
    const hcl = parsePolicyDocument(
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Sid" = "D", "Effect" = "Allow", "Action" = "ec2:DeleteVpcEndpointz", "Resource" = formatlist("arn:%s:ec2:%s:*:vpc-endpoint/%s", data.aws_partition.current.partition, local.ids)}, {"Effect" = "Allow", "Action" = local.action, "Resource" = "*"}]})}',
    );
    expect(checkPolicyDocument(hcl!).map((finding) => finding.message)).toEqual([
      'unknown action ec2:DeleteVpcEndpointz',
    ]);
    expect(parsePolicyDocument('not a policy')).toBeUndefined();
    expect(parsePolicyDocument('{"Version":"2012-10-17"}')).toBeUndefined();
  });

  test('GIVEN the lab with a broken role policy WHEN checked THEN synth stops with one line per finding, naming the stack, the policy, the statement and the fix', () => {
    const app = Testing.app();
    const stacks = addLabStacks(app, configWith());
    new IamRolePolicy(stacks.ssmNat, 'broken-policy', {
      role: 'some-role',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Typo', Effect: 'Allow', Action: 'ssm:StartSesion', Resource: '*' },
          {
            Sid: 'WrongKeyAndOperator',
            Effect: 'Allow',
            Action: 'ssm:StartSession',
            Resource: '*',
            Condition: { StringEquals: { 'ssm:NoSuchKey': 'x' }, NumericEquals: { 'aws:SourceArn': '1' } },
          },
        ],
      }),
    });
    let error: unknown;
    try {
      stacks.guardrails.check(app);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(GuardrailError);
    const lines = (error as Error).message.split('\n').filter((line) => line.includes('SSMLAB-IAM-4'));
    expect(lines).toEqual([
      expect.stringMatching(
        /^ {2}SSMLAB-IAM-4 at lab-ssm-nat\/broken-policy: aws_iam_role_policy policy, statement "Typo": unknown action ssm:StartSesion \(did you mean ssm:StartSession\?\)\. Fix: .* \(or acknowledge: SSM_LAB_ACKNOWLEDGE="SSMLAB-IAM-4@lab-ssm-nat=<reason>"\)\.$/,
      ),
      expect.stringContaining('statement "WrongKeyAndOperator": unknown condition key ssm:NoSuchKey'),
      expect.stringContaining('statement "WrongKeyAndOperator": NumericEquals does not fit aws:SourceArn, an ARN key'),
    ]);
  });

  test('GIVEN every policy the lab writes, every option on WHEN their actions are listed THEN each is in the pinned catalogue (a test that fails when one disappears)', () => {
    const { stacks } = synthLab(
      configWith({ ...SSH_OPERATOR_ENV, SSM_LAB_SSH_OVER_SSM: 'true', SSM_LAB_SESSION_AUDIT: 'true' }),
    );
    const actions = new Set<string>();
    const collect = (value: unknown) => {
      if (typeof value === 'string') {
        const document = parsePolicyDocument(value);
        for (const statement of (document?.Statement as Record<string, unknown>[] | undefined) ?? [])
          for (const action of [statement.Action ?? []].flat()) if (typeof action === 'string') actions.add(action);
      } else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    collect(stacks);
    expect(actions.size).toBeGreaterThan(15);
    const missing = [...actions].filter((action) => {
      if (action.includes('${')) return false;
      const [service, name] = action.split(':');
      if (!serviceExists(service)) return true;
      const pattern = new RegExp(`^${name.replace(/\*/g, '.*')}$`, 'i');
      return !Object.values(actionsOf(service)).some((candidate) => pattern.test(candidate.name));
    });
    expect(missing).toEqual([]);
    expect([...actions]).toEqual(
      expect.arrayContaining(['ssm:StartSession', 'ec2-instance-connect:OpenTunnel', 'kms:GenerateDataKey']),
    );
  });

  test('GIVEN the package WHEN its version is read THEN it is pinned exactly, and the catalogue says which version and date it is', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    const pinned = manifest.dependencies[IAM_DATA_PACKAGE];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(iamCatalogVersion()).toEqual({ version: pinned, updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });
});
