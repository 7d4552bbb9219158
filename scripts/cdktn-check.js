#!/usr/bin/env node
/**
 * The migration to CDK Terrain, tested: a scratch copy of the app whose `cdktf` is the community fork
 * through an npm alias (`"cdktf": "npm:cdktn@<version>"`, installed with --legacy-peer-deps, since
 * @cdktf/provider-aws asks for cdktf ^0.21), synthesized beside this tree for each configuration
 * below and compared file by file as parsed JSON. The only difference allowed is the library's own
 * version where the synth records it (manifest.json and each stack's "//".metadata.version).
 *
 *   node scripts/cdktn-check.js           # npm run test:cdktn
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { filesOf, EVERY_OPTION_ENV } = require('./synth-files');
const { run, checklist } = require('./checklist');

/** The fork's release this project is checked against (its peer range takes constructs 10.6–10.7). */
const CDKTN_VERSION = '0.24.0';
const ROOT = path.resolve(__dirname, '..');
/** What the app's synth needs: its sources, the locked dependencies, the cdktf.json app command. */
const APP_FILES = [
  'bin',
  'lib',
  'stacks',
  'tools',
  'main.ts',
  'cdktf.json',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
];

/** The default app, and one with every optional stack, backend and input the settings offer. */
const CONFIGURATIONS = {
  defaults: {},
  everything: EVERY_OPTION_ENV,
};

/** Where two parsed JSON values differ: each place's path (`/key/key`, a key with a slash quoted) and both values. */
function differences(ours, theirs, at = '', found = []) {
  const bothObjects =
    ours !== null &&
    theirs !== null &&
    typeof ours === 'object' &&
    typeof theirs === 'object' &&
    Array.isArray(ours) === Array.isArray(theirs);
  if (bothObjects) {
    for (const key of new Set([...Object.keys(ours), ...Object.keys(theirs)]))
      differences(ours[key], theirs[key], `${at}/${key.includes('/') ? JSON.stringify(key) : key}`, found);
  } else if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
    found.push({ at, ours, theirs });
  }
  return found;
}

/** The version stamps a synth writes, where each library names itself: file → path. */
function stampOf(file) {
  if (file === 'manifest.json') return '/version';
  if (path.basename(file) === 'cdk.tf.json') return '/"//"/metadata/version';
  return undefined;
}

/**
 * Compares two synth folders: the same files, each the same JSON but for the version stamps, which
 * must name each side's library. Returns the problems, one line each.
 */
function compareSynths(oursDir, theirsDir, versions) {
  const ours = filesOf(oursDir);
  const theirs = filesOf(theirsDir);
  const problems = [];
  for (const file of Object.keys(ours).filter((name) => !(name in theirs))) problems.push(`${file}: only in ours`);
  for (const file of Object.keys(theirs).filter((name) => !(name in ours))) problems.push(`${file}: only with cdktn`);
  for (const file of Object.keys(ours).filter((name) => name in theirs)) {
    let found;
    try {
      found = differences(JSON.parse(ours[file]), JSON.parse(theirs[file]));
    } catch {
      found = ours[file] === theirs[file] ? [] : [{ at: '(not JSON)', ours: 'its bytes', theirs: 'other bytes' }];
    }
    const stamp = stampOf(file);
    const isStamp = (d) => d.at === stamp && d.ours === versions.ours && d.theirs === versions.theirs;
    for (const d of found.filter((difference) => !isStamp(difference)))
      problems.push(`${file} ${d.at}: ${JSON.stringify(d.ours)} → ${JSON.stringify(d.theirs)}`);
    // A stamp that did not change means the alias did not take: one library wrote both.
    if (stamp !== undefined && !found.some(isStamp))
      problems.push(`${file} ${stamp}: not ${JSON.stringify(versions.ours)} → ${JSON.stringify(versions.theirs)}`);
  }
  return problems;
}

