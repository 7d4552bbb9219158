import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { stripVTControlCharacters } from 'util';

// The README's development commands as a user types them: npm run typecheck and npm run test:unit
// run here; npm run test:e2e would run this file again, so the files its Jest project selects
// are listed instead (with the same arguments and `--listTests`).

const ROOT = path.resolve(__dirname, '..');
const SCRIPTS: Record<string, string> = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
const npm = (...args: string[]) => spawnSync('npm', ['run', '--silent', ...args], { cwd: ROOT, encoding: 'utf8' });

/** The test files a script's `jest …` selects, relative to the project. */
function filesOf(script: string): string[] {
  const jest = /(?:^|&& )jest(.*)$/.exec(SCRIPTS[script]);
  if (!jest) throw new Error(`npm run ${script} runs no jest: ${SCRIPTS[script]}`);
  const args = jest[1].trim().split(/\s+/).filter(Boolean);
  const listed = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), ...args, '--listTests', '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(listed.status).toBe(0);
  return (JSON.parse(listed.stdout) as string[]).map((file) => path.relative(ROOT, file)).sort();
}

describe('the development commands', () => {
  test('GIVEN an unchanged project WHEN npm run typecheck runs THEN it passes and prints nothing', () => {
    const result = npm('typecheck');
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('GIVEN the project WHEN npm run test:unit runs THEN it type-checks and lints, then Jest takes exactly the in-process test files', () => {
    // The tests themselves run in this suite's unit project (and on each Node line in CI): here, the
    // script's own steps, with Jest listing what it would run.
    const result = npm('test:unit', '--', '--listTests');
    expect(stripVTControlCharacters(result.stderr)).toBe('');
    expect(result.status).toBe(0);
    // Jest's own line ("Running one project: unit") aside, a file a line.
    const listed = result.stdout
      .trim()
      .split('\n')
      .filter((line) => line.endsWith('.test.ts'))
      .map((file) => path.relative(ROOT, file))
      .sort();
    expect(listed.length).toBeGreaterThan(30);
    expect(listed.filter((file) => /terraform[^/]*\.test\.ts$|\.e2e\.test\.ts$/.test(file))).toEqual([]);
    expect(listed).toEqual(filesOf('test:unit'));
  });

  test('GIVEN test:unit and test:e2e WHEN their files are listed THEN every test file is in exactly one of them, by its kind', () => {
    const all = (fs.readdirSync(path.join(ROOT, '__tests__')) as string[])
      .filter((file) => file.endsWith('.test.ts'))
      .map((file) => path.join('__tests__', file))
      .sort();
    const unit = filesOf('test:unit');
    const e2e = filesOf('test:e2e');
    expect([...unit, ...e2e].sort()).toEqual(all);
    expect(e2e.every((file) => /terraform.*\.test\.ts$|\.e2e\.test\.ts$/.test(file))).toBe(true);
    expect(unit.some((file) => /terraform.*\.test\.ts$|\.e2e\.test\.ts$/.test(file))).toBe(false);
    expect(e2e).toContain(path.join('__tests__', 'scripts.e2e.test.ts'));
  });

  test("GIVEN the Node lines CI tests WHEN compared with engines THEN engines names exactly those and the machine's own", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MAJORS } = require('../scripts/node-versions.js') as { MAJORS: string[] };
    const engines: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.node;
    // A line may start above x.0.0 where a dependency needs it (dependencies.test.ts holds that).
    const majors = engines.split(' || ').map((line) => /^\^(\d+)(?:\.\d+\.\d+)?$/.exec(line)?.[1] ?? line);
    expect(majors).toEqual([process.versions.node.split('.')[0], ...MAJORS]);
    expect(fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8')).toContain('npm run --silent test:node-versions');
  });

  test('GIVEN the cdktn check WHEN CI runs THEN .ci/run calls it, against the fork release docs/cdktn.md names', () => {
    expect(fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8')).toContain('npm run --silent test:cdktn');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { CDKTN_VERSION } = require('../scripts/cdktn-check.js') as { CDKTN_VERSION: string };
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'cdktn.md'), 'utf8')).toContain(
      `"cdktf": "npm:cdktn@${CDKTN_VERSION}"`,
    );
  });

  test("GIVEN the install WHEN npm lists the dependencies' install scripts THEN each is decided in allowScripts (npm ci ends with no warning), and none is allowed", () => {
    const listed = spawnSync('npm', ['install-scripts', 'ls'], { cwd: ROOT, encoding: 'utf8' });
    expect(listed.status).toBe(0);
    expect(stripVTControlCharacters(listed.stdout + listed.stderr)).toContain(
      'No packages with unreviewed install scripts.',
    );
    // Denied, and the real CLI works without them: cdktf synth (readme-commands.e2e), cdktf deploy and
    // destroy (the emulator tier), SWC's transpiling (every run of bin/app.js).
    const allowScripts: Record<string, boolean> = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'),
    ).allowScripts;
    expect(allowScripts).toEqual({
      '@cdktf/node-pty-prebuilt-multiarch': false,
      '@parcel/watcher': false,
      '@swc/core': false,
    });
  });

  test('GIVEN docs/benchmarks.md WHEN its hub-and-spoke bench runs as typed THEN it prints a row per size, 1,000 to 10,000 instances in 50 to 500 spokes, each reviewed', () => {
    const page = fs.readFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), 'utf8');
    const typed = /`(npm run bench -- --hub --runs \d+)`/.exec(page)![1];
    const ran = spawnSync('sh', ['-c', typed], { cwd: ROOT, encoding: 'utf8' });
    // Exit 1 only says a synth figure is over its target on a busy machine: the table is what this checks.
    expect([0, 1]).toContain(ran.status);
    expect(ran.stderr).not.toMatch(/Error|failed/);
    const rows = ran.stdout
      .split('\n')
      .slice(ran.stdout.split('\n').findIndex((line) => line.includes('generated hub-and-spoke plan')) + 2)
      .slice(0, 4)
      .map((line) => line.trim().split(/\s+/).slice(0, 2).map(Number));
    expect(rows).toEqual([
      [1000, 50],
      [2500, 125],
      [5000, 250],
      [10000, 500],
    ]);
  }, 120_000);
});
