/**
 * Session audit: what Session Manager gives that SSH cannot — every session's transcript streamed
 * to CloudWatch Logs, encrypted with a customer managed KMS key, with idle and maximum session
 * times. A lab-specific Session document carries the preferences; the account's default
 * `SSM-SessionManagerRunShell` is never touched (that would change every session in the account).
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { LOG_RETENTION_DAYS, sessionAuditDocumentName } from './session-audit-facts';

export { LOG_RETENTION_DAYS, SESSION_AUDIT_ACTIONS, sessionAuditDocumentName } from './session-audit-facts';

export interface SessionAuditProps {
  /** Lab name: the prefix of every name. */
  readonly labName: string;
  /** The Session Manager instance role (from lab-network): gets exactly the audit permissions. */
  readonly instanceRoleName: string;
  readonly instanceRoleArn: string;
  readonly region: string;
  /**
   * AWS partition, for ARNs.
   * @default 'aws'
   */
  readonly partition?: string;
  /**
   * Days CloudWatch Logs keeps the transcripts (one of {@link LOG_RETENTION_DAYS}).
   * @default 7
   */
  readonly logRetentionDays?: number;
  /**
   * Minutes without input before Session Manager ends a session.
   * @default 20
   */
  readonly idleSessionTimeoutMinutes?: number;
  /**
   * Longest session, in minutes.
   * @default 60
   */
  readonly maxSessionDurationMinutes?: number;
  /**
   * Days a deleted key waits before AWS deletes it (7 is AWS's minimum).
   * @default 7
   */
  readonly keyDeletionWindowDays?: number;
}

export class SessionAudit extends Construct {
  readonly key: KmsKey;
  readonly logGroup: CloudwatchLogGroup;
  readonly document: SsmDocument;
  readonly rolePolicy: IamRolePolicy;
  /** The Session document's content, before encoding (what Session Manager reads). */
  readonly documentContent: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: SessionAuditProps) {
    super(scope, id);
    const partition = props.partition ?? 'aws';
    const retention = props.logRetentionDays ?? 7;
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
      throw new Error(
        `SessionAudit: logRetentionDays ${retention} is not one CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(', ')})`,
      );
    }
    // The account id, from the role's ARN (arn:aws:iam::<account>:role/…): no lookup at plan time.
    const account = Fn.element(Fn.split(':', props.instanceRoleArn), 4);
    const logGroupPrefix = `/${props.labName}/session-audit-`;

    this.key = new KmsKey(this, 'key', {
      description: `${props.labName}: encrypts Session Manager session data and its transcripts`,
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowDays ?? 7,
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          {
            // The default key policy: the account (its IAM policies) administers the key.
            Sid: 'AccountAdministersTheKey',
            Effect: 'Allow',
            Principal: { AWS: `arn:${partition}:iam::${account}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
          {
            Sid: 'LogsEncryptTheTranscripts',
            Effect: 'Allow',
            Principal: { Service: `logs.${props.region}.amazonaws.com` },
            Action: [
              'kms:Encrypt',
              'kms:Decrypt',
              'kms:ReEncryptFrom',
              'kms:ReEncryptTo',
              'kms:GenerateDataKey',
              'kms:DescribeKey',
            ],
            Resource: '*',
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${props.region}:${account}:log-group:${logGroupPrefix}*`,
              },
            },
          },
          {
            Sid: 'InstanceRoleEncryptsSessions',
            Effect: 'Allow',
            Principal: { AWS: props.instanceRoleArn },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: '*',
          },
        ],
      }),
      tags: { Name: `${props.labName}-session-audit` },
    });
    new KmsAlias(this, 'alias', { namePrefix: `alias/${props.labName}-session-audit-`, targetKeyId: this.key.keyId });

    // A name prefix: an orphaned log group must not block the next apply.
    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      namePrefix: logGroupPrefix,
      kmsKeyId: this.key.arn,
      retentionInDays: retention,
      tags: { Name: `${props.labName}-session-audit` },
    });

    this.documentContent = {
      schemaVersion: '1.0',
      description: `${props.labName}: sessions streamed to CloudWatch Logs, encrypted with the lab's KMS key`,
      sessionType: 'Standard_Stream',
      inputs: {
        cloudWatchLogGroupName: this.logGroup.name,
        cloudWatchEncryptionEnabled: true,
        cloudWatchStreamingEnabled: true,
        kmsKeyId: this.key.keyId,
        s3BucketName: '',
        s3EncryptionEnabled: true,
        runAsEnabled: false,
        idleSessionTimeout: String(props.idleSessionTimeoutMinutes ?? 20),
        maxSessionDuration: String(props.maxSessionDurationMinutes ?? 60),
        shellProfile: { linux: '', windows: '' },
      },
    };
    // SSM documents have no name prefix; the lab name keeps labs apart, and `npm run leftovers`
    // finds one a killed apply left.
    this.document = new SsmDocument(this, 'document', {
      name: sessionAuditDocumentName(props.labName),
      documentType: 'Session',
      documentFormat: 'JSON',
      content: Fn.jsonencode(this.documentContent),
      tags: { Name: sessionAuditDocumentName(props.labName) },
    });

    this.rolePolicy = new IamRolePolicy(this, 'role-policy', {
      name: `${props.labName}-session-audit`,
      role: props.instanceRoleName,
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'WriteTheTranscripts',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: [this.logGroup.arn, `${this.logGroup.arn}:*`],
          },
          {
            // The agent checks the group exists and is encrypted; these calls take no resource.
            Sid: 'FindTheLogGroup',
            Effect: 'Allow',
            Action: ['logs:DescribeLogGroups', 'logs:DescribeLogStreams'],
            Resource: '*',
          },
          { Sid: 'UseTheKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: this.key.arn },
        ],
      }),
    });
  }
}
