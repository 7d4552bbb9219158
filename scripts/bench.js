#!/usr/bin/env node
// Measures the app's own synth of every stack: the process cdktf.json's "app" runs, without the
// cdktf CLI, against the same code run with ts-node (the `cdktf init` template's app command).
// Usage: npm run bench [-- runs]   (default 5 runs each; prints median wall time and peak RSS)
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.argv[2] || 5);
const LIMITS = { wallSeconds: 0.8, peakMiB: 200, speedupOverTsNode: 3 };
const appCommand = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8')).app.split(' ');

function measure(label, argv) {
  const samples = [];
  for (let run = 0; run < RUNS; run++) {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-bench-'));
    const rssFile = path.join(scratch, 'rss');
    const [command, ...args] = argv;
    const executable = command === 'node' ? process.execPath : command;
    const started = process.hrtime.bigint();
    const result = spawnSync(executable, ['-r', path.join(__dirname, 'rss-probe.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: path.join(scratch, 'out'), BENCH_RSS_FILE: rssFile },
      encoding: 'utf8',
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) {
      process.stderr.write(`bench: ${label} failed (exit ${result.status}):\n${result.stderr}`);
      process.exit(1);
    }
    const stacks = fs.readdirSync(path.join(scratch, 'out', 'stacks'));
    samples.push({ seconds, mib: Number(fs.readFileSync(rssFile, 'utf8')) / 1024, stacks: stacks.length });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const sorted = samples.map((s) => s.seconds).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const peak = Math.max(...samples.map((s) => s.mib));
  console.log(
    `${label.padEnd(34)} median ${median.toFixed(3)} s   peak ${peak.toFixed(1)} MiB   (${RUNS} runs, ${samples[0].stacks} stacks)`,
  );
  return { median, peak };
}

const app = measure(`app: ${appCommand.join(' ')}`, appCommand);
const tsNode = measure('ts-node main.ts (cdktf init default)', [
  'node',
  require.resolve('ts-node/dist/bin.js'),
  'main.ts',
]);
const speedup = tsNode.median / app.median;
console.log(`speed-up over ts-node: ${speedup.toFixed(1)}x`);

const failures = [];
if (app.median > LIMITS.wallSeconds) failures.push(`wall ${app.median.toFixed(3)} s > ${LIMITS.wallSeconds} s`);
if (app.peak > LIMITS.peakMiB) failures.push(`peak ${app.peak.toFixed(1)} MiB > ${LIMITS.peakMiB} MiB`);
if (speedup < LIMITS.speedupOverTsNode) failures.push(`speed-up ${speedup.toFixed(1)}x < ${LIMITS.speedupOverTsNode}x`);
if (failures.length > 0) {
  console.error(`bench: over budget: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`within budget (≤ ${LIMITS.wallSeconds} s, ≤ ${LIMITS.peakMiB} MiB, ≥ ${LIMITS.speedupOverTsNode}x)`);
