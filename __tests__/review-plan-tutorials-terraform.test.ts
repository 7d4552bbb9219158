import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeWithTerraform, init, tf, tfEnv } from './helpers/terraform';
import { Ran, run } from './helpers/processes';
import { blockOf } from './helpers/review-text';

// `npm run review -- --plan` on configurations written the way tutorials write them
// (__tests__/terraform/tutorials), one rule of AWS's each with the variant that flips it, planned
// once by the real Terraform. The verdicts are AWS's rules applied by hand:
// - an instance's groups are its network interface's, and `security_groups` names them for a VPC
//   instance as `vpc_security_group_ids` does (EC2 User Guide, "Elastic network interfaces");
// - an interface made beforehand gets no public address at launch, an Elastic IP on it is one;
// - a rule referencing an Instance Connect Endpoint's group admits it whether client IP
//   preservation is on or off; an endpoint created without groups is in the VPC's default group
//   ("Security groups for EC2 Instance Connect Endpoint", CreateInstanceConnectEndpoint);
// - aws_iam_policy_attachment attaches a managed policy to its roles as AttachRolePolicy does.

const ROOT = path.join(__dirname, '..');
const CONFIG = path.join(__dirname, 'terraform', 'tutorials');

describeWithTerraform('npm run review -- --plan on configurations written the way tutorials write them', () => {
  let reviewed: Ran;
  const block = (address: string) => blockOf(reviewed.stdout, address);

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-tutorials-'));
    fs.cpSync(CONFIG, dir, { recursive: true });
    await init(dir);
    const planned = await tf(['plan', '-input=false', '-lock=false', '-out=plan.tfplan'], dir);
    if (planned.status !== 0) throw new Error(`terraform plan failed:\n${planned.stderr}`);
    fs.writeFileSync(path.join(dir, 'plan.json'), (await tf(['show', '-json', 'plan.tfplan'], dir)).stdout);
    reviewed = await run('npm', ['run', '--silent', 'review', '--', '--plan', path.join(dir, 'plan.json')], ROOT, {
      ...tfEnv(),
      SSM_LAB_REVIEW_DIR: path.join(dir, '.review'),
    });
  }, 240_000);

  test('GIVEN the plan WHEN reviewed THEN it is read with its configuration, exit 0', () => {
    expect(reviewed.stderr).toBe('');
    expect(reviewed.status).toBe(0);
    expect(reviewed.stdout).toMatch(/Configuration read: \S+ \(3 module folders/);
  });

  test('GIVEN a VPC instance whose groups are written as security_groups WHEN judged THEN they are its groups: SSH from the range they open', () => {
    expect(block('aws_instance.legacy_groups')[1]).toBe(
      'SSH: reachable from 203.0.113.0/24 (port 22 open from 203.0.113.0/24; public address; route to the internet gateway; existing key pair tutorial-key)',
    );
  });

  test('GIVEN instances attached by network_interface WHEN judged THEN the interface gives the subnet and groups, and only an Elastic IP gives an address', () => {
    expect(block('aws_instance.by_interface')[1]).toBe(
      'SSH: reachable from 203.0.113.0/24 (port 22 open from 203.0.113.0/24; public address; route to the internet gateway; existing key pair tutorial-key)',
    );
    expect(block('aws_instance.by_closed_interface')[1]).toBe('SSH: NOT reachable — no inbound rule opens port 22');
    expect(block('aws_instance.by_interface_no_address')[1]).toBe(
      'SSH: NOT reachable — the instance has no public address',
    );
  });

  test("GIVEN Instance Connect Endpoints with client IP preservation on, and one without groups WHEN judged THEN a rule by the endpoint's group admits it, and the default group sends its SSH", () => {
    expect(block('aws_instance.behind_eice["by-group"]')[1]).toBe(
      'SSH: reachable via EC2 Instance Connect Endpoint (eice-by-group in by-group; instance SG admits tcp/22 from the endpoint SG; endpoint SG sends tcp/22 to the instance; no key pair needed: the CLI pushes a one-minute key)',
    );
    expect(block('aws_instance.old_type_behind_eice')[1]).toBe(
      "SSH: NOT reachable — the EC2 Instance Connect Endpoint eice-by-group keeps the client's address (preserve_client_ip = true, the default), which m3.medium instances do not support: connections fail (AWS: set preserve_client_ip = false for C1, CG1, CG2, G1, G2, HI1, M1, M2, M3, T1)",
    );
    expect(block('aws_instance.behind_eice["no-rule"]')[1]).toBe('SSH: NOT reachable — no inbound rule opens port 22');
    expect(block('aws_instance.behind_eice["no-groups"]')[1]).toBe(
      "SSH: reachable via EC2 Instance Connect Endpoint (eice-no-groups in no-groups; instance SG admits tcp/22 from 10.60.0.0/16 (covers the endpoint's subnet); endpoint SG sends tcp/22 to the instance; no key pair needed: the CLI pushes a one-minute key)",
    );
    expect(block('aws_instance.behind_eice["no-groups"]')).toContain(
      "Assumed: eice-no-groups names no security group, so it is in the default security group of no-groups, which is not in the plan: AWS's default rules assumed (all outbound; inbound only from the group itself)",
    );
  });

  test("GIVEN AmazonSSMManagedInstanceCore attached with aws_iam_policy_attachment WHEN judged THEN the role has the agent's actions; the role without it does not", () => {
    expect(block('aws_instance.managed')[0]).toBe(
      'Session Manager: reachable via internet gateway (public address; 0.0.0.0/0 → internet gateway; 443 out)',
    );
    expect(block('aws_instance.unmanaged')[0]).toBe(
      'Session Manager: NOT reachable — the role aws_iam_role.bare is not allowed ssm:UpdateInstanceInformation, ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel (Default Host Management Configuration would manage it if the account turned it on: off by default, and not set in this plan)',
    );
  });
});
