import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findTerraform, runTerraform, terraformEnvironment } from '../tools/terraform-cli';
import { configWith, SSH_OPERATOR_ENV, synthLab } from './helpers/synth';

// Terraform's own verdict on what we synthesize. Required under CI=true; elsewhere a machine
// without terraform skips with a visible notice.
const terraform = findTerraform();
if (!terraform && process.env.CI === 'true') {
  throw new Error('terraform is not on PATH, and CI=true requires the terraform validate step');
}
if (!terraform) {
  process.stderr.write('NOTICE: terraform not found on PATH; skipping the terraform validate tests\n');
}
const describeWithTerraform = terraform ? describe : describe.skip;

describeWithTerraform('terraform validate', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-tf-'));
  const env = terraformEnvironment(scratch);

  function validate(stackDir: string) {
    const init = runTerraform(terraform!, ['init', '-backend=false', '-input=false'], stackDir, env);
    if (init.status !== 0) throw new Error(`terraform init failed in ${stackDir}:\n${init.stderr}`);
    const result = runTerraform(terraform!, ['validate', '-json'], stackDir, env);
    return JSON.parse(result.stdout) as { valid: boolean; error_count: number; diagnostics: { summary: string; detail: string }[] };
  }

  const lab = synthLab(configWith(), path.join(scratch, 'defaults'));
  test.each(Object.keys(lab.raw))('GIVEN the default lab WHEN terraform validates %s THEN it is valid', (name) => {
    const verdict = validate(path.join(lab.outdir, 'stacks', name));
    expect(verdict.diagnostics).toEqual([]);
    expect(verdict.valid).toBe(true);
  });

  test('GIVEN operator inputs and three endpoints WHEN terraform validates THEN ssh and endpoint stacks are valid', () => {
    const custom = synthLab(
      configWith({ ...SSH_OPERATOR_ENV, SSM_LAB_ENDPOINT_SERVICES: 'ssm,ssmmessages,ec2messages', SSM_LAB_AMI_ID: 'ami-0123456789abcdef0' }),
      path.join(scratch, 'custom'),
    );
    for (const name of ['lab-ssh', 'lab-ssm-endpoint']) {
      expect(validate(path.join(custom.outdir, 'stacks', name))).toMatchObject({ valid: true, error_count: 0 });
    }
  });

  test('GIVEN a broken document WHEN terraform validates THEN it reports the error (the check can fail)', () => {
    const broken = path.join(scratch, 'broken');
    fs.mkdirSync(broken);
    const json = JSON.parse(lab.raw['lab-ssm-public']);
    json.resource.aws_instance[Object.keys(json.resource.aws_instance)[0]].metadata_options.http_tokens_typo = 'required';
    fs.writeFileSync(path.join(broken, 'cdk.tf.json'), JSON.stringify(json));
    const verdict = validate(broken);
    expect(verdict.valid).toBe(false);
    expect(verdict.diagnostics.map((d) => d.summary).join(' ')).toContain('Extraneous JSON object property');
  });
});
