import * as fs from 'fs';
import * as path from 'path';
import { stripVTControlCharacters } from 'util';
import { DescribeVpcEndpointsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import {
  DescribeInstanceInformationCommand,
  ResetServiceSettingCommand,
  SSMClient,
  UpdateServiceSettingCommand,
} from '@aws-sdk/client-ssm';
import { DEFAULT_HOST_MANAGEMENT_SETTING } from '../lib/systems-manager';
import { loadConfig } from '../lib/config';
import { SSM_ENDPOINTS_SAMPLE_VARS } from '../stacks/temporary-endpoints-sample';
import { AccountExit } from '../tools/review/assessment/changes';
import { checkStatus } from '../tools/status/status';
import { describeWithEmulator, emulatorEc2, emulatorShell, ownEmulator, projectCopy } from './helpers/aws-emulator';
import { buildExistingVpc, ExistingVpcFixture } from './helpers/existing-vpc';
import { Ran, run } from './helpers/processes';

// The temporary endpoints over a VPC the user already has, against an implementation of the AWS
// APIs, as a user runs them: the account review of the window, the deploy, status and the
// teardown. Split from aws-emulator.e2e.test.ts so that Jest's workers share the emulator tier;
// moto's differences from AWS are said where a test accounts for them.

const ROOT = path.join(__dirname, '..');

/** A sample of docs/temporary-endpoints.md between `<!-- sample of the NAME -->` and `<!-- end of sample of the NAME -->`, without its fence. */
function readmeSample(name: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'docs', 'temporary-endpoints.md'), 'utf8');
  const from = readme.indexOf(`<!-- sample of the ${name} -->`);
  const to = readme.indexOf(`<!-- end of sample of the ${name} -->`);
  if (from < 0 || to < from) throw new Error(`docs/temporary-endpoints.md has no sample of the ${name}`);
  return readme
    .slice(from, to)
    .split('\n')
    .filter((line) => !line.startsWith('<!--') && !line.startsWith('```'))
    .join('\n');
}

/**
 * The sample's lines that no line of the output matches, once ids and numbers (which differ from
 * run to run, and with the fleet's size) are set aside; a headline's list of names is compared up
 * to the first name.
 */
function linesNotIn(sample: string, output: string): string[] {
  const normal = (line: string) =>
    stripVTControlCharacters(line)
      .replace(/\b(i|vpc|vpce|sg|subnet)-[0-9a-f]+\b/g, '$1-…')
      .replace(/\d+/g, 'N')
      .trimEnd();
  const lines = output.split('\n').map(normal);
  return sample
    .split('\n')
    .map(normal)
    .filter((line) => line.trim() !== '')
    .filter((line) => {
      const list = line.indexOf(': i-… (');
      return !lines.some((candidate) => (list >= 0 ? candidate.startsWith(line.slice(0, list)) : candidate === line));
    });
}

