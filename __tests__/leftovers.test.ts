import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  DeleteNatGatewayCommand,
  DeleteSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeNatGatewaysCommand,
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
import { parseLeftoverArguments } from '../tools/leftovers/arguments';
import {
  deleteLeftovers,
  findLeftovers,
  LeftoverError,
  LeftoverOptions,
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
  const state = (resources: [string, Record<string, string>][]) =>
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
    state([['aws_instance', { id: 'i-0held', arn: arn('instance', 'i-0held') }]]),
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
});

describe('npm run leftovers', () => {
  test('GIVEN a killed apply WHEN listed THEN exactly the orphans appear, in deletion order, with price and commands; held ones do not', async () => {
    const synthesized = { 'lab-ssm-nat': { aws_nat_gateway: { 'nat-gateway': 'ssm-lab-nat' } } };
    const leftovers = await findLeftovers(options(project()), synthesized);
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
    const text = leftoversText(configWith(), leftovers);
    expect(text).toContain(
      '5 resource(s) tagged Project=ssm-access-lab, Lab=ssm-lab that no state holds (ap-northeast-1; about USD 0.0670/h):',
    );
    expect(text).toContain('  natgateway nat-0orphan (ssm-lab-nat) — from lab-ssm-nat, USD 0.0620/h');
    // Only the lab's own tags were asked for.
    expect(tagging.commandCalls(GetResourcesCommand)[0].args[0].input.TagFilters).toEqual([
      { Key: 'Project', Values: ['ssm-access-lab'] },
      { Key: 'Lab', Values: ['ssm-lab'] },
    ]);
  });

  test('GIVEN the leftovers WHEN deleted THEN exactly those, NAT gateway gone before its EIP, the role detached first, nothing else', async () => {
    const opts = options(project());
    const leftovers = await findLeftovers(opts);
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
    const leftovers = await findLeftovers(options(project()));
    expect(leftovers).toEqual([]);
    expect(leftoversText(configWith(), leftovers)).toBe(
      'Nothing left over: every resource tagged Project=ssm-access-lab, Lab=ssm-lab in ap-northeast-1 (and IAM) is held by a state.\n',
    );
  });

  test.each([
    [
      Object.assign(new Error('no'), { name: 'AccessDeniedException' }),
      /^not allowed to call tag:GetResources \(AccessDeniedException\): grant it/,
    ],
    [
      Object.assign(new Error('slow down'), { name: 'ThrottlingException' }),
      /^AWS throttled tag:GetResources \(ThrottlingException\)/,
    ],
    [
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      /^AWS credentials are missing/,
    ],
  ])('GIVEN %j from AWS WHEN listed THEN one clear line', async (error, message) => {
    tagging.on(GetResourcesCommand).rejects(error);
    await expect(findLeftovers(options(project()))).rejects.toThrow(LeftoverError);
    await expect(findLeftovers(options(project()))).rejects.toThrow(message);
  });

  test('GIVEN IAM denied WHEN listed THEN the missing action is named', async () => {
    iam.on(ListRolesCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied' }));
    await expect(findLeftovers(options(project()))).rejects.toThrow(
      'not allowed to call iam:ListRoles / iam:ListInstanceProfiles and their tags (AccessDenied)',
    );
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
