import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  DeleteNatGatewayCommand,
  DeleteSecurityGroupCommand,
  DescribeAddressesCommand,
  DescribeInstanceConnectEndpointsCommand,
  DescribeInstancesCommand,
  DescribeNatGatewaysCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  EC2Client,
  ReleaseAddressCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesCommand,
  ListInstanceProfileTagsCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { parseLeftoverArguments } from '../tools/leftovers/arguments';
import {
  deleteLeftovers,
  findLeftovers,
  LeftoverError,
  LeftoverOptions,
  leftoversExitCode,
  leftoversText,
  parseArn,
} from '../tools/leftovers/leftovers';
import { configWith } from './helpers/synth';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ACCOUNT = '123456789012';
const arn = (type: string, id: string) => `arn:aws:ec2:ap-northeast-1:${ACCOUNT}:${type}/${id}`;
const LAB_TAGS = (stack: string, name: string) => [
  { Key: 'Project', Value: 'ssm-access-lab' },
  { Key: 'Lab', Value: 'ssm-lab' },
  { Key: 'Stack', Value: stack },
  { Key: 'Name', Value: name },
];

const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const iam = mockClient(IAMClient);
const ec2 = mockClient(EC2Client);

/** A project folder whose lab-network and lab-ssm-nat states hold some resources (as Terraform writes them). */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-leftovers-'));
  const state = (resources: [string, Record<string, unknown>][]) =>
    JSON.stringify({
      version: 4,
      outputs: {},
      resources: resources.map(([type, attributes]) => ({
        mode: 'managed',
        type,
        name: 'x',
        instances: [{ attributes }],
      })),
    });
  fs.writeFileSync(
    path.join(dir, 'terraform.lab-network.tfstate'),
    state([['aws_vpc', { id: 'vpc-0held', arn: arn('vpc', 'vpc-0held') }]]),
  );
  fs.writeFileSync(
    path.join(dir, 'terraform.lab-ssm-nat.tfstate'),
    state([
      [
        'aws_instance',
        // The root volume's id is nested, as Terraform writes it.
        {
          id: 'i-0held',
          arn: arn('instance', 'i-0held'),
          root_block_device: [{ volume_id: 'vol-0held' }],
          // A reference to another resource: it holds nothing.
          subnet_id: 'subnet-0orphan',
        } as never,
      ],
    ]),
  );
  return dir;
}

function options(projectDir: string): LeftoverOptions {
  return {
    config: configWith(),
    projectDir,
    clients: {
      tagging: new ResourceGroupsTaggingAPIClient({ region: 'ap-northeast-1' }),
      iam: new IAMClient({ region: 'ap-northeast-1' }),
      ec2: new EC2Client({ region: 'ap-northeast-1' }),
      scheduler: new SchedulerClient({ region: 'ap-northeast-1' }),
      s3: new S3Client({ region: 'ap-northeast-1' }),
    },
    sleep: async () => undefined,
  };
}

