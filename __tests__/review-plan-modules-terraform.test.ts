import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { configurationFor } from '../tools/review/sources/configuration';
import { readPlanFile } from '../tools/review/sources/plan-file';
import { describeWithTerraform, init, tf, tfEnv } from './helpers/terraform';
import { Ran, run } from './helpers/processes';
import { blockOf } from './helpers/review-text';

// `npm run review -- --plan` on a configuration written the way the public modules write theirs
// (__tests__/terraform/module-style: a VPC module whose subnets take `local.vpc_id`, a try() over
// the VPC and its secondary ranges; a security-group module whose rules take `local.this_sg_id`;
// a default network ACL and an endpoints group written with dynamic blocks; endpoints by for_each
// through conditionals; instances placed by element(); AWS managed policies attached by ARN),
// planned once by the real Terraform with four sites — one working, three broken one way each.
// The verdicts are AWS's rules applied by hand.

const ROOT = path.join(__dirname, '..');
const CONFIG = path.join(__dirname, 'terraform', 'module-style');

function npmReview(args: readonly string[], reviewDir: string): Promise<Ran> {
  return run('npm', ['run', '--silent', 'review', '--', ...args], ROOT, { ...tfEnv(), SSM_LAB_REVIEW_DIR: reviewDir });
}

const instance = (site: string, name: string) =>
  `module.site["${site}"].module.instance["${name}"].aws_instance.this[0]`;
const AGENT_ACTIONS =
  'ssm:UpdateInstanceInformation, ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel';

