import { Construct } from 'constructs';
import { SessionAudit } from '../lib/session-audit';
import { LabStack, LabStackProps } from './lab-stack';
import { NetworkStack } from './network-stack';

export interface SessionAuditStackProps extends LabStackProps {
  /** `lab-network`, whose Session Manager role gets the audit permissions. */
  readonly network: NetworkStack;
}

/**
 * `lab-session-audit` (with `SSM_LAB_SESSION_AUDIT=true`): the KMS key, the encrypted log group and
 * the lab's Session document, and the instance role's permission to use them. Depends on
 * `lab-network` only; the scenarios connect through its document.
 */
export class SessionAuditStack extends LabStack {
  readonly audit: SessionAudit;

  constructor(scope: Construct, id: string, props: SessionAuditStackProps) {
    super(scope, id, props);
    const { config, network } = props;
    this.addDependency(network);
    this.audit = new SessionAudit(this, 'audit', {
      labName: config.labName,
      instanceRoleName: network.sessionManagerRole.role.name,
      instanceRoleArn: network.sessionManagerRole.role.arn,
      region: config.region,
      partition: config.partition,
      logRetentionDays: config.sessionLogDays,
    });
    this.output('log_group_name', this.audit.logGroup.name, 'CloudWatch Logs group of the session transcripts');
    this.output('kms_key_arn', this.audit.key.arn, 'KMS key that encrypts session data and transcripts');
    this.output('document_name', this.audit.document.name, 'Session document: aws ssm start-session --document-name …');
    this.output(
      'watch_command',
      `aws logs tail ${this.audit.logGroup.name} --follow --region ${config.region}`,
      'Follow the transcripts as sessions run',
    );
  }
}
