import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { noCredentialsShell } from './helpers/no-credentials';

// A profile that does not exist (AWS_PROFILE=dev, not in the config file in use): every command
// that talks to AWS says so once, before any call or plan, with what to run. As a user types them.

describe('AWS_PROFILE naming no profile (the commands)', () => {
  const ROOT = path.resolve(__dirname, '..');
  const shell = (): NodeJS.ProcessEnv => {
    const env = noCredentialsShell('cli-profile');
    const configFile = path.join(env.HOME!, 'config');
    fs.writeFileSync(configFile, '[default]\nregion = ap-northeast-1\n\n[profile prod]\nregion = ap-northeast-1\n');
    return {
      ...env,
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: path.join(env.HOME!, 'credentials'),
      AWS_PROFILE: 'dev',
      SSM_LAB_REVIEW_DIR: path.join(env.HOME!, '.review'),
    };
  };

  test.each([
    ['review', ['--account'], 'npm run review -- --account'],
    ['status', [], 'npm run status'],
    ['leftovers', [], 'npm run leftovers'],
  ])(
    'GIVEN AWS_PROFILE=dev and no such profile WHEN npm run %s runs THEN one line names the profile, the files and the fix, exit 1',
    (script, args, command) => {
      const env = shell();
      const result = spawnSync('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.stderr.trim()).toBe(
        `ssm-access-lab ${script}: AWS_PROFILE=dev names no profile in ${env.AWS_CONFIG_FILE} or ${env.AWS_SHARED_CREDENTIALS_FILE} (they have: default, prod): run aws configure list-profiles to see yours, aws configure sso --profile dev (or aws sso login --profile dev) to set it up, or unset AWS_PROFILE; then run ${command} again.`,
      );
      expect(result.stdout).toBe('');
      expect(result.status).toBe(1);
    },
  );
});
