import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_STACKS } from './helpers/synth';

// The app as cdktf runs it: a process of its own (bin/app.js main.ts), its exit code and its output.

const ROOT = path.resolve(__dirname, '..');
const STACKS = DEFAULT_STACKS;

/** Runs the app exactly as cdktf.json's `app` does, with only the given SSM_LAB_* settings. */
function runApp(outdir: string, settings: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CDKTF_OUTDIR: outdir, ...settings };
  return spawnSync(process.execPath, [path.join(ROOT, 'bin', 'app.js'), path.join(ROOT, 'main.ts')], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
}

describe('the app (main.ts) as a process', () => {
  test('GIVEN the same config WHEN synthesized twice by the app process THEN output is byte-identical', () => {
    const first = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-a-'));
    const second = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-b-'));
    const firstRun = runApp(first);
    expect(firstRun.status).toBe(0);
    // Nothing to say on a clean synth: no warnings from cdktf either.
    expect(firstRun.stderr).toBe('');
    expect(firstRun.stdout).toBe('');
    expect(runApp(second).status).toBe(0);
    const files = (dir: string) =>
      (fs.readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .sort();
    expect(files(first)).toEqual(files(second));
    expect(files(first)).toContain(path.join('stacks', 'lab-ssm-endpoint', 'cdk.tf.json'));
    for (const file of files(first)) {
      expect(fs.readFileSync(path.join(second, file), 'utf8')).toBe(fs.readFileSync(path.join(first, file), 'utf8'));
    }
  });

  // One bad value per kind of failure is enough here: config.test.ts checks every message in-process.
  test.each([
    [{ SSM_LAB_VPC1_CIDR: '10.0.0.0/33' }, 'SSM_LAB_VPC1_CIDR="10.0.0.0/33" is invalid: expected an IPv4 CIDR block'],
  ])('GIVEN %j WHEN the app runs THEN one clear line, exit 1, and nothing written', (settings, message) => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-bad-')), 'cdktf.out');
    const result = runApp(outdir, settings);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^ssm-access-lab: /);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('GIVEN a machine without Terraform WHEN the app synthesizes THEN it succeeds: synth never runs terraform', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-noterraform-')), 'cdktf.out');
    const emptyPath = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-empty-path-'));
    const result = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'app.js'), path.join(ROOT, 'main.ts')], {
      cwd: ROOT,
      env: { PATH: emptyPath, HOME: process.env.HOME, CDKTF_OUTDIR: outdir },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(STACKS);
  });

  test('GIVEN SSM_LAB_DEBUG=1 and a bad value WHEN the app runs THEN the stack trace names the TypeScript line that throws', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-debug-')), 'cdktf.out');
    const result = runApp(outdir, { SSM_LAB_VPC1_CIDR: '10.0.0.0/33', SSM_LAB_DEBUG: '1' });
    expect(result.status).toBe(1);
    // The first frame in lib/config.ts is where the ConfigError is thrown; without source maps
    // SWC's output lines (types and interfaces removed) would point elsewhere.
    const frame = /\((\/[^()]*\/lib\/config\.ts):(\d+):(\d+)\)/.exec(result.stderr);
    expect(frame).not.toBeNull();
    const line = fs.readFileSync(frame![1], 'utf8').split('\n')[Number(frame![2]) - 1];
    expect(line).toMatch(/throw new ConfigError|new ConfigError\(/);
  });
});

describe('the app and the guardrails', () => {
  test('GIVEN SSH opened to the world without acknowledgement WHEN the app runs THEN exit 1 and the previous output is untouched', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-guard-')), 'cdktf.out');
    fs.mkdirSync(path.join(outdir, 'stacks', 'lab-ssh'), { recursive: true });
    const before = '{"previous": "synth"}';
    fs.writeFileSync(path.join(outdir, 'stacks', 'lab-ssh', 'cdk.tf.json'), before);
    const result = runApp(outdir, { SSM_LAB_SSH_ALLOWED_CIDRS: '0.0.0.0/0', SSM_LAB_SSH_KEY_NAME: 'ops' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'SSMLAB-SG-1 at lab-ssh/instance/ingress-22-0-0: inbound tcp/22 from 0.0.0.0/0. Fix:',
    );
    expect(fs.readFileSync(path.join(outdir, 'stacks', 'lab-ssh', 'cdk.tf.json'), 'utf8')).toBe(before);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(['cdktf.out']);
  });

  test('GIVEN the same finding acknowledged WHEN the app runs THEN it synthesizes and prints the acknowledgement', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-ack-')), 'cdktf.out');
    const result = runApp(outdir, {
      SSM_LAB_SSH_ALLOWED_CIDRS: '0.0.0.0/0',
      SSM_LAB_SSH_KEY_NAME: 'ops',
      SSM_LAB_ACKNOWLEDGE: 'SSMLAB-SG-1@lab-ssh=workshop with changing addresses',
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(
      'acknowledged SSMLAB-SG-1 at lab-ssh/instance/ingress-22-0-0: inbound tcp/22 from 0.0.0.0/0 — reason: workshop with changing addresses',
    );
    expect(
      JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'lab-ssh', 'cdk.tf.json'), 'utf8')).resource
        .aws_vpc_security_group_ingress_rule,
    ).toBeDefined();
  });
});
