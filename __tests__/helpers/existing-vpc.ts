/**
 * A VPC a user already has, built with the AWS SDK as a user's own tooling would (not the lab):
 * the instances that a maintenance window of `ssm-endpoints` must tell apart.
 */
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupEgressCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';

export interface ExistingVpcFixture {
  readonly vpcId: string;
  /** Where the endpoints go (ap-northeast-1a). */
  readonly endpointSubnetId: string;
  /** The group the endpoints allow. */
  readonly allowedGroupId: string;
  /** Instance id by its Name tag (the fleet's first member as `fleet`). */
  readonly instances: Readonly<Record<string, string>>;
  readonly fleetSize: number;
}

const TRUST_EC2 = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/**
 * Builds the VPC: private subnets in two Availability Zones with only the local route, one behind
 * a NAT gateway, a public one; an allowed group, one not allowed, one without outbound 443; a role
 * with the agent's managed policy and one without; and instances that cover every case, plus a
 * fleet that takes DescribeInstances past one page.
 */
export async function buildExistingVpc(env: NodeJS.ProcessEnv, fleetSize: number): Promise<ExistingVpcFixture> {
  const settings = {
    region: 'ap-northeast-1',
    endpoint: env.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const ec2 = new EC2Client(settings);
  const iam = new IAMClient(settings);
  const named = (name: string, type: 'vpc' | 'subnet' | 'security-group' | 'instance' | 'route-table') => [
    { ResourceType: type, Tags: [{ Key: 'Name', Value: name }] },
  ];

  const vpcId = (
    await ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16', TagSpecifications: named('customer', 'vpc') }))
  ).Vpc!.VpcId!;
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: true } }));
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  const subnet = async (name: string, cidr: string, zone: string) =>
    (
      await ec2.send(
        new CreateSubnetCommand({
          VpcId: vpcId,
          CidrBlock: cidr,
          AvailabilityZone: zone,
          TagSpecifications: named(name, 'subnet'),
        }),
      )
    ).Subnet!.SubnetId!;
  const privateA = await subnet('private-a', '10.50.1.0/24', 'ap-northeast-1a');
  const privateC = await subnet('private-c', '10.50.2.0/24', 'ap-northeast-1c');
  const publicA = await subnet('public-a', '10.50.0.0/24', 'ap-northeast-1a');
  const nattedA = await subnet('natted-a', '10.50.3.0/24', 'ap-northeast-1a');

  // public-a: 0.0.0.0/0 to an internet gateway, where the NAT gateway lives; natted-a: 0.0.0.0/0 to it.
  const gateway = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: gateway, VpcId: vpcId }));
  const table = async (name: string, subnetId: string) => {
    const id = (
      await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: named(name, 'route-table') }))
    ).RouteTable!.RouteTableId!;
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: id, SubnetId: subnetId }));
    return id;
  };
  const publicTable = await table('public', publicA);
  await ec2.send(
    new CreateRouteCommand({ RouteTableId: publicTable, DestinationCidrBlock: '0.0.0.0/0', GatewayId: gateway }),
  );
  const allocation = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
  const nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: publicA, AllocationId: allocation }))).NatGateway!
    .NatGatewayId!;
  const nattedTable = await table('natted', nattedA);
  await ec2.send(
    new CreateRouteCommand({ RouteTableId: nattedTable, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat }),
  );

  const group = async (name: string) =>
    (
      await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: name,
          Description: name,
          VpcId: vpcId,
          TagSpecifications: named(name, 'security-group'),
        }),
      )
    ).GroupId!;
  const app = await group('app'); // AWS's default egress: everything
  const other = await group('other-team');
  const noHttps = await group('no-https');
  await ec2.send(
    new RevokeSecurityGroupEgressCommand({
      GroupId: noHttps,
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupEgressCommand({
      GroupId: noHttps,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }),
  );

  const profile = async (name: string, policyArn?: string) => {
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST_EC2 }));
    if (policyArn) await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: policyArn }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }));
    return name;
  };
  const ssmProfile = await profile('customer-ssm', 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore');
  const bareProfile = await profile('customer-bare');
  // An AWS managed policy the reader must read (iam:GetPolicyVersion): it grants the agent's actions.
  const adminProfile = await profile('customer-admin', 'arn:aws:iam::aws:policy/AdministratorAccess');

  const image = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0].ImageId!;
  const instances: Record<string, string> = {};
  const launch = async (name: string, subnetId: string, groupId: string, profileName?: string, byInterface = false) => {
    const launched = await ec2.send(
      new RunInstancesCommand({
        ImageId: image,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        // As an EC2 module may launch it: the subnet and groups on the primary network interface.
        ...(byInterface
          ? { NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId, Groups: [groupId] }] }
          : { SubnetId: subnetId, SecurityGroupIds: [groupId] }),
        ...(profileName ? { IamInstanceProfile: { Name: profileName } } : {}),
        TagSpecifications: named(name, 'instance'),
      }),
    );
    instances[name] ??= launched.Instances![0].InstanceId!;
  };
  await launch('web-a', privateA, app, ssmProfile);
  await launch('web-c', privateC, app, ssmProfile); // another Availability Zone than the endpoints
  await launch('natted', nattedA, app, ssmProfile); // already reachable through the NAT gateway
  await launch('no-profile', privateA, app);
  await launch('bare-role', privateA, app, bareProfile);
  await launch('other-team', privateA, other, ssmProfile);
  await launch('no-https', privateA, noHttps, ssmProfile);
  await launch('admin', privateA, app, adminProfile);
  await launch('by-interface', privateA, app, ssmProfile, true);
  // One launch each, as autoscaling launches them: a page of DescribeInstances holds whole reservations.
  for (let n = 0; n < fleetSize; n++) await launch('fleet', privateA, app, ssmProfile);
  return { vpcId, endpointSubnetId: privateA, allowedGroupId: app, instances, fleetSize };
}
