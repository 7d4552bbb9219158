import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { reviewPlanFile } from '../tools/review/review';
import { describeWithTerraform, init, tf, tfEnv } from './helpers/terraform';
import { reportSchemaErrors } from './helpers/report-schema';
import { Ran, run } from './helpers/processes';
import { blockOf, planBlocks } from './helpers/review-text';

// `npm run review -- --plan` on a configuration the project did not write (__tests__/terraform/
// user-config: nested modules, count and for_each, inline rules, aws_security_group_rule and
// aws_vpc_security_group_ingress_rule, a main route table with an aws_route, an Elastic IP, an
// instance without security groups), planned by the real Terraform and AWS provider, then broken
// with -var 'broken=[…]' and planned again. The verdicts are AWS's rules applied by hand.

const ROOT = path.join(__dirname, '..');
const CONFIG = path.join(__dirname, 'terraform', 'user-config');

/** `npm run review -- …` from the project folder, as a user types it. */
function npmReview(args: readonly string[], reviewDir: string): Promise<Ran> {
  return run('npm', ['run', '--silent', 'review', '--', ...args], ROOT, {
    ...process.env,
    SSM_LAB_REVIEW_DIR: reviewDir,
  });
}

describeWithTerraform('npm run review -- --plan on a configuration the project did not write', () => {
  let dir: string;
  let reviewDir: string;
  const planned: Record<string, string> = {};
  let asTyped: Ran;
  let readmeCommands: string[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-user-config-'));
    fs.cpSync(CONFIG, dir, { recursive: true });
    reviewDir = path.join(dir, '.review');
    await init(dir);
    const planAndShow = async (name: string, vars: string[]) => {
      const result = await tf(['plan', '-input=false', '-lock=false', `-out=${name}.tfplan`, ...vars], dir);
      if (result.status !== 0) throw new Error(`terraform plan failed:\n${result.stderr}`);
      const shown = await tf(['show', '-json', `${name}.tfplan`], dir);
      fs.writeFileSync(path.join(dir, `${name}.json`), shown.stdout);
      planned[name] = path.join(dir, `${name}.json`);
    };
    await planAndShow('broken', ['-var=broken=["nat","endpoints","egress","policy","eip"]']);
    await planAndShow('ssh-acl', ['-var=broken=["ssh-acl"]']);
    await planAndShow('ssh-prefix-list', ['-var=broken=["ssh-prefix-list"]']);
    // The three commands of docs/review.md, as a user types them: the first two in the
    // configuration's folder, the review in the project's, given the file's real path.
    const readme = fs.readFileSync(path.join(ROOT, 'docs', 'review.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Review your own plan'));
    readmeCommands = /```sh\n([\s\S]*?)```/
      .exec(section)![1]
      .split('\n')
      .filter((line) => line.trim() !== '');
    const shell = { ...tfEnv(), SSM_LAB_REVIEW_DIR: reviewDir };
    for (const line of readmeCommands.slice(0, 2)) {
      const ran = await run('sh', ['-c', line], dir, shell);
      if (ran.status !== 0) throw new Error(`${line} failed:\n${ran.stderr}`);
    }
    planned.plan = path.join(dir, 'plan.json');
    asTyped = await run('sh', ['-c', readmeCommands[2].replace('/path/to/plan.json', planned.plan)], ROOT, shell);
  }, 240_000);

  test('GIVEN docs/review.md WHEN it says how to review your own plan THEN it is three commands: plan to a file, show it as JSON, review it', () => {
    expect(readmeCommands.map((line) => line.replace(/ +#.*$/, ''))).toEqual([
      'terraform plan -out=plan.tfplan',
      'terraform show -json plan.tfplan > plan.json',
      'npm run review -- --plan /path/to/plan.json',
    ]);
  });

  test('GIVEN the plan WHEN npm run review -- --plan runs THEN each instance gets a block headed by its address and Name tag, exit 0, and the report is written', () => {
    expect(asTyped.stderr).toBe('');
    expect(asTyped.status).toBe(0);
    expect(asTyped.stdout).toContain('Plan review of plan.json (a plan; no AWS account, no Terraform run)');
    for (const heading of [
      'aws_instance.bastion (bastion) — to create',
      'aws_instance.stray (stray) — to create',
      'module.app.aws_instance.this[0] (app-0) — to create',
      'module.app.aws_instance.this[1] (app-1) — to create',
      'module.vault.aws_instance.this[0] (vault-0) — to create',
      'aws_instance.web_default (web-default) — to create',
    ])
      expect(asTyped.stdout).toContain(`\n  ${heading}\n`);
    const report = fs.readFileSync(path.join(reviewDir, 'plan', 'report.md'), 'utf8');
    expect(report).toContain('### `module.app.aws_instance.this[0]` (app-0) — to create');
    expect(report).toMatch(/- NAT gateway core-nat: USD 0\.\d{4}\/h/);
    expect(report).toContain('```mermaid');
    expect(fs.readFileSync(path.join(reviewDir, 'plan', 'diagram.mmd'), 'utf8')).toMatch(/^(flowchart|graph) /);
  });

  test('GIVEN instances behind a NAT gateway in a module, their subnet chosen by element() across modules WHEN judged with the configuration beside the plan THEN Session Manager goes through the NAT, and element() decides the subnet: nothing is assumed', () => {
    const app = blockOf(asTyped.stdout, 'module.app.aws_instance.this[0]');
    expect(app[0]).toBe(
      'Session Manager: reachable via NAT gateway (0.0.0.0/0 → NAT gateway in core-public-a → internet gateway; 443 out)',
    );
    expect(app[1]).toBe('SSH: NOT reachable — no inbound rule opens port 22');
    expect(app.slice(2)).toEqual([]);
  });

  test('GIVEN an instance in a VPC without a way out but endpoints made by for_each in a nested module WHEN judged THEN it is reached through them', () => {
    expect(blockOf(asTyped.stdout, 'module.vault.aws_instance.this[0]')[0]).toBe(
      'Session Manager: reachable via VPC endpoints (ssm, ssmmessages with private DNS in isolated; endpoint SG allows 443 from 10.30.0.0/16 (covers the instance); instance SG allows 443 to 0.0.0.0/0 (covers the endpoint subnets))',
    );
  });

  test('GIVEN a public address where no route leads to an internet gateway, and no security group WHEN judged THEN the endpoints still serve it, in the default group, which is named as assumed', () => {
    const stray = blockOf(asTyped.stdout, 'aws_instance.stray');
    expect(stray[0]).toMatch(/^Session Manager: reachable via VPC endpoints \(/);
    // Its default group opens everything to its own members: no way in from the internet, said as such.
    expect(stray[1]).toBe(
      'SSH: NOT reachable — port 22 is open only to members of the default security group of isolated: a rule by security group admits no client on the internet, and the VPC has no EC2 Instance Connect Endpoint',
    );
    expect(stray).toContain(
      "Assumed: the default security group of isolated is not in the plan: AWS's default rules assumed (all outbound; inbound only from the group itself)",
    );
  });

  test('GIVEN a bastion whose only public address is an Elastic IP, SSH open from one range by aws_security_group_rule WHEN judged THEN SSH is reachable from that range and Session Manager lists every reason it is not', () => {
    const bastion = blockOf(asTyped.stdout, 'aws_instance.bastion');
    expect(bastion[1]).toBe(
      'SSH: reachable from 203.0.113.0/24 (port 22 open from 203.0.113.0/24; public address; route to the internet gateway; existing key pair team-key)',
    );
    expect(bastion[0]).toBe(
      'Session Manager: NOT reachable — no instance profile, so the SSM Agent has no Systems Manager role (Default Host Management Configuration would manage it if the account turned it on: off by default, and not set in this plan); the instance security groups allow no outbound 443',
    );
  });

  test('GIVEN an instance with no subnet_id, its group in the adopted default VPC WHEN judged THEN it is in a default subnet, reachable by SSH with AWS defaults, and the block says what it took', () => {
    const web = blockOf(asTyped.stdout, 'aws_instance.web_default');
    expect(web[1]).toBe(
      'SSH: reachable from 198.51.100.0/24 (port 22 open from 198.51.100.0/24; public address; route to the internet gateway; existing key pair team-key)',
    );
    expect(web).toContain(
      "Assumed: no subnet_id: launched in a default subnet of the region's default VPC, taken with AWS's defaults (a public address at launch; the main route table's 0.0.0.0/0 to the internet gateway; DNS hostnames on) — an account or region without a default VPC refuses the launch",
    );
    // A group Terraform creates has no outbound rule unless the configuration writes one.
    expect(web[0]).toContain('the instance security groups allow no outbound 443');
  });

  test('GIVEN the same configuration broken five ways WHEN judged THEN each instance lists every reason AWS would give', () => {
    const review = reviewPlanFile(planned.broken);
    const block = (address: string) => planBlocks(review).find((i) => i.address === address)!.lines;
    const roleLacks =
      'the role module.role.aws_iam_role.this is not allowed ssm:UpdateInstanceInformation, ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel' +
      ' (Default Host Management Configuration would manage it if the account turned it on: off by default, and not set in this plan)';
    expect(block('module.app.aws_instance.this[1]')[0]).toBe(
      `Session Manager: NOT reachable — ${roleLacks}; the instance security groups allow no outbound 443; core-private-a has no default route (0.0.0.0/0) to the internet, and core has no Session Manager endpoints`,
    );
    expect(block('module.vault.aws_instance.this[0]')[0]).toBe(
      `Session Manager: NOT reachable — ${roleLacks}; isolated-private-a has no default route (0.0.0.0/0) to the internet, and isolated has no Session Manager endpoints`,
    );
    // Without the Elastic IP the bastion has no public address: its subnet's route leads nowhere for it.
    expect(block('aws_instance.bastion')[1]).toBe('SSH: NOT reachable — the instance has no public address');
    expect(review.exitCode).toBe(0); // nothing is deployed: no path is lost, none was there
    expect(review.assessment.changes).toBeUndefined();
  });

  test("GIVEN the bastion's subnet with a network ACL that denies port 22 from its range WHEN judged THEN SSH is NOT reachable, the ACL rule named, and nothing else changes", () => {
    const review = reviewPlanFile(planned['ssh-acl']);
    const block = (address: string) => planBlocks(review).find((i) => i.address === address)!.lines;
    expect(block('aws_instance.bastion')[1]).toBe(
      'SSH: NOT reachable — in core-public-a, network ACL bastion-subnet rule 90 denies inbound tcp 22 (203.0.113.0/24) before any allow',
    );
    // The NAT gateway in the same subnet carries the others' 443 as before.
    expect(block('module.app.aws_instance.this[0]')[0]).toMatch(/^Session Manager: reachable via NAT gateway/);
  });

  test("GIVEN the bastion's SSH rule naming a managed prefix list of the offices' ranges WHEN judged THEN the list's entries are the rule's sources", () => {
    const review = reviewPlanFile(planned['ssh-prefix-list']);
    const block = (address: string) => planBlocks(review).find((i) => i.address === address)!.lines;
    expect(block('aws_instance.bastion')[1]).toBe(
      'SSH: reachable from 198.51.100.0/24, 203.0.113.0/24 (prefix list offices) (port 22 open from 198.51.100.0/24, 203.0.113.0/24 (prefix list offices); public address; route to the internet gateway; existing key pair team-key)',
    );
  });

  test('GIVEN terraform show without -json WHEN npm run review -- --plan reads it THEN one line on stderr, exit 1, and no report is written', async () => {
    const text = path.join(dir, 'plan.txt');
    fs.writeFileSync(text, (await tf(['show', 'plan.tfplan'], dir)).stdout);
    const fresh = path.join(dir, '.review-text');
    const ran = await npmReview(['--plan', text], fresh);
    expect(ran.status).toBe(1);
    expect(ran.stdout).toBe('');
    expect(ran.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^ssm-access-lab review: --plan \S+plan\.txt is not JSON \(.+\); expected what terraform show -json <planfile> writes/,
      ),
    ]);
    expect(fs.existsSync(path.join(fresh, 'plan'))).toBe(false);
  });

  test('GIVEN docs/review.md WHEN it shows a sample of --plan THEN every line of it is what the review printed for this configuration', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'docs', 'review.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('Sample output, from the test configuration `__tests__/terraform/user-config/`'),
    );
    const sample = /```text\n([\s\S]*?)```/.exec(section)![1];
    const lines = sample.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(asTyped.stdout.replaceAll(dir, '/path/to/config').split('\n')).toContain(line);
  });

  test("GIVEN docs/review.md WHEN its --format json commands run as typed THEN review.json is the document the schema describes, its verdicts the text's, and the jq lines print what it says", async () => {
    const readme = fs.readFileSync(path.join(ROOT, 'docs', 'review.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The JSON report'));
    const lines = /```sh\n([\s\S]*?)```/
      .exec(section)![1]
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines[0]).toBe('npm run --silent review -- --plan /path/to/plan.json --format json > review.json');
    const output = path.join(dir, 'review.json');
    const typed = lines.map((line) =>
      line.replace('/path/to/plan.json', planned.broken).replace(/review\.json/g, output),
    );
    const shell = { ...tfEnv(), SSM_LAB_REVIEW_DIR: path.join(dir, '.review-json') };
    const ran: Ran[] = [];
    for (const line of typed) ran.push(await run('sh', ['-c', line], ROOT, shell));
    expect(ran.map((result) => result.status)).toEqual([0, 0, 0]);
    // stdout is the document alone; the closing lines went to stderr, and the report was written.
    expect(ran[0].stderr).toContain('Report: ');
    const document = JSON.parse(fs.readFileSync(output, 'utf8'));
    expect(reportSchemaErrors(document)).toEqual([]);
    expect(document).toMatchObject({ mode: 'plan', exitCode: 0, headlines: [], source: { kind: 'plan' } });
    expect(fs.existsSync(path.join(dir, '.review-json', 'plan', 'report.md'))).toBe(true);
    const text = reviewPlanFile(planned.broken).text;
    for (const instance of document.instances)
      expect(blockOf(text, instance.address).filter((line) => !line.startsWith('Assumed: '))).toEqual(
        [instance.after.sessionManager, instance.after.ssh, instance.after.forwarding]
          .filter(Boolean)
          .map((verdict: { text: string }) => verdict.text),
      );
    expect(ran[1].stdout).toBe('');
    const cutOff = document.instances
      .filter(
        (instance: { after: { sessionManager: { reachable: boolean } } }) => !instance.after.sessionManager.reachable,
      )
      .map((instance: { address: string }) => instance.address);
    expect(cutOff.length).toBeGreaterThan(0);
    expect(ran[2].stdout.trim().split('\n')).toEqual(cutOff);
  });

  test('GIVEN --format json and a plan file that does not exist WHEN the review runs THEN stdout is the error object, stderr the one line, exit 1', async () => {
    const missing = path.join(dir, 'missing.json');
    const ran = await npmReview(['--plan', missing, '--format', 'json'], path.join(dir, '.review-missing'));
    expect(ran.status).toBe(1);
    const document = JSON.parse(ran.stdout);
    expect(reportSchemaErrors(document)).toEqual([]);
    expect(document.error.message).toBe(
      `--plan ${missing}: cannot read it (ENOENT); expected the file terraform show -json wrote`,
    );
    expect(ran.stderr).toBe(`ssm-access-lab review: ${document.error.message}\n`);
  });
});
