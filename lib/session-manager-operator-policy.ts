/**
 * The least-privilege IAM policy for whoever opens sessions to one instance, in the form of AWS's
 * Session Manager documentation ("Quickstart end user policies for Session Manager"):
 * `ssm:StartSession` on the instance and on exactly the Session documents its commands use, with
 * the document access check on, and `ssm:TerminateSession` / `ssm:ResumeSession` on the caller's
 * own sessions only (a session id starts with the caller's `aws:userid`).
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
}

/**
 * The policy as JSON text. `${aws:userid}` is escaped for Terraform (`$${…}`), which would
 * otherwise read it as an interpolation: the policy IAM receives holds the variable itself.
 */
export function sessionManagerOperatorPolicy(props: OperatorPolicyProps): string {
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
    ],
  });
}
