import {
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTransitGatewayRouteTablesCommand,
  DescribeTransitGatewaysCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  GetTransitGatewayRouteTableAssociationsCommand,
  GetTransitGatewayRouteTablePropagationsCommand,
  Instance,
  SearchTransitGatewayRoutesCommand,
} from '@aws-sdk/client-ec2';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { DescribeInstanceInformationCommand, GetServiceSettingCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DEFAULT_HOST_MANAGEMENT_SETTING } from '../lib/systems-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { assessWindow } from '../tools/review/assessment/window';
import { NetworkModel } from '../tools/review/model/plan-model';
import { windowHeadlines } from './helpers/review-text';
import { PlanJson, ResourceChange } from '../tools/terraform-json';
import {
  existingVpcKey,
  INSTANCE_PAGE_SIZE,
  readExistingVpc,
  VpcReadError,
} from '../tools/review/sources/existing-vpc';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// The reader against AWS's answers as the SDK returns them (aws-sdk-client-mock): what moto cannot
// show — one role's policies refused while another's are read, NextToken pages, terminated instances.
const ec2 = mockClient(EC2Client);
const iam = mockClient(IAMClient);
const ssm = mockClient(SSMClient);
const clients = () => ({
  ec2: new EC2Client({ region: 'ap-northeast-1' }),
  iam: new IAMClient({ region: 'ap-northeast-1' }),
  ssm: new SSMClient({ region: 'ap-northeast-1' }),
});

const VPC = 'vpc-0customer0000001';
const TRUST = encodeURIComponent(
  JSON.stringify({
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  }),
);
const AGENT_POLICY = encodeURIComponent(
  JSON.stringify({
    Statement: [
      {
        Effect: 'Allow',
        Action: ['ssm:UpdateInstanceInformation', 'ssmmessages:*', 'ec2messages:*'],
        Resource: '*',
      },
    ],
  }),
);

function instance(id: string, name: string, profile: string, state = 'running'): Instance {
  return {
    InstanceId: id,
    SubnetId: 'subnet-0private',
    State: { Name: state as 'running' },
    SecurityGroups: [{ GroupId: 'sg-0app' }],
    IamInstanceProfile: { Arn: `arn:aws:iam::111122223333:instance-profile/${profile}` },
    Tags: [{ Key: 'Name', Value: name }],
  };
}

/** A role that trusts EC2, as IAM describes it. */
function roleNamed(role: string) {
  return {
    RoleName: role,
    RoleId: 'AROA',
    Path: '/',
    Arn: `arn:aws:iam::111122223333:role/${role}`,
    CreateDate: new Date(),
    AssumeRolePolicyDocument: TRUST,
  };
}

