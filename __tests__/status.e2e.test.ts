import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { noCredentialsShell } from './helpers/no-credentials';

const NAT_INSTANCE = 'i-0aaaaaaaaaaaaaaa1';

// npm run status as a user types it: a process of its own, no AWS credentials, nothing reaches AWS.

describe('npm run status (the command)', () => {
  const ROOT = path.resolve(__dirname, '..');

  test('GIVEN a deployed stack and no AWS credentials WHEN npm run status runs THEN one line says how to sign in, exit 1', () => {
    const stateFile = path.join(ROOT, 'terraform.cli-status.lab-ssm-nat.tfstate');
    fs.writeFileSync(stateFile, JSON.stringify({ outputs: { instance_id: { value: NAT_INSTANCE } }, resources: [{}] }));
    try {
      const result = spawnSync('npm', ['run', '--silent', 'status'], {
        cwd: ROOT,
        env: noCredentialsShell('cli-status'),
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.stderr.trim()).toMatch(
        /^ssm-access-lab status: AWS credentials are missing, expired or invalid: sign in again/,
      );
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.status).toBe(1);
    } finally {
      fs.rmSync(stateFile);
    }
  });

  test('GIVEN nothing deployed WHEN npm run status -- --wait 1m runs THEN it says what to deploy, exit 1, without waiting', () => {
    const result = spawnSync('npm', ['run', '--silent', 'status', '--', '--wait', '1m'], {
      cwd: ROOT,
      env: noCredentialsShell('cli-status'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stdout).toContain('No scenario stack of lab cli-status is deployed');
    expect(result.status).toBe(1);
  });
});
