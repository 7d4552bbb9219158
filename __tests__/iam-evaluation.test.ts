import { evaluateRequest, IamRequest } from '../lib/iam-policy';
import { evaluateTemplate, evaluateValue, UnevaluableExpression } from '../lib/terraform-expressions';

// IAM's evaluation of one request under one identity policy (IAM User Guide, "Policy evaluation
// logic" and "IAM JSON policy elements: Condition operators"), as the operator-policy check uses it.

const INSTANCE = 'arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc';
const request = (overrides: Partial<IamRequest> = {}): IamRequest => ({
  action: 'ssm:StartSession',
  resource: INSTANCE,
  context: { 'aws:userid': 'AROAEXAMPLE:alice' },
  ...overrides,
});
const policy = (...statements: Record<string, unknown>[]) => JSON.stringify({ Statement: statements });
const allow = (extra: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Action: 'ssm:StartSession',
  Resource: INSTANCE,
  ...extra,
});

describe('evaluateRequest', () => {
  test('GIVEN an Allow of the action on the resource WHEN evaluated THEN allowed, by that statement', () => {
    expect(evaluateRequest(policy(allow({ Sid: 'Start' })), request())).toEqual({
      allowed: true,
      allowedBy: '"Start"',
    });
  });

  test('GIVEN wildcards in the action and in an ARN part WHEN evaluated THEN they match within IAM rules', () => {
    expect(
      evaluateRequest(policy(allow({ Action: 'SSM:Start*', Resource: 'arn:aws:ec2:*:*:instance/i-0a?c' })), request())
        .allowed,
    ).toBe(true);
    // A wildcard in the region part does not reach into the account part.
    expect(
      evaluateRequest(policy(allow({ Resource: 'arn:aws:ec2:eu-west-1:999999999999:instance/*' })), request()).allowed,
    ).toBe(false);
  });

  test('GIVEN an explicit Deny that applies WHEN an Allow also applies THEN denied, naming the Deny', () => {
    const decision = evaluateRequest(
      policy(allow(), { Sid: 'NoSessions', Effect: 'Deny', Action: 'ssm:*', Resource: '*' }),
      request(),
    );
    expect(decision).toEqual({ allowed: false, reason: 'statement "NoSessions" denies it' });
  });

  test('GIVEN a Deny whose condition does not match WHEN evaluated THEN the Allow stands', () => {
    const deny = {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:userid': 'AROAEXAMPLE:mallory' } },
    };
    expect(evaluateRequest(policy(allow(), deny), request()).allowed).toBe(true);
  });

  test('GIVEN NotResource and NotAction WHEN evaluated THEN they mean everything else', () => {
    expect(
      evaluateRequest(
        policy(allow({ Resource: undefined, NotResource: 'arn:aws:ec2:*:*:instance/i-0other' })),
        request(),
      ).allowed,
    ).toBe(true);
    expect(
      evaluateRequest(
        policy({ Effect: 'Allow', NotAction: 'ssm:StartSession', Resource: '*' }),
        request({ action: 'ssm:StartSession' }),
      ),
    ).toEqual({ allowed: false, reason: 'no statement allows ssm:StartSession' });
  });

  test('GIVEN a policy variable in the resource WHEN the caller matches THEN allowed, and another caller is not', () => {
    const sessions = allow({ Action: 'ssm:TerminateSession', Resource: 'arn:aws:ssm:*:*:session/${aws:userid}-*' });
    const session = (who: string) =>
      request({ action: 'ssm:TerminateSession', resource: `arn:aws:ssm:eu-west-1:111122223333:session/${who}-0abc` });
    expect(evaluateRequest(policy(sessions), session('AROAEXAMPLE:alice')).allowed).toBe(true);
    expect(evaluateRequest(policy(sessions), session('AROAEXAMPLE:bob'))).toEqual({
      allowed: false,
      reason: 'statement #1 names ssm:TerminateSession but not this resource',
    });
  });

  test('GIVEN condition operators WHEN the key is present, absent or multi-valued THEN each follows IAM', () => {
    const withCondition = (condition: Record<string, unknown>, context: IamRequest['context']) =>
      evaluateRequest(policy(allow({ Condition: condition })), request({ context })).allowed;
    // IfExists holds without the key; the plain operator does not.
    expect(withCondition({ BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } }, {})).toBe(true);
    expect(withCondition({ Bool: { 'ssm:SessionDocumentAccessCheck': 'true' } }, {})).toBe(false);
    // Key names are case-insensitive; values of String operators are not (the IgnoreCase form is).
    expect(withCondition({ StringEquals: { 'EC2:OSUser': 'ec2-user' } }, { 'ec2:osuser': 'ec2-user' })).toBe(true);
    expect(withCondition({ StringEquals: { 'ec2:osuser': 'EC2-USER' } }, { 'ec2:osuser': 'ec2-user' })).toBe(false);
    expect(withCondition({ StringEqualsIgnoreCase: { 'ec2:osuser': 'EC2-USER' } }, { 'ec2:osuser': 'ec2-user' })).toBe(
      true,
    );
    // A negated operator holds when the key is absent.
    expect(withCondition({ StringNotEquals: { 'ec2:osuser': 'root' } }, {})).toBe(true);
    expect(withCondition({ StringNotLike: { 'ec2:osuser': 'ro*' } }, { 'ec2:osuser': 'root' })).toBe(false);
    expect(withCondition({ NumericLessThanEquals: { port: '1024' } }, { port: '22' })).toBe(true);
    expect(withCondition({ IpAddress: { ip: '10.1.0.0/16' } }, { ip: '10.1.2.3' })).toBe(true);
    expect(withCondition({ NotIpAddress: { ip: '10.1.0.0/16' } }, { ip: '10.1.2.3' })).toBe(false);
    expect(withCondition({ ArnLike: { source: 'arn:aws:ec2:*:*:instance/*' } }, { source: INSTANCE })).toBe(true);
    expect(withCondition({ Null: { 'aws:TokenIssueTime': 'true' } }, {})).toBe(true);
    // Set operators over a multi-valued key.
    expect(withCondition({ 'ForAllValues:StringLike': { tags: ['team-*'] } }, { tags: ['team-a', 'team-b'] })).toBe(
      true,
    );
    expect(withCondition({ 'ForAllValues:StringLike': { tags: ['team-*'] } }, { tags: ['team-a', 'ops'] })).toBe(false);
    expect(withCondition({ 'ForAnyValue:StringEquals': { tags: ['ops'] } }, { tags: ['team-a', 'ops'] })).toBe(true);
    // Every operator block and every key must hold.
    expect(
      withCondition(
        { StringEquals: { 'ec2:osuser': 'ec2-user' }, NumericEquals: { port: '22' } },
        { 'ec2:osuser': 'ec2-user', port: '3389' },
      ),
    ).toBe(false);
  });

  test('GIVEN an operator the review does not evaluate WHEN evaluated THEN not allowed, and the reason names it', () => {
    const decision = evaluateRequest(
      policy(allow({ Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } })),
      request(),
    );
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain('the condition operator DateLessThan (not one the review evaluates)');
  });
});

