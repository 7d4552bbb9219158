import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { configWith, SSH_OPERATOR_ENV, synthLab } from './helpers/synth';

const ROOT = path.resolve(__dirname, '..');
const STACKS = ['lab-network', 'lab-ssh', 'lab-ssm-endpoint', 'lab-ssm-nat', 'lab-ssm-public', 'ssm-endpoints'];

/** Runs the app exactly as cdktf.json's `app` does, with only the given SSM_LAB_* settings. */
function runApp(outdir: string, settings: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CDKTF_OUTDIR: outdir, ...settings };
  return spawnSync(process.execPath, [path.join(ROOT, 'bin', 'app.js'), path.join(ROOT, 'main.ts')], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
}

describe('the app (main.ts)', () => {
  test('GIVEN defaults WHEN app.synth() runs THEN every stack matches its snapshot, with no machine path in it', () => {
    const lab = synthLab();
    expect(Object.keys(lab.raw)).toEqual(STACKS);
    for (const name of STACKS) {
      expect(lab.raw[name]).not.toContain(ROOT);
      expect(lab.raw[name]).not.toContain(os.tmpdir());
      expect(lab.raw[name]).toMatchSnapshot(name);
    }
  });

  test('GIVEN defaults WHEN scenario stacks are synthesized THEN they read lab-network only, through its state', () => {
    const lab = synthLab();
    for (const name of STACKS.filter((stack) => stack.startsWith('lab-') && stack !== 'lab-network')) {
      const remote = lab.stacks[name].data?.terraform_remote_state ?? {};
      expect(Object.keys(remote)).toEqual(['cross-stack-reference-input-lab-network']);
      expect(remote['cross-stack-reference-input-lab-network'].config?.path).toBe(
        '../../../terraform.lab-network.tfstate',
      );
    }
    expect(lab.stacks['lab-network'].data?.terraform_remote_state).toBeUndefined();
    expect(lab.stacks['ssm-endpoints'].data?.terraform_remote_state).toBeUndefined();
  });

  test('GIVEN a synth for deploy WHEN any stack is inspected THEN it carries no mock credentials or skip settings', () => {
    const lab = synthLab();
    for (const name of STACKS) {
      const provider = lab.stacks[name].provider!.aws[0];
      expect(Object.keys(provider).filter((key) => /^(skip_|access_key|secret_key)/.test(key))).toEqual([]);
      expect(lab.raw[name]).not.toContain('mock-');
    }
  });

  test('GIVEN the same config WHEN synthesized twice by the app process THEN output is byte-identical', () => {
    const first = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-a-'));
    const second = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-b-'));
    const firstRun = runApp(first);
    expect(firstRun.status).toBe(0);
    // Nothing to say on a clean synth: no warnings from cdktf either.
    expect(firstRun.stderr).toBe('');
    expect(firstRun.stdout).toBe('');
    expect(runApp(second).status).toBe(0);
    const files = (dir: string) =>
      (fs.readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .sort();
    expect(files(first)).toEqual(files(second));
    expect(files(first)).toContain(path.join('stacks', 'lab-ssm-endpoint', 'cdk.tf.json'));
    for (const file of files(first)) {
      expect(fs.readFileSync(path.join(second, file), 'utf8')).toBe(fs.readFileSync(path.join(first, file), 'utf8'));
    }
  });

  // One bad value per kind of failure is enough here: config.test.ts checks every message in-process.
  test.each([
    [{ SSM_LAB_VPC1_CIDR: '10.0.0.0/33' }, 'SSM_LAB_VPC1_CIDR="10.0.0.0/33" is invalid: expected an IPv4 CIDR block'],
  ])('GIVEN %j WHEN the app runs THEN one clear line, exit 1, and nothing written', (settings, message) => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-bad-')), 'cdktf.out');
    const result = runApp(outdir, settings);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^ssm-access-lab: /);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('GIVEN a machine without Terraform WHEN the app synthesizes THEN it succeeds: synth never runs terraform', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-noterraform-')), 'cdktf.out');
    const emptyPath = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-empty-path-'));
    const result = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'app.js'), path.join(ROOT, 'main.ts')], {
      cwd: ROOT,
      env: { PATH: emptyPath, HOME: process.env.HOME, CDKTF_OUTDIR: outdir },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(STACKS);
  });

  test('GIVEN SSM_LAB_DEBUG=1 and a bad value WHEN the app runs THEN the stack trace names the TypeScript line that throws', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-debug-')), 'cdktf.out');
    const result = runApp(outdir, { SSM_LAB_VPC1_CIDR: '10.0.0.0/33', SSM_LAB_DEBUG: '1' });
    expect(result.status).toBe(1);
    // The first frame in lib/config.ts is where the ConfigError is thrown; without source maps
    // SWC's output lines (types and interfaces removed) would point elsewhere.
    const frame = /\((\/[^()]*\/lib\/config\.ts):(\d+):(\d+)\)/.exec(result.stderr);
    expect(frame).not.toBeNull();
    const line = fs.readFileSync(frame![1], 'utf8').split('\n')[Number(frame![2]) - 1];
    expect(line).toMatch(/throw new ConfigError|new ConfigError\(/);
  });
});