describeWithEmulator('ssm-endpoints for a VPC the user already has: which instances the window serves', () => {
  // The VPC is built with the SDK (helpers/existing-vpc.ts), not by the lab: private subnets in two
  // zones, one behind a NAT gateway, groups allowed and not, roles with and without the agent's
  // policy, and a fleet of one-instance launches that takes DescribeInstances past one page.
  const FLEET = 100;
  let endpoint: { url: string; stop: () => void };
  let project: string;
  let shell: NodeJS.ProcessEnv;
  const cdktf = (...args: string[]) =>
    run('npx', ['cdktf', ...args, '--auto-approve', '--skip-provider-lock'], project, shell);
  const npmRun = (script: string, ...args: string[]) =>
    run('npm', ['run', '--silent', script, ...(args.length > 0 ? ['--', ...args] : [])], project, shell);
  afterAll(() => endpoint?.stop());
  let fixture: ExistingVpcFixture;
  let vars: string[];
  let deployed: Ran;
  const line = (output: string, name: string) =>
    stripVTControlCharacters(output)
      .split('\n')
      .find((text) => text.includes(`${fixture.instances[name]} (${name}): `)) ?? `(no line for ${name})`;
  beforeAll(async () => {
    // A server of its own: this tier runs beside the lab's (aws-emulator.e2e.test.ts), which
    // resets its server when it starts.
    endpoint = await ownEmulator();
    project = projectCopy();
    shell = emulatorShell({ AWS_ENDPOINT_URL: endpoint.url });
    fixture = await buildExistingVpc(shell, FLEET);
    // The README's inputs (stacks/temporary-endpoints-sample.ts), with this VPC's ids.
    const ids: Record<string, string> = {
      vpc_id: fixture.vpcId,
      subnet_ids: JSON.stringify([fixture.endpointSubnetId]),
      allowed_security_group_ids: JSON.stringify([fixture.allowedGroupId]),
    };
    vars = SSM_ENDPOINTS_SAMPLE_VARS.map(([name, value]) => `--var=${name}=${ids[name] ?? value}`);
    // The same inputs as the var file docs/temporary-endpoints.md names (lists as written, strings quoted).
    fs.writeFileSync(
      path.join(project, 'endpoints.tfvars'),
      SSM_ENDPOINTS_SAMPLE_VARS.map(([name, value]) => {
        const given = ids[name] ?? value;
        return `${name} = ${given.startsWith('[') ? given : JSON.stringify(given)}\n`;
      }).join(''),
    );
  });

  test('GIVEN the endpoints planned, not applied WHEN reviewed with --account as typed THEN each instance has its verdict now → with the endpoints, and the headline counts them', async () => {
    // The command of docs/temporary-endpoints.md, as typed in the project folder.
    const page = fs.readFileSync(path.join(ROOT, 'docs', 'temporary-endpoints.md'), 'utf8');
    const typed = /```sh\n(npm run review -- --account --stack ssm-endpoints --var-file=endpoints\.tfvars)\n```/.exec(
      page.slice(page.indexOf('## Which instances will the window serve?')),
    )![1];
    const review = await run('sh', ['-c', typed], project, shell);
    const out = stripVTControlCharacters(review.stdout);
    const total = 9 + FLEET;
    expect(out).toContain(
      `ssm-endpoints in ${fixture.vpcId}: ${total} instance(s), Session Manager now → with these endpoints`,
    );
    expect(out).toMatch(
      new RegExp(
        `ssm-endpoints opens Session Manager to ${4 + FLEET} of ${total} instance\\(s\\) in ${fixture.vpcId}: `,
      ),
    );
    expect(out).toContain(
      `1 already reachable without these endpoints: ${fixture.instances.natted} (natted) via a NAT gateway.`,
    );
    // One line per reason the window cannot open, naming the instances.
    expect(out).toMatch(
      /1 it cannot open — no instance profile, so the SSM Agent has no Systems Manager role: i-\w+ \(no-profile\)\./,
    );
    // The account's setting, read with ssm:GetServiceSetting (the emulator's default: unset).
    expect(out).toContain(
      "Default Host Management Configuration: off (AWS's default: instances without a usable instance profile are not managed)",
    );
    expect(out).toMatch(
      /1 it cannot open — the role customer-bare is not allowed ssm:UpdateInstanceInformation, .+: i-\w+ \(bare-role\)\./,
    );
    expect(out).toMatch(/1 it cannot open — .*allow no outbound 443.*: i-\w+ \(no-https\)\./);
    expect(out).toMatch(/1 it cannot open — .*443.* \(other-team\)\./);
    expect(line(out, 'web-a')).toContain('NOT reachable → reachable');
    expect(line(out, 'web-c')).toContain('NOT reachable → reachable'); // another zone: the endpoints answer VPC-wide
    expect(line(out, 'natted')).toContain('reachable → reachable');
    // AdministratorAccess, read from the account; groups only the network interface lists (moto's instance lists none).
    expect(line(out, 'admin')).toContain('NOT reachable → reachable');
    expect(line(out, 'by-interface')).toContain('NOT reachable → reachable');
    expect(line(out, 'other-team')).toContain('NOT reachable → NOT reachable');
    // Every instance, the fleet too: DescribeInstances was read to its last page.
    expect(out.split('\n').filter((text) => /^ {4}i-\w+ \(fleet\): NOT reachable → reachable/.test(text))).toHaveLength(
      FLEET,
    );
    expect(out).toContain(`${fixture.vpcId}: read ${total} instance(s)`);
    expect(review.status).toBe(AccountExit.OK);
    // The README's excerpt (a run with a fleet of 3) reads as this output, ids and counts aside.
    expect(linesNotIn(readmeSample('window review'), out)).toEqual([]);
    const report = fs.readFileSync(path.join(project, '.review', 'account', 'report.md'), 'utf8');
    expect(report).toContain(`## Instances in ${fixture.vpcId}, the VPC \`ssm-endpoints\` serves`);
  });

  test("GIVEN a reader IAM refuses the roles' attached policies, and Default Host Management on WHEN reviewed THEN the verdicts name the assumption, the instance without a profile is managed through the setting's role, exit 0", async () => {
    // Before the deploy: under its auth, moto's Scheduler answers a refresh with no AWS error body.
    // moto checks IAM policies once its auth is switched on (/moto-api/reset-auth); a user for
    // the reader, allowed everything but iam:ListAttachedRolePolicies (moto matches resources
    // as "*" for IAM actions, so the refusal covers every role, not one).
    const iam = new IAMClient({
      region: 'ap-northeast-1',
      endpoint: shell.AWS_ENDPOINT_URL,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await iam.send(new CreateUserCommand({ UserName: 'window-reader' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'window-reader',
        PolicyName: 'read-but-not-attached-policies',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: '*', Resource: '*' },
            { Effect: 'Deny', Action: 'iam:ListAttachedRolePolicies', Resource: '*' },
          ],
        }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'window-reader' }))).AccessKey!;
    // And the account's Default Host Management turned on, naming a role Systems Manager may assume.
    const ssm = new SSMClient({
      region: 'ap-northeast-1',
      endpoint: shell.AWS_ENDPOINT_URL,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'dhmc-role',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'dhmc-role',
        PolicyName: 'agent',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['ssm:UpdateInstanceInformation', 'ssmmessages:*'], Resource: '*' }],
        }),
      }),
    );
    await ssm.send(
      new UpdateServiceSettingCommand({ SettingId: DEFAULT_HOST_MANAGEMENT_SETTING, SettingValue: 'dhmc-role' }),
    );
    const auth = (count: string) =>
      fetch(`${shell.AWS_ENDPOINT_URL}/moto-api/reset-auth`, { method: 'POST', body: count });
    await auth('0');
    let review: Ran;
    try {
      review = await run(
        'npm',
        ['run', '--silent', 'review', '--', '--account', '--stack', 'ssm-endpoints', ...vars],
        project,
        { ...shell, AWS_ACCESS_KEY_ID: key.AccessKeyId!, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey! },
      );
    } finally {
      await auth('inf');
      await ssm.send(new ResetServiceSettingCommand({ SettingId: DEFAULT_HOST_MANAGEMENT_SETTING }));
    }
    const out = stripVTControlCharacters(review.stdout);
    expect(out).toContain(
      'assuming what could not be read of the role customer-bare allows ssm:UpdateInstanceInformation, ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel (iam:ListAttachedRolePolicies on customer-bare refused (AccessDenied))',
    );
    expect(line(out, 'bare-role')).toContain('→ reachable');
    // The setting read (ssm:GetServiceSetting): the instance without a profile is managed through its role.
    expect(out).toContain(
      'Default Host Management Configuration: on, role dhmc-role (it manages the instances without a usable instance profile)',
    );
    expect(line(out, 'no-profile')).toMatch(/NOT reachable → reachable/);
    expect(out).toContain(
      "Default Host Management Configuration's role dhmc-role carries the agent (no usable instance profile)",
    );
    expect(review.status).toBe(AccountExit.OK);
  });

  test('GIVEN the inputs WHEN deployed THEN the endpoints, their SG and the expiry apply', async () => {
    deployed = await cdktf('deploy', 'ssm-endpoints', ...vars);
    expect(stripVTControlCharacters(deployed.stdout)).toMatch(
      /Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/,
    );
    expect(deployed.status).toBe(0);
  });

  test("GIVEN the endpoints deployed WHEN npm run status runs as typed THEN it lists the VPC's instances with the verdict's reason for those not expected online", async () => {
    if (deployed.status !== 0) throw new Error('ssm-endpoints did not deploy');
    const status = await npmRun('status');
    const out = stripVTControlCharacters(status.stdout);
    expect(out).toMatch(new RegExp(`✗ ssm-endpoints in ${fixture.vpcId} — window opened \\d+ s ago; endpoints vpce-`));
    // moto has no agent registration (its README): registration is not checked, said once.
    expect(line(out, 'web-a')).toMatch(/✗ i-\w+ \(web-a\): registration not checked; expected Online/);
    expect(line(out, 'no-profile')).toMatch(
      /– i-\w+ \(no-profile\): registration not checked; not expected online — no instance profile/,
    );
    expect(out).toContain('registration not read: an answer that is not an AWS API response (HTTP 500)');
    expect(status.status).toBe(1);
  });

  test('GIVEN DescribeInstanceInformation answered by a test double WHEN status checks the window THEN Online since the window opened matches, ConnectionLost and an old ping do not, and the README sample reads as this output', async () => {
    // The one call moto lacks, answered by a double (the README's sample scenario): agents Online
    // now, web-c's connection lost, the four the review does not expect online never registered.
    const silent = ['no-profile', 'bare-role', 'other-team', 'no-https'].map((name) => fixture.instances[name]);
    const pings = new Map<string, { PingStatus: string; LastPingDateTime: Date }>([
      [fixture.instances['web-c'], { PingStatus: 'ConnectionLost', LastPingDateTime: new Date() }],
    ]);
    const ssm = {
      send: async (command: object) => {
        if (!(command instanceof DescribeInstanceInformationCommand))
          throw new Error('only DescribeInstanceInformation');
        const ids = command.input.Filters?.find((filter) => filter.Key === 'InstanceIds')?.Values ?? [];
        return {
          InstanceInformationList: ids
            .filter((id) => !silent.includes(id))
            .map((id) => ({
              InstanceId: id,
              ...(pings.get(id) ?? { PingStatus: 'Online', LastPingDateTime: new Date() }),
            })),
        };
      },
    } as unknown as SSMClient;
    const sdk = {
      region: 'ap-northeast-1',
      endpoint: shell.AWS_ENDPOINT_URL,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
    const status = async () =>
      checkStatus({
        config: loadConfig({}),
        projectDir: project,
        clients: { ec2: new EC2Client(sdk), iam: new IAMClient(sdk), s3: new S3Client(sdk), ssm },
      });
    const result = await status();
    const window = result.window!;
    const of = (name: string) => window.instances.find((i) => i.id === fixture.instances[name])!;
    expect(of('web-a')).toMatchObject({ registration: 'Online', expectOnline: true, matches: true });
    expect(of('web-c')).toMatchObject({ registration: 'ConnectionLost', expectOnline: true, matches: false });
    expect(of('no-profile')).toMatchObject({ registration: 'not registered', expectOnline: false, matches: true });
    expect(of('no-profile').reason).toContain('no instance profile');
    expect(window.instances).toHaveLength(9 + FLEET);
    expect(result.exitCode).toBe(1);
    expect(linesNotIn(readmeSample('window status'), result.text)).toEqual([]);
    // Online, but its last ping is from before the window opened: not registered through it.
    pings.set(fixture.instances['natted'], {
      PingStatus: 'Online',
      LastPingDateTime: new Date(Date.now() - 86_400_000),
    });
    const later = await status();
    expect(later.window!.instances.find((i) => i.id === fixture.instances.natted)).toMatchObject({
      registration: 'Online',
      expectOnline: true,
      matches: false,
    });

    // --wait: the old ping is gone and web-c reconnects after the first poll; between polls only
    // Systems Manager is asked again (the VPC, its instances and roles are read once).
    pings.delete(fixture.instances['natted']);
    const ec2Calls: string[] = [];
    const ec2 = new EC2Client(sdk);
    // The calls that read the window's VPC (a lab scenario left deployed by an earlier describe is
    // checked on each poll, as it should be, by instance id).
    const counted = {
      send: (command: { input?: unknown }) => {
        if (JSON.stringify(command.input ?? {}).includes(fixture.vpcId)) ec2Calls.push(command.constructor.name);
        return ec2.send(command as never);
      },
    };
    let clock = Date.now();
    const waited = await checkStatus({
      config: loadConfig({}),
      projectDir: project,
      clients: { ec2: counted as unknown as EC2Client, iam: new IAMClient(sdk), s3: new S3Client(sdk), ssm },
      waitMs: 60_000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
        ec2Calls.push('(poll)');
        pings.set(fixture.instances['web-c'], { PingStatus: 'Online', LastPingDateTime: new Date() });
      },
    });
    expect(waited.window!.matches).toBe(true);
    expect(waited.exitCode).toBe(0);
    expect(ec2Calls.slice(ec2Calls.indexOf('(poll)'))).toEqual(['(poll)']);
    expect(ec2Calls.filter((name) => name === 'DescribeInstancesCommand')).toHaveLength(2); // two pages, once
  });

  test('GIVEN the same inputs WHEN destroyed THEN exactly what it created is gone, and the VPC and its instances stay', async () => {
    const destroyed = await cdktf('destroy', 'ssm-endpoints', ...vars);
    expect(stripVTControlCharacters(destroyed.stdout)).toMatch(/Destroy complete! Resources: \d+ destroyed/);
    expect(destroyed.status).toBe(0);
    const endpoints = await emulatorEc2(shell).send(
      new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [fixture.vpcId] }] }),
    );
    expect((endpoints.VpcEndpoints ?? []).filter((e) => !/deleted/i.test(String(e.State)))).toEqual([]);
    const vpcs = await emulatorEc2(shell).send(new DescribeVpcsCommand({ VpcIds: [fixture.vpcId] }));
    expect(vpcs.Vpcs).toHaveLength(1);
  });
});