function main() {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-cdktn-'));
  const copy = path.join(scratch, 'app');
  const { step, finish } = checklist('cdktn-check');
  try {
    for (const name of APP_FILES) fs.cpSync(path.join(ROOT, name), path.join(copy, name), { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(copy, 'package.json'), 'utf8'));
    manifest.dependencies.cdktf = `npm:cdktn@${CDKTN_VERSION}`;
    delete manifest.devDependencies; // the synth needs none of them
    fs.writeFileSync(path.join(copy, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const install = run(
      'npm',
      ['install', '--omit=dev', '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error'],
      { cwd: copy },
    );
    if (!step(`npm install cdktf@npm:cdktn@${CDKTN_VERSION} in a scratch copy`, install)) return;

    // The alias took, for the app and for the provider bindings alike (one copy of the library).
    const resolved = run(
      process.execPath,
      [
        '-e',
        `const r = (from) => require(require.resolve('cdktf/package.json', { paths: [from] }));
         const app = r('.'), bindings = r(require.resolve('@cdktf/provider-aws'));
         console.log(JSON.stringify([app.name, app.version, bindings.name, bindings.version]));`,
      ],
      { cwd: copy },
    );
    const names = resolved.status === 0 ? JSON.parse(resolved.stdout) : [];
    const expected = ['cdktn', CDKTN_VERSION, 'cdktn', CDKTN_VERSION];
    step(
      `'cdktf' resolves to cdktn@${CDKTN_VERSION} for the app and for @cdktf/provider-aws`,
      resolved,
      JSON.stringify(names) === JSON.stringify(expected),
      `resolved: ${JSON.stringify(names)}\n`,
    );

    const versions = {
      ours: require(path.join(ROOT, 'node_modules', 'cdktf', 'package.json')).version,
      theirs: CDKTN_VERSION,
    };
    for (const [configuration, env] of Object.entries(CONFIGURATIONS)) {
      const oursDir = path.join(scratch, `ours-${configuration}`);
      const theirsDir = path.join(scratch, `cdktn-${configuration}`);
      const synthEnv = (outdir) => ({ env: { ...process.env, ...env, CDKTF_OUTDIR: outdir } });
      const ours = run(process.execPath, ['bin/app.js', 'main.ts'], { cwd: ROOT, ...synthEnv(oursDir) });
      const theirs = run(process.execPath, ['bin/app.js', 'main.ts'], { cwd: copy, ...synthEnv(theirsDir) });
      const seconds = ours.seconds + theirs.seconds;
      if (ours.status !== 0 || theirs.status !== 0) {
        step(
          `${configuration}: synth with cdktf and with cdktn`,
          { ...theirs, seconds, status: 1 },
          false,
          ours.stderr,
        );
        continue;
      }
      const problems = compareSynths(oursDir, theirsDir, versions);
      const stacks = fs.readdirSync(path.join(oursDir, 'stacks')).length;
      step(
        `${configuration}: ${stacks} stacks, the same Terraform JSON with cdktn (version stamps aside)`,
        { seconds, status: problems.length === 0 ? 0 : 1 },
        problems.length === 0,
        `${problems.slice(0, 40).join('\n')}\n`,
      );
    }

    // The CLI this project's commands use runs the fork's app too: it only runs cdktf.json's command.
    const cli = run(path.join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth'], {
      cwd: copy,
      env: { ...process.env, ...CONFIGURATIONS.defaults, CHECKPOINT_DISABLE: '1', CI: 'true' },
    });
    const cliOut = path.join(copy, 'cdktf.out');
    const same =
      cli.status === 0 &&
      fs.existsSync(cliOut) &&
      JSON.stringify(filesOf(cliOut)) === JSON.stringify(filesOf(path.join(scratch, 'cdktn-defaults')));
    step(
      `cdktf synth (cdktf-cli ${require(path.join(ROOT, 'node_modules', 'cdktf-cli', 'package.json')).version}) runs the cdktn app: the same files, byte for byte`,
      cli,
      same,
    );
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    finish();
  }
}

if (require.main === module) main();
module.exports = { compareSynths, CDKTN_VERSION };
