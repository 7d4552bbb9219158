import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

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

/** AWS settings that cannot work, found before any call: one line, naming the fix. */
export class AwsSettingsError extends Error {}

/** The profile names of an AWS config file (`[profile x]`, `[default]`) or credentials file (`[x]`). */
function profilesIn(file: string, configFile: boolean): string[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const names: string[] = [];
  for (const match of text.matchAll(/^\s*\[\s*([^\]]+?)\s*\]\s*$/gm)) {
    const section = match[1];
    if (!configFile) names.push(section);
    else if (section === 'default') names.push(section);
    else if (section.startsWith('profile ')) names.push(section.slice('profile '.length).trim());
  }
  return names;
}

/**
 * Whether the profile the AWS settings name exists: the AWS CLI, the SDK and Terraform all stop
 * on a missing one, each in its own words (Terraform once per stack). Checked once, before any
 * call, in the files the SDK reads (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE or ~/.aws).
 */
export function checkAwsProfile(env: NodeJS.ProcessEnv, command: string): void {
  const profile = env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE;
  if (!profile) return;
  const home = env.HOME || os.homedir();
  const configFile = env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config');
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials');
  const known = [...(profilesIn(configFile, true) ?? []), ...(profilesIn(credentialsFile, false) ?? [])];
  if (known.includes(profile)) return;
  const variable = env.AWS_PROFILE ? 'AWS_PROFILE' : 'AWS_DEFAULT_PROFILE';
  throw new AwsSettingsError(
    `${variable}=${profile} names no profile in ${configFile} or ${credentialsFile}${known.length > 0 ? ` (they have: ${[...new Set(known)].join(', ')})` : ''}: run aws configure list-profiles to see yours, aws configure sso --profile ${profile} (or aws sso login --profile ${profile}) to set it up, or unset ${variable}; then run ${command} again.`,
  );
}

/**
 * What came back instead of an answer, in one line, for a call whose failure stops only its part:
 * the advice for a failure a user can act on, else the status and the error — and for a body that
 * is no AWS response (an HTML error page), that, not the SDK's deserialization message.
 */
export function whatCameBack(error: unknown, action: string, command: string): string {
  const advice = explainAwsFailure(error, action, command);
  if (advice) return advice;
  const status =
    (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ??
    (error as { $response?: { statusCode?: number } })?.$response?.statusCode;
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  const notAws = /Deserialization error|Unexpected token|not valid JSON|Expected closing tag|non-whitespace/i.test(
    message,
  );
  const what = notAws
    ? 'an answer that is not an AWS API response'
    : `${(error as Error)?.name ?? 'Error'}: ${message}`;
  return `${what}${status ? ` (HTTP ${status})` : ''}`;
}