/** A private subnet behind a NAT gateway; three roles: inline-policy, refused, and AWS-managed. */
function customerVpc(): void {
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: VPC, CidrBlock: '10.9.0.0/16' }] });
  ec2
    .on(DescribeVpcAttributeCommand, { Attribute: 'enableDnsSupport' })
    .resolves({ EnableDnsSupport: { Value: true } });
  ec2
    .on(DescribeVpcAttributeCommand, { Attribute: 'enableDnsHostnames' })
    .resolves({ EnableDnsHostnames: { Value: true } });
  ec2.on(DescribeSubnetsCommand).resolves({
    Subnets: [
      { SubnetId: 'subnet-0private', VpcId: VPC, CidrBlock: '10.9.1.0/24', AvailabilityZone: 'ap-northeast-1a' },
      { SubnetId: 'subnet-0public', VpcId: VPC, CidrBlock: '10.9.0.0/24', AvailabilityZone: 'ap-northeast-1a' },
    ],
  });
  ec2.on(DescribeRouteTablesCommand).resolves({
    RouteTables: [
      {
        RouteTableId: 'rtb-0main',
        Associations: [{ Main: true, RouteTableAssociationId: 'rtbassoc-0main' }],
        Routes: [{ DestinationCidrBlock: '10.9.0.0/16', GatewayId: 'local' }],
      },
      {
        RouteTableId: 'rtb-0private',
        Associations: [{ SubnetId: 'subnet-0private', RouteTableAssociationId: 'rtbassoc-0private' }],
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0one' }],
      },
      {
        RouteTableId: 'rtb-0public',
        Associations: [{ SubnetId: 'subnet-0public', RouteTableAssociationId: 'rtbassoc-0public' }],
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0one' }],
      },
    ],
  });
  ec2.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [{ InternetGatewayId: 'igw-0one' }] });
  ec2
    .on(DescribeNatGatewaysCommand)
    .resolves({ NatGateways: [{ NatGatewayId: 'nat-0one', SubnetId: 'subnet-0public', State: 'available' }] });
  ec2.on(DescribeNetworkAclsCommand).resolves({ NetworkAcls: [] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: [
      {
        GroupId: 'sg-0app',
        GroupName: 'app',
        IpPermissions: [],
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      },
    ],
  });
  ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
  // Two pages: the reader must follow NextToken; a terminated instance is no instance to judge.
  ec2
    .on(DescribeInstancesCommand, { NextToken: undefined })
    .resolves({
      Reservations: [{ Instances: [instance('i-0a', 'inline', 'inline-role')] }],
      NextToken: 'page-2',
    })
    .on(DescribeInstancesCommand, { NextToken: 'page-2' })
    .resolves({
      Reservations: [
        { Instances: [instance('i-0b', 'refused', 'refused-role')] },
        {
          Instances: [
            instance('i-0c', 'managed', 'managed-role'),
            instance('i-0d', 'gone', 'managed-role', 'terminated'),
          ],
        },
      ],
    });
  for (const role of ['inline-role', 'refused-role', 'managed-role']) {
    iam.on(GetInstanceProfileCommand, { InstanceProfileName: role }).resolves({
      InstanceProfile: {
        InstanceProfileName: role,
        InstanceProfileId: 'AIPA',
        Path: '/',
        Arn: `arn:aws:iam::111122223333:instance-profile/${role}`,
        CreateDate: new Date(),
        Roles: [roleNamed(role)],
      },
    });
    iam.on(GetRoleCommand, { RoleName: role }).resolves({ Role: roleNamed(role) });
  }
  iam.on(ListAttachedRolePoliciesCommand, { RoleName: 'inline-role' }).resolves({ AttachedPolicies: [] });
  iam.on(ListRolePoliciesCommand, { RoleName: 'inline-role' }).resolves({ PolicyNames: ['agent'] });
  iam
    .on(GetRolePolicyCommand, { RoleName: 'inline-role', PolicyName: 'agent' })
    .resolves({ RoleName: 'inline-role', PolicyName: 'agent', PolicyDocument: AGENT_POLICY });
  const refused = Object.assign(new Error('User is not authorized to perform: iam:ListAttachedRolePolicies'), {
    name: 'AccessDenied',
  });
  iam.on(ListAttachedRolePoliciesCommand, { RoleName: 'refused-role' }).rejects(refused);
  iam.on(ListRolePoliciesCommand, { RoleName: 'refused-role' }).resolves({ PolicyNames: [] });
  iam.on(ListAttachedRolePoliciesCommand, { RoleName: 'managed-role' }).resolves({
    AttachedPolicies: [
      {
        PolicyName: 'AmazonSSMManagedInstanceCore',
        PolicyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
      },
    ],
  });
  iam.on(ListRolePoliciesCommand, { RoleName: 'managed-role' }).resolves({ PolicyNames: [] });
  // Every agent Online and current: the window's verdicts are the network's and the roles'.
  ssm.on(DescribeInstanceInformationCommand).resolves({
    InstanceInformationList: ['i-0a', 'i-0b', 'i-0c'].map((InstanceId) => ({
      InstanceId,
      PingStatus: 'Online',
      LastPingDateTime: new Date(),
      AgentVersion: '3.3.1142.0',
      PlatformType: 'Linux',
      PlatformName: 'Amazon Linux',
    })),
  });
}

