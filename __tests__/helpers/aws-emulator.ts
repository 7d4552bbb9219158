import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { TEST_AWS_ENDPOINT_VARIABLE } from '../../tools/variables';
import { tfEnv } from './terraform';

/**
 * The AWS emulator tier: an implementation of the AWS APIs (moto's server, or LocalStack) at
 * SSM_LAB_TEST_AWS_ENDPOINT. The product has no code for it: the Terraform AWS provider and the
 * AWS SDK v3 both honour AWS_ENDPOINT_URL. Required under CI=true (.ci/run starts moto); elsewhere
 * the tier is skipped with one notice.
 */
export const EMULATOR_ENDPOINT = process.env[TEST_AWS_ENDPOINT_VARIABLE.name] || undefined;
if (!EMULATOR_ENDPOINT && process.env.CI === 'true') {
  throw new Error(
    'SSM_LAB_TEST_AWS_ENDPOINT is not set, and CI=true requires the AWS emulator tier (.ci/run starts it)',
  );
}
if (!EMULATOR_ENDPOINT)
  process.stderr.write(
    'NOTICE: SSM_LAB_TEST_AWS_ENDPOINT is not set; skipping the AWS emulator tier (README, Development)\n',
  );
export const describeWithEmulator = EMULATOR_ENDPOINT ? describe : describe.skip;

/** Forgets every resource the emulator holds (moto's reset; LocalStack answers the same path). */
export async function resetEmulator(): Promise<void> {
  const response = await fetch(`${EMULATOR_ENDPOINT}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`resetting the emulator at ${EMULATOR_ENDPOINT} failed: HTTP ${response.status}`);
}

const ROOT = path.resolve(__dirname, '..', '..');
/** What a user's checkout holds that the app and the npm scripts use. */
const PROJECT_FILES = ['main.ts', 'cdktf.json', 'package.json', 'tsconfig.json', 'bin', 'lib', 'stacks', 'tools'];

/**
 * A copy of the project in a scratch folder (node_modules linked), where `npx cdktf deploy` and the
 * npm scripts run as in a user's checkout and leave their state files and synth folders.
 */
export function projectCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-emulated-'));
  for (const entry of PROJECT_FILES) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * A user's shell pointed at the emulator: test credentials, the lab's region, Terraform with the
 * provider mirror (when this machine has one), no version check over the network.
 */
export function emulatorShell(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-emulated-home-'));
  const terraform = tfEnv();
  return {
    PATH: process.env.PATH,
    HOME: home,
    TMPDIR: process.env.TMPDIR,
    ...(terraform.TF_CLI_CONFIG_FILE ? { TF_CLI_CONFIG_FILE: terraform.TF_CLI_CONFIG_FILE } : {}),
    CHECKPOINT_DISABLE: '1',
    CI: '1',
    AWS_ENDPOINT_URL: EMULATOR_ENDPOINT,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'ap-northeast-1',
    AWS_CONFIG_FILE: path.join(home, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/** The SDK's EC2 client on the emulator, for what a test itself asks or sets up. */
export function emulatorEc2(shell: NodeJS.ProcessEnv): EC2Client {
  return new EC2Client({
    region: 'ap-northeast-1',
    endpoint: shell.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}
