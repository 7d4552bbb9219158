import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * A user's shell with no AWS credentials anywhere, and AWS endpoints nobody answers, so nothing
 * leaves this machine even by mistake: for running the tools as processes.
 */
export function noCredentialsShell(labName: string): NodeJS.ProcessEnv {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `ssm-lab-${labName}-`));
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    SSM_LAB_NAME: labName,
  };
}
