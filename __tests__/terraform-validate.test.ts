import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inParallel } from '../tools/terraform-cli';
import { configWith, SSH_OPERATOR_ENV, synthLab } from './helpers/synth';
import { describeWithTerraform, init, tf } from './helpers/terraform';

// Terraform's own verdict on everything we synthesize, against the real AWS provider schema.
jest.setTimeout(180_000);

interface Verdict {
  valid: boolean;
  error_count: number;
  diagnostics: { summary: string; detail: string }[];
}

async function validate(stackDir: string): Promise<Verdict> {
  await init(stackDir);
  const result = await tf(['validate', '-json'], stackDir);
  return JSON.parse(result.stdout);
}

describeWithTerraform('terraform validate', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-validate-'));
  const lab = synthLab(configWith(), path.join(scratch, 'defaults'));
  const custom = synthLab(
    configWith({
      ...SSH_OPERATOR_ENV,
      SSM_LAB_ENDPOINT_SERVICES: 'ssm,ssmmessages,ec2messages',
      SSM_LAB_AMI_ID: 'ami-0123456789abcdef0',
      SSM_LAB_SSH_OVER_SSM: 'true',
      SSM_LAB_NAME: 'team-a',
      SSM_LAB_STATE_BUCKET: 'team-terraform-state',
    }),
    path.join(scratch, 'custom'),
  );
  const brokenDir = path.join(scratch, 'broken');
  const verdicts: Record<string, Verdict> = {};

  beforeAll(async () => {
    fs.mkdirSync(brokenDir);
    const json = JSON.parse(lab.raw['lab-ssm-public']);
    json.resource.aws_instance[Object.keys(json.resource.aws_instance)[0]].metadata_options.http_tokens_typo =
      'required';
    fs.writeFileSync(path.join(brokenDir, 'cdk.tf.json'), JSON.stringify(json));
    const jobs: [string, string][] = [
      ...Object.keys(lab.raw).map((name): [string, string] => [
        `defaults/${name}`,
        path.join(lab.outdir, 'stacks', name),
      ]),
      ['custom/lab-ssh', path.join(custom.outdir, 'stacks', 'lab-ssh')],
      ['custom/lab-ssm-endpoint', path.join(custom.outdir, 'stacks', 'lab-ssm-endpoint')],
      ['custom/lab-ssm-public', path.join(custom.outdir, 'stacks', 'lab-ssm-public')],
      ['broken', brokenDir],
    ];
    await inParallel(jobs, 2, async ([key, dir]) => void (verdicts[key] = await validate(dir)));
  });

  test.each(Object.keys(lab.raw))('GIVEN the default app WHEN terraform validates %s THEN it is valid', (name) => {
    expect(verdicts[`defaults/${name}`].diagnostics).toEqual([]);
    expect(verdicts[`defaults/${name}`].valid).toBe(true);
  });

  test('GIVEN operator inputs, SSH over SSM, a lab name, S3 state and three endpoints WHEN validated THEN the stacks are valid', () => {
    expect(verdicts['custom/lab-ssh']).toMatchObject({ valid: true, error_count: 0 });
    expect(verdicts['custom/lab-ssm-endpoint']).toMatchObject({ valid: true, error_count: 0 });
    expect(verdicts['custom/lab-ssm-public']).toMatchObject({ valid: true, error_count: 0 });
  });

  test('GIVEN a broken document WHEN validated THEN Terraform reports it (the check can fail)', () => {
    expect(verdicts.broken.valid).toBe(false);
    expect(verdicts.broken.diagnostics.map((d) => d.summary).join(' ')).toContain('Extraneous JSON object property');
  });
});
