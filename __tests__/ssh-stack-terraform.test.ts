import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SSH_INPUTS_MISSING } from '../stacks/ssh-stack';
import { writePlaceholderState } from '../tools/review/sources/offline-lab';
import { configWith, SSH_OPERATOR_ENV, synthLab } from './helpers/synth';
import { describeWithTerraform, init, plan, PlanOutcome } from './helpers/terraform';

// "A deploy of lab-ssh without the operator's inputs is refused": Terraform's own plan, offline,
// with lab-network's outputs from the review's placeholder state.

describeWithTerraform('lab-ssh with Terraform', () => {
  let refused: PlanOutcome;
  let accepted: PlanOutcome;

  beforeAll(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-ssh-tf-'));
    const planStack = async (name: string, env: Record<string, string>) => {
      const lab = synthLab(
        configWith({ SSM_LAB_AMI_ID: 'ami-0123456789abcdef0', ...env }),
        path.join(root, name, 'cdktf.out'),
        { offlineReview: true },
      );
      writePlaceholderState(
        lab.stacks['lab-network'],
        'lab-network',
        path.join(root, name, 'terraform.lab-network.tfstate'),
      );
      const dir = path.join(lab.outdir, 'stacks', 'lab-ssh');
      await init(dir, true);
      return plan(dir, [], name);
    };
    [refused, accepted] = await Promise.all([planStack('unconfigured', {}), planStack('configured', SSH_OPERATOR_ENV)]);
  });

  test('GIVEN no operator CIDR or key WHEN lab-ssh is planned THEN Terraform refuses it with the message, before creating anything', () => {
    expect(refused.status).not.toBe(0);
    const errors = refused.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toEqual([
      expect.objectContaining({
        summary: 'Resource precondition failed',
        detail: expect.stringContaining(SSH_INPUTS_MISSING),
      }),
    ]);
  });

  test('GIVEN operator inputs WHEN lab-ssh is planned THEN the plan opens 22 to those CIDRs only', () => {
    expect(accepted.status).toBe(0);
    const rules = accepted.plan
      .resource_changes!.filter((c) => c.type === 'aws_vpc_security_group_ingress_rule')
      .map((c) => c.change.after!);
    // tcp/22 on the instance's own group; the other rule is its forwarding hop's, on the target's group.
    expect(
      rules
        .filter((rule) => rule.from_port === 22)
        .map((rule) => rule.cidr_ipv4)
        .sort(),
    ).toEqual(['198.51.100.0/24', '203.0.113.7/32']);
    expect(rules.filter((rule) => rule.from_port !== 22)).toEqual([
      expect.objectContaining({ from_port: 8080, to_port: 8080, cidr_ipv4: null }),
    ]);
  });
});
