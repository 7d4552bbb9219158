import { spawnSync } from 'child_process';
import * as path from 'path';
import { noCredentialsShell } from './helpers/no-credentials';

// npm run leftovers as a user types it: a process of its own, no AWS credentials, nothing reaches AWS.

describe('npm run leftovers (the command)', () => {
  const ROOT = path.resolve(__dirname, '..');
  const run = (...args: string[]) =>
    spawnSync('npm', ['run', '--silent', 'leftovers', ...(args.length ? ['--', ...args] : [])], {
      cwd: ROOT,
      env: noCredentialsShell('cli-leftovers'),
      encoding: 'utf8',
      timeout: 60_000,
    });

  test('GIVEN no AWS credentials WHEN npm run leftovers runs THEN one line says how to sign in, exit 1', () => {
    const result = run();
    expect(result.stderr.trim()).toMatch(
      /^ssm-access-lab leftovers: AWS credentials are missing, expired or invalid: sign in again/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.status).toBe(1);
  });

  test('GIVEN --yes without --delete WHEN npm run leftovers runs THEN one line, exit 1, nothing asked of AWS', () => {
    const result = run('--yes');
    expect(result.stderr.trim()).toBe('ssm-access-lab leftovers: --yes only applies to --delete');
    expect(result.status).toBe(1);
  });
});
