import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ReviewResult, runReview } from '../tools/review/review';
import { configWith } from './helpers/synth';
import { describeWithTerraform, tfEnv } from './helpers/terraform';

// The offline review with the session audit on: Terraform plans lab-session-audit, the report gets
// its cost and, per instance, where its sessions are logged. (review-terraform.test.ts reviews the
// default lab, where every instance is "not logged".)

describeWithTerraform('npm run review with SSM_LAB_SESSION_AUDIT=true', () => {
  let result: ReviewResult;

  beforeAll(async () => {
    const outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-review-audit-')), '.review');
    result = await runReview({ outDir, config: configWith({ SSM_LAB_SESSION_AUDIT: 'true' }), env: tfEnv() });
  });

  test('GIVEN the audit on WHEN reviewed THEN Terraform plans the audit stack: key, alias, log group, document, role policy', () => {
    expect(result.outcomes.find((o) => o.stack === 'lab-session-audit')).toMatchObject({ ok: true });
    const created = (result.plans['lab-session-audit'].resource_changes ?? []).map((c) => c.type).sort();
    expect(created).toEqual([
      'aws_cloudwatch_log_group',
      'aws_iam_role_policy',
      'aws_kms_alias',
      'aws_kms_key',
      'aws_ssm_document',
    ]);
  });

  test('GIVEN the audit stack WHEN its cost is read THEN the KMS key is priced per hour and transcripts per GB', () => {
    const stack = result.assessment!.stacks.find((s) => s.stack === 'lab-session-audit')!;
    expect(stack.cost.knownUsdPerHour).toBeCloseTo(1 / 730, 6);
    expect(stack.cost.lines.map((line) => line.note)).toContain('+ 0.76 USD per GB of transcripts');
  });

  test('GIVEN the audit on WHEN the instances are reviewed THEN each Session Manager instance is logged, encrypted; the SSH baseline is not', () => {
    const audit = Object.fromEntries(result.assessment!.instances.map((i) => [i.name, i.audit]));
    for (const name of ['ssm-lab-ssm-public', 'ssm-lab-ssm-nat', 'ssm-lab-ssm-endpoint']) {
      expect(audit[name]).toBe(
        'logged to CloudWatch Logs ssm-lab-session-audit, encrypted with KMS key ssm-lab-session-audit (document ssm-lab-session-audit)',
      );
    }
    expect(audit['ssm-lab-ssh']).toBe('not logged (no Session Manager role)');
    expect(fs.readFileSync(result.reportFile!, 'utf8')).toContain('| sessions |');
  });

  test('GIVEN the audit on WHEN reviewed THEN Terraform plans the scenarios against the audit state, and the report shows each printed command allowed by the printed policy, the shell with the key', () => {
    for (const stack of ['lab-ssm-public', 'lab-ssm-nat', 'lab-ssm-endpoint'])
      expect(result.outcomes.find((o) => o.stack === stack)).toMatchObject({ ok: true });
    expect(result.assessment!.placeholders[0]).toContain('read lab-network and lab-session-audit through their states');
    const access = Object.fromEntries(result.assessment!.operatorAccess.map((a) => [a.stack, a]));
    expect(Object.keys(access).sort()).toEqual(['lab-eice', 'lab-ssm-endpoint', 'lab-ssm-nat', 'lab-ssm-public']);
    expect(Object.values(access).flatMap((a) => a.missing)).toEqual([]);
    const report = fs.readFileSync(result.reportFile!, 'utf8');
    expect(report).toContain('## Operator policies and the printed commands');
    expect(report).toContain(
      '| `lab-ssm-nat` | `connect_command` | ssm:StartSession ×2, ssm:ResumeSession, ssm:TerminateSession, kms:GenerateDataKey | ✅ allowed |',
    );
    expect(result.text).toMatch(
      /Operator policies: each allows the commands printed beside it \(lab-eice 8 calls, lab-ssm-endpoint 13 calls, lab-ssm-nat 13 calls, lab-ssm-public 13 calls\)/,
    );
  });
});
