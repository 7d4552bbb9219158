import { SessionManagerRole } from '../lib/session-manager-role';
import { onlyResource, synthConstruct } from './helpers/synth';

describe('SessionManagerRole', () => {
  const json = synthConstruct((scope) => {
    new SessionManagerRole(scope, 'role', { name: 'lab-instance' });
  });

  test('GIVEN a role WHEN synthesized THEN only EC2 may assume it', () => {
    const role = onlyResource(json, 'aws_iam_role');
    expect(role.name_prefix).toBe('lab-instance-');
    expect(JSON.parse(String(role.assume_role_policy))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
  });

  test('GIVEN a role WHEN synthesized THEN it holds AmazonSSMManagedInstanceCore and nothing else', () => {
    expect(onlyResource(json, 'aws_iam_role_policy_attachment').policy_arn).toBe(
      'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    );
    expect(json.resource?.aws_iam_role_policy).toBeUndefined();
    expect(onlyResource(json, 'aws_iam_role').inline_policy).toBeUndefined();
  });

  test('GIVEN a role WHEN synthesized THEN an instance profile exposes it', () => {
    expect(onlyResource(json, 'aws_iam_instance_profile')).toMatchObject({
      name_prefix: 'lab-instance-',
      role: expect.stringMatching(/^\$\{aws_iam_role\.[^.]+\.name\}$/),
    });
  });

  test('GIVEN the China partition WHEN synthesized THEN the policy ARN follows it', () => {
    const cn = synthConstruct((scope) => {
      new SessionManagerRole(scope, 'role', { name: 'x', partition: 'aws-cn' });
    });
    expect(onlyResource(cn, 'aws_iam_role_policy_attachment').policy_arn).toBe(
      'arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore',
    );
  });

  test('GIVEN an invalid name WHEN constructed THEN it throws', () => {
    expect(() => synthConstruct((scope) => new SessionManagerRole(scope, 'r', { name: 'has space' }))).toThrow(
      'name "has space" must be',
    );
  });
});