/** Each instance's Session Manager verdict as AWS's rules give it, with its reason. */
const EXPECTED: readonly (readonly [string, string, RegExp])[] = [
  [
    'good',
    'core',
    /^Session Manager: reachable via VPC endpoints \(ssm, ssmmessages with private DNS in good; endpoint SG allows 443 from 10\.0\.1\.0\/24/,
  ],
  [
    'good',
    'admin',
    /^Session Manager: reachable via VPC endpoints \(.*endpoint SG allows 443 from 10\.0\.\d\.0\/24 \(covers the instance\); instance SG allows 443 to 10\.0\.0\.0\/16/,
  ],
  [
    'good',
    'unlisted',
    /^Session Manager: reachable via VPC endpoints \(.*; assuming arn:aws:iam::aws:policy\/AmazonSSMPolicyNotInTheDataset allows ssm:UpdateInstanceInformation, .* \(its content is neither in the plan nor in the AWS managed policies dataset\)\)$/,
  ],
  [
    'good',
    'readonly',
    new RegExp(
      `^Session Manager: NOT reachable — the role module\\.site\\["good"\\]\\.module\\.instance\\["readonly"\\]\\.aws_iam_role\\.this\\[0\\] is not allowed ${AGENT_ACTIONS} \\(Default Host Management Configuration would manage it if the account turned it on: off by default, and not set in this plan\\)$`,
    ),
  ],
  [
    'dns-off',
    'core',
    /^Session Manager: NOT reachable — the ssm and ssmmessages endpoints' private DNS is off, so the public names are used; dns-off-private-us-east-1a has no default route \(0\.0\.0\.0\/0\) to the internet$/,
  ],
  ['no-egress', 'core', /^Session Manager: NOT reachable — the instance security groups allow no outbound 443$/],
  [
    'acl-denies',
    'core',
    /^Session Manager: NOT reachable — between the instance and the ssm and ssmmessages endpoints in acl-denies-private-us-east-1b, network ACL acl-denies-default rule 90 denies outbound tcp 32768-60999 \(0\.0\.0\.0\/0\) before any allow$/,
  ],
];

describeWithTerraform('npm run review -- --plan on a configuration built like the public modules', () => {
  let dir: string;
  let alone: string;
  let beside: Ran;
  let without: Ran;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-module-style-'));
    fs.cpSync(CONFIG, dir, { recursive: true });
    await init(dir);
    // As docs/review.md says: plan to a file in the configuration's folder, show it as JSON there.
    const planned = await tf(['plan', '-input=false', '-lock=false', '-out=plan.tfplan'], dir);
    if (planned.status !== 0) throw new Error(`terraform plan failed:\n${planned.stderr}`);
    fs.writeFileSync(path.join(dir, 'plan.json'), (await tf(['show', '-json', 'plan.tfplan'], dir)).stdout);
    // The same plan where no configuration sits beside it.
    alone = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-plan-alone-'));
    fs.copyFileSync(path.join(dir, 'plan.json'), path.join(alone, 'plan.json'));
    [beside, without] = await Promise.all([
      npmReview(['--plan', path.join(dir, 'plan.json')], path.join(dir, '.review')),
      npmReview(['--plan', path.join(alone, 'plan.json')], path.join(alone, '.review')),
    ]);
  }, 240_000);

  test('GIVEN the plan beside its configuration WHEN reviewed THEN the files and every module folder are read, and each instance gets the verdict AWS gives, for its reason', () => {
    expect(beside.stderr).toBe('');
    expect(beside.status).toBe(0);
    expect(beside.stdout).toContain(
      `Configuration read: ${dir} (6 module folders: locals, dynamic blocks and expressions followed).`,
    );
    for (const [site, name, verdict] of EXPECTED)
      expect(blockOf(beside.stdout, instance(site, name))[0]).toMatch(verdict);
    // The configuration names each link exactly: nothing is assumed about subnets, groups or VPCs.
    for (const [site, name] of EXPECTED.filter(([, n]) => n !== 'unlisted'))
      expect(blockOf(beside.stdout, instance(site, name)).filter((line) => line.startsWith('Assumed:'))).toEqual([]);
    expect(beside.stdout).not.toContain('not in the plans');
    // element(module.vpc.private_subnets, 1): the second subnet, which the plan alone cannot tell.
    expect(blockOf(beside.stdout, instance('good', 'admin'))[0]).toContain('endpoint SG allows 443 from 10.0.2.0/24');
  });

  test('GIVEN the same plan without its configuration WHEN reviewed THEN the verdicts are the same, and each link through a local is named as an assumption', () => {
    expect(without.status).toBe(0);
    expect(without.stdout).toContain(`Configuration not read: no .tf file in ${alone}`);
    for (const [site, name, verdict] of EXPECTED)
      expect(blockOf(without.stdout, instance(site, name))[0]).toMatch(verdict);
    expect(blockOf(without.stdout, instance('good', 'core'))).toEqual(
      expect.arrayContaining([
        `Assumed: the vpc_id of module.site["good"].module.vpc.aws_subnet.private[0], module.site["good"].module.vpc.aws_route_table.private[0] go through a local the plan does not keep: taken to be module.site["good"].module.vpc.aws_vpc.this[0], the only one of its type in the local's module (give the configuration's folder with --config to follow the local)`,
        `Assumed: the security_group_id of module.site["good"].module.app_sg.aws_security_group_rule.egress["https"] goes through a local the plan does not keep: taken to be module.site["good"].module.app_sg.aws_security_group.this_name_prefix[0], the only one of its type in the local's module (give the configuration's folder with --config to follow the local)`,
      ]),
    );
    expect(without.stdout).not.toContain('not in the plans');
  });

  test('GIVEN --config naming the folder WHEN the plan sits elsewhere and the review runs as typed THEN the configuration is read as if beside it', async () => {
    const typed = await npmReview(
      ['--plan', path.join(alone, 'plan.json'), '--config', dir],
      path.join(alone, '.review-config'),
    );
    expect(typed.stderr).toBe('');
    expect(typed.status).toBe(0);
    expect(typed.stdout).toContain(`Configuration read: ${dir} (6 module folders`);
    expect(blockOf(typed.stdout, instance('good', 'core')).filter((line) => line.startsWith('Assumed:'))).toEqual([]);
    for (const [site, name, verdict] of EXPECTED)
      expect(blockOf(typed.stdout, instance(site, name))[0]).toMatch(verdict);
  });

  test('GIVEN a checkout changed after the plan WHEN reviewed THEN the difference is named and the plan is read alone', async () => {
    const stale = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-stale-'));
    fs.cpSync(CONFIG, stale, { recursive: true });
    const site = path.join(stale, 'modules', 'site', 'main.tf');
    fs.writeFileSync(
      site,
      fs.readFileSync(site, 'utf8').replace('vpc_id      = module.vpc.vpc_id', 'vpc_id      = var.other_vpc'),
    );
    const plan = path.join(dir, 'plan.json');
    const read = readPlanFile(plan);
    const status = await configurationFor(plan, read.plan.configuration?.root_module, stale);
    expect(status).toEqual({
      kind: 'stale',
      dir: stale,
      why: 'module.site.aws_security_group.endpoints.vpc_id refers to module.vpc.vpc_id in the plan, not in the files',
    });
  });

  test('GIVEN --config naming a folder that is missing or holds no configuration WHEN the review runs THEN one line names the option and what is expected, exit 1', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-empty-'));
    const ran = await npmReview(
      ['--plan', path.join(dir, 'plan.json'), '--config', empty],
      path.join(empty, '.review'),
    );
    expect(ran.status).toBe(1);
    expect(ran.stdout).toBe('');
    expect(ran.stderr.trim().split('\n')).toEqual([
      `ssm-access-lab review: --config ${empty} holds no .tf or .tf.json file; expected the folder terraform plan ran in`,
    ]);
    expect(fs.existsSync(path.join(empty, '.review', 'plan'))).toBe(false);
    const status = configurationFor(path.join(dir, 'plan.json'), undefined, path.join(empty, 'nowhere'));
    await expect(status).rejects.toThrow(
      `--config ${path.join(empty, 'nowhere')}: no such folder; expected the folder the plan was made in (its .tf files)`,
    );
  });
});
