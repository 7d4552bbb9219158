/**
 * The steps of a CI check script (node-versions, cdktn-check): each printed with ✓ or ✗ and its
 * time, the failures' output kept for the end, and one plain closing line a CI log reader counts.
 */
'use strict';
const { spawnSync } = require('child_process');

/** A command run to its end, with how long it took. */
function run(command, args, options = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

/** A list of steps under a name: `step` records one, `finish` prints the count and sets the exit code. */
function checklist(name) {
  const failures = [];
  let passed = 0;
  return {
    step(label, result, ok = result.status === 0, detail = '') {
      console.log(`  ${ok ? '✓' : '✗'} ${label} (${result.seconds.toFixed(1)} s)`);
      if (ok) passed++;
      else
        failures.push(`${label}:\n${detail}${(result.stdout || '').slice(-3000)}${(result.stderr || '').slice(-3000)}`);
      return ok;
    },
    finish() {
      console.log(`${name}: ${passed} passed, ${failures.length} failed`);
      if (failures.length > 0) {
        console.error(`\n${failures.length} step(s) failed:\n\n${failures.join('\n\n')}`);
        process.exitCode = 1;
      }
    },
  };
}

module.exports = { run, checklist };