beforeEach(() => {
  tagging.reset();
  iam.reset();
  ec2.reset();
  // Two pages: what a killed lab-ssm-nat apply left (NAT gateway, its EIP, the instance SG) beside held resources.
  tagging.on(GetResourcesCommand, { PaginationToken: undefined }).resolves({
    PaginationToken: 'page-2',
    ResourceTagMappingList: [
      { ResourceARN: arn('vpc', 'vpc-0held'), Tags: LAB_TAGS('lab-network', 'ssm-lab-vpc1') },
      { ResourceARN: arn('natgateway', 'nat-0orphan'), Tags: LAB_TAGS('lab-ssm-nat', 'ssm-lab-nat') },
      { ResourceARN: arn('security-group-rule', 'sgr-0orphan'), Tags: LAB_TAGS('lab-ssm-nat', 'x') },
    ],
  });
  tagging.on(GetResourcesCommand, { PaginationToken: 'page-2' }).resolves({
    PaginationToken: '',
    ResourceTagMappingList: [
      { ResourceARN: arn('instance', 'i-0held'), Tags: LAB_TAGS('lab-ssm-nat', 'ssm-lab-ssm-nat') },
      { ResourceARN: arn('elastic-ip', 'eipalloc-0orphan'), Tags: LAB_TAGS('lab-ssm-nat', 'ssm-lab-nat') },
      { ResourceARN: arn('security-group', 'sg-0orphan'), Tags: LAB_TAGS('lab-ssm-nat', 'ssm-lab-ssm-nat-instance') },
      { ResourceARN: arn('instance', 'i-0orphan'), Tags: LAB_TAGS('lab-ssm-nat', 'ssm-lab-ssm-nat') },
    ],
  });
  iam.on(ListRolesCommand).resolves({
    Roles: [
      {
        RoleName: 'ssm-lab-instance-2026',
        Arn: `arn:aws:iam::${ACCOUNT}:role/ssm-lab-instance-2026`,
        Path: '/',
        RoleId: 'R1',
        CreateDate: new Date('2026-11-25T10:00:00Z'),
      },
      {
        RoleName: 'other-lab-instance-1',
        Arn: `arn:aws:iam::${ACCOUNT}:role/other-lab-instance-1`,
        Path: '/',
        RoleId: 'R2',
        CreateDate: new Date(),
      },
    ],
  });
  iam
    .on(ListRoleTagsCommand, { RoleName: 'ssm-lab-instance-2026' })
    .resolves({ Tags: LAB_TAGS('lab-network', 'ssm-lab-instance') });
  iam.on(ListInstanceProfilesCommand).resolves({ InstanceProfiles: [] });
  iam.on(ListInstanceProfileTagsCommand).resolves({ Tags: [] });
  // EC2 confirms each candidate: the orphans exist; the instance runs, with a public address and a gp3 root volume.
  ec2.on(DescribeInstancesCommand, { InstanceIds: ['i-0orphan'] }).resolves({
    Reservations: [
      {
        Instances: [
          {
            InstanceId: 'i-0orphan',
            InstanceType: 't4g.nano',
            State: { Name: 'running' },
            PublicIpAddress: '198.51.100.7',
            BlockDeviceMappings: [{ Ebs: { VolumeId: 'vol-0orphan' } }],
          },
        ],
      },
    ],
  });
  ec2
    .on(DescribeVolumesCommand, { VolumeIds: ['vol-0orphan'] })
    .resolves({ Volumes: [{ VolumeId: 'vol-0orphan', Size: 8, VolumeType: 'gp3', State: 'in-use' }] });
  ec2
    .on(DescribeNatGatewaysCommand, { NatGatewayIds: ['nat-0orphan'] })
    .resolves({ NatGateways: [{ NatGatewayId: 'nat-0orphan', State: 'available' }] });
  ec2
    .on(DescribeAddressesCommand, { AllocationIds: ['eipalloc-0orphan'] })
    .resolves({ Addresses: [{ AllocationId: 'eipalloc-0orphan' }] });
  ec2
    .on(DescribeSecurityGroupsCommand, { GroupIds: ['sg-0orphan'] })
    .resolves({ SecurityGroups: [{ GroupId: 'sg-0orphan' }] });
});

/** t4g.nano + its public IPv4 + 8 GiB gp3 (Tokyo), as the review prices an instance. */
const ORPHAN_INSTANCE_USD = 0.0054 + 0.005 + (8 * 0.096) / 730;

