import { SessionAudit, SESSION_AUDIT_ACTIONS } from '../lib/session-audit';
import { onlyResource, referenceTo, synthConstruct } from './helpers/synth';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/ssm-lab-instance-20261125';

describe('SessionAudit', () => {
  let audit: SessionAudit;
  const json = synthConstruct((scope) => {
    audit = new SessionAudit(scope, 'audit', {
      labName: 'ssm-lab',
      instanceRoleName: 'ssm-lab-instance-20261125',
      instanceRoleArn: ROLE_ARN,
      region: 'ap-northeast-1',
    });
  });

  test('GIVEN defaults WHEN synthesized THEN the key rotates, waits 7 days when deleted, and its policy names admin, Logs and the role', () => {
    const key = onlyResource(json, 'aws_kms_key');
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 7 });
    const policy = String(key.policy);
    expect(policy).toContain('"Sid" = "AccountAdministersTheKey"');
    expect(policy).toContain('"Service" = "logs.ap-northeast-1.amazonaws.com"');
    expect(policy).toContain(`"Principal" = {"AWS" = "${ROLE_ARN}"}`);
    expect(policy).toContain('log-group:/ssm-lab/session-audit-*');
    expect(onlyResource(json, 'aws_kms_alias').name_prefix).toBe('alias/ssm-lab-session-audit-');
  });

  test('GIVEN defaults WHEN synthesized THEN the log group is encrypted with the key, keeps 7 days and has a name prefix', () => {
    expect(onlyResource(json, 'aws_cloudwatch_log_group')).toMatchObject({
      name_prefix: '/ssm-lab/session-audit-',
      kms_key_id: referenceTo(json, 'aws_kms_key', 'arn'),
      retention_in_days: 7,
    });
  });

  test("GIVEN the document WHEN read THEN it is the lab's own Session document: schema 1.0, streamed, encrypted, time-limited", () => {
    const document = onlyResource(json, 'aws_ssm_document');
    expect(document).toMatchObject({
      name: 'ssm-lab-session-audit',
      document_type: 'Session',
      document_format: 'JSON',
    });
    expect(document.name).not.toBe('SSM-SessionManagerRunShell');
    expect(audit.documentContent).toMatchObject({
      schemaVersion: '1.0',
      sessionType: 'Standard_Stream',
      inputs: {
        cloudWatchEncryptionEnabled: true,
        cloudWatchStreamingEnabled: true,
        idleSessionTimeout: '20',
        maxSessionDuration: '60',
        runAsEnabled: false,
      },
    });
    const content = String(document.content);
    expect(content).toContain(
      `"cloudWatchLogGroupName" = ${referenceTo(json, 'aws_cloudwatch_log_group', 'name').slice(2, -1)}`,
    );
    expect(content).toContain(`"kmsKeyId" = ${referenceTo(json, 'aws_kms_key', 'key_id').slice(2, -1)}`);
  });

  test('GIVEN the role policy WHEN read THEN it grants exactly the audit actions, the writes on its own log group only', () => {
    const policy = onlyResource(json, 'aws_iam_role_policy');
    expect(policy.role).toBe('ssm-lab-instance-20261125');
    const text = String(policy.policy);
    const actions = [...text.matchAll(/"Action" = \[([^\]]*)\]/g)].flatMap((m) =>
      [...m[1].matchAll(/"([^"]+)"/g)].map((a) => a[1]),
    );
    expect(actions.sort()).toEqual([...SESSION_AUDIT_ACTIONS].sort());
    expect(text).toContain(
      `"Action" = ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource" = [${referenceTo(json, 'aws_cloudwatch_log_group', 'arn').slice(2, -1)}`,
    );
    expect(text).toContain(`"Resource" = ${referenceTo(json, 'aws_kms_key', 'arn').slice(2, -1)}}`);
  });

  test('GIVEN a retention CloudWatch does not accept WHEN constructed THEN it throws naming the accepted values', () => {
    expect(() =>
      synthConstruct(
        (scope) =>
          new SessionAudit(scope, 'a', {
            labName: 'x',
            instanceRoleName: 'r',
            instanceRoleArn: ROLE_ARN,
            region: 'ap-northeast-1',
            logRetentionDays: 10,
          }),
      ),
    ).toThrow('SessionAudit: logRetentionDays 10 is not one CloudWatch Logs accepts (1, 3, 5, 7, 14');
  });
});
