import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findTerraform } from '../tools/terraform-cli';

const ROOT = path.resolve(__dirname, '..');

// npm run review -- --account as a user types it: a process of its own, with Terraform, no AWS credentials.

describe('npm run review -- --account (the command)', () => {
  const terraform = findTerraform();
  (terraform ? test : test.skip)(
    'GIVEN no AWS credentials at all WHEN the account review runs THEN one line says how to sign in, exit 1, no stack trace',
    () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-nocreds-'));
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: home,
        AWS_CONFIG_FILE: path.join(home, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none'),
        AWS_EC2_METADATA_DISABLED: 'true',
        // An STS endpoint nobody answers: nothing leaves this machine, even by mistake.
        AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
        SSM_LAB_NAME: 'cli-nocreds',
        SSM_LAB_REVIEW_DIR: path.join(home, '.review'),
        ...(process.env.SSM_LAB_TF_PROVIDER_MIRROR
          ? { SSM_LAB_TF_PROVIDER_MIRROR: process.env.SSM_LAB_TF_PROVIDER_MIRROR }
          : {}),
      };
      const result = spawnSync('npm', ['run', '--silent', 'review', '--', '--account', '--stack', 'lab-network'], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(
        'ssm-access-lab review: AWS credentials are missing, expired or invalid: sign in again (aws sso login --profile <profile>, or fresh AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN), check AWS_PROFILE, then run npm run review -- --account again.',
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
    120_000,
  );
});
