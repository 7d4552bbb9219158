/**
 * AWS failures in one line each, naming what to do — the same words for every tool that talks to
 * AWS (`review --account`, `status`, `leftovers`). `command` is how the user runs the tool again.
 */

export type AwsFailureKind = 'credentials' | 'refused' | 'denied' | 'throttled';

export interface AwsFailure {
  readonly kind: AwsFailureKind;
  /** The SDK's error name, e.g. `AccessDeniedException`. */
  readonly name: string;
}

/** The kind of an AWS SDK error, or undefined when it is none of the kinds a user can act on. */
export function awsFailure(error: unknown): AwsFailure | undefined {
  const name = (error as { name?: string })?.name ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message))
    return { kind: 'credentials', name };
  if (/ExpiredToken|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch/.test(name))
    return { kind: 'refused', name };
  if (/AccessDenied|UnauthorizedOperation|AuthorizationError/.test(name)) return { kind: 'denied', name };
  if (/Throttl|TooManyRequests|RequestLimitExceeded/.test(name)) return { kind: 'throttled', name };
  return undefined;
}

/** The line for credentials that are missing or no longer valid. */
export function signInAgain(command: string): string {
  return `AWS credentials are missing, expired or invalid: sign in again (aws sso login --profile <profile>, or fresh AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN), check AWS_PROFILE, then run ${command} again.`;
}

/**
 * One line for an AWS failure of `action` (an IAM action or a description of the call), with
 * what to do; `permissions` names what a denied call needs. Undefined for other errors.
 */
export function explainAwsFailure(
  error: unknown,
  action: string,
  command: string,
  permissions?: string,
): string | undefined {
  const failure = awsFailure(error);
  switch (failure?.kind) {
    case 'credentials':
      return signInAgain(command);
    case 'refused':
      return `AWS refused the credentials (${failure.name}) on ${action}: sign in again, then run ${command} again.`;
    case 'denied':
      return `not allowed to call ${action} (${failure.name}): ${permissions ?? 'grant it (read-only)'}, then run ${command} again.`;
    case 'throttled':
      return `AWS throttled ${action} (${failure.name}) even after retries: run ${command} again in a minute.`;
    default:
      return undefined;
  }
}
