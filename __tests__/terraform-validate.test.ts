import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SSM_ENDPOINTS_SAMPLE_VARS } from '../stacks/temporary-endpoints-sample';
import { configWith, synthLab } from './helpers/synth';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { EVERY_OPTION_ENV } = require('../scripts/synth-files.js') as { EVERY_OPTION_ENV: Record<string, string> };
import { describeWithTerraform, init, tf } from './helpers/terraform';

// Terraform's own verdict on everything we synthesize, against the real AWS provider schema.

interface Verdict {
  valid: boolean;
  error_count: number;
  diagnostics: { severity: string; summary: string; detail: string }[];
}

interface Diagnostic {
  severity: string;
  summary: string;
  detail: string;
  range?: { filename: string };
}

/**
 * Validates many stack folders with one Terraform process (each provider start costs seconds): each
 * folder becomes a module of one root, and each module's diagnostics are its verdict. A module's
 * backend block is ignored there, with a warning that says only that.
 */
async function validateTogether(folders: Record<string, string>, scratch: string): Promise<Record<string, Verdict>> {
  const root = path.join(scratch, 'together');
  fs.mkdirSync(root, { recursive: true });
  const modules: Record<string, { source: string; [input: string]: unknown }> = {};
  const moduleOf: Record<string, string> = {};
  Object.entries(folders).forEach(([key, dir], index) => {
    const module = `stack_${index}`;
    fs.cpSync(dir, path.join(root, module), { recursive: true, filter: (source) => !source.includes('.terraform') });
    const variables = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')).variable ?? {};
    // Inputs without a default, as a root module gets them from --var: the README's sample.
    const inputs = Object.fromEntries(
      SSM_ENDPOINTS_SAMPLE_VARS.filter(([name]) => variables[name] && !('default' in variables[name])).map(
        ([name, value]) => [name, value.startsWith('[') ? JSON.parse(value) : value],
      ),
    );
    modules[module] = { source: `./${module}`, ...inputs };
    moduleOf[key] = module;
  });
  fs.writeFileSync(path.join(root, 'main.tf.json'), JSON.stringify({ module: modules }, null, 2));
  await init(root);
  const result = await tf(['validate', '-json'], root);
  const diagnostics: Diagnostic[] = JSON.parse(result.stdout).diagnostics ?? [];
  const inModule = (d: Diagnostic, module: string) => d.range?.filename.startsWith(`${module}/`) === true;
  const verdicts: Record<string, Verdict> = {};
  for (const [key, module] of Object.entries(moduleOf)) {
    const own = diagnostics.filter((d) => inModule(d, module) && d.summary !== 'Backend configuration ignored');
    const errors = own.filter((d) => d.severity === 'error').length;
    verdicts[key] = { valid: errors === 0, error_count: errors, diagnostics: own };
  }
  // What the root itself got wrong (a missing input would be reported here, not in a module).
  const rootOnly = diagnostics.filter((d) => !Object.values(moduleOf).some((module) => inModule(d, module)));
  verdicts['(root)'] = { valid: rootOnly.length === 0, error_count: rootOnly.length, diagnostics: rootOnly };
  return verdicts;
}

describeWithTerraform('terraform validate', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-validate-'));
  const lab = synthLab(configWith(), path.join(scratch, 'defaults'));
  // Every optional stack, backend and input (the configuration the cdktn check synthesizes too).
  const custom = synthLab(configWith(EVERY_OPTION_ENV), path.join(scratch, 'custom'));
  const brokenDir = path.join(scratch, 'broken');
  const verdicts: Record<string, Verdict> = {};

  beforeAll(async () => {
    fs.mkdirSync(brokenDir);
    const json = JSON.parse(lab.raw['lab-ssm-public']);
    json.resource.aws_instance[Object.keys(json.resource.aws_instance)[0]].metadata_options.http_tokens_typo =
      'required';
    fs.writeFileSync(path.join(brokenDir, 'cdk.tf.json'), JSON.stringify(json));
    const folders: Record<string, string> = {
      ...Object.fromEntries(
        Object.keys(lab.raw).map((name) => [`defaults/${name}`, path.join(lab.outdir, 'stacks', name)]),
      ),
      'custom/lab-ssh': path.join(custom.outdir, 'stacks', 'lab-ssh'),
      'custom/lab-ssm-endpoint': path.join(custom.outdir, 'stacks', 'lab-ssm-endpoint'),
      'custom/lab-ssm-public': path.join(custom.outdir, 'stacks', 'lab-ssm-public'),
      'custom/lab-session-audit': path.join(custom.outdir, 'stacks', 'lab-session-audit'),
      broken: brokenDir,
    };
    Object.assign(verdicts, await validateTogether(folders, scratch));
  });

  test('GIVEN all stacks validated together WHEN the root is read THEN it reports nothing of its own', () => {
    expect(verdicts['(root)'].diagnostics).toEqual([]);
  });

  test.each(Object.keys(lab.raw))('GIVEN the default app WHEN terraform validates %s THEN it is valid', (name) => {
    expect(verdicts[`defaults/${name}`].diagnostics).toEqual([]);
    expect(verdicts[`defaults/${name}`].valid).toBe(true);
  });

  test('GIVEN operator inputs, SSH over SSM, a lab name, S3 state, three endpoints and the session audit WHEN validated THEN the stacks are valid', () => {
    expect(verdicts['custom/lab-ssh']).toMatchObject({ valid: true, error_count: 0 });
    expect(verdicts['custom/lab-ssm-endpoint']).toMatchObject({ valid: true, error_count: 0 });
    expect(verdicts['custom/lab-ssm-public']).toMatchObject({ valid: true, error_count: 0 });
    expect(verdicts['custom/lab-session-audit']).toMatchObject({ valid: true, error_count: 0, diagnostics: [] });
  });

  test('GIVEN a broken document WHEN validated THEN Terraform reports it (the check can fail)', () => {
    expect(verdicts.broken.valid).toBe(false);
    expect(verdicts.broken.diagnostics.map((d) => d.summary).join(' ')).toContain('Extraneous JSON object property');
  });
});
