import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { configWith, DEFAULT_STACKS, SSH_OPERATOR_ENV, synthLab } from './helpers/synth';

const ROOT = path.resolve(__dirname, '..');
const STACKS = DEFAULT_STACKS;

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
  test('GIVEN every TypeScript file of the project WHEN tsconfig.json is read THEN npm run typecheck checks it, and no entry matches nothing', () => {
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
