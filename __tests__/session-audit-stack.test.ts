import * as fs from 'fs';
import * as path from 'path';
import { CdktfManifest, configWith, synthLab } from './helpers/synth';

describe('lab-session-audit stack', () => {
  const on = synthLab(configWith({ SSM_LAB_SESSION_AUDIT: 'true', SSM_LAB_SESSION_LOG_DAYS: '14' }));
  const off = synthLab();

  test('GIVEN the audit off (the default) WHEN synthesized THEN there is no audit stack and connect commands use the default document', () => {
    expect(Object.keys(off.stacks)).not.toContain('lab-session-audit');
    expect(off.stacks['lab-ssm-nat'].output?.connect_command.value).not.toContain('--document-name');
  });

  test('GIVEN the audit on WHEN synthesized THEN the stack depends on lab-network only and scenarios connect through its document', () => {
    const manifest: CdktfManifest = JSON.parse(fs.readFileSync(path.join(on.outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['lab-session-audit'].dependencies).toEqual(['lab-network']);
    for (const stack of ['lab-ssm-public', 'lab-ssm-nat', 'lab-ssm-endpoint']) {
      expect(on.stacks[stack].output?.connect_command.value).toMatch(
        /^aws ssm start-session --target \$\{aws_instance\.[^}]+\} --document-name ssm-lab-session-audit --region ap-northeast-1$/,
      );
    }
    expect(on.stacks['lab-ssh'].output?.connect_command.value).not.toContain('--document-name');
  });

  test('GIVEN the audit on WHEN synthesized THEN the retention setting reaches the log group, and the outputs say where to watch', () => {
    const audit = on.stacks['lab-session-audit'];
    expect(Object.values(audit.resource!.aws_cloudwatch_log_group)[0].retention_in_days).toBe(14);
    expect(audit.output?.watch_command.value).toMatch(
      /^aws logs tail \$\{aws_cloudwatch_log_group\.[^}]+\.name\} --follow --region ap-northeast-1$/,
    );
    // Besides these, the key's ARN for the Session Manager scenarios' operator policies (cdktf's
    // cross-stack output).
    expect(Object.keys(audit.output ?? {}).sort()).toEqual([
      'cross-stack-output-aws_kms_keyaudit_key_39D8EA39arn',
      'document_name',
      'kms_key_arn',
      'log_group_name',
      'watch_command',
    ]);
    for (const stack of ['lab-ssm-public', 'lab-ssm-nat', 'lab-ssm-endpoint'])
      expect(String(on.stacks[stack].output!.operator_policy.value)).toContain(
        'data.terraform_remote_state.cross-stack-reference-input-lab-session-audit.outputs.cross-stack-output-aws_kms_keyaudit_key_39D8EA39arn',
      );
    // The instance role is lab-network's, reached through its state.
    expect(String(Object.values(audit.resource!.aws_iam_role_policy)[0].role)).toContain(
      'data.terraform_remote_state.cross-stack-reference-input-lab-network',
    );
  });

  test('GIVEN a retention CloudWatch does not accept WHEN loaded THEN the setting is refused with the accepted values', () => {
    expect(() => configWith({ SSM_LAB_SESSION_LOG_DAYS: '10' })).toThrow(
      'SSM_LAB_SESSION_LOG_DAYS="10" is invalid: expected a retention CloudWatch Logs accepts, in days: 1, 3, 5, 7, 14',
    );
  });
});
