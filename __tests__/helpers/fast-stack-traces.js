// Test setup: cdktf records a full stack trace for every token it creates (on a plain object,
// not an Error). Under a test runner each trace goes through its source-map support, which maps
// every frame through cdktf's inline source maps (under Jest a synth was ~4x slower than outside).
// Those traces are only diagnostics, so format them plainly; real errors keep their mapped stacks.
// Test files share a worker (vitest.config.mts), and this runs before each: wrap once per worker.
'use strict';
if (!Error.prepareStackTrace?.plainForNonErrors) {
  const mapped = Error.prepareStackTrace;
  const prepareStackTrace = function prepareStackTrace(error, frames) {
    if (mapped && error instanceof Error) return mapped(error, frames);
    return `Error\n${frames.map((frame) => `    at ${frame}`).join('\n')}`;
  };
  prepareStackTrace.plainForNonErrors = true;
  Error.prepareStackTrace = prepareStackTrace;
}
