/**
 * cdktf records a complete stack trace for every token it creates (each `Fn.*` call, lazy value
 * and reference), only to show where a token was made when it later fails to resolve. A synth of
 * the lab creates about 350 of them, and taking them is an eighth of its time. The app takes them
 * only when stack traces are asked for (SSM_LAB_DEBUG=1); an unresolvable token's error still
 * names the token, without where it was created.
 *
 * cdktf reads the function from its module's exports at every call, so replacing the export is
 * enough. The module is private to cdktf, which is pinned to an exact version; a test fails if a
 * new version moves or renames it.
 */
// The module's own exports object (an ES import would give a read-only namespace in some loaders).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackTrace = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace(): string[] };
const capture = stackTrace.captureStackTrace;

/** Whether tokens made from now on carry their creation stack (cdktf's default: yes). */
export function recordTokenCreationStacks(record: boolean): void {
  stackTrace.captureStackTrace = record ? capture : () => [];
}