describe('npm run leftovers', () => {
  test('GIVEN a killed apply WHEN listed THEN exactly the orphans appear, in deletion order, with price and commands; held ones do not', async () => {
    const synthesized = { 'lab-ssm-nat': { aws_nat_gateway: { 'nat-gateway': 'ssm-lab-nat' } } };
    const listing = await findLeftovers(options(project()), synthesized);
    const { leftovers } = listing;
    expect(leftovers.map((l) => [l.type, l.id, l.stack])).toEqual([
      ['instance', 'i-0orphan', 'lab-ssm-nat'],
      ['natgateway', 'nat-0orphan', 'lab-ssm-nat'],
      ['elastic-ip', 'eipalloc-0orphan', 'lab-ssm-nat'],
      ['security-group', 'sg-0orphan', 'lab-ssm-nat'],
      ['role', 'ssm-lab-instance-2026', 'lab-network'],
    ]);
    expect(leftovers[0].deleteCommand).toBe(
      'aws ec2 terminate-instances --instance-ids i-0orphan --region ap-northeast-1',
    );
    const nat = leftovers[1];
    expect(nat.usdPerHour).toBe(0.062);
    expect(nat.deleteCommand).toBe('aws ec2 delete-nat-gateway --nat-gateway-id nat-0orphan --region ap-northeast-1');
    expect(nat.importCommand).toBe(
      "cd cdktf.out/stacks/lab-ssm-nat && terraform import 'aws_nat_gateway.nat-gateway' nat-0orphan",
    );
    expect(leftovers[4].created).toEqual(new Date('2026-11-25T10:00:00Z'));
    expect(leftovers[0].usdPerHour).toBeCloseTo(ORPHAN_INSTANCE_USD, 10);
    const text = leftoversText(configWith(), listing);
    expect(text).toContain(
      `5 resource(s) tagged Project=ssm-access-lab, Lab=ssm-lab that no state holds (ap-northeast-1; about USD ${(0.067 + ORPHAN_INSTANCE_USD).toFixed(4)}/h):`,
    );
    expect(text).toContain(
      `  instance i-0orphan (ssm-lab-ssm-nat) — from lab-ssm-nat, USD ${ORPHAN_INSTANCE_USD.toFixed(4)}/h`,
    );
    expect(leftoversExitCode(listing)).toBe(2);
    expect(text).toContain('  natgateway nat-0orphan (ssm-lab-nat) — from lab-ssm-nat, USD 0.0620/h');
    // Only the lab's own tags were asked for.
    expect(tagging.commandCalls(GetResourcesCommand)[0].args[0].input.TagFilters).toEqual([
      { Key: 'Project', Values: ['ssm-access-lab'] },
      { Key: 'Lab', Values: ['ssm-lab'] },
    ]);
  });

  test('GIVEN the leftovers WHEN deleted THEN exactly those, NAT gateway gone before its EIP, the role detached first, nothing else', async () => {
    const opts = options(project());
    const { leftovers } = await findLeftovers(opts);
    ec2
      .on(DescribeNatGatewaysCommand)
      .resolvesOnce({ NatGateways: [{ State: 'deleting' }] })
      .resolves({ NatGateways: [{ State: 'deleted' }] });
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [{ State: { Name: 'shutting-down' } }] }] })
      .resolves({ Reservations: [{ Instances: [{ State: { Name: 'terminated' } }] }] });
    iam
      .on(ListAttachedRolePoliciesCommand)
      .resolves({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' }] });
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    const done = await deleteLeftovers(opts, leftovers);
    expect(done).toEqual([
      'deleted instance i-0orphan',
      'deleted natgateway nat-0orphan',
      'deleted elastic-ip eipalloc-0orphan',
      'deleted security-group sg-0orphan',
      'deleted role ssm-lab-instance-2026',
    ]);
    const calls = [...ec2.calls(), ...iam.calls()].map((call) => call.args[0].constructor.name);
    expect(calls.filter((name) => !name.startsWith('Describe') && !name.startsWith('List'))).toEqual([
      TerminateInstancesCommand.name,
      DeleteNatGatewayCommand.name,
      ReleaseAddressCommand.name,
      DeleteSecurityGroupCommand.name,
      DetachRolePolicyCommand.name,
      DeleteRoleCommand.name,
    ]);
    expect(ec2.commandCalls(DeleteSecurityGroupCommand)[0].args[0].input).toEqual({ GroupId: 'sg-0orphan' });
    expect(iam.commandCalls(RemoveRoleFromInstanceProfileCommand)).toHaveLength(0);
    expect(iam.commandCalls(DeleteInstanceProfileCommand)).toHaveLength(0);
  });

  test('GIVEN nothing left over WHEN listed THEN one line, and the command exits 0', async () => {
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [{ ResourceARN: arn('vpc', 'vpc-0held'), Tags: LAB_TAGS('lab-network', 'v') }],
    });
    iam.on(ListRolesCommand).resolves({ Roles: [] });
    const listing = await findLeftovers(options(project()));
    expect(listing).toEqual({ leftovers: [], goingAway: [], unchecked: [] });
    expect(leftoversExitCode(listing)).toBe(0);
    expect(leftoversText(configWith(), listing)).toBe(
      'Nothing left over: every resource tagged Project=ssm-access-lab, Lab=ssm-lab in ap-northeast-1 (and IAM) is held by a state.\n',
    );
  });

  test.each([
    [
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      /^AWS credentials are missing/,
    ],
    [
      Object.assign(new Error('The security token included in the request is invalid'), {
        name: 'InvalidClientTokenId',
      }),
      /^AWS refused the credentials \(InvalidClientTokenId\) on tag:GetResources/,
    ],
  ])('GIVEN %j from AWS WHEN listed THEN one clear line, nothing listed', async (error, message) => {
    tagging.on(GetResourcesCommand).rejects(error);
    await expect(findLeftovers(options(project()))).rejects.toThrow(LeftoverError);
    await expect(findLeftovers(options(project()))).rejects.toThrow(message);
  });

  test.each([
    [
      Object.assign(new Error('no'), { name: 'AccessDeniedException' }),
      'Not checked: Resource Groups Tagging API GetResources — not allowed to call tag:GetResources (AccessDeniedException): grant it',
    ],
    [
      Object.assign(new Error('slow down'), { name: 'ThrottlingException' }),
      'Not checked: Resource Groups Tagging API GetResources — AWS throttled tag:GetResources (ThrottlingException)',
    ],
  ])(
    'GIVEN %j from the tagging API WHEN listed THEN IAM is still checked, the part is named, exit 1',
    async (error, line) => {
      tagging.on(GetResourcesCommand).rejects(error);
      const listing = await findLeftovers(options(project()));
      expect(listing.leftovers.map((l) => l.id)).toEqual(['ssm-lab-instance-2026']);
      expect(leftoversText(configWith(), listing)).toContain(line);
      expect(leftoversExitCode(listing)).toBe(1);
    },
  );

  test('GIVEN IAM answering with an HTML error page WHEN listed THEN the EC2 findings stand, the call and its answer are named, exit 1', async () => {
    // What the SDK throws when the body is not AWS's XML (seen from an API implementation).
    const notXml = Object.assign(
      new Error(
        'Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
      ),
      { name: 'Error', $metadata: { httpStatusCode: 500 } },
    );
    iam.on(ListInstanceProfilesCommand).resolves({
      InstanceProfiles: [
        {
          InstanceProfileName: 'ssm-lab-instance-1',
          Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/ssm-lab-instance-1`,
          Path: '/',
          InstanceProfileId: 'P1',
          CreateDate: new Date(),
          Roles: [],
        },
      ],
    });
    iam.on(ListInstanceProfileTagsCommand).rejects(notXml);
    const listing = await findLeftovers(options(project()));
    expect(listing.leftovers.map((l) => l.id)).toContain('nat-0orphan');
    expect(listing.unchecked).toEqual([
      {
        call: 'IAM ListInstanceProfiles / ListInstanceProfileTags',
        answer: 'an answer that is not an AWS API response (HTTP 500)',
      },
    ]);
    const text = leftoversText(configWith(), listing);
    expect(text).toContain(
      'Not checked: IAM ListInstanceProfiles / ListInstanceProfileTags — an answer that is not an AWS API response (HTTP 500)',
    );
    expect(text).not.toContain('Deserialization error');
    expect(leftoversExitCode(listing)).toBe(1);
  });

  test('GIVEN the tagging API still returning what is gone or going WHEN listed THEN gone ones are dropped and going ones get one line', async () => {
    // "Previously tagged" resources: a terminated instance, a deleted NAT gateway, a released EIP, a deleting volume.
    ec2
      .on(DescribeInstancesCommand, { InstanceIds: ['i-0orphan'] })
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-0orphan', State: { Name: 'terminated' } }] }] });
    ec2
      .on(DescribeNatGatewaysCommand, { NatGatewayIds: ['nat-0orphan'] })
      .resolves({ NatGateways: [{ NatGatewayId: 'nat-0orphan', State: 'deleting' }] });
    ec2
      .on(DescribeAddressesCommand)
      .rejects(Object.assign(new Error('gone'), { name: 'InvalidAllocationID.NotFound' }));
    ec2.on(DescribeSecurityGroupsCommand).rejects(Object.assign(new Error('gone'), { name: 'InvalidGroup.NotFound' }));
    iam.on(ListRolesCommand).resolves({ Roles: [] });
    const listing = await findLeftovers(options(project()));
    expect(listing.leftovers).toEqual([]);
    expect(listing.goingAway.map((l) => [l.type, l.id, l.goingAway])).toEqual([
      ['natgateway', 'nat-0orphan', 'deleting'],
    ]);
    const text = leftoversText(configWith(), listing);
    expect(text).toContain('Going away: natgateway nat-0orphan (ssm-lab-nat) is deleting; nothing to do.');
    expect(text).not.toContain('USD');
    expect(leftoversExitCode(listing)).toBe(0);
  });

  test('GIVEN the audit key a teardown scheduled for deletion WHEN listed THEN it is going away with its date, not a leftover; a key still enabled is one', async () => {
    const keyArn = (id: string) => `arn:aws:kms:ap-northeast-1:${ACCOUNT}:key/${id}`;
    tagging.reset();
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: keyArn('key-pending'), Tags: LAB_TAGS('lab-session-audit', 'ssm-lab-session-audit') },
        { ResourceARN: keyArn('key-enabled'), Tags: LAB_TAGS('lab-session-audit', 'ssm-lab-other') },
      ],
    });
    iam.on(ListRolesCommand).resolves({ Roles: [] });
    const kms = mockClient(KMSClient);
    kms.on(DescribeKeyCommand, { KeyId: 'key-pending' }).resolves({
      KeyMetadata: {
        KeyId: 'key-pending',
        KeyState: 'PendingDeletion',
        DeletionDate: new Date('2026-12-14T01:00:00Z'),
      },
    });
    kms
      .on(DescribeKeyCommand, { KeyId: 'key-enabled' })
      .resolves({ KeyMetadata: { KeyId: 'key-enabled', KeyState: 'Enabled' } });
    const base = options(project());
    const listing = await findLeftovers({
      ...base,
      clients: { ...base.clients, kms: new KMSClient({ region: 'ap-northeast-1' }) },
    });
    expect(listing.leftovers.map((l) => [l.type, l.id])).toEqual([['key', 'key-enabled']]);
    expect(leftoversText(configWith(), listing)).toContain(
      'Going away: key key-pending (ssm-lab-session-audit) is scheduled for deletion on 2026-12-14 (KMS bills a key until it is deleted: USD 1 a month, prorated); nothing to do.',
    );
    kms.restore();
  });

  test("GIVEN an instance's tagged root volume WHEN its instance is held THEN the volume is held too (nested id)", async () => {
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [{ ResourceARN: arn('volume', 'vol-0held'), Tags: LAB_TAGS('lab-ssm-nat', 'root') }],
    });
    ec2
      .on(DescribeVolumesCommand, { VolumeIds: ['vol-0held'] })
      .resolves({ Volumes: [{ VolumeId: 'vol-0held', Size: 8, VolumeType: 'gp3', State: 'in-use' }] });
    iam.on(ListRolesCommand).resolves({ Roles: [] });
    expect((await findLeftovers(options(project()))).leftovers).toEqual([]);
  });

  test('GIVEN an orphan instance and its root volume (DeleteOnTermination) WHEN listed THEN the volume goes with the instance, priced with it', async () => {
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: arn('instance', 'i-0orphan'), Tags: LAB_TAGS('lab-ssm-nat', 'ssm-lab-ssm-nat') },
        { ResourceARN: arn('volume', 'vol-0orphan'), Tags: LAB_TAGS('lab-ssm-nat', 'ssm-lab-ssm-nat-root') },
      ],
    });
    ec2.on(DescribeVolumesCommand, { VolumeIds: ['vol-0orphan'] }).resolves({
      Volumes: [
        {
          VolumeId: 'vol-0orphan',
          Size: 8,
          VolumeType: 'gp3',
          State: 'in-use',
          Attachments: [{ InstanceId: 'i-0orphan', DeleteOnTermination: true }],
        },
      ],
    });
    iam.on(ListRolesCommand).resolves({ Roles: [] });
    const { leftovers } = await findLeftovers(options(project()));
    expect(leftovers.map((l) => [l.type, l.id])).toEqual([['instance', 'i-0orphan']]);
    expect(leftovers[0].usdPerHour).toBeCloseTo(ORPHAN_INSTANCE_USD, 10);
  });

  test('GIVEN a leftover already gone when deleted WHEN --delete runs THEN it says so and goes on', async () => {
    const opts = options(project());
    const { leftovers } = await findLeftovers(opts);
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ State: { Name: 'terminated' } }] }] });
    ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [{ State: 'deleted' }] });
    ec2.on(ReleaseAddressCommand).rejects(Object.assign(new Error('gone'), { name: 'InvalidAllocationID.NotFound' }));
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    const done = await deleteLeftovers(opts, leftovers);
    expect(done).toContain('elastic-ip eipalloc-0orphan was already gone');
    expect(done).toContain('deleted security-group sg-0orphan');
  });

  test('GIVEN a state that only refers to a subnet (subnet_id) WHEN that subnet is tagged and no state holds it THEN it is listed', async () => {
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [{ ResourceARN: arn('subnet', 'subnet-0orphan'), Tags: LAB_TAGS('lab-network', 's') }],
    });
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: 'subnet-0orphan' }] });
    iam.on(ListRolesCommand).resolves({ Roles: [] });
    expect((await findLeftovers(options(project()))).leftovers.map((l) => l.id)).toEqual(['subnet-0orphan']);
  });

  test('GIVEN an orphaned EC2 Instance Connect Endpoint WHEN listed THEN it is named with its delete command and no hourly charge; deleting, it is going away', async () => {
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        {
          ResourceARN: arn('instance-connect-endpoint', 'eice-0orphan'),
          Tags: LAB_TAGS('lab-eice', 'ssm-lab-ssh-eice'),
        },
      ],
    });
    ec2
      .on(DescribeInstanceConnectEndpointsCommand, { InstanceConnectEndpointIds: ['eice-0orphan'] })
      .resolvesOnce({
        InstanceConnectEndpoints: [{ InstanceConnectEndpointId: 'eice-0orphan', State: 'create-complete' }],
      })
      .resolves({
        InstanceConnectEndpoints: [{ InstanceConnectEndpointId: 'eice-0orphan', State: 'delete-in-progress' }],
      });
    iam.on(ListRolesCommand).resolves({ Roles: [] });
    const listing = await findLeftovers(options(project()));
    expect(listing.leftovers.map((l) => [l.type, l.id, l.usdPerHour, l.deleteCommand])).toEqual([
      [
        'instance-connect-endpoint',
        'eice-0orphan',
        0,
        'aws ec2 delete-instance-connect-endpoint --instance-connect-endpoint-id eice-0orphan --region ap-northeast-1',
      ],
    ]);
    expect(leftoversText(configWith(), listing)).toContain('from lab-eice, no hourly charge');
    expect((await findLeftovers(options(project()))).goingAway.map((l) => l.id)).toEqual(['eice-0orphan']);
  });

  test('GIVEN ARNs WHEN parsed THEN type and id', () => {
    expect(parseArn(arn('security-group', 'sg-1'))).toEqual({ type: 'security-group', id: 'sg-1' });
    expect(parseArn(`arn:aws:iam::${ACCOUNT}:instance-profile/ssm-lab-instance-1`)).toEqual({
      type: 'instance-profile',
      id: 'ssm-lab-instance-1',
    });
    expect(parseArn(`arn:aws:logs:ap-northeast-1:${ACCOUNT}:log-group:/ssm-lab/session-audit-1:*`)).toEqual({
      type: 'log-group',
      id: '/ssm-lab/session-audit-1',
    });
    expect(parseArn(`arn:aws:kms:ap-northeast-1:${ACCOUNT}:key/1234abcd-12ab`)).toEqual({
      type: 'key',
      id: '1234abcd-12ab',
    });
    expect(parseArn(`arn:aws:scheduler:ap-northeast-1:${ACCOUNT}:schedule-group/ssm-lab-endpoints-expiry-1`)).toEqual({
      type: 'schedule-group',
      id: 'ssm-lab-endpoints-expiry-1',
    });
  });

  test.each([
    [[], { delete: false, yes: false }],
    [['--delete'], { delete: true, yes: false }],
    [['--delete', '--yes'], { delete: true, yes: true }],
  ])('GIVEN %j WHEN parsed THEN %j', (argv, parsed) => {
    expect(parseLeftoverArguments(argv)).toEqual(parsed);
  });

  test('GIVEN wrong arguments WHEN parsed THEN one clear error', () => {
    expect(() => parseLeftoverArguments(['--yes'])).toThrow('--yes only applies to --delete');
    expect(() => parseLeftoverArguments(['--force'])).toThrow('unknown argument "--force": expected --delete');
  });
});
