#!/usr/bin/env node
// Measures the project's speed figures side by side in one run and prints each as a median, in
// seconds and in "floors" (the time `node` needs just to load cdktf and two provider resource
// modules, measured in the same run), against targets set where that floor took 0.35 s.
//   npm run bench              synth: floor, the app (cdktf.json's command), ts-node; 5 paired runs
//   npm run bench -- --all     also npm run test:unit, npm test and npm run review (1 run each),
//                              and the packages npm ci installs
//   npm run bench -- --runs 9  more runs of the synth figures
//   npm run bench -- --plan    also npm run review -- --plan on generated plans of 100 to 1,000
//                              instances in 5 to 50 VPCs (scripts/generated-plan.js): time and
//                              peak memory per size, and what each 100 instances more adds
//   npm run bench -- --hub     also npm run review -- --plan on generated hub-and-spoke plans
//                              (scripts/hub-and-spoke-plan.js): 1,000 to 10,000 instances in 50
//                              to 500 spoke VPCs on one transit gateway, egress centralized;
//                              time and peak memory per size, and what each 1,000 more adds
//   npm run bench -- --account DIR [--baseline DIR2]
//                              also npm run review -- --account in DIR, a checkout whose lab is
//                              deployed (state files beside it) where the AWS settings of this
//                              shell point (an account, or AWS_ENDPOINT_URL for an emulator); with
//                              a second checkout (another revision, the same states), paired runs
//                              and the ratio. Counts what each review starts: Terraform processes,
//                              AWS provider processes and provider schema loads (one TF_LOG run).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 5;
const ALL = args.includes('--all');
const PLAN = args.includes('--plan');
const HUB = args.includes('--hub');
const optionValue = (flag) => (args.includes(flag) ? path.resolve(args[args.indexOf(flag) + 1] ?? '') : undefined);
const ACCOUNT = optionValue('--account');
const BASELINE = optionValue('--baseline');
/** The machine the targets were set on: its floor. Targets scale with this run's floor. */
const REFERENCE_FLOOR_SECONDS = 0.35;
const appCommand = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8')).app.split(' ');

/** One run of a node command with the probe: wall seconds, CPU seconds, peak MiB. */
function runNode(argv, env = {}) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-bench-'));
  const probeFile = path.join(scratch, 'probe');
  const [command, ...rest] = argv;
  const started = process.hrtime.bigint();
  const result = spawnSync(
    command === 'node' ? process.execPath : command,
    ['-r', path.join(__dirname, 'rss-probe.js'), ...rest],
    {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: path.join(scratch, 'out'), BENCH_RSS_FILE: probeFile, ...env },
      encoding: 'utf8',
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  const probe = JSON.parse(fs.readFileSync(probeFile, 'utf8'));
  fs.rmSync(scratch, { recursive: true, force: true });
  return { seconds, cpu: probe.cpuSeconds, mib: probe.maxRssKiB / 1024 };
}