describe('names an orphan could block', () => {
  // Types whose name AWS requires to be unique (per VPC, region or account) → the fixed-name argument
  // and its prefix form. An orphan left by a killed apply keeps its name; a fixed name would then
  // refuse every later apply ("InvalidGroup.Duplicate", "EntityAlreadyExists").
  const UNIQUE_NAMES: Record<string, [fixed: string, prefix: string]> = {
    aws_security_group: ['name', 'name_prefix'],
    aws_iam_role: ['name', 'name_prefix'],
    aws_iam_instance_profile: ['name', 'name_prefix'],
    aws_iam_policy: ['name', 'name_prefix'],
    aws_key_pair: ['key_name', 'key_name_prefix'],
    aws_scheduler_schedule_group: ['name', 'name_prefix'],
    aws_scheduler_schedule: ['name', 'name_prefix'],
  };

  test('GIVEN every stack (with a key pair imported) WHEN synthesized THEN no name-unique resource has a fixed name, each has a prefix', () => {
    const lab = synthLab(configWith({ ...SSH_OPERATOR_ENV }));
    const checked: string[] = [];
    for (const [stack, json] of Object.entries(lab.stacks)) {
      for (const [type, [fixed, prefix]] of Object.entries(UNIQUE_NAMES)) {
        for (const [id, body] of Object.entries(json.resource?.[type] ?? {})) {
          checked.push(`${stack}/${type}.${id}`);
          expect({ resource: `${stack}/${type}.${id}`, fixed: body[fixed] }).toEqual({
            resource: `${stack}/${type}.${id}`,
            fixed: undefined,
          });
          expect(body[prefix]).toMatch(/^[a-z][a-z0-9-]*-$/);
        }
      }
    }
    // Every kind the lab creates was looked at (the check cannot pass by finding nothing).
    expect(new Set(checked.map((entry) => entry.split('/')[1].split('.')[0]))).toEqual(
      new Set([
        'aws_security_group',
        'aws_iam_role',
        'aws_iam_instance_profile',
        'aws_key_pair',
        'aws_scheduler_schedule_group',
        'aws_scheduler_schedule',
      ]),
    );
  });

  test('GIVEN the security groups WHEN synthesized THEN a replacement is created before the old one goes', () => {
    const lab = synthLab();
    for (const json of Object.values(lab.stacks)) {
      for (const group of Object.values(json.resource?.aws_security_group ?? {}))
        expect(group.lifecycle).toMatchObject({ create_before_destroy: true });
    }
  });
});

describe('the app and the guardrails', () => {
  test('GIVEN SSH opened to the world without acknowledgement WHEN the app runs THEN exit 1 and the previous output is untouched', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-guard-')), 'cdktf.out');
    fs.mkdirSync(path.join(outdir, 'stacks', 'lab-ssh'), { recursive: true });
    const before = '{"previous": "synth"}';
    fs.writeFileSync(path.join(outdir, 'stacks', 'lab-ssh', 'cdk.tf.json'), before);
    const result = runApp(outdir, { SSM_LAB_SSH_ALLOWED_CIDRS: '0.0.0.0/0', SSM_LAB_SSH_KEY_NAME: 'ops' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'SSMLAB-SG-1 at lab-ssh/instance/ingress-22-0-0: inbound tcp/22 from 0.0.0.0/0. Fix:',
    );
    expect(fs.readFileSync(path.join(outdir, 'stacks', 'lab-ssh', 'cdk.tf.json'), 'utf8')).toBe(before);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(['cdktf.out']);
  });

  test('GIVEN the same finding acknowledged WHEN the app runs THEN it synthesizes and prints the acknowledgement', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-ack-')), 'cdktf.out');
    const result = runApp(outdir, {
      SSM_LAB_SSH_ALLOWED_CIDRS: '0.0.0.0/0',
      SSM_LAB_SSH_KEY_NAME: 'ops',
      SSM_LAB_ACKNOWLEDGE: 'SSMLAB-SG-1@lab-ssh=workshop with changing addresses',
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(
      'acknowledged SSMLAB-SG-1 at lab-ssh/instance/ingress-22-0-0: inbound tcp/22 from 0.0.0.0/0 — reason: workshop with changing addresses',
    );
    expect(
      JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'lab-ssh', 'cdk.tf.json'), 'utf8')).resource
        .aws_vpc_security_group_ingress_rule,
    ).toBeDefined();
  });
});

