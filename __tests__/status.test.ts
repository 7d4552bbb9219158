import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  DescribeInstanceConnectEndpointsCommand,
  DescribeInstancesCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { parseDuration, parseStatusArguments } from '../tools/status/arguments';
import { checkStatus, POLL_BACKOFF_MS, StatusError, StatusOptions } from '../tools/status/status';
import { configWith } from './helpers/synth';

// As `npm run status` does: the pinned SDK supports Node 20; its notice about later releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const NAT_INSTANCE = 'i-0aaaaaaaaaaaaaaa1';
const SSH_INSTANCE = 'i-0bbbbbbbbbbbbbbb2';

const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);
const s3 = mockClient(S3Client);

/** A project folder with the local states a deployed lab-ssh and lab-ssm-nat leave. */
function deployedProject(
  stacks: Record<string, Record<string, string>> = {
    'lab-ssm-nat': { instance_id: NAT_INSTANCE },
    'lab-ssh': { instance_id: SSH_INSTANCE },
  },
): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-status-'));
  for (const [stack, outputs] of Object.entries(stacks)) {
    const state = {
      version: 4,
      outputs: Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, { value, type: 'string' }])),
      resources: [{ mode: 'managed', type: 'aws_instance', name: 'instance', instances: [] }],
    };
    fs.writeFileSync(path.join(dir, `terraform.${stack}.tfstate`), JSON.stringify(state));
  }
  return dir;
}

