/**
 * Runs the Terraform CLI for tests and tools: finds the binary, and points Terraform at a local
 * filesystem mirror of the AWS provider when one is named or can be found, else at the public
 * registry. Nothing here knows a path of any particular machine.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROVIDER_MIRROR_VARIABLE } from './variables';

/** The AWS provider the installed `@cdktf/provider-aws` binds (and every stack pins), from its package. */
const BOUND_PROVIDER: { name: string; version: string } = JSON.parse(
  fs.readFileSync(require.resolve('@cdktf/provider-aws/package.json'), 'utf8'),
).cdktf.provider;
export const AWS_PROVIDER_VERSION = BOUND_PROVIDER.version;
const AWS_PROVIDER_SOURCE = BOUND_PROVIDER.name;

/** Set this to a filesystem mirror folder to skip discovery. */
export const MIRROR_VARIABLE = PROVIDER_MIRROR_VARIABLE.name;

export interface TerraformResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The `terraform` on PATH (or `$TERRAFORM_BINARY`), or undefined when there is none. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TERRAFORM_BINARY) return fs.existsSync(env.TERRAFORM_BINARY) ? env.TERRAFORM_BINARY : undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'terraform');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function holdsAwsProvider(mirror: string): boolean {
  return fs.existsSync(path.join(mirror, AWS_PROVIDER_SOURCE, AWS_PROVIDER_VERSION));
}

/**
 * A folder in Terraform's unpacked mirror layout that holds the AWS provider version we bind:
 * `$SSM_LAB_TF_PROVIDER_MIRROR` if set, else the first match among Terraform's usual plugin
 * folders and the add-on software folders under /opt.
 */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env[MIRROR_VARIABLE];
  if (named) return holdsAwsProvider(named) ? named : undefined;
  const home = env.HOME ?? os.homedir();
  const candidates = [
    path.join(home, '.terraform.d', 'plugins'),
    path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
    ...childFolders('/opt').flatMap((dir) => [dir, ...childFolders(dir)]),
  ];
  return candidates.find(holdsAwsProvider);
}

function childFolders(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(dir, entry.name))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Environment for Terraform child processes. With a mirror, writes a CLI configuration into
 * `scratchDir` that installs the AWS provider from it; with none, keeps the user's own CLI
 * configuration if it exists and otherwise lets Terraform use the public registry.
 */
export function terraformEnvironment(scratchDir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const childEnv: NodeJS.ProcessEnv = { ...env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0' };
  const mirror = findProviderMirror(env);
  if (mirror) {
    fs.mkdirSync(scratchDir, { recursive: true });
    const configFile = path.join(scratchDir, 'terraform-mirror.tfrc');
    fs.writeFileSync(
      configFile,
      [
        'provider_installation {',
        '  filesystem_mirror {',
        `    path    = ${JSON.stringify(mirror)}`,
        `    include = [${JSON.stringify(AWS_PROVIDER_SOURCE)}]`,
        '  }',
        '  direct {',
        `    exclude = [${JSON.stringify(AWS_PROVIDER_SOURCE)}]`,
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    childEnv.TF_CLI_CONFIG_FILE = configFile;
  } else if (childEnv.TF_CLI_CONFIG_FILE && !fs.existsSync(childEnv.TF_CLI_CONFIG_FILE)) {
    delete childEnv.TF_CLI_CONFIG_FILE; // a dangling setting only makes Terraform print a warning
  }
  return childEnv;
}

function acceptsNoColor(command: string | undefined): boolean {
  return command !== undefined && ['init', 'validate', 'plan', 'show', 'apply', 'destroy', 'output'].includes(command);
}

/** Runs terraform without blocking, so several stacks can be planned at once. */
export function runTerraformAsync(
  binary: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [...args, ...(acceptsNoColor(args[0]) ? ['-no-color'] : [])], { cwd, env });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({
        status: status ?? 1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
}

/** At most `limit` tasks at once (Terraform loads a ~700 MB provider per process). */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One diagnostic from `terraform … -json` output. */
export interface TerraformDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail: string;
  readonly address?: string;
  /** Where in the configuration: the file and, as `context`, the block (`module.x`, `resource "…"`). */
  readonly range?: { readonly filename: string };
  readonly snippet?: { readonly context?: string | null };
}

/** Diagnostics from the JSON lines `terraform plan -json` / `terraform test -json` print. */
export function diagnosticsOf(jsonLines: string): TerraformDiagnostic[] {
  const found: TerraformDiagnostic[] = [];
  for (const line of jsonLines.split('\n')) {
    if (!line.startsWith('{')) continue;
    const message = JSON.parse(line);
    if (message.type === 'diagnostic' && message.diagnostic) found.push(message.diagnostic);
  }
  return found;
}

/**
 * Whether Terraform refused to plan until `terraform init` runs: every such refusal (working
 * directory not initialised, backend or providers changed, lock file out of date, module missing)
 * tells the user to run it.
 */
export function needsInit(output: string): boolean {
  return /(run|running) "?terraform init"?|terraform init -(reconfigure|migrate-state|upgrade)|Backend initialization required|Required plugins are not installed|Inconsistent dependency lock file|Module not installed/.test(
    output,
  );
}
