import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CDKTF_CLI, cdktfRefusal, CLI_ENV, stacksOf } from './helpers/cdktf-cli';
import { synthLab } from './helpers/synth';

// The real cdktf CLI (what `npx cdktf` runs) on the README's commands: the synth-only command, and
// one refused command, refused the same way the tests of readme-commands.test.ts expect.

const ROOT = path.resolve(__dirname, '..');

describe('the README commands through the real cdktf CLI', () => {
  const stacks = stacksOf(synthLab());

  test("GIVEN `npm run synth` (the README's synth-only command) WHEN the real cdktf CLI runs it THEN every stack is written", () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.synth).toBe('cdktf synth');
    const output = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-cli-synth-'));
    const cli = spawnSync(process.execPath, [CDKTF_CLI, 'synth', '--output', output], {
      cwd: ROOT,
      env: CLI_ENV,
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect(fs.readdirSync(path.join(output, 'stacks')).sort()).toEqual(stacks.map((stack) => stack.name).sort());
  });

  test('GIVEN the real cdktf CLI WHEN it is given a refused command THEN it refuses it the same way, before any Terraform run', () => {
    const cli = spawnSync(process.execPath, [CDKTF_CLI, 'destroy', 'lab-network'], {
      cwd: ROOT,
      env: CLI_ENV,
      encoding: 'utf8',
    });
    expect(cli.status).not.toBe(0);
    expect(cli.stdout + cli.stderr).toContain(
      cdktfRefusal({ line: '', verb: 'destroy', stacks: ['lab-network'], flags: [] }, stacks),
    );
  });
});
