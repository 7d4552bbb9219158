/** Facts of the session audit that the settings, the guardrails and the stacks share, without loading its resources. */

/** What the instance role needs for audited sessions, and nothing else (the guardrails allow exactly these). */
export const SESSION_AUDIT_ACTIONS = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'logs:DescribeLogGroups',
  'logs:DescribeLogStreams',
  'kms:Decrypt',
  'kms:GenerateDataKey',
] as const;

/** The retention values CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The name of the lab's Session document (`aws ssm start-session --document-name …`). */
export function sessionAuditDocumentName(labName: string): string {
  return `${labName}-session-audit`;
}
