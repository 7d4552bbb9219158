/**
 * The least-privilege IAM policy for whoever opens sessions to one instance, in the form of AWS's
 * Session Manager documentation ("Quickstart end user policies for Session Manager"):
 * `ssm:StartSession` on the instance and on exactly the Session documents its commands use, with
 * the document access check on; `ssm:TerminateSession` / `ssm:ResumeSession` on the caller's own
 * sessions only (a session id starts with the caller's `aws:userid`); and, when the shell's
 * document encrypts session data with a KMS key, `kms:GenerateDataKey` on that key for sessions to
 * this instance only — the Session Manager plugin on the operator's machine asks KMS for the
 * session's data key itself, with the session and the target as encryption context.
 */

/** Session Manager documents the lab's commands name (AWS-owned: their ARNs carry no account). */
export const SessionDocument = {
  /** The default shell (an account's own document, created with the Session Manager preferences). */
  SHELL: 'SSM-SessionManagerRunShell',
  SSH: 'AWS-StartSSHSession',
  PORT_FORWARDING: 'AWS-StartPortForwardingSession',
  PORT_FORWARDING_TO_REMOTE_HOST: 'AWS-StartPortForwardingSessionToRemoteHost',
} as const;

export interface OperatorPolicyProps {
  readonly partition: string;
  readonly region: string;
  /** The account of the instance (a Terraform expression is fine). */
  readonly account: string;
  /** The instance's ARN (a Terraform expression is fine). */
  readonly instanceArn: string;
  /** The account-owned Session document the shell uses: the default, or the session audit's. */
  readonly shellDocument: string;
  /** AWS-owned documents the commands use besides the shell. */
  readonly awsDocuments: readonly string[];
  /**
   * The KMS key the shell's document encrypts session data with (the session audit's), by ARN.
   * @default none: the shell's sessions are not encrypted with a key of the lab's
   */
  readonly sessionKeyArn?: string;
  /**
   * The instance's id, which the plugin names as `aws:ssm:TargetId` in the data key's encryption
   * context (a Terraform expression is fine). Required with {@link sessionKeyArn}.
   * @default none
   */
  readonly instanceId?: string;
}

/** The encryption context key the Session Manager plugin sets to the session's target. */
export const SESSION_TARGET_CONTEXT_KEY = 'kms:EncryptionContext:aws:ssm:TargetId';

/**
 * The policy as JSON text. `${aws:userid}` is escaped for Terraform (`$${…}`), which would
 * otherwise read it as an interpolation: the policy IAM receives holds the variable itself.
 */
export function sessionManagerOperatorPolicy(props: OperatorPolicyProps): string {
  if (props.sessionKeyArn !== undefined && props.instanceId === undefined)
    throw new Error(
      'sessionManagerOperatorPolicy: instanceId is required with sessionKeyArn (the key is granted for sessions to that instance only)',
    );
  const ssm = (account: string, resource: string) =>
    `arn:${props.partition}:ssm:${props.region}:${account}:${resource}`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'StartSessionsOnThisInstanceWithTheseDocuments',
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        Resource: [
          props.instanceArn,
          ssm(props.account, `document/${props.shellDocument}`),
          ...props.awsDocuments.map((document) => ssm('', `document/${document}`)),
        ],
        // Without it a user allowed StartSession may use the default shell document implicitly.
        Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
      },
      {
        Sid: 'EndOrResumeOwnSessionsOnly',
        Effect: 'Allow',
        Action: ['ssm:TerminateSession', 'ssm:ResumeSession'],
        Resource: `arn:${props.partition}:ssm:*:*:session/$\${aws:userid}-*`,
      },
      ...(props.sessionKeyArn === undefined
        ? []
        : [
            {
              Sid: 'EncryptSessionDataForThisInstance',
              Effect: 'Allow',
              Action: 'kms:GenerateDataKey',
              Resource: props.sessionKeyArn,
              Condition: { StringEquals: { [SESSION_TARGET_CONTEXT_KEY]: props.instanceId } },
            },
          ]),
    ],
  });
}
