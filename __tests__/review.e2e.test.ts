import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fakeTerraform } from './helpers/fake-terraform';
import { reportSchemaErrors } from './helpers/report-schema';

// npm run review's entry point as a process of its own: its exit code and what it prints.

const ROOT = path.resolve(__dirname, '..');

/** The review command with a Terraform whose every plan fails. */
function reviewWithFailingTerraform(...args: string[]) {
  return spawnSync(process.execPath, ['bin/app.js', 'tools/review/cli.ts', ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: os.tmpdir(),
      TERRAFORM_BINARY: fakeTerraform(),
      SSM_LAB_REVIEW_DIR: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-review-cli-')), '.review'),
    },
    encoding: 'utf8',
  });
}

describe('the review command', () => {
  test('GIVEN no terraform WHEN the review command runs THEN it says what to install and exits 1', () => {
    const result = spawnSync(process.execPath, ['bin/app.js', 'tools/review/cli.ts'], {
      cwd: ROOT,
      env: { PATH: path.dirname(process.execPath), HOME: os.tmpdir() },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'ssm-access-lab review: terraform was not found on PATH. Install Terraform 1.10 or later',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test("GIVEN a plan that fails WHEN the command runs THEN it prints the stack, Terraform's words and what to do, exit 1", () => {
    const result = reviewWithFailingTerraform();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'ssm-access-lab review: lab-network: terraform plan failed. Terraform said:\nError: Invalid provider configuration (fake)\nWhat to do:',
    );
    expect(result.stdout).toContain('✗ lab-network');
  });

  test("GIVEN a plan that fails and --format json WHEN the command runs THEN stdout is the error object naming the stack, step and Terraform's words, exit 1", () => {
    const result = reviewWithFailingTerraform('--format', 'json');
    expect(result.status).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(reportSchemaErrors(document)).toEqual([]);
    expect(document.error.message).toMatch(/^terraform failed for .*lab-network/);
    const network = document.error.details.find((detail: { stack: string }) => detail.stack === 'lab-network');
    expect(network).toMatchObject({ stack: 'lab-network', step: 'plan' });
    expect(network.message).toContain('Invalid provider configuration (fake)');
    // The progress went to stderr with Terraform's words: stdout is the document alone.
    expect(result.stderr).toContain('✗ lab-network');
  });
});
