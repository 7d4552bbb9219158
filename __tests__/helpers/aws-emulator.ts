import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
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

const EMULATOR_SCRIPTS = path.join(ROOT, '..', 'shared', 'aws-emulator');

/**
 * moto's server on a free port of its own (../shared/aws-emulator/start, as .ci/run starts the
 * lab's), or, where that folder is not beside the project, the server SSM_LAB_TEST_AWS_ENDPOINT
 * names (shared with the lab's tier: run the two files one at a time then, with --runInBand).
 */
export async function ownEmulator(): Promise<{ url: string; stop: () => void }> {
  if (!fs.existsSync(path.join(EMULATOR_SCRIPTS, 'start'))) return { url: EMULATOR_ENDPOINT!, stop: () => {} };
  const net = await import('net');
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as { port: number };
      server.close(() => resolve(free));
    });
  });
  const started = spawnSync('bash', [path.join(EMULATOR_SCRIPTS, 'start'), String(port)], { encoding: 'utf8' });
  const url = /AWS_ENDPOINT_URL=(\S+)/.exec(started.stdout)?.[1];
  if (started.status !== 0 || !url) throw new Error(`the emulator did not start on port ${port}:\n${started.stderr}`);
  return { url, stop: () => spawnSync('bash', [path.join(EMULATOR_SCRIPTS, 'stop'), String(port)]) };
}

/**
 * moto gives every instance a public IPv4, even with associate_public_ip_address = false, so a
 * refresh would plan to replace the private instances: the copy's instances ignore that attribute.
 */
export function ignoreMotoPublicAddress(project: string): void {
  const file = path.join(project, 'lib', 'lab-instance.ts');
  const source = fs.readFileSync(file, 'utf8');
  const edited = source.replace(
    "lifecycle: props.amiId === undefined ? { ignoreChanges: ['ami'] } : undefined,",
    "lifecycle: { ignoreChanges: props.amiId === undefined ? ['ami', 'associate_public_ip_address'] : ['associate_public_ip_address'] },",
  );
  if (edited === source) throw new Error('lib/lab-instance.ts changed: update ignoreMotoPublicAddress in this test');
  fs.writeFileSync(file, edited);
}

/** The README's deploy-connect-forward-destroy block, and the lines its session-audit block changes. */
export function readmeBlocks(): { lines: string[]; audit: string[] } {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Deploy one path'));
  const [main, audit] = [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
    .slice(0, 2)
    .map((match) => match[1].split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#')));
  return { lines: main, audit };
}

/**
 * The lines that need Session Manager itself or its plugin (the agent's registration, a shell,
 * the tunnel and what uses it): the emulator has neither, so these are the lines the test skips.
 */
export const NEEDS_SESSION_MANAGER = [
  /^npm run status -- --wait/,
  /\$\(out connect_command\)/,
  /forward_to_target_command/,
  /^until curl/,
  /^kill /,
];

/** A README line as typed, with the emulator tier's two flags on cdktf's (the header says why). */
export function asTyped(line: string): string {
  const command = line.replace(/\s+#.*$/, '');
  return /^npx cdktf (deploy|destroy) /.test(command) ? `${command} --auto-approve --skip-provider-lock` : command;
}