/** `ssm-endpoints` as planned for this VPC: a group that allows 443 from `allowed`, endpoints with private DNS. */
function endpointsPlan(allowed: string): PlanJson {
  const change = (type: string, key: string, after: Record<string, unknown>): ResourceChange => ({
    address: `${type}.this[${JSON.stringify(key)}]`,
    mode: 'managed',
    type,
    name: 'this',
    index: key,
    change: { actions: ['create'], before: null, after, after_unknown: {} },
  });
  return {
    format_version: '1.2',
    resource_changes: [
      change('aws_security_group', 'endpoints', {
        id: 'sg-0endpoints',
        vpc_id: VPC,
        ingress: [{ protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: [], security_groups: [allowed] }],
        egress: [],
      }),
      ...['ssm', 'ssmmessages'].map((service) =>
        change('aws_vpc_endpoint', service, {
          id: `vpce-0${service}`,
          vpc_id: VPC,
          service_name: `com.amazonaws.ap-northeast-1.${service}`,
          vpc_endpoint_type: 'Interface',
          private_dns_enabled: true,
          subnet_ids: ['subnet-0private'],
          security_group_ids: ['sg-0endpoints'],
        }),
      ),
    ],
  };
}

function windowFor(allowed: string) {
  return readExistingVpc(clients(), VPC).then((existing) => {
    const key = existingVpcKey(VPC);
    const before = new NetworkModel({ [key]: existing.state, 'ssm-endpoints': { format_version: '1.2' } });
    const after = new NetworkModel({ [key]: existing.state, 'ssm-endpoints': endpointsPlan(allowed) });
    return { existing, window: assessWindow('ssm-endpoints', existing, before, after) };
  });
}

beforeEach(() => {
  ec2.reset();
  iam.reset();
  ssm.reset();
  customerVpc();
});

