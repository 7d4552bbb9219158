import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stripVTControlCharacters } from 'util';
import { DescribeInstancesCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { TerraformResource } from 'cdktf';
import { loadConfig } from '../lib/config';
import { LabStacks } from '../stacks';
import { AccountReviewResult, runAccountReview } from '../tools/review/review';
import { AccountExit } from '../tools/review/assessment/changes';
import {
  asTyped,
  describeWithEmulator,
  emulatorEc2,
  emulatorShell,
  ignoreMotoPublicAddress,
  NEEDS_SESSION_MANAGER,
  projectCopy,
  readmeBlocks,
  resetEmulator,
} from './helpers/aws-emulator';
import { addMirrorFixture } from './helpers/mirror-fixture';
import { inlineAclEntry } from './helpers/synth';
import { Ran, run } from './helpers/processes';
import { reviewed } from './helpers/review-text';
import { reportSchemaErrors } from './helpers/report-schema';

// The lab deployed with the README's commands against an implementation of the AWS APIs (moto's
// server, ../shared/aws-emulator), then used as a user would: the account review after a refresh
// (what fixtures written from plans cannot show), and `leftovers` after a teardown and after a
// killed apply. Where moto differs from AWS (its README), the test says so and accounts for it
// here; the product follows AWS.
//
// - `cdktf deploy` gets --skip-provider-lock: its first init asks the public registry for the
//   provider's checksums, which this machine cannot reach (the provider comes from the mirror).
// - moto gives every instance a public IPv4, even with associate_public_ip_address = false, so a
//   refresh would plan to replace the private instances. The project copy ignores that attribute
//   on the instances (lib/lab-instance.ts of the copy), and so do the in-process reviews.

const ROOT = path.join(__dirname, '..');

/** The same for an in-process review: every instance ignores associate_public_ip_address. */
function ignorePublicAddressInApp(stacks: LabStacks): void {
  for (const stack of [stacks.network, stacks.ssmNat, stacks.ssmPublic, stacks.ssmEndpoint, stacks.ssh, stacks.eice]) {
    for (const node of stack.node.findAll()) {
      if (node instanceof TerraformResource && node.terraformResourceType === 'aws_instance')
        // Added to the construct's own list (cdktf appends an overridden list to the one it has).
        node.addOverride('lifecycle.ignore_changes', ['associate_public_ip_address']);
    }
  }
}

/** The resource of `type` under `path` (construct ids) in a stack. */
function resourceAt(stacks: LabStacks, stack: keyof LabStacks, type: string, idPrefix: string): TerraformResource {
  const found = (stacks[stack] as unknown as { node: { findAll(): unknown[] } }).node
    .findAll()
    .filter(
      (node): node is TerraformResource =>
        node instanceof TerraformResource &&
        node.terraformResourceType === type &&
        node.friendlyUniqueId.startsWith(idPrefix),
    );
  if (found.length !== 1)
    throw new Error(`expected one ${type} ${idPrefix}* in ${String(stack)}, found ${found.length}`);
  return found[0];
}

/** A project copy whose app adds the mirror fixture to the lab. */
function projectWithMirrorFixture(): string {
  const dir = projectCopy();
  ignoreMotoPublicAddress(dir);
  // The fixture's own source, its imports pointed at the copy's folders.
  const fixture = fs
    .readFileSync(path.join(__dirname, 'helpers', 'mirror-fixture.ts'), 'utf8')
    .replace(/'\.\.\/\.\.\//g, "'./");
  fs.writeFileSync(path.join(dir, 'mirror-fixture.ts'), fixture);
  const main = path.join(dir, 'main.ts');
  const source = fs.readFileSync(main, 'utf8');
  const edited = source
    .replace(
      "import { addLabStacks } from './stacks';",
      "import { addLabStacks } from './stacks';\nimport { addMirrorFixture } from './mirror-fixture';",
    )
    .replace(
      'const { guardrails } = addLabStacks(app, config);',
      'const stacks = addLabStacks(app, config);\n    addMirrorFixture(stacks);\n    const { guardrails } = stacks;',
    );
  if (!edited.includes('addMirrorFixture(stacks)'))
    throw new Error('main.ts changed: update projectWithMirrorFixture in this test');
  fs.writeFileSync(main, edited);
  return dir;
}

describeWithEmulator('the lab against an AWS API implementation (moto), as a user runs it', () => {
  let project: string;
  let shell: NodeJS.ProcessEnv;
  const cdktf = (...args: string[]) =>
    run('npx', ['cdktf', ...args, '--auto-approve', '--skip-provider-lock'], project, shell);
  const npmRun = (script: string, ...args: string[]) =>
    run('npm', ['run', '--silent', script, ...(args.length > 0 ? ['--', ...args] : [])], project, shell);
  /** The account review in process, as `npm run review -- --account --stack …` runs it, with a code change. */
  const accountReview = (
    label: string,
    change?: (stacks: LabStacks) => void,
    settings: Record<string, string> = {},
  ): Promise<AccountReviewResult> =>
    runAccountReview({
      projectDir: project,
      outDir: path.join(project, '.review', label),
      config: loadConfig(settings),
      stacks: ['lab-network', 'lab-ssm-nat'],
      env: shell,
      editApp: (stacks) => {
        ignorePublicAddressInApp(stacks);
        change?.(stacks);
      },
    });

  beforeAll(async () => {
    await resetEmulator();
    project = projectCopy();
    ignoreMotoPublicAddress(project);
    shell = emulatorShell();
  });

  describe('lab-network and lab-ssm-nat deployed with npx cdktf deploy', () => {
    let deployed: Ran;
    const reviews: Record<string, AccountReviewResult> = {};
    beforeAll(async () => {
      // The README's block as typed, up to its deploy: the region set, then the deploy.
      const { lines } = readmeBlocks();
      const upToDeploy = lines.slice(0, lines.findIndex((line) => line.startsWith('npx cdktf deploy')) + 1);
      deployed = await run('sh', ['-c', upToDeploy.map(asTyped).join('\n')], project, shell);
      if (deployed.status !== 0) return;
      reviews.routeRemoved = await accountReview('route-removed', (stacks) =>
        resourceAt(stacks, 'ssmNat', 'aws_route', 'private-1-default-route').addOverride('count', 0),
      );
      // Three cuts on the instance's own path in one change (every reason is listed, so each must
      // be named): the 443 egress rule deleted, the role's policy detached, and a network ACL on
      // its subnet whose first outbound rule denies 443. One review instead of three keeps the
      // tier's Terraform runs (and CI's budget) down; each cut alone is a unit test's.
      reviews.threeCuts = await accountReview('three-cuts', (stacks) => {
        resourceAt(stacks, 'ssmNat', 'aws_vpc_security_group_egress_rule', 'instance_https-egress').addOverride(
          'count',
          0,
        );
        resourceAt(stacks, 'network', 'aws_iam_role_policy_attachment', 'session-manager-role').addOverride('count', 0);
        const vpc = resourceAt(stacks, 'network', 'aws_vpc', 'vpc1_');
        const subnet = resourceAt(stacks, 'network', 'aws_subnet', 'vpc1_private-1');
        stacks.network.addOverride('resource.aws_network_acl.deny_https', {
          vpc_id: vpc.getStringAttribute('id'),
          subnet_ids: [subnet.getStringAttribute('id')],
          egress: [inlineAclEntry(100, 'deny', 'tcp', 443, 443), inlineAclEntry(200, 'allow', '-1', 0, 0)],
          ingress: [inlineAclEntry(100, 'allow', '-1', 0, 0)],
          tags: { Name: 'deny-https' },
        });
      });
      // Another AMI, as a user pins one (SSM_LAB_AMI_ID): the instances are replaced; and the
      // forwarding hop's door on the target closed: lab-ssm-nat's rule on the target's group deleted.
      reviews.newAmiTargetRuleRemoved = await accountReview(
        'new-ami-target-rule-removed',
        (stacks) =>
          resourceAt(stacks, 'ssmNat', 'aws_vpc_security_group_ingress_rule', 'forwarding-target-ingress').addOverride(
            'count',
            0,
          ),
        { SSM_LAB_AMI_ID: 'ami-0fedcba9876543210' },
      );
      // A deploy and three reviews: more than the e2e default of 240 s when the other worker's
      // Terraform runs share the 2 cores.
    }, 600_000);

    /** A deployed stack's outputs, as its state file holds them. */
    const outputsOf = (stack: string): Record<string, string> =>
      Object.fromEntries(
        Object.entries(
          JSON.parse(fs.readFileSync(path.join(project, `terraform.${stack}.tfstate`), 'utf8')).outputs as Record<
            string,
            { value: string }
          >,
        ).map(([name, output]) => [name, output.value]),
      );

    test('GIVEN the README command WHEN deployed THEN both stacks apply and their state files are in the project', () => {
      expect(deployed.stderr + deployed.stdout).not.toMatch(/Error:/);
      expect(deployed.status).toBe(0);
      expect(fs.existsSync(path.join(project, 'terraform.lab-network.tfstate'))).toBe(true);
      expect(fs.existsSync(path.join(project, 'terraform.lab-ssm-nat.tfstate'))).toBe(true);
    });

    test("GIVEN the README's deploy-connect-forward block WHEN its lines run as typed, those that need Session Manager aside THEN the region is the one it sets, and the commands it evaluates are the stack's printed ones", async () => {
      const { lines } = readmeBlocks();
      expect(lines[0]).toBe(
        "export SSM_LAB_REGION=ap-northeast-1                      # every lab stack's region (AWS_REGION does not move them)",
      );
      expect(lines.filter((line) => NEEDS_SESSION_MANAGER.some((pattern) => pattern.test(line)))).toHaveLength(5);
      // Each command the block evaluates, printed by its `out` as the shell would print it.
      const out = lines.find((line) => line.startsWith('out() '))!;
      const printed = await run(
        'sh',
        ['-c', [lines[0], out, 'out connect_command; echo; out forward_to_target_command'].map(asTyped).join('\n')],
        project,
        shell,
      );
      const nat = outputsOf('lab-ssm-nat');
      expect(printed.status).toBe(0);
      expect(printed.stdout).toBe(`${nat.connect_command}\n${nat.forward_to_target_command}`);
      expect(nat.connect_command).toMatch(/^aws ssm start-session --target i-\w+ --region ap-northeast-1$/);
      expect(nat.forward_to_target_command).toContain('--region ap-northeast-1');
    });

    test('GIVEN the deployed lab and the same code WHEN npm run review -- --account --format json runs as a CI job would THEN the document says nothing changes and no path is cut, exit 0', async () => {
      const review = await npmRun('review', '--account', '--format', 'json');
      const document = JSON.parse(review.stdout);
      expect(reportSchemaErrors(document)).toEqual([]);
      expect(document).toMatchObject({ mode: 'account', exitCode: AccountExit.OK, headlines: [] });
      // moto reads some attributes back differently (its README): an in-place update of the
      // stack's rule descriptions may show; nothing is created, replaced or destroyed.
      const nat = document.instances.find((instance: { name: string }) => instance.name === 'ssm-lab-ssm-nat');
      expect(['unchanged', 'update']).toContain(nat.change);
      expect([nat.before.sessionManager.reachable, nat.after.sessionManager.reachable]).toEqual([true, true]);
      expect([nat.before.ssh.reachable, nat.after.ssh.reachable]).toEqual([false, false]);
      // The forwarding targets in lab-network get moto's in-place updates too.
      for (const stack of ['lab-network', 'lab-ssm-nat'])
        expect(document.stacks.find((candidate: { stack: string }) => candidate.stack === stack)).toMatchObject({
          status: 'planned',
          counts: { create: 0, replace: 0, delete: 0 },
        });
      // The progress and the closing lines go to stderr: stdout is the document alone.
      expect(review.stderr).toContain('Report: ');
      expect(review.status).toBe(AccountExit.OK);
    });

    test("GIVEN a change that deletes lab-ssm-nat's default route WHEN reviewed after a refresh THEN the cut is the headline, exit 2", () => {
      const { instances, headlines, exitCode, stacks } = reviewed(reviews.routeRemoved);
      // After a refresh the route table's own `route` lists this route too: the model must not count it.
      const nat = instances.find((i) => i.name === 'ssm-lab-ssm-nat')!;
      expect(nat.before?.sessionManager.reachable).toBe(true);
      expect(nat.after?.sessionManager.text).toBe(
        'Session Manager: NOT reachable — ssm-lab-vpc1-private-1 has no default route (0.0.0.0/0) to the internet, and ssm-lab-vpc1 has no Session Manager endpoints',
      );
      expect(headlines[0]).toMatch(
        /^This plan cuts Session Manager to ssm-lab-ssm-nat: .* The plan deletes lab-ssm-nat\/aws_route\.private-1-default-route\S* \(0\.0\.0\.0\/0 → nat-/,
      );
      // Deletions first; moto may add an in-place update of the instance (it reads some attributes back differently).
      const [first, ...rest] = stacks.find((s) => s.stack === 'lab-ssm-nat')!.changes;
      expect(first).toEqual({
        address: expect.stringMatching(/^aws_route\.private-1-default-route/),
        kind: 'delete',
        forcedBy: [],
      });
      expect(rest.every((change) => change.kind === 'update')).toBe(true);
      expect(exitCode).toBe(AccountExit.PATH_LOST);
    });

    test('GIVEN the deployed scenario WHEN its forwarding outputs are read THEN the commands name the real instance and the real target address', async () => {
      const nat = outputsOf('lab-ssm-nat');
      const network = outputsOf('lab-network');
      const client = emulatorEc2(shell);
      const describe = async (id: string) =>
        (await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0];
      const instance = await describe(nat.instance_id);
      const target = await describe(network.vpc1_target_instance_id);
      expect(target.PrivateIpAddress).toMatch(/^10\.0\.2\.\d+$/);
      expect(network.vpc1_target_address).toBe(`${target.PrivateIpAddress}:8080`);
      expect(nat.forward_to_target_command).toBe(
        `aws ssm start-session --target ${instance.InstanceId} --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=${target.PrivateIpAddress},portNumber=8080,localPortNumber=8080 --region ap-northeast-1`,
      );
      expect(nat.port_forward_command).toBe(
        `aws ssm start-session --target ${instance.InstanceId} --document-name AWS-StartPortForwardingSession --parameters portNumber=22,localPortNumber=2222 --region ap-northeast-1`,
      );
      // Terraform filled in the account and kept IAM's own variable.
      const policy = JSON.parse(nat.operator_policy);
      const account = policy.Statement[0].Resource[0].split(':')[4];
      expect(account).toMatch(/^\d{12}$/);
      expect(policy.Statement[0].Resource).toEqual([
        `arn:aws:ec2:ap-northeast-1:${account}:instance/${instance.InstanceId}`,
        `arn:aws:ssm:ap-northeast-1:${account}:document/SSM-SessionManagerRunShell`,
        'arn:aws:ssm:ap-northeast-1::document/AWS-StartPortForwardingSession',
        'arn:aws:ssm:ap-northeast-1::document/AWS-StartPortForwardingSessionToRemoteHost',
      ]);
      expect(policy.Statement[1].Resource).toBe('arn:aws:ssm:*:*:session/${aws:userid}-*');
      // The target admits the NAT instance's group on 8080, and nothing else (groups found by their
      // Name tags: moto's DescribeInstances leaves out an instance's security groups).
      const groupNamed = async (name: string) =>
        (await client.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:Name', Values: [name] }] })))
          .SecurityGroups![0];
      const targetGroup = await groupNamed('ssm-lab-target-vpc1-instance');
      const natGroup = await groupNamed('ssm-lab-ssm-nat-instance');
      expect(targetGroup.IpPermissions).toEqual([
        expect.objectContaining({
          IpProtocol: 'tcp',
          FromPort: 8080,
          ToPort: 8080,
          UserIdGroupPairs: [expect.objectContaining({ GroupId: natGroup.GroupId })],
        }),
      ]);
      expect(targetGroup.IpPermissions![0].IpRanges ?? []).toEqual([]);
    });

    test("GIVEN a change that pins another AMI and deletes lab-ssm-nat's rule on the target WHEN reviewed after a refresh THEN the replacements (with the attribute that forces them) and the forwarding hop's cut are the headlines, and Session Manager stays, exit 2", () => {
      const { headlines, exitCode, instances, stacks } = reviewed(reviews.newAmiTargetRuleRemoved);
      // The forwarding targets take the pinned AMI too; the headlines come in the stacks' order.
      expect(headlines).toEqual([
        expect.stringMatching(/^This plan replaces ssm-lab-target-vpc1 \(lab-network\/aws_instance\./),
        expect.stringMatching(/^This plan replaces ssm-lab-target-vpc2 \(lab-network\/aws_instance\./),
        expect.stringMatching(
          /^This plan cuts port forwarding to ssm-lab-target-vpc1:8080 from ssm-lab-ssm-nat: the target's security group ssm-lab-target-vpc1-instance admits no tcp\/8080 from the instance \(neither from its security group nor from a range covering it\)\. The plan deletes lab-ssm-nat\/aws_vpc_security_group_ingress_rule\.forwarding-target-ingress\S* \(ssm-lab-target-vpc1-in-8080\)\.$/,
        ),
        expect.stringMatching(/^This plan replaces ssm-lab-ssm-nat \(lab-ssm-nat\/aws_instance\./),
      ]);
      expect(instances.find((i) => i.name === 'ssm-lab-ssm-nat')!.after?.sessionManager.reachable).toBe(true);
      // moto's in-place updates of the rules aside (its README).
      expect(
        stacks
          .find((s) => s.stack === 'lab-ssm-nat')!
          .changes.filter((c) => c.kind !== 'update')
          .sort((a, b) => a.kind.localeCompare(b.kind)),
      ).toEqual([
        {
          address: expect.stringMatching(/^aws_vpc_security_group_ingress_rule\.forwarding-target-ingress/),
          kind: 'delete',
          forcedBy: [],
        },
        { address: expect.stringMatching(/^aws_instance\./), kind: 'replace', forcedBy: ['ami'] },
      ]);
      const report = fs.readFileSync(reviews.newAmiTargetRuleRemoved.reportFile, 'utf8');
      expect(report).toMatch(
        /<details><summary><code>lab-ssm-nat<\/code>: 1 to destroy, 1 to replace(, \d+ to update)?<\/summary>/,
      );
      expect(report).toMatch(/\| replace \| `aws_instance\.instance_[0-9A-F]+` \| `ami` \|/);
      expect(exitCode).toBe(AccountExit.PATH_LOST);
    });

    test("GIVEN one change that deletes the instance SG's 443 egress rule, detaches the SSM policy from the role and adds a network ACL that denies 443 out before allowing all WHEN reviewed THEN each cut is named, exit 2", () => {
      const nat = reviews.threeCuts.assessment.instances.find((i) => i.name === 'ssm-lab-ssm-nat')!;
      const text = nat.after!.sessionManager.text;
      expect(text).toMatch(
        /^Session Manager: NOT reachable — the role ssm-lab-instance is not allowed ssm:UpdateInstanceInformation, ssmmessages:/,
      );
      expect(text).toContain('; the instance security groups allow no outbound 443; ');
      expect(text).toContain('network ACL deny-https rule 100 denies outbound tcp 443');
      expect(reviews.threeCuts.exitCode).toBe(AccountExit.PATH_LOST);
    });

    test('GIVEN the deployed NAT scenario WHEN npm run status runs THEN the EC2 part is shown and the failed Systems Manager call is named, exit 1', async () => {
      // moto has no DescribeInstanceInformation (its README): it answers with an HTML page. The
      // registration verdicts themselves are tested on mocked answers (status.test.ts).
      const status = await npmRun('status');
      expect(status.stdout).toMatch(/✗ lab-ssm-nat i-\w+ — Session Manager via NAT gateway/);
      expect(status.stdout).toContain(
        'observed: instance running; registration not checked: Systems Manager DescribeInstanceInformation — an answer that is not an AWS API response (HTTP 500)',
      );
      expect(status.stderr).not.toContain('Deserialization');
      // lab-network's forwarding targets: EC2 alone says whether they run.
      expect(status.stdout).toMatch(
        /✓ lab-network i-\w+ — forwarding target in VPC1 \(10\.0\.2\.\d+:8080\)\n {4}expected: running/,
      );
      expect(status.stdout).toMatch(/✓ lab-network i-\w+ — forwarding target in VPC2 \(10\.1\.3\.\d+:8080\)/);
      expect(status.status).toBe(1);
    });

    test("GIVEN the README's teardown lines WHEN they run as typed THEN every lab stack is destroyed and npm run leftovers finds nothing, exit 0", async () => {
      const { lines } = readmeBlocks();
      const teardown = lines.slice(lines.findIndex((line) => line.startsWith('npx cdktf destroy')));
      expect(teardown.map((line) => line.replace(/\s+#.*$/, ''))).toEqual([
        'npx cdktf destroy lab-ssh lab-ssm-public lab-ssm-nat lab-ssm-endpoint lab-eice lab-network',
        'npm run leftovers',
      ]);
      const [destroyed, leftovers] = [
        await run('sh', ['-c', [lines[0], teardown[0]].map(asTyped).join('\n')], project, shell),
        await run('sh', ['-c', [lines[0], teardown[1]].map(asTyped).join('\n')], project, shell),
      ];
      expect(stripVTControlCharacters(destroyed.stderr + destroyed.stdout)).not.toMatch(/Error/);
      expect(destroyed.status).toBe(0);
      // moto, like AWS, still returns the terminated instance and the deleted NAT gateway through the tagging API.
      expect(leftovers.stdout).toMatch(/Nothing left over: /);
      expect(leftovers.stdout).not.toContain('USD');
      expect(leftovers.status).toBe(0);
    });
  });

  describe('an apply killed with SIGKILL', () => {
    let listed: Ran;
    let deleted: Ran;
    let after: Ran;
    beforeAll(async () => {
      await resetEmulator();
      for (const file of fs.readdirSync(project).filter((f) => f.endsWith('.tfstate') || f.endsWith('.backup')))
        fs.rmSync(path.join(project, file));
      const network = await cdktf('deploy', 'lab-network');
      if (network.status !== 0) throw new Error(`deploy lab-network failed:\n${network.stdout}${network.stderr}`);
      // The README's deploy of lab-ssm-nat, killed (process group and all) as soon as the instance
      // exists: Terraform is then still waiting for it to run, so no state records it.
      const child = spawn(
        'npx',
        ['cdktf', 'deploy', 'lab-network', 'lab-ssm-nat', '--auto-approve', '--skip-provider-lock'],
        { cwd: project, env: shell, detached: true, stdio: 'ignore' },
      );
      let exited = false;
      child.on('close', () => (exited = true));
      const client = emulatorEc2(shell);
      for (let attempt = 0; attempt < 480 && !exited; attempt++) {
        const found = await client.send(
          new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Stack', Values: ['lab-ssm-nat'] }] }),
        );
        if ((found.Reservations ?? []).some((r) => (r.Instances ?? []).length > 0)) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      if (exited) throw new Error('the deploy ended before its instance was created; nothing to kill');
      process.kill(-child.pid!, 'SIGKILL');
      await new Promise<void>((resolve) => (exited ? resolve() : child.on('close', () => resolve())));
      listed = await npmRun('leftovers');
      deleted = await npmRun('leftovers', '--delete', '--yes');
      after = await npmRun('leftovers');
    }, 480_000); // a deploy, a killed deploy and three listings: past the default 240 s when three workers share the 2 cores

    test('GIVEN the killed apply WHEN npm run leftovers runs THEN the orphan instance is listed, priced with its volume, exit 2', () => {
      // Terraform had written the NAT gateway and the rest to the state; the instance was still being created.
      expect(listed.stdout).toMatch(/^\d resource\(s\) tagged Project=ssm-access-lab, Lab=ssm-lab that no state holds/);
      // t4g.nano and its 8 GiB gp3 root volume; moto gives some instances a public IPv4 (0.005/h more).
      const withoutAddress = 0.0054 + (8 * 0.096) / 730;
      const price = `(${withoutAddress.toFixed(4)}|${(withoutAddress + 0.005).toFixed(4)})`;
      expect(listed.stdout).toMatch(
        new RegExp(`instance i-\\w+ \\(ssm-lab-ssm-nat\\) — from lab-ssm-nat, USD ${price}/h`),
      );
      // Its root volume goes with it in AWS (DeleteOnTermination) and is then priced with it; moto's
      // DescribeVolumes omits DeleteOnTermination, so there the volume is listed on its own too.
      expect(listed.stdout.match(/^ {2}\S+ /gm)).toEqual(expect.arrayContaining(['  instance ']));
      expect(listed.stdout.match(/^ {2}\S+ /gm)!.every((type) => ['  instance ', '  volume '].includes(type))).toBe(
        true,
      );
      expect(listed.status).toBe(2);
    });

    test('GIVEN that orphan WHEN deleted with --delete --yes THEN a new listing finds nothing, exit 0', () => {
      expect(deleted.stdout).toMatch(/deleted instance i-\w+/);
      expect(after.stdout).toMatch(/^Nothing left over: /);
      expect(after.status).toBe(0);
    });
  });
  describe('a lab whose ACL entries and role policy are separate resources (the other refresh mirrors)', () => {
    let fixtureProject: string;
    let deployed: Ran;
    const reviews: Record<string, AccountReviewResult> = {};
    // The inline role policy is what guardrail SSMLAB-IAM-1 refuses: acknowledged, as a user would.
    const acknowledge = {
      SSM_LAB_ACKNOWLEDGE: 'SSMLAB-IAM-1@lab-network=the emulator tier tests the inline-policy mirror',
    };
    beforeAll(async () => {
      await resetEmulator();
      fixtureProject = projectWithMirrorFixture();
      deployed = await run(
        'npx',
        ['cdktf', 'deploy', 'lab-network', 'lab-ssm-nat', '--auto-approve', '--skip-provider-lock'],
        fixtureProject,
        { ...shell, ...acknowledge },
      );
      if (deployed.status !== 0) return;
      // The in-process app gets the same fixture, then the change.
      const review = (label: string, change: (stacks: LabStacks) => void) =>
        runAccountReview({
          projectDir: fixtureProject,
          outDir: path.join(fixtureProject, '.review', label),
          config: loadConfig(acknowledge),
          stacks: ['lab-network', 'lab-ssm-nat'],
          env: shell,
          editApp: (stacks) => {
            ignorePublicAddressInApp(stacks);
            addMirrorFixture(stacks);
            change(stacks);
          },
        });
      reviews.unchanged = await review('unchanged', () => undefined);
      reviews.aclRuleRemoved = await review('acl-rule-removed', (stacks) =>
        resourceAt(stacks, 'network', 'aws_network_acl_rule', 'fixture-acl-out').addOverride('count', 0),
      );
      reviews.inlinePolicyRemoved = await review('inline-policy-removed', (stacks) =>
        resourceAt(stacks, 'network', 'aws_iam_role_policy', 'fixture-inline-ssm').addOverride('count', 0),
      );
    }, 480_000); // a deploy and three reviews: past the default 240 s when three workers share the 2 cores

    const nat = (result: AccountReviewResult) => result.assessment.instances.find((i) => i.name === 'ssm-lab-ssm-nat')!;

    test('GIVEN the fixture deployed WHEN reviewed unchanged THEN the NAT instance is reachable through the ACL and the inline policy', () => {
      expect(stripVTControlCharacters(deployed.stderr + deployed.stdout)).not.toMatch(/Error/);
      expect(deployed.status).toBe(0);
      expect(nat(reviews.unchanged).after?.sessionManager.reachable).toBe(true);
      expect(reviews.unchanged.exitCode).toBe(AccountExit.OK);
    });

    test("GIVEN a change that deletes the ACL's outbound aws_network_acl_rule WHEN reviewed after a refresh THEN the cut is named, exit 2", () => {
      // After a refresh the ACL's own `egress` lists that entry too: the model must not count it.
      expect(nat(reviews.aclRuleRemoved).after?.sessionManager.text).toContain(
        'network ACL fixture-acl allows no outbound tcp 443',
      );
      expect(reviews.aclRuleRemoved.exitCode).toBe(AccountExit.PATH_LOST);
    });

    test('GIVEN a change that deletes the inline aws_iam_role_policy WHEN reviewed after a refresh THEN the missing actions are named, exit 2', () => {
      // After a refresh the role's own `inline_policy` lists that policy too.
      expect(nat(reviews.inlinePolicyRemoved).after?.sessionManager.text).toMatch(
        /^Session Manager: NOT reachable — the role ssm-lab-instance is not allowed ssm:UpdateInstanceInformation/,
      );
      expect(reviews.inlinePolicyRemoved.exitCode).toBe(AccountExit.PATH_LOST);
    });
  });

  describe('a configuration the project did not write, applied, then reviewed with npm run review -- --plan', () => {
    let config: string;
    let applied: Ran;
    const reviewed: Record<string, Ran> = {};
    const terraform = (...args: string[]) => run('terraform', args, config, shell);
    beforeAll(async () => {
      await resetEmulator();
      config = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-user-config-'));
      fs.cpSync(path.join(__dirname, 'terraform', 'user-config'), config, { recursive: true });
      // moto gives the bastion a public address it did not ask for (its README), so every plan
      // would replace it; and it answers an encrypted root_block_device with "couldn't find
      // resource" (seen here). The copy ignores the one and leaves out the other.
      const main = path.join(config, 'main.tf');
      fs.writeFileSync(
        main,
        fs
          .readFileSync(main, 'utf8')
          .replace(
            /( {2}key_name +=.*\n)/,
            '$1  lifecycle {\n    ignore_changes = [associate_public_ip_address]\n  }\n',
          ),
      );
      if (!fs.readFileSync(main, 'utf8').includes('ignore_changes'))
        throw new Error('user-config/main.tf changed: update this test');
      const instances = path.join(config, 'modules', 'instances', 'main.tf');
      fs.writeFileSync(instances, fs.readFileSync(instances, 'utf8').replace(/ {2}root_block_device \{[^}]*\}\n/, ''));
      await terraform('init', '-input=false', '-no-color');
      applied = await terraform('apply', '-auto-approve', '-input=false', '-no-color');
      if (applied.status !== 0) return;
      const show = async (name: string, args: string[]) => {
        const shown = await terraform('show', '-json', ...args);
        fs.writeFileSync(path.join(config, `${name}.json`), shown.stdout);
        reviewed[name] = await run(
          'npm',
          ['run', '--silent', 'review', '--', '--plan', path.join(config, `${name}.json`)],
          ROOT,
          {
            ...shell,
            SSM_LAB_REVIEW_DIR: path.join(config, '.review', name),
          },
        );
      };
      await show('state', []);
      await terraform('plan', '-input=false', '-no-color', '-out=nat-removed.tfplan', '-var=broken=["nat"]');
      await show('nat-removed', ['nat-removed.tfplan']);
    }, 300_000);

    test('GIVEN it applied WHEN its state is reviewed THEN the deployed instances are judged as they stand, exit 0', () => {
      expect(applied.stderr).toBe('');
      expect(applied.status).toBe(0);
      const { stdout, status } = reviewed.state;
      expect(stdout).toContain('(a state, judged as it stands; no AWS account, no Terraform run)');
      expect(stdout).toContain(
        '  module.app.aws_instance.this[0] (app-0) — unchanged\n    Session Manager: reachable via NAT gateway (0.0.0.0/0 → NAT gateway in core-public-a → internet gateway; 443 out)\n',
      );
      expect(stdout).toContain(
        '  aws_instance.bastion (bastion) — unchanged\n    Session Manager: NOT reachable — no instance profile, so the SSM Agent has no Systems Manager role (Default Host Management Configuration would manage it if the account turned it on: off by default, and not set in this plan); the instance security groups allow no outbound 443\n    SSH: reachable from 203.0.113.0/24 (',
      );
      expect(status).toBe(0);
    });

    test('GIVEN a change that removes the NAT gateway WHEN its plan is reviewed THEN the cut paths are the headline, with the changes on them, exit 2', () => {
      const { stdout, status } = reviewed['nat-removed'];
      const headlines = stdout.split('\n').filter((line) => line.startsWith('  ! '));
      expect(headlines).toEqual(
        ['app-0', 'app-1'].map((name) =>
          expect.stringMatching(
            new RegExp(
              `^  ! This plan cuts Session Manager to ${name}: core-private-a has no default route \\(0\\.0\\.0\\.0/0\\) to the internet, and core has no Session Manager endpoints\\. The plan deletes module\\.core\\.aws_nat_gateway\\.this\\[0\\] \\(core-nat\\); deletes module\\.core\\.aws_route\\.nat\\[0\\] \\(0\\.0\\.0\\.0/0 → nat-\\w+\\)\\.$`,
            ),
          ),
        ),
      );
      expect(stdout).toContain(
        '    module.app.aws_instance.this[0] (unchanged): Session Manager reachable → NOT reachable;',
      );
      expect(status).toBe(AccountExit.PATH_LOST);
    });
  });
});