function running(instanceId: string, launched = NOW - 3_600_000, profile = true) {
  return {
    Reservations: [
      {
        Instances: [
          {
            InstanceId: instanceId,
            State: { Name: 'running' as const },
            LaunchTime: new Date(launched),
            SubnetId: 'subnet-0private1',
            VpcId: 'vpc-0lab1',
            SecurityGroups: [{ GroupId: 'sg-0instance' }],
            ...(profile
              ? { IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/ssm-lab-instance' } }
              : {}),
          },
        ],
      },
    ],
  };
}

function options(projectDir: string, extra: Partial<StatusOptions> = {}): StatusOptions {
  return {
    config: configWith(),
    projectDir,
    clients: {
      ec2: new EC2Client({ region: 'ap-northeast-1' }),
      ssm: new SSMClient({ region: 'ap-northeast-1' }),
      s3: new S3Client({ region: 'ap-northeast-1' }),
    },
    now: () => NOW,
    sleep: async () => undefined,
    ...extra,
  };
}

function registration(
  instanceId: string,
  PingStatus?: 'Online' | 'ConnectionLost' | 'Inactive',
  lastPing = NOW - 30_000,
) {
  ssm.on(DescribeInstanceInformationCommand, { Filters: [{ Key: 'InstanceIds', Values: [instanceId] }] }).resolves({
    InstanceInformationList: PingStatus
      ? [{ InstanceId: instanceId, PingStatus, AgentVersion: '3.3.1142.0', LastPingDateTime: new Date(lastPing) }]
      : [],
  });
}

beforeEach(() => {
  ec2.reset();
  ssm.reset();
  s3.reset();
  ec2.on(DescribeInstancesCommand, { InstanceIds: [NAT_INSTANCE] }).resolves(running(NAT_INSTANCE));
  ec2
    .on(DescribeInstancesCommand, { InstanceIds: [SSH_INSTANCE] })
    .resolves(running(SSH_INSTANCE, NOW - 3_600_000, false));
  registration(SSH_INSTANCE);
});

describe('npm run status', () => {
  test('GIVEN the NAT instance Online and the SSH baseline unregistered WHEN checked THEN both match what the lab is built for, exit 0', async () => {
    registration(NAT_INSTANCE, 'Online');
    const result = await checkStatus(options(deployedProject()));
    expect(result.exitCode).toBe(0);
    expect(result.instances.map((i) => [i.stack, i.expectOnline, i.observed?.registration, i.matches])).toEqual([
      ['lab-ssh', false, 'not registered', true],
      ['lab-ssm-nat', true, 'Online', true],
    ]);
    expect(result.notDeployed).toEqual(['lab-ssm-public', 'lab-ssm-endpoint', 'lab-eice']);
    expect(result.text).toContain('✓ lab-ssm-nat i-0aaaaaaaaaaaaaaa1 — Session Manager via NAT gateway');
    expect(result.text).toContain('observed: Online (agent 3.3.1142.0, last ping 30 s ago), instance running');
  });

  test('GIVEN ConnectionLost WHEN checked THEN exit 1 and the likely causes, most likely first, each with its command', async () => {
    registration(NAT_INSTANCE, 'ConnectionLost', NOW - 20 * 60_000);
    const result = await checkStatus(options(deployedProject()));
    expect(result.exitCode).toBe(1);
    const nat = result.instances.find((i) => i.stack === 'lab-ssm-nat')!;
    expect(nat.matches).toBe(false);
    expect(nat.causes[0]).toBe(
      'no route to the internet through a NAT gateway from subnet-0private1 — check: aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=subnet-0private1 --region ap-northeast-1',
    );
    expect(nat.causes.map((cause) => cause.split(' — ')[0])).toEqual([
      'no route to the internet through a NAT gateway from subnet-0private1',
      'DNS support or DNS hostnames off in vpc-0lab1',
      'security groups do not allow HTTPS (443) out',
    ]);
    expect(result.text).toContain(
      'observed: ConnectionLost (agent 3.3.1142.0, last ping 20 min ago), instance running',
    );
    // The sample output of docs/operations.md is this fixture's, line for line.
    const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'operations.md'), 'utf8');
    for (const line of result.text.split('\n').filter((l) => l.trim() !== '')) expect(readme).toContain(line);
  });

  test('GIVEN a just-launched instance not registered yet and no instance profile WHEN checked THEN "still starting" comes first, then the role', async () => {
    ec2
      .on(DescribeInstancesCommand, { InstanceIds: [NAT_INSTANCE] })
      .resolves(running(NAT_INSTANCE, NOW - 2 * 60_000, false));
    registration(NAT_INSTANCE);
    const nat = (await checkStatus(options(deployedProject()))).instances.find((i) => i.stack === 'lab-ssm-nat')!;
    expect(nat.causes[0]).toMatch(
      /^the agent may still be starting: registration can take a few minutes after launch \(launched 2 min ago\) — wait: npm run status -- --wait 5m$/,
    );
    expect(nat.causes[1]).toMatch(
      /^no instance profile, so the agent has no Systems Manager role — check: aws ec2 describe-iam-instance-profile-associations/,
    );
  });

  test('GIVEN the endpoint scenario WHEN an endpoint is pending THEN the cause names it and its private DNS', async () => {
    const project = deployedProject({
      'lab-ssm-endpoint': {
        instance_id: NAT_INSTANCE,
        ssm_endpoint_id: 'vpce-0ssm',
        ssmmessages_endpoint_id: 'vpce-0msg',
      },
    });
    registration(NAT_INSTANCE, 'ConnectionLost');
    ec2.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [
        { VpcEndpointId: 'vpce-0ssm', State: 'Available', PrivateDnsEnabled: true },
        { VpcEndpointId: 'vpce-0msg', State: 'Pending', PrivateDnsEnabled: false },
      ],
    });
    const result = await checkStatus(options(project));
    const endpoint = result.instances[0];
    expect(endpoint.causes[0]).toBe(
      'endpoints not ready: vpce-0msg is Pending, private DNS off — check: aws ec2 describe-vpc-endpoints --vpc-endpoint-ids vpce-0ssm vpce-0msg --region ap-northeast-1',
    );
    expect(result.text).toContain('endpoint vpce-0msg: Pending, private DNS off');
  });

  test('GIVEN throttling that outlasts the retries WHEN checked THEN that instance says so, exit 1, the others are still checked', async () => {
    registration(NAT_INSTANCE, 'Online');
    ssm
      .on(DescribeInstanceInformationCommand, { Filters: [{ Key: 'InstanceIds', Values: [SSH_INSTANCE] }] })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const result = await checkStatus(options(deployedProject()));
    expect(result.exitCode).toBe(1);
    expect(result.instances.find((i) => i.stack === 'lab-ssh')?.error).toBe(
      'AWS throttled the status calls (ThrottlingException) even after retries: run npm run status again in a minute.',
    );
    expect(result.instances.find((i) => i.stack === 'lab-ssm-nat')?.matches).toBe(true);
  });

  test("GIVEN Systems Manager answering with something that is not AWS's WHEN checked THEN what EC2 said stands, the failed call is named, exit 1", async () => {
    // What the SDK throws when the body is not an AWS response (seen from an API implementation without this call).
    ssm
      .on(DescribeInstanceInformationCommand)
      .rejects(
        Object.assign(
          new Error(
            'Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
          ),
          { $metadata: { httpStatusCode: 404 } },
        ),
      );
    const result = await checkStatus(options(deployedProject()));
    expect(result.exitCode).toBe(1);
    const nat = result.instances.find((i) => i.stack === 'lab-ssm-nat')!;
    expect(nat.observed?.instanceState).toBe('running');
    expect(nat.observed?.registration).toBe('not checked');
    expect(nat.causes).toEqual([]);
    expect(result.text).toContain(
      'observed: instance running; registration not checked: Systems Manager DescribeInstanceInformation — an answer that is not an AWS API response (HTTP 404)',
    );
    expect(result.text).not.toContain('Deserialization');
  });

  test('GIVEN lab-eice WHEN its endpoint is still being created THEN it does not match yet; once create-complete it does', async () => {
    const EICE_INSTANCE = 'i-0eeeeeeeeeeeeeee5';
    const project = deployedProject({
      'lab-eice': { instance_id: EICE_INSTANCE, endpoint_id: 'eice-0123456789abcdef0' },
    });
    ec2
      .on(DescribeInstancesCommand, { InstanceIds: [EICE_INSTANCE] })
      .resolves(running(EICE_INSTANCE, NOW - 3_600_000, false));
    registration(EICE_INSTANCE);
    ec2
      .on(DescribeInstanceConnectEndpointsCommand, { InstanceConnectEndpointIds: ['eice-0123456789abcdef0'] })
      .resolvesOnce({ InstanceConnectEndpoints: [{ State: 'create-in-progress' }] })
      .resolves({ InstanceConnectEndpoints: [{ State: 'create-complete' }] });
    const pending = await checkStatus(options(project));
    expect(pending.exitCode).toBe(1);
    expect(pending.text).toContain(
      'EC2 Instance Connect Endpoint eice-0123456789abcdef0: create-in-progress (usable once create-complete)',
    );
    const ready = await checkStatus(options(project));
    expect(ready.instances.map((i) => [i.stack, i.matches])).toEqual([['lab-eice', true]]);
    expect(ready.text).toContain('✓ lab-eice i-0eeeeeeeeeeeeeee5 — SSH via EC2 Instance Connect Endpoint');
    expect(ready.exitCode).toBe(0);
  });

  test('GIVEN access denied WHEN checked THEN the missing read-only permissions are named', async () => {
    ssm
      .on(DescribeInstanceInformationCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const result = await checkStatus(options(deployedProject({ 'lab-ssm-nat': { instance_id: NAT_INSTANCE } })));
    expect(result.instances[0].error).toContain('ssm:DescribeInstanceInformation are needed');
    expect(result.exitCode).toBe(1);
  });

  test('GIVEN no credentials WHEN checked THEN one line says how to sign in', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .rejects(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      );
    await expect(checkStatus(options(deployedProject()))).rejects.toThrow(StatusError);
    await expect(checkStatus(options(deployedProject()))).rejects.toThrow(
      /^AWS credentials are missing, expired or invalid: sign in again/,
    );
  });

  test('GIVEN nothing deployed WHEN checked THEN one line says what to deploy, exit 1', async () => {
    const result = await checkStatus(options(deployedProject({})));
    expect(result.exitCode).toBe(1);
    expect(result.text).toBe(
      'No scenario stack of lab ssm-lab is deployed (no state for lab-ssh, lab-ssm-public, lab-ssm-nat, lab-ssm-endpoint, lab-eice): deploy one first, e.g. npx cdktf deploy lab-network lab-ssm-nat.\n',
    );
  });

  test('GIVEN S3 state of another lab WHEN checked THEN outputs come from that lab’s keys', async () => {
    // What GetObject's Body offers (the SDK's stream mixin), with the state file as text.
    const body = (outputs: Record<string, string>) => {
      const state = {
        outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { value: v }])),
        resources: [{}],
      };
      return { transformToString: async () => JSON.stringify(state) } as never;
    };
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('no such key'), { name: 'NoSuchKey' }));
    s3.on(GetObjectCommand, { Bucket: 'team-state', Key: 'ssm-access-lab/team-a/team-a-lab-ssm-nat.tfstate' }).resolves(
      { Body: body({ instance_id: NAT_INSTANCE }) },
    );
    registration(NAT_INSTANCE, 'Online');
    const config = configWith({
      SSM_LAB_NAME: 'team-a',
      SSM_LAB_PREFIX_STACK_NAMES: 'true',
      SSM_LAB_STATE_BUCKET: 'team-state',
    });
    const result = await checkStatus({ ...options(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-s3-'))), config });
    expect(result.instances.map((i) => [i.stack, i.matches])).toEqual([['team-a-lab-ssm-nat', true]]);
    expect(result.text.split('\n')[0]).toBe('ssm-access-lab status — lab team-a, ap-northeast-1');
  });
});

