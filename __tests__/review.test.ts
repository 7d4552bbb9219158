import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PRICES } from '../tools/review/rules/prices';
import {
  placeholderFor,
  PLACEHOLDER_AMI,
  reviewConfig,
  SAMPLE_SSH_CIDR,
  TOGETHER_FOLDER,
} from '../tools/review/sources/offline-lab';
import { runReview } from '../tools/review/review';
import { fakeTerraform } from './helpers/fake-terraform';
import { configWith, SSH_OPERATOR_ENV } from './helpers/synth';

/**
 * A stand-in terraform: by default `plan` fails like Terraform does; with `planSucceeds` every
 * step succeeds and `show -json` prints an empty plan.
 */

describe('offline review (without Terraform)', () => {
  test('GIVEN lab-network outputs WHEN placeholders are made THEN ids look like AWS ids and are stable', () => {
    expect(placeholderFor('${aws_subnet.vpc1_public-subnet_87E5A521.id}')).toMatch(/^subnet-[0-9a-f]{17}$/);
    expect(placeholderFor('${aws_subnet.vpc1_public-subnet_87E5A521.id}')).toBe(
      placeholderFor('${aws_subnet.vpc1_public-subnet_87E5A521.id}'),
    );
    expect(placeholderFor('${aws_vpc.a.id}')).not.toBe(placeholderFor('${aws_vpc.b.id}'));
    expect(placeholderFor('${aws_iam_instance_profile.p.name}')).toBe('placeholder-p');
    expect(placeholderFor('literal')).toBeUndefined();
  });

  test('GIVEN no AMI and no SSH inputs WHEN the review config is made THEN samples fill in and are listed', () => {
    const { config, placeholders } = reviewConfig(configWith());
    expect(config.amiId).toBe(PLACEHOLDER_AMI);
    expect(config.sshAllowedCidrs).toEqual([SAMPLE_SSH_CIDR]);
    expect(config.sshPublicKey).toMatch(/^ssh-ed25519 /);
    expect(placeholders).toHaveLength(3);
  });

  test("GIVEN the user's own inputs WHEN the review config is made THEN they are kept", () => {
    const { config, placeholders } = reviewConfig(
      configWith({ ...SSH_OPERATOR_ENV, SSM_LAB_AMI_ID: 'ami-0fedcba9876543210' }),
    );
    expect(config.amiId).toBe('ami-0fedcba9876543210');
    expect(config.sshAllowedCidrs).toEqual(['203.0.113.7/32', '198.51.100.0/24']);
    expect(placeholders).toEqual([]);
  });

  test('GIVEN the price table WHEN read THEN every documented region prices every billable item with a source', () => {
    for (const region of ['ap-northeast-1', 'us-east-1']) {
      const prices = PRICES[region];
      for (const price of [
        prices.natGatewayHour,
        prices.interfaceEndpointAzHour,
        prices.publicIpv4Hour,
        prices.gp3GbMonth,
        prices.kmsKeyMonth,
        prices.logsIngestGb,
        prices.instanceHour['t4g.nano'],
      ]) {
        expect(price.usd).toBeGreaterThan(0);
        expect(price.source).toMatch(/\S/);
      }
    }
    expect(PRICES['ap-northeast-1'].natGatewayHour.usd).toBe(0.062);
    expect(PRICES['ap-northeast-1'].interfaceEndpointAzHour.usd).toBe(0.014);
  });

  test("GIVEN a plan that fails WHEN reviewed THEN the outcome names the stack, the step and Terraform's message", async () => {
    const outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-review-fail-')), '.review');
    const result = await runReview({
      outDir,
      config: configWith(),
      env: { ...process.env, TERRAFORM_BINARY: fakeTerraform() },
    });
    expect(result.outcomes).toHaveLength(7);
    for (const outcome of result.outcomes) {
      expect(outcome.ok).toBe(false);
      expect(outcome.failure).toEqual({ step: 'plan', message: 'Error: Invalid provider configuration (fake)' });
    }
    expect(result.reportFile).toBeUndefined();
  });

  test("GIVEN one broken stack WHEN the plan of all stacks fails THEN each stack is planned alone, and only the broken one fails, in Terraform's words", async () => {
    const outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-review-one-')), '.review');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-terraform-'));
    const script = path.join(dir, 'terraform');
    // Fails the plan where lab-ssh is: alone in its folder, and in the root that holds every stack.
    fs.writeFileSync(
      script,
      [
        '#!/bin/sh',
        'case "$1:$(basename "$PWD")" in',
        `  plan:lab-ssh|plan:${TOGETHER_FOLDER}) echo "Error: Unsupported argument (fake, lab-ssh)" >&2; exit 1 ;;`,
        `  show:*) echo '{"resource_changes":[]}'; exit 0 ;;`,
        'esac',
        'echo "Terraform v0.0.0-fake"',
        '',
      ].join('\n'),
    );
    fs.chmodSync(script, 0o755);
    const progress: string[] = [];
    const result = await runReview({
      outDir,
      config: configWith(),
      env: { ...process.env, TERRAFORM_BINARY: script },
      progress: (line) => progress.push(line),
    });
    expect(result.outcomes.filter((outcome) => !outcome.ok)).toEqual([
      expect.objectContaining({
        stack: 'lab-ssh',
        failure: { step: 'plan', message: 'Error: Unsupported argument (fake, lab-ssh)' },
      }),
    ]);
    expect(result.outcomes.filter((outcome) => outcome.ok)).toHaveLength(6);
    expect(progress[0]).toBe('✗ planned together, terraform plan failed; planning each stack alone to say which');
    expect(result.reportFile).toBeUndefined();
  });

  test('GIVEN an acknowledged guardrail finding WHEN reviewed THEN the report lists it with its reason', async () => {
    const outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-review-ack-')), '.review');
    const config = configWith({
      SSM_LAB_SSH_ALLOWED_CIDRS: '0.0.0.0/0',
      SSM_LAB_SSH_KEY_NAME: 'ops',
      SSM_LAB_ACKNOWLEDGE: 'SSMLAB-SG-1@lab-ssh=workshop with changing addresses',
    });
    const result = await runReview({ outDir, config, env: { ...process.env, TERRAFORM_BINARY: fakeTerraform(true) } });
    const report = fs.readFileSync(result.reportFile!, 'utf8');
    expect(report).toContain('## Acknowledged guardrail findings');
    expect(report).toContain(
      '- SSMLAB-SG-1 at lab-ssh/instance/ingress-22-0-0: inbound tcp/22 from 0.0.0.0/0 — acknowledged: workshop with changing addresses',
    );
  });

  test('GIVEN an unacknowledged guardrail finding WHEN reviewed THEN the review stops before any plan', async () => {
    const outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-review-guard-')), '.review');
    const config = configWith({ SSM_LAB_SSH_ALLOWED_CIDRS: '0.0.0.0/0', SSM_LAB_SSH_KEY_NAME: 'ops' });
    await expect(
      runReview({ outDir, config, env: { ...process.env, TERRAFORM_BINARY: fakeTerraform(true) } }),
    ).rejects.toThrow('SSMLAB-SG-1 at lab-ssh');
  });
});
