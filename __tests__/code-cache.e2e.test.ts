import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// bin/code-cache.js: V8's compiled code and module lookups reused between runs, never stale code.
// Each test runs a made-up install in a scratch folder, in a process of its own.

const CODE_CACHE = path.join(__dirname, '..', 'bin', 'code-cache.js');
const ROOT = path.join(__dirname, '..');

interface Install {
  readonly dir: string;
  readonly cacheDir: string;
  write(file: string, text: string): void;
  run(): { stdout: string; stderr: string; status: number | null };
  cacheFiles(): string[];
}

/** A project with node_modules/pkg and an entry that prints what pkg and a local module export. */
function install(): Install {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-code-cache-'));
  const cacheDir = path.join(dir, 'node_modules', '.cache', 'v8');
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write('node_modules/.package-lock.json', '{"lockfileVersion":3}');
  write('node_modules/pkg/package.json', '{"name":"pkg","main":"index.js"}');
  write('node_modules/pkg/index.js', "module.exports = 'pkg AAAA';\n");
  write('node_modules/pkg/other.js', "module.exports = 'pkg other';\n");
  write('local.js', "module.exports = 'local AAAA';\n");
  write('entry.js', "console.log(require('pkg'), '|', require('./local'));\n");
  const runner = [
    `require(${JSON.stringify(CODE_CACHE)}).enableCodeCache(${JSON.stringify(path.join(dir, 'entry.js'))}, {`,
    `  nodeModules: ${JSON.stringify(path.join(dir, 'node_modules'))},`,
    `  cacheDir: ${JSON.stringify(cacheDir)},`,
    '});',
    `require(${JSON.stringify(path.join(dir, 'entry.js'))});`,
  ].join('\n');
  return {
    dir,
    cacheDir,
    write,
    run: () => {
      const result = spawnSync(process.execPath, ['-e', runner], { cwd: dir, encoding: 'utf8' });
      return { stdout: result.stdout.trim(), stderr: result.stderr, status: result.status };
    },
    cacheFiles: () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []),
  };
}

describe('the code cache (bin/code-cache.js)', () => {
  test('GIVEN a first run WHEN it exits THEN one cache file is written, and the next run prints the same from it', () => {
    const project = install();
    expect(project.run()).toEqual({ stdout: 'pkg AAAA | local AAAA', stderr: '', status: 0 });
    expect(project.cacheFiles()).toHaveLength(1);
    const written = fs.statSync(path.join(project.cacheDir, project.cacheFiles()[0])).mtimeMs;
    expect(project.run().stdout).toBe('pkg AAAA | local AAAA');
    // Nothing new to cache: the file is not rewritten.
    expect(fs.statSync(path.join(project.cacheDir, project.cacheFiles()[0])).mtimeMs).toBe(written);
  });

  test('GIVEN a module edited to a source of the same length WHEN run again THEN the new code runs (V8 alone compares only lengths)', () => {
    const project = install();
    project.run();
    project.write('node_modules/pkg/index.js', "module.exports = 'pkg BBBB';\n");
    project.write('local.js', "module.exports = 'local BBBB';\n");
    expect(project.run().stdout).toBe('pkg BBBB | local BBBB');
  });

  test('GIVEN a package whose entry file changed WHEN npm has not installed since THEN the old file is still found; after an install, the new one', () => {
    const project = install();
    project.run();
    project.write('node_modules/pkg/package.json', '{"name":"pkg","main":"other.js"}');
    expect(project.run().stdout).toBe('pkg AAAA | local AAAA');
    // What every npm install or npm ci does: rewrite node_modules/.package-lock.json.
    project.write('node_modules/.package-lock.json', '{"lockfileVersion":3,"packages":{}}');
    expect(project.run().stdout).toBe('pkg other | local AAAA');
  });

  test('GIVEN a new local file shadowing nothing WHEN a local request changes target THEN Node resolves it (local requests are never cached)', () => {
    const project = install();
    project.run();
    fs.rmSync(path.join(project.dir, 'local.js'));
    project.write('local/index.js', "module.exports = 'local dir';\n");
    expect(project.run().stdout).toBe('pkg AAAA | local dir');
  });

  test('GIVEN a cache file of another layout or garbage WHEN run THEN it is ignored and replaced', () => {
    const project = install();
    project.run();
    const file = path.join(project.cacheDir, project.cacheFiles()[0]);
    fs.writeFileSync(file, 'not a cache');
    expect(project.run()).toEqual({ stdout: 'pkg AAAA | local AAAA', stderr: '', status: 0 });
    expect(fs.readFileSync(file).subarray(0, 11).toString()).not.toBe('not a cache');
  });

  test('GIVEN the app WHEN synthesized with the cache and with SSM_LAB_CODE_CACHE=off THEN the output is byte-identical', () => {
    const synth = (cache: 'on' | 'off') => {
      const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-cache-synth-')), 'out');
      const result = spawnSync(process.execPath, ['bin/app.js', 'main.ts'], {
        cwd: ROOT,
        env: { ...process.env, CDKTF_OUTDIR: outdir, SSM_LAB_CODE_CACHE: cache },
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      const stacks = path.join(outdir, 'stacks');
      return fs
        .readdirSync(stacks)
        .sort()
        .map((stack) => fs.readFileSync(path.join(stacks, stack, 'cdk.tf.json'), 'utf8'));
    };
    synth('on'); // fills the cache if it was empty
    expect(synth('on')).toEqual(synth('off'));
  });
});
