import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeWithTerraform, init, tf } from './helpers/terraform';

// A synth must keep what `terraform init` wrote in each stack folder (as cdktf's own synth does):
// the working directory and the provider lock file that pins the provider's checksums.

const ROOT = path.resolve(__dirname, '..');

function runApp(outdir: string, settings: Record<string, string> = {}) {
  return spawnSync(process.execPath, [path.join(ROOT, 'bin', 'app.js'), path.join(ROOT, 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CDKTF_OUTDIR: outdir, ...settings },
    encoding: 'utf8',
  });
}

describeWithTerraform('synth keeps Terraform working files', () => {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-keep-')), 'cdktf.out');
  const stackDir = path.join(outdir, 'stacks', 'lab-network');
  let lockBefore: string;
  let resynth: ReturnType<typeof runApp>;
  let failed: ReturnType<typeof runApp>;
  let validate: { status: number; stdout: string; stderr: string };

  beforeAll(async () => {
    expect(runApp(outdir).status).toBe(0);
    await init(stackDir);
    lockBefore = fs.readFileSync(path.join(stackDir, '.terraform.lock.hcl'), 'utf8');
    resynth = runApp(outdir, { SSM_LAB_INSTANCE_TYPE: 't4g.micro' });
    failed = runApp(outdir, { SSM_LAB_VPC1_CIDR: 'not-a-cidr' });
    // No init in between: only works if .terraform survived both syntheses.
    validate = await tf(['validate', '-json'], stackDir);
  });

  test('GIVEN an initialised stack WHEN the app synthesizes again THEN the lock file and .terraform are still there', () => {
    expect(resynth.status).toBe(0);
    expect(fs.readFileSync(path.join(stackDir, '.terraform.lock.hcl'), 'utf8')).toBe(lockBefore);
    expect(lockBefore).toContain('provider "registry.terraform.io/hashicorp/aws"');
    expect(fs.existsSync(path.join(stackDir, '.terraform', 'providers'))).toBe(true);
  });

  test('GIVEN a failing synth after that WHEN it stops THEN the output and its working files are untouched', () => {
    expect(failed.status).toBe(1);
    expect(fs.existsSync(path.join(stackDir, '.terraform.lock.hcl'))).toBe(true);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(['cdktf.out']);
  });

  test('GIVEN both syntheses WHEN Terraform validates without a new init THEN the working directory is still usable', () => {
    expect(validate.stderr).toBe('');
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0 });
  });
});