describe('provider imports', () => {
  test('GIVEN every source file WHEN scanned THEN none imports the root of @cdktf/provider-aws', () => {
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (['node_modules', 'cdktf.out', '.git', '.review'].includes(entry.name)) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.(ts|js)$/.test(entry.name)) sources.push(full);
      }
    };
    walk(ROOT);
    expect(sources.length).toBeGreaterThan(10);
    // import/export … from, or require(), of the package root or its lib/ index (which loads every resource)
    const rootImport =
      /^\s*(?:(?:import|export)\b[^;]*?\bfrom\s+|.*\brequire\(\s*)['"]@cdktf\/provider-aws(?:\/lib)?(?:\/index)?['"]/m;
    const pkg = ['@cdktf', 'provider-aws'].join('/'); // split so this file does not match itself
    expect(rootImport.test(`import { Vpc } from '${pkg}';`)).toBe(true);
    expect(rootImport.test(`const aws = require('${pkg}/lib');`)).toBe(true);
    expect(rootImport.test(`import { Vpc } from '${pkg}/lib/vpc';`)).toBe(false);
    const offenders = sources.filter((file) => rootImport.test(fs.readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('layers', () => {
  /** Project folders a file's relative imports reach (`lib`, `stacks`, `tools`, …). */
  const reachedFolders = (file: string): string[] => {
    const source = fs.readFileSync(file, 'utf8');
    const specifiers = [...source.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map(
      (m) => m[1],
    );
    return specifiers.map(
      (specifier) => path.relative(ROOT, path.resolve(path.dirname(file), specifier)).split(path.sep)[0],
    );
  };
  const filesIn = (dir: string) =>
    (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts'))
      .map((file) => path.join(ROOT, dir, file));

  test('GIVEN the source folders WHEN their imports are read THEN tools → stacks → lib, never back', () => {
    const reached = (dir: string) => [...new Set(filesIn(dir).flatMap(reachedFolders))].sort();
    expect(reached('lib')).toEqual(['lib']);
    expect(reached('stacks')).toEqual(['lib', 'stacks']);
    expect(reached('tools').filter((folder) => !['lib', 'stacks', 'tools'].includes(folder))).toEqual([]);
  });

  test('GIVEN an import that goes the wrong way WHEN read THEN the check sees it', () => {
    const probe = path.join(ROOT, 'lib', '__layer-probe.ts');
    fs.writeFileSync(probe, "import { addLabStacks } from '../stacks';\nexport const x = addLabStacks;\n");
    try {
      expect(reachedFolders(probe)).toEqual(['stacks']);
    } finally {
      fs.rmSync(probe);
    }
  });

  test('GIVEN the stacks WHEN read THEN none knows of the offline review', () => {
    for (const file of filesIn('stacks'))
      expect(fs.readFileSync(file, 'utf8')).not.toMatch(/offline|mock-|skip_credentials|skipCredentials/i);
  });
});

describe('type-checking', () => {
  test('GIVEN every TypeScript file of the project WHEN tsconfig.json is read THEN tsc --noEmit checks it, and no entry matches nothing', () => {
    const include: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')).include;
    const covers = (file: string, pattern: string) =>
      pattern.endsWith('/**/*.ts') ? file.startsWith(pattern.slice(0, -'**/*.ts'.length)) : file === pattern;
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        if (
          ['node_modules', 'cdktf.out', '.git', '.review'].includes(entry.name) ||
          entry.name.startsWith('cdktf.out.')
        )
          continue;
        const relative = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(relative);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(relative);
      }
    };
    walk('');
    expect(files).toContain('tools/review/cli.ts');
    expect(files.filter((file) => !include.some((pattern) => covers(file, pattern)))).toEqual([]);
    expect(include.filter((pattern) => !files.some((file) => covers(file, pattern)))).toEqual([]);
  });
});