describe('readExistingVpc', () => {
  test('GIVEN instances on two DescribeInstances pages WHEN read THEN every page is followed, at the page size, and a terminated instance is left out', async () => {
    const existing = await readExistingVpc(clients(), VPC);
    expect(existing.instancePages).toBe(2);
    expect(existing.instances.map((i) => `${i.id} ${i.name}`)).toEqual(['i-0a inline', 'i-0b refused', 'i-0c managed']);
    expect(ec2.commandCalls(DescribeInstancesCommand)[0].args[0].input).toMatchObject({
      Filters: [{ Name: 'vpc-id', Values: [VPC] }],
      MaxResults: INSTANCE_PAGE_SIZE,
    });
    expect(existing.registration?.get('i-0a')).toMatchObject({
      status: 'Online',
      agentVersion: '3.3.1142.0',
      platformType: 'Linux',
    });
  });

  test('GIVEN an instance Systems Manager does not list WHEN read THEN it is not registered', async () => {
    ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
    const existing = await readExistingVpc(clients(), VPC);
    expect(existing.registration?.get('i-0b')?.status).toBe('not registered');
  });

  test('GIVEN one role whose attached policies IAM refuses WHEN read THEN that role carries the refusal and the others their policies', async () => {
    const { state } = await readExistingVpc(clients(), VPC);
    const role = (name: string) =>
      state.resource_changes!.find((c) => c.type === 'aws_iam_role' && c.index === name)!.change.after!;
    expect(role('refused-role').policies_unreadable).toBe(
      'iam:ListAttachedRolePolicies on refused-role refused (AccessDenied)',
    );
    expect(role('inline-role').policies_unreadable).toBeUndefined();
    const inline = state.resource_changes!.find((c) => c.type === 'aws_iam_role_policy')!.change.after!;
    expect(inline).toMatchObject({ role: 'inline-role', name: 'agent' });
    expect(JSON.parse(String(inline.policy)).Statement[0].Action).toContain('ssm:UpdateInstanceInformation');
  });

  test("GIVEN an instance whose groups only its network interface lists, its role holding AdministratorAccess WHEN read THEN its groups are the interface's and the policy's document is the account's", async () => {
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              ...instance('i-0e', 'admin', 'managed-role'),
              // As an API may answer: no instance-level groups, the interface's own.
              SecurityGroups: [],
              NetworkInterfaces: [
                { NetworkInterfaceId: 'eni-0e', Attachment: { DeviceIndex: 0 }, Groups: [{ GroupId: 'sg-0app' }] },
              ],
            },
          ],
        },
      ],
    });
    const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
    iam.on(ListAttachedRolePoliciesCommand, { RoleName: 'managed-role' }).resolves({
      AttachedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: admin }],
    });
    iam
      .on(GetPolicyCommand, { PolicyArn: admin })
      .resolves({ Policy: { PolicyName: 'AdministratorAccess', Arn: admin, DefaultVersionId: 'v1' } });
    iam.on(GetPolicyVersionCommand, { PolicyArn: admin, VersionId: 'v1' }).resolves({
      PolicyVersion: {
        VersionId: 'v1',
        Document: encodeURIComponent(
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
        ),
      },
    });
    const { state } = await readExistingVpc(clients(), VPC);
    const after = (type: string) => state.resource_changes!.find((c) => c.type === type)!.change.after!;
    expect(after('aws_instance').vpc_security_group_ids).toEqual(['sg-0app']);
    expect(after('aws_iam_policy')).toMatchObject({ arn: admin, name: 'AdministratorAccess' });
    expect(JSON.parse(String(after('aws_iam_policy').policy)).Statement[0].Action).toBe('*');
  });

  test("GIVEN the account's Default Host Management setting WHEN read THEN on names the role and joins the state with it, the default is off, a refusal is said", async () => {
    ssm.on(GetServiceSettingCommand).resolves({
      ServiceSetting: {
        SettingId: DEFAULT_HOST_MANAGEMENT_SETTING,
        SettingValue: 'service-role/dhmc-role',
        Status: 'Customized',
      },
    });
    iam.on(GetRoleCommand, { RoleName: 'dhmc-role' }).resolves({
      Role: {
        RoleName: 'dhmc-role',
        Arn: 'arn:aws:iam::111122223333:role/service-role/dhmc-role',
        Path: '/service-role/',
        RoleId: 'R',
        CreateDate: new Date(),
      },
    });
    iam.on(ListAttachedRolePoliciesCommand, { RoleName: 'dhmc-role' }).resolves({ AttachedPolicies: [] });
    iam.on(ListRolePoliciesCommand, { RoleName: 'dhmc-role' }).resolves({ PolicyNames: [] });
    const on = await readExistingVpc(clients(), VPC);
    expect(on.hostManagement).toEqual({ state: 'on', role: 'service-role/dhmc-role' });
    const types = on.state.resource_changes!.map((change) => `${change.type} ${String(change.index)}`);
    expect(types).toEqual(
      expect.arrayContaining([`aws_ssm_service_setting ${DEFAULT_HOST_MANAGEMENT_SETTING}`, 'aws_iam_role dhmc-role']),
    );
    ssm.on(GetServiceSettingCommand).resolves({
      ServiceSetting: { SettingId: DEFAULT_HOST_MANAGEMENT_SETTING, SettingValue: '$None', Status: 'Default' },
    });
    expect((await readExistingVpc(clients(), VPC)).hostManagement).toEqual({ state: 'off' });
    ssm
      .on(GetServiceSettingCommand)
      .rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    const unread = (await readExistingVpc(clients(), VPC)).hostManagement;
    expect(unread.state).toBe('unread');
    expect(unread.state === 'unread' && unread.why).toContain('ssm:GetServiceSetting');
  });

  test('GIVEN DescribeVpcs refused WHEN read THEN one line names the VPC, the action and what to grant', async () => {
    ec2.on(DescribeVpcsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));
    await expect(readExistingVpc(clients(), VPC)).rejects.toThrow(VpcReadError);
    await expect(readExistingVpc(clients(), VPC)).rejects.toThrow(
      `${VPC} could not be read: not allowed to call ec2:DescribeVpcs (UnauthorizedOperation)`,
    );
  });
});