/** One run of a shell command (npm scripts): wall seconds. */
function runShell(command) {
  const started = process.hrtime.bigint();
  const result = spawnSync('sh', ['-c', command], {
    cwd: ROOT,
    env: process.env,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0)
    throw new Error(
      `${command} failed (exit ${result.status}):\n${result.stdout.slice(-2000)}${result.stderr.slice(-2000)}`,
    );
  return { seconds };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// A failed command ends the bench with one line, not a stack trace.
process.on('uncaughtException', (error) => {
  console.error(`bench: ${error.message}`);
  process.exit(1);
});

// Paired runs: floor, app and ts-node take turns, so a drift of the machine's speed hits all three.
const FLOOR = [
  'node',
  '-e',
  "require('cdktf'); require('@cdktf/provider-aws/lib/provider'); require('@cdktf/provider-aws/lib/vpc')",
];
const TS_NODE = ['node', require.resolve('ts-node/dist/bin.js'), 'main.ts'];
const samples = { floor: [], app: [], tsNode: [] };
for (let run = 0; run < RUNS; run++) {
  samples.floor.push(runNode(FLOOR));
  samples.app.push(runNode(appCommand));
  samples.tsNode.push(runNode(TS_NODE));
}
const floor = median(samples.floor.map((s) => s.seconds));
const scale = floor / REFERENCE_FLOOR_SECONDS;
const app = {
  seconds: median(samples.app.map((s) => s.seconds)),
  cpu: median(samples.app.map((s) => s.cpu)),
  mib: Math.max(...samples.app.map((s) => s.mib)),
};
const ratioToTsNode = median(samples.app.map((s, i) => samples.tsNode[i].seconds / s.seconds));

const rows = [];
const row = (what, seconds, target, note = '') => {
  const scaled = target === undefined ? undefined : target * scale;
  rows.push({
    what,
    seconds,
    floors: seconds / floor,
    target: scaled,
    ok: scaled === undefined || seconds <= scaled,
    note,
  });
};
row('floor: node loading cdktf + 2 provider modules', floor, undefined, `${RUNS} runs`);
row(
  'app synth of every stack (wall)',
  app.seconds,
  0.5,
  `CPU ${app.cpu.toFixed(2)} s, peak ${app.mib.toFixed(0)} MiB (≤ 120 MiB)`,
);
row(
  'same code under ts-node',
  median(samples.tsNode.map((s) => s.seconds)),
  undefined,
  `ours is ${ratioToTsNode.toFixed(1)}× faster (target ≥ 8×)`,
);

if (ALL) {
  row('npm run test:unit', runShell('npm run --silent test:unit >/dev/null 2>&1').seconds, 5);
  row('npm test', runShell('npm test >/dev/null 2>&1').seconds, 60);
  row('npm run review', runShell('npm run --silent review >/dev/null 2>&1').seconds, 25);
}

const planRows = [];
if (PLAN) {
  const { generatedPlan, writeGeneratedConfiguration, PER_VPC } = require('./generated-plan');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-plan-bench-'));
  for (const instances of [100, 250, 500, 1000]) {
    // The plan alone in one folder, and beside the configuration's files in another (which --plan reads).
    const file = path.join(scratch, `alone-${instances}`, 'plan.json');
    const configured = path.join(scratch, `configured-${instances}`);
    writeGeneratedConfiguration(instances, configured);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(generatedPlan(instances)));
    fs.copyFileSync(file, path.join(configured, 'plan.json'));
    const review = (planFile) =>
      runNode(['node', 'bin/app.js', 'tools/review/cli.ts', '--plan', planFile], {
        SSM_LAB_REVIEW_DIR: path.join(scratch, 'review'),
      });
    const runs = [];
    const withFiles = [];
    for (let run = 0; run < RUNS; run++) {
      runs.push(review(file));
      withFiles.push(review(path.join(configured, 'plan.json')));
    }
    planRows.push({
      instances,
      vpcs: Math.ceil(instances / PER_VPC),
      mib: fs.statSync(file).size / 2 ** 20,
      seconds: median(runs.map((r) => r.seconds)),
      cpu: median(runs.map((r) => r.cpu)),
      peak: Math.max(...runs.map((r) => r.mib)),
      withFiles: median(withFiles.map((r) => r.seconds)),
    });
  }
  fs.rmSync(scratch, { recursive: true, force: true });
}

const hubRows = [];
if (HUB) {
  const { hubAndSpokePlan, PER_SPOKE } = require('./hub-and-spoke-plan');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-hub-bench-'));
  for (const instances of [1000, 2500, 5000, 10000]) {
    const file = path.join(scratch, `hub-${instances}.json`);
    fs.writeFileSync(file, JSON.stringify(hubAndSpokePlan(instances)));
    const runs = [];
    for (let run = 0; run < RUNS; run++)
      runs.push(
        runNode(['node', 'bin/app.js', 'tools/review/cli.ts', '--plan', file], {
          SSM_LAB_REVIEW_DIR: path.join(scratch, 'review'),
        }),
      );
    hubRows.push({
      instances,
      spokes: Math.ceil(instances / PER_SPOKE),
      mib: fs.statSync(file).size / 2 ** 20,
      seconds: median(runs.map((r) => r.seconds)),
      cpu: median(runs.map((r) => r.cpu)),
      peak: Math.max(...runs.map((r) => r.mib)),
    });
  }
  fs.rmSync(scratch, { recursive: true, force: true });
}

/** One `npm run review -- --account` in a checkout: wall seconds; with a log file, Terraform's TF_LOG there. */
function accountReview(dir, logFile) {
  const started = process.hrtime.bigint();
  const result = spawnSync('npm', ['run', '--silent', 'review', '--', '--account'], {
    cwd: dir,
    env: { ...process.env, ...(logFile ? { TF_LOG: 'trace', TF_LOG_PATH: logFile } : {}) },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // 0 and 2 are reviews (2: a path would be cut); 1 is a review that could not run.
  if (result.status !== 0 && result.status !== 2)
    throw new Error(`npm run review -- --account in ${dir} exited ${result.status}:\n${result.stdout.slice(-1500)}`);
  return { seconds, stdout: result.stdout };
}

/** What one review started, from Terraform's trace log: its processes, provider processes, schema loads. */
function providerLoads(dir) {
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-bench-log-')), 'terraform.log');
  accountReview(dir, logFile);
  const log = fs.readFileSync(logFile, 'utf8');
  const count = (pattern) => (log.match(pattern) ?? []).length;
  fs.rmSync(path.dirname(logFile), { recursive: true, force: true });
  return {
    terraform: count(/\[INFO\]\s+Terraform version:/g),
    providers: count(/plugin started: path=\S*terraform-provider-aws/g),
    // A schema the provider itself builds and sends (the 2–3 CPU-s); a cached one is not asked for.
    schemas: count(/Received request: [^\n]*tf_rpc=GetProviderSchema/g),
  };
}

const accountRows = [];
if (ACCOUNT) {
  const dirs = [['this checkout', ACCOUNT], ...(BASELINE ? [['baseline', BASELINE]] : [])];
  const times = Object.fromEntries(dirs.map(([label]) => [label, []]));
  for (let run = 0; run < RUNS; run++) for (const [label, dir] of dirs) times[label].push(accountReview(dir).seconds);
  for (const [label, dir] of dirs)
    accountRows.push({ label, dir, seconds: median(times[label]), loads: providerLoads(dir), times: times[label] });
}

const width = Math.max(...rows.map((r) => r.what.length)) + 2;
console.log(
  `ssm-access-lab bench — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, node ${process.version}`,
);
console.log(
  `floor ${floor.toFixed(3)} s (the targets were set at ${REFERENCE_FLOOR_SECONDS} s: scale ×${scale.toFixed(2)})\n`,
);
console.log(
  `${'figure'.padEnd(width)}${'median s'.padStart(10)}${'floors'.padStart(9)}${'target s'.padStart(10)}   verdict`,
);
for (const r of rows) {
  const target = r.target === undefined ? '—' : r.target.toFixed(2);
  const verdict = r.target === undefined ? '' : r.ok ? 'ok' : 'OVER';
  console.log(
    `${r.what.padEnd(width)}${r.seconds.toFixed(3).padStart(10)}${r.floors.toFixed(1).padStart(9)}${target.padStart(10)}   ${verdict.padEnd(5)} ${r.note}`,
  );
}
if (planRows.length > 0) {
  console.log(
    `\nnpm run review -- --plan <generated plan> (median of ${RUNS} runs; every link known only after apply; "with .tf": the plan beside its configuration's files, which the review reads)`,
  );
  console.log(
    `${'instances'.padStart(10)}${'VPCs'.padStart(6)}${'plan MiB'.padStart(10)}${'wall s'.padStart(9)}${'floors'.padStart(8)}${'CPU s'.padStart(8)}${'peak MiB'.padStart(10)}${'with .tf s'.padStart(12)}   per 100 more instances`,
  );
  planRows.forEach((r, i) => {
    const previous = planRows[i - 1];
    const per100 = previous
      ? `+${(((r.seconds - previous.seconds) / (r.instances - previous.instances)) * 100).toFixed(3)} s, +${(((r.peak - previous.peak) / (r.instances - previous.instances)) * 100).toFixed(1)} MiB`
      : '';
    console.log(
      `${String(r.instances).padStart(10)}${String(r.vpcs).padStart(6)}${r.mib.toFixed(1).padStart(10)}${r.seconds.toFixed(3).padStart(9)}${(r.seconds / floor).toFixed(1).padStart(8)}${r.cpu.toFixed(2).padStart(8)}${r.peak.toFixed(0).padStart(10)}${r.withFiles.toFixed(3).padStart(12)}   ${per100}`,
    );
  });
}
if (hubRows.length > 0) {
  console.log(
    `\nnpm run review -- --plan <generated hub-and-spoke plan> (median of ${RUNS} runs; one transit gateway, egress centralized, every link known only after apply)`,
  );
  console.log(
    `${'instances'.padStart(10)}${'spokes'.padStart(8)}${'plan MiB'.padStart(10)}${'wall s'.padStart(9)}${'floors'.padStart(8)}${'CPU s'.padStart(8)}${'peak MiB'.padStart(10)}   per 1,000 more instances`,
  );
  hubRows.forEach((r, i) => {
    const previous = hubRows[i - 1];
    const per1000 = previous
      ? `+${(((r.seconds - previous.seconds) / (r.instances - previous.instances)) * 1000).toFixed(3)} s, +${(((r.peak - previous.peak) / (r.instances - previous.instances)) * 1000).toFixed(1)} MiB`
      : '';
    console.log(
      `${String(r.instances).padStart(10)}${String(r.spokes).padStart(8)}${r.mib.toFixed(1).padStart(10)}${r.seconds.toFixed(3).padStart(9)}${(r.seconds / floor).toFixed(1).padStart(8)}${r.cpu.toFixed(2).padStart(8)}${r.peak.toFixed(0).padStart(10)}   ${per1000}`,
    );
  });
}
if (accountRows.length > 0) {
  console.log(
    `\nnpm run review -- --account (median of ${RUNS} paired runs; Terraform processes, AWS provider processes and schema loads from one TF_LOG=trace run)`,
  );
  console.log(
    `${'checkout'.padEnd(16)}${'wall s'.padStart(9)}${'floors'.padStart(8)}${'terraform'.padStart(11)}${'providers'.padStart(11)}${'schemas'.padStart(9)}   folder`,
  );
  for (const r of accountRows)
    console.log(
      `${r.label.padEnd(16)}${r.seconds.toFixed(2).padStart(9)}${(r.seconds / floor).toFixed(1).padStart(8)}${String(r.loads.terraform).padStart(11)}${String(r.loads.providers).padStart(11)}${String(r.loads.schemas).padStart(9)}   ${r.dir}`,
    );
  if (accountRows.length === 2) {
    const ratio = median(accountRows[0].times.map((t, i) => t / accountRows[1].times[i]));
    console.log(`this checkout / baseline: ×${ratio.toFixed(2)} (median of the paired ratios)`);
  }
}
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
/** npm's rule for `os` / `cpu` lists: a match, or no `!`-exclusion of this value when all are exclusions. */
const allows = (list, value) =>
  !list || list.includes(value) || (list.every((entry) => entry.startsWith('!')) && !list.includes(`!${value}`));
const listed = Object.entries(lock.packages).filter(([key]) => key !== '');
// Optional packages built for other systems (esbuild's, SWC's, Rollup's binaries) are listed but not installed.
const installed = listed.filter(([, entry]) => allows(entry.os, process.platform) && allows(entry.cpu, process.arch));
/** The lock file's size with Jest 30 (the brief's test runner): 147 entries more than under Vitest. */
const LOCKED_PACKAGES_LIMIT = 983;
console.log(
  `\npackages npm ci installs: ${installed.length} on ${process.platform}-${process.arch} (${listed.length} in the lock file, with other systems' binaries; target: at most ${LOCKED_PACKAGES_LIMIT})`,
);
const misses =
  rows.filter((r) => !r.ok).length +
  (app.mib > 120 ? 1 : 0) +
  (ratioToTsNode < 8 ? 1 : 0) +
  (listed.length > LOCKED_PACKAGES_LIMIT ? 1 : 0);
if (misses > 0) {
  console.error(`bench: ${misses} figure(s) over target`);
  process.exit(1);
}