describe('npm run status -- --wait', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW }));
  afterEach(() => jest.useRealTimers());

  test('GIVEN lab-network deployed with its forwarding targets WHEN one is stopped THEN each is shown, the stopped one with its check, exit 1', async () => {
    registration(NAT_INSTANCE, 'Online');
    const project = deployedProject({
      'lab-ssm-nat': { instance_id: NAT_INSTANCE },
      'lab-network': {
        vpc1_target_instance_id: 'i-0ccccccccccccccc3',
        vpc1_target_address: '10.0.2.20:8080',
        vpc2_target_instance_id: 'i-0ddddddddddddddd4',
        vpc2_target_address: '10.1.3.30:8080',
      },
    });
    ec2.on(DescribeInstancesCommand, { InstanceIds: ['i-0ccccccccccccccc3'] }).resolves(running('i-0ccccccccccccccc3'));
    ec2.on(DescribeInstancesCommand, { InstanceIds: ['i-0ddddddddddddddd4'] }).resolves({
      Reservations: [{ Instances: [{ InstanceId: 'i-0ddddddddddddddd4', State: { Name: 'stopped' } }] }],
    });
    const result = await checkStatus(options(project));
    expect(result.targets.map((t) => [t.vpc, t.state, t.matches])).toEqual([
      ['vpc1', 'running', true],
      ['vpc2', 'stopped', false],
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.text).toContain(
      [
        '✓ lab-network i-0ccccccccccccccc3 — forwarding target in VPC1 (10.0.2.20:8080)',
        '    expected: running (its service answers from boot)',
        '    observed: instance running',
        '✗ lab-network i-0ddddddddddddddd4 — forwarding target in VPC2 (10.1.3.30:8080)',
        '    expected: running (its service answers from boot)',
        '    observed: instance stopped',
        '    check: aws ec2 describe-instances --instance-ids i-0ddddddddddddddd4 --query "Reservations[].Instances[].State" --region ap-northeast-1',
      ].join('\n'),
    );
    // Only scenarios count as deployed paths: lab-network alone is no access path.
    expect(result.notDeployed).toEqual(['lab-ssh', 'lab-ssm-public', 'lab-ssm-endpoint', 'lab-eice']);
  });

  test('GIVEN an agent that comes Online after a while WHEN waiting 5m THEN it polls with back-off and exits 0', async () => {
    const states = ['not registered', 'not registered', 'ConnectionLost', 'Online'];
    let call = 0;
    ssm
      .on(DescribeInstanceInformationCommand, { Filters: [{ Key: 'InstanceIds', Values: [NAT_INSTANCE] }] })
      .callsFake(() => {
        const state = states[Math.min(call++, states.length - 1)];
        return {
          InstanceInformationList:
            state === 'not registered'
              ? []
              : [
                  {
                    InstanceId: NAT_INSTANCE,
                    PingStatus: state,
                    AgentVersion: '3.3.1142.0',
                    LastPingDateTime: new Date(),
                  },
                ],
        };
      });
    const pauses: number[] = [];
    const done = checkStatus(
      options(deployedProject(), {
        waitMs: 5 * 60_000,
        now: () => Date.now(),
        sleep: (ms) => {
          pauses.push(ms);
          return new Promise((resolve) => setTimeout(resolve, ms));
        },
      }),
    );
    let settled = false;
    void done.then(() => (settled = true));
    for (let i = 0; i < 100 && !settled; i++) await jest.advanceTimersByTimeAsync(5_000);
    const result = await done;
    expect(result.exitCode).toBe(0);
    expect(pauses).toEqual(POLL_BACKOFF_MS.slice(0, 3));
  });

  test('GIVEN an agent that never registers WHEN waiting 1m THEN it gives up at the deadline with exit 1', async () => {
    registration(NAT_INSTANCE);
    const pauses: number[] = [];
    const done = checkStatus(
      options(deployedProject(), {
        waitMs: 60_000,
        now: () => Date.now(),
        sleep: (ms) => {
          pauses.push(ms);
          return new Promise((resolve) => setTimeout(resolve, ms));
        },
      }),
    );
    await jest.advanceTimersByTimeAsync(120_000);
    const result = await done;
    expect(result.exitCode).toBe(1);
    expect(pauses.reduce((a, b) => a + b, 0)).toBe(60_000);
    expect(pauses).toEqual([5_000, 10_000, 20_000, 25_000]);
  });

  test.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
  ])('GIVEN --wait %s WHEN parsed THEN %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(parseStatusArguments(['--wait', text])).toEqual({ waitMs: ms });
    expect(parseStatusArguments([`--wait=${text}`])).toEqual({ waitMs: ms });
  });

  test.each([
    [['--wait', '5'], '--wait "5" is invalid: expected a duration such as 90s, 5m or 1h'],
    [['--wait', '2h'], 'at most 1h'],
    [['--stack', 'x'], 'unknown argument "--stack": expected --wait <duration>'],
  ])('GIVEN %j WHEN parsed THEN one clear error', (argv, message) => {
    expect(() => parseStatusArguments(argv)).toThrow(message);
  });
});