describe('assessWindow', () => {
  test("GIVEN the endpoints allow the instances' group WHEN assessed THEN the NAT-reachable instances stay reachable through the endpoints, the refused role is an assumption", async () => {
    const { window } = await windowFor('sg-0app');
    const of = (id: string) => window.instances.find((i) => i.id === id)!;
    // Behind a NAT gateway now; with private DNS the endpoints answer instead.
    expect(of('i-0c').now?.text).toMatch(/^Session Manager: reachable via NAT gateway/);
    expect(of('i-0c').withEndpoints?.text).toMatch(/^Session Manager: reachable via VPC endpoints/);
    expect(of('i-0b').withEndpoints?.text).toContain(
      'assuming what could not be read of the role refused-role allows ssm:UpdateInstanceInformation, ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel (iam:ListAttachedRolePolicies on refused-role refused (AccessDenied))',
    );
    expect(windowHeadlines(window)).toEqual([
      `ssm-endpoints opens Session Manager to 0 of 3 instance(s) in ${VPC}.`,
      `3 already reachable without these endpoints: i-0a (inline) via a NAT gateway, i-0b (refused) via a NAT gateway, i-0c (managed) via a NAT gateway.`,
    ]);
    expect(of('i-0a').registration?.status).toBe('Online');
  });

  test("GIVEN the endpoints allow another group WHEN assessed THEN the instances reachable through the NAT gateway today lose Session Manager, and the reason is the endpoints' group", async () => {
    const { window } = await windowFor('sg-0other');
    expect(windowHeadlines(window)[1]).toBe(
      '3 lose Session Manager with this plan: i-0a (inline), i-0b (refused), i-0c (managed) (the headlines above say why).',
    );
    expect(window.instances[0].withEndpoints?.reason).toContain(
      'endpoints\' security group aws_security_group.this["endpoints"] allows no inbound 443 from the instance',
    );
  });

  test('GIVEN what Systems Manager reports of the agents (an old agent, one whose connection is lost, a Windows platform) WHEN the window is assessed THEN each enters the verdict where it decides it, never silently', async () => {
    // i-0a: an agent older than 3.3.40.0 needs ec2messages, which has no endpoint: its public name, through the NAT gateway.
    // i-0b: its connection lost; i-0c: Windows, whose replies come to 49152-65535, which the private subnet's ACL does not pass.
    ssm.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [
        { InstanceId: 'i-0a', PingStatus: 'Online', AgentVersion: '3.2.582.0', PlatformType: 'Linux' },
        { InstanceId: 'i-0b', PingStatus: 'ConnectionLost', LastPingDateTime: new Date('2026-12-01T00:00:00Z') },
        { InstanceId: 'i-0c', PingStatus: 'Online', AgentVersion: '3.3.1142.0', PlatformType: 'Windows' },
      ],
    });
    ec2.on(DescribeNetworkAclsCommand).resolves({
      NetworkAcls: [
        {
          NetworkAclId: 'acl-0private',
          VpcId: VPC,
          IsDefault: false,
          Associations: [{ SubnetId: 'subnet-0private', NetworkAclId: 'acl-0private' }],
          Entries: [
            {
              RuleNumber: 100,
              Protocol: '6',
              RuleAction: 'allow',
              Egress: false,
              CidrBlock: '0.0.0.0/0',
              PortRange: { From: 32768, To: 60999 },
            },
            { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
          ],
        },
      ],
    });
    const { window } = await windowFor('sg-0app');
    const of = (id: string) => window.instances.find((i) => i.id === id)!;
    // The old agent: ec2messages is judged too, on its public name through the NAT gateway.
    expect(of('i-0a').withEndpoints?.reachable).toBe(true);
    expect(of('i-0a').withEndpoints?.paths).toEqual(['vpc-endpoints', 'nat-gateway']);
    expect(of('i-0a').withEndpoints?.reason).toContain(
      'its agent 3.2.582.0 (as Systems Manager reports it) is older than 3.3.40.0, so it needs ec2messages too',
    );
    // Its connection lost: NOT now although the NAT path carries it, and the endpoints do not change that.
    expect(of('i-0b').now?.text).toMatch(
      /^Session Manager: NOT reachable — Systems Manager lists its agent as ConnectionLost \(last ping 2026-12-01T00:00:00.000Z\): the network and credentials would carry a session \(0\.0\.0\.0\/0 → NAT gateway/,
    );
    expect(of('i-0b').withEndpoints?.text).toBe(
      'Session Manager: NOT reachable — Systems Manager lists its agent as ConnectionLost (last ping 2026-12-01T00:00:00.000Z) although a path reaches it now, so the endpoints do not make its agent answer',
    );
    // Windows: the replies to its ports 49152-65535 are not let in by the ACL (Linux's range would be).
    expect(of('i-0c').now?.reachable).toBe(false);
    expect(of('i-0c').now?.reason).toBe(
      'in subnet-0private, network ACL acl-0private allows no inbound tcp 49152-65535, and vpc-0customer0000001 has no Session Manager endpoints (a Windows instance, as Systems Manager reports it: replies come back to ports 49152-65535)',
    );
    expect(of('i-0a').now?.reachable).toBe(true);
  });

  test('GIVEN an agent that never registered, and no path now WHEN the window opens one THEN the verdict with the endpoints assumes the agent, and says so', async () => {
    ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
    // No NAT gateway: the private subnet has no way out today.
    ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: 'rtb-0main',
          Associations: [{ Main: true, RouteTableAssociationId: 'rtbassoc-0main' }],
          Routes: [{ DestinationCidrBlock: '10.9.0.0/16', GatewayId: 'local' }],
        },
      ],
    });
    const { window } = await windowFor('sg-0app');
    const a = window.instances.find((i) => i.id === 'i-0a')!;
    expect(a.now?.reachable).toBe(false);
    expect(a.withEndpoints?.text).toMatch(
      /^Session Manager: reachable via VPC endpoints \(.*; assuming its agent is installed and running: Systems Manager lists no agent for it \(not registered\) now\)$/,
    );
  });

  test('GIVEN the private subnet sends 0.0.0.0/0 to a transit gateway whose tables lead to an egress VPC with a NAT gateway, and back WHEN the window is assessed THEN the gateway, its tables and the egress VPC are read, and the instances are reachable now through them', async () => {
    const EGRESS = 'vpc-0egress';
    const inEgress = (input: { Filters?: { Name?: string; Values?: string[] }[] }) =>
      input.Filters?.some((filter) => filter.Values?.includes(EGRESS)) === true;
    const windowTables = [
      {
        RouteTableId: 'rtb-0main',
        VpcId: VPC,
        Associations: [{ Main: true, RouteTableAssociationId: 'rtbassoc-0main' }],
        Routes: [{ DestinationCidrBlock: '10.9.0.0/16', GatewayId: 'local' }],
      },
      {
        RouteTableId: 'rtb-0private',
        VpcId: VPC,
        Associations: [{ SubnetId: 'subnet-0private', RouteTableAssociationId: 'rtbassoc-0private' }],
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', TransitGatewayId: 'tgw-0hub' }],
      },
    ];
    const egressTables = [
      {
        RouteTableId: 'rtb-0egress-public',
        VpcId: EGRESS,
        Associations: [{ SubnetId: 'subnet-0egress-public', RouteTableAssociationId: 'a1' }],
        Routes: [
          { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0egress' },
          { DestinationCidrBlock: '10.9.0.0/16', TransitGatewayId: 'tgw-0hub' },
        ],
      },
      {
        RouteTableId: 'rtb-0egress-tgw',
        VpcId: EGRESS,
        Associations: [{ SubnetId: 'subnet-0egress-tgw', RouteTableAssociationId: 'a2' }],
        Routes: [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0egress' }],
      },
    ];
    ec2
      .on(DescribeRouteTablesCommand)
      .callsFake((input) => ({ RouteTables: inEgress(input) ? egressTables : windowTables }));
    ec2.on(DescribeSubnetsCommand).callsFake((input) => ({
      Subnets: inEgress(input)
        ? [
            {
              SubnetId: 'subnet-0egress-public',
              VpcId: EGRESS,
              CidrBlock: '10.0.0.0/24',
              AvailabilityZone: 'ap-northeast-1a',
            },
            {
              SubnetId: 'subnet-0egress-tgw',
              VpcId: EGRESS,
              CidrBlock: '10.0.1.0/24',
              AvailabilityZone: 'ap-northeast-1a',
            },
          ]
        : [
            { SubnetId: 'subnet-0private', VpcId: VPC, CidrBlock: '10.9.1.0/24', AvailabilityZone: 'ap-northeast-1a' },
            { SubnetId: 'subnet-0tgw', VpcId: VPC, CidrBlock: '10.9.2.0/24', AvailabilityZone: 'ap-northeast-1a' },
          ],
    }));
    ec2.on(DescribeInternetGatewaysCommand).callsFake((input) => ({
      InternetGateways: inEgress(input) ? [{ InternetGatewayId: 'igw-0egress', Attachments: [{ VpcId: EGRESS }] }] : [],
    }));
    ec2.on(DescribeNatGatewaysCommand).callsFake((input: { Filter?: { Values?: string[] }[] }) => ({
      NatGateways: input.Filter?.some((f) => f.Values?.includes(EGRESS))
        ? [{ NatGatewayId: 'nat-0egress', SubnetId: 'subnet-0egress-public', VpcId: EGRESS, State: 'available' }]
        : [],
    }));
    ec2.on(DescribeVpcsCommand).callsFake((input) => ({
      Vpcs: input.VpcIds?.includes(EGRESS)
        ? [{ VpcId: EGRESS, CidrBlock: '10.0.0.0/16', Tags: [{ Key: 'Name', Value: 'egress' }] }]
        : [{ VpcId: VPC, CidrBlock: '10.9.0.0/16' }],
    }));
    ec2.on(DescribeTransitGatewaysCommand).resolves({
      TransitGateways: [
        {
          TransitGatewayId: 'tgw-0hub',
          Options: {
            DefaultRouteTableAssociation: 'disable',
            DefaultRouteTablePropagation: 'disable',
            AssociationDefaultRouteTableId: 'tgw-rtb-0default',
            PropagationDefaultRouteTableId: 'tgw-rtb-0default',
          },
          Tags: [{ Key: 'Name', Value: 'hub' }],
        },
      ],
    });
    ec2.on(DescribeTransitGatewayVpcAttachmentsCommand).resolves({
      TransitGatewayVpcAttachments: [
        {
          TransitGatewayAttachmentId: 'tgw-attach-0spoke',
          TransitGatewayId: 'tgw-0hub',
          VpcId: VPC,
          SubnetIds: ['subnet-0tgw'],
          State: 'available',
        },
        {
          TransitGatewayAttachmentId: 'tgw-attach-0egress',
          TransitGatewayId: 'tgw-0hub',
          VpcId: EGRESS,
          SubnetIds: ['subnet-0egress-tgw'],
          State: 'available',
        },
      ],
    });
    ec2.on(DescribeTransitGatewayRouteTablesCommand).resolves({
      TransitGatewayRouteTables: [
        {
          TransitGatewayRouteTableId: 'tgw-rtb-0spokes',
          TransitGatewayId: 'tgw-0hub',
          Tags: [{ Key: 'Name', Value: 'spokes' }],
        },
        {
          TransitGatewayRouteTableId: 'tgw-rtb-0egress',
          TransitGatewayId: 'tgw-0hub',
          Tags: [{ Key: 'Name', Value: 'egress' }],
        },
      ],
    });
    ec2.on(GetTransitGatewayRouteTableAssociationsCommand).callsFake((input) => ({
      Associations: [
        {
          TransitGatewayAttachmentId:
            input.TransitGatewayRouteTableId === 'tgw-rtb-0spokes' ? 'tgw-attach-0spoke' : 'tgw-attach-0egress',
          State: 'associated',
        },
      ],
    }));
    ec2.on(GetTransitGatewayRouteTablePropagationsCommand).callsFake((input) => ({
      TransitGatewayRouteTablePropagations:
        input.TransitGatewayRouteTableId === 'tgw-rtb-0egress'
          ? [{ TransitGatewayAttachmentId: 'tgw-attach-0spoke', State: 'enabled' }]
          : [],
    }));
    ec2.on(SearchTransitGatewayRoutesCommand).callsFake((input) => ({
      Routes:
        input.TransitGatewayRouteTableId === 'tgw-rtb-0spokes'
          ? [
              {
                DestinationCidrBlock: '0.0.0.0/0',
                State: 'active',
                Type: 'static',
                TransitGatewayAttachments: [{ TransitGatewayAttachmentId: 'tgw-attach-0egress' }],
              },
            ]
          : [],
    }));
    const { window } = await windowFor('sg-0app');
    expect(window.instances.find((i) => i.id === 'i-0a')!.now?.text).toBe(
      'Session Manager: reachable via NAT gateway (0.0.0.0/0 → transit gateway hub (transit gateway route table spokes) → egress → NAT gateway in subnet-0egress-public → internet gateway, and back the same way; 443 out)',
    );
    // Every page read once: the tables' associations, propagations and static routes per table.
    expect(
      ec2
        .commandCalls(SearchTransitGatewayRoutesCommand)
        .map((call) => call.args[0].input.TransitGatewayRouteTableId)
        .sort(),
    ).toEqual(['tgw-rtb-0egress', 'tgw-rtb-0spokes']);
  });
});