describe('evaluateTemplate and evaluateValue', () => {
  const values: Record<string, unknown> = {
    'aws_instance.x.arn': 'arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc',
    'aws_instance.x.id': 'i-0abc',
    'module.vpc.private_subnets': ['subnet-1', 'subnet-2'],
  };
  const resolve = (parts: readonly string[]) => values[parts.join('.')];

  test('GIVEN the functions the outputs use WHEN evaluated THEN Terraform would print the same', () => {
    expect(
      evaluateTemplate('arn:aws:ssm:eu-west-1:${element(split(":", aws_instance.x.arn), 4)}:document/x', resolve),
    ).toBe('arn:aws:ssm:eu-west-1:111122223333:document/x');
    expect(evaluateTemplate('--target ${nonsensitive(aws_instance.x.id)} $${aws:userid}', resolve)).toBe(
      '--target i-0abc ${aws:userid}',
    );
    expect(evaluateValue('${module.vpc.private_subnets[1]}', resolve)).toBe('subnet-2');
    expect(evaluateValue('${jsonencode({"a" = [aws_instance.x.id, 2], b = "c${aws_instance.x.id}"})}', resolve)).toBe(
      '{"a":["i-0abc",2],"b":"ci-0abc"}',
    );
  });

  test('GIVEN a reference without a value or an unknown function WHEN evaluated THEN it says which', () => {
    expect(() => evaluateTemplate('${aws_instance.y.id}', resolve)).toThrow(
      new UnevaluableExpression('no value for aws_instance.y.id'),
    );
    expect(() => evaluateTemplate('${cidrhost("10.0.0.0/16", 4)}', resolve)).toThrow(
      'the function cidrhost() is not one the review evaluates',
    );
  });
});
