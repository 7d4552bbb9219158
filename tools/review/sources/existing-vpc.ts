/**
 * An existing VPC, read from AWS (read-only) into the shape of a Terraform state, so the review's
 * model and judges take it as they take any state: `ssm-endpoints` is planned for a VPC the user
 * already has, and what the user asks is which of its instances the endpoints will serve.
 *
 * Every resource becomes a state entry with the attributes the AWS provider would record for it
 * (ids, inline rules, routes, the role's policies), so links between them are made by id, as in a
 * `terraform show -json` of a state. What the reader may not read is kept as the reason, and the
 * verdict names it as an assumption; it never stops the review.
 */
import {
  DescribeTransitGatewayRouteTablesCommand,
  DescribeTransitGatewaysCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  GetTransitGatewayRouteTableAssociationsCommand,
  GetTransitGatewayRouteTablePropagationsCommand,
  InternetGateway,
  NatGateway,
  NetworkAcl,
  RouteTable,
  SearchTransitGatewayRoutesCommand,
  Subnet,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  Filter,
  Instance,
  InstanceNetworkInterface,
  IpPermission,
} from '@aws-sdk/client-ec2';
import {
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { DescribeInstanceInformationCommand, GetServiceSettingCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DEFAULT_HOST_MANAGEMENT_SETTING, UNSET_SETTING_VALUE } from '../../../lib/systems-manager';
import { awsFailure, whatCameBack } from '../../aws-errors';
import { READ_FROM_ACCOUNT } from '../model/plan-model';
import { PlanJson, PlannedValues, ResourceChange, unchangedChange } from '../../terraform-json';

export interface VpcReaderClients {
  readonly ec2: Pick<EC2Client, 'send'>;
  readonly iam: Pick<IAMClient, 'send'>;
  /** Systems Manager, for the agents' registration; without it, registration is not read. */
  readonly ssm?: Pick<SSMClient, 'send'>;
}

/** What Systems Manager says of an instance's agent (`PingStatus`), or that it never registered. */
export type AgentRegistration = 'Online' | 'ConnectionLost' | 'Inactive' | 'not registered';

export interface InstanceRegistration {
  readonly status: AgentRegistration;
  readonly lastPing?: Date;
  readonly agentVersion?: string;
  /** Linux, Windows or MacOS. */
  readonly platformType?: string;
  readonly platformName?: string;
}

export interface ExistingVpc {
  readonly vpcId: string;
  /** The VPC as a state: judged by the review's model like any `terraform show -json`. */
  readonly state: PlanJson;
  /** Its instances' ids and Name tags, in id order (terminated ones left out). */
  readonly instances: readonly { readonly id: string; readonly name?: string; readonly state?: string }[];
  /** Instance id → its agent's registration; undefined when it could not be read (then `registrationUnread` says why). */
  readonly registration?: ReadonlyMap<string, InstanceRegistration>;
  readonly registrationUnread?: string;
  /** The account's Default Host Management Configuration in the region, as `GetServiceSetting` answered. */
  readonly hostManagement: HostManagement;
  /** How many DescribeInstances pages it took (the reader follows every NextToken). */
  readonly instancePages: number;
  /** The VPC's endpoints as AWS lists them: state and creation time (when a window opened). */
  readonly endpoints: readonly { readonly id: string; readonly state: string; readonly created?: Date }[];
}

/** Default Host Management Configuration as the account has it: on (with the role it names), off, or not read. */
export type HostManagement =
  | { readonly state: 'on'; readonly role: string }
  | { readonly state: 'off' }
  | { readonly state: 'unread'; readonly why: string };

/** The plans' key of an existing VPC read from the account: no stack of the app, one configuration. */
export function existingVpcKey(vpcId: string): string {
  return `existing ${vpcId}`;
}

/** The address the reader gives a resource it read: `aws_instance.existing["i-0abc…"]`. */
export function existingAddress(type: string, id: string): string {
  return `${type}.${READ_FROM_ACCOUNT}[${JSON.stringify(id)}]`;
}

/** The model's id of an instance of an existing VPC (its key, then its address). */
export function existingInstanceId(vpcId: string, instanceId: string): string {
  return `${existingVpcKey(vpcId)}/${existingAddress('aws_instance', instanceId)}`;
}

/** The read-only IAM actions the reader calls: docs/temporary-endpoints.md prints them as a policy. */
export const VPC_READER_ACTIONS = [
  'ec2:DescribeVpcs',
  'ec2:DescribeVpcAttribute',
  'ec2:DescribeSubnets',
  'ec2:DescribeRouteTables',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeNatGateways',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeInstances',
  'ec2:DescribeVpcEndpoints',
  // A route to a transit gateway: the gateway, its attachments and tables, and the VPCs it leads to.
  'ec2:DescribeTransitGateways',
  'ec2:DescribeTransitGatewayVpcAttachments',
  'ec2:DescribeTransitGatewayRouteTables',
  'ec2:GetTransitGatewayRouteTableAssociations',
  'ec2:GetTransitGatewayRouteTablePropagations',
  'ec2:SearchTransitGatewayRoutes',
  'iam:GetInstanceProfile',
  'iam:GetRole',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'iam:GetRolePolicy',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'ssm:DescribeInstanceInformation',
  'ssm:GetServiceSetting',
] as const;

/** The reader's permissions as an identity policy (docs/temporary-endpoints.md prints it, generated). */
export function vpcReaderPolicyMarkdown(): string {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadTheVpcTheEndpointsServe', Effect: 'Allow', Action: [...VPC_READER_ACTIONS], Resource: '*' },
    ],
  };
  return ['```json', JSON.stringify(policy, null, 2), '```'].join('\n');
}

/** DescribeInstances page size: AWS takes 5–1000; 100 keeps each answer small and shows paging is followed. */
export const INSTANCE_PAGE_SIZE = 100;

/** A failure of one read that the review names and goes on without. */
export class VpcReadError extends Error {}

/** Reads the VPC and everything that decides how its instances reach Systems Manager. */
export async function readExistingVpc(
  clients: VpcReaderClients,
  vpcId: string,
  command = 'npm run review -- --account',
): Promise<ExistingVpc> {
  const inVpc: Filter[] = [{ Name: 'vpc-id', Values: [vpcId] }];
  const ec2 = async <T>(action: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw new VpcReadError(`${vpcId} could not be read: ${whatCameBack(error, `ec2:${action}`, command)}`);
    }
  };
  const pages: Record<string, number> = {};
  /** Every item a describe lists, its NextToken followed to the last page. */
  const every = async <A extends { NextToken?: string }, I>(
    action: string,
    ask: (NextToken: string | undefined) => Promise<A>,
    items: (answer: A) => readonly I[] | undefined,
  ): Promise<I[]> => {
    const found: I[] = [];
    let NextToken: string | undefined;
    do {
      const answer: A = await ec2(action, () => ask(NextToken));
      pages[action] = (pages[action] ?? 0) + 1;
      found.push(...(items(answer) ?? []));
      NextToken = answer.NextToken;
    } while (NextToken);
    return found;
  };
  const vpcs = await ec2('DescribeVpcs', () => clients.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })));
  const vpc = vpcs.Vpcs?.[0];
  if (!vpc) throw new VpcReadError(`${vpcId} is not a VPC of this account and region`);
  const attribute = (Attribute: 'enableDnsSupport' | 'enableDnsHostnames') =>
    ec2('DescribeVpcAttribute', () => clients.ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute })));
  // Independent reads: asked at once.
  const [support, hostnames, subnets, routeTables, gateways, natGateways, acls, groups, endpoints, instances] =
    await Promise.all([
      attribute('enableDnsSupport'),
      attribute('enableDnsHostnames'),
      every(
        'DescribeSubnets',
        (NextToken) => clients.ec2.send(new DescribeSubnetsCommand({ Filters: inVpc, NextToken })),
        (answer) => answer.Subnets,
      ),
      every(
        'DescribeRouteTables',
        (NextToken) => clients.ec2.send(new DescribeRouteTablesCommand({ Filters: inVpc, NextToken })),
        (answer) => answer.RouteTables,
      ),
      every(
        'DescribeInternetGateways',
        (NextToken) =>
          clients.ec2.send(
            new DescribeInternetGatewaysCommand({
              Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }],
              NextToken,
            }),
          ),
        (answer) => answer.InternetGateways,
      ),
      every(
        'DescribeNatGateways',
        (NextToken) => clients.ec2.send(new DescribeNatGatewaysCommand({ Filter: inVpc, NextToken })),
        (answer) => answer.NatGateways,
      ),
      every(
        'DescribeNetworkAcls',
        (NextToken) => clients.ec2.send(new DescribeNetworkAclsCommand({ Filters: inVpc, NextToken })),
        (answer) => answer.NetworkAcls,
      ),
      every(
        'DescribeSecurityGroups',
        (NextToken) => clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters: inVpc, NextToken })),
        (answer) => answer.SecurityGroups,
      ),
      every(
        'DescribeVpcEndpoints',
        (NextToken) => clients.ec2.send(new DescribeVpcEndpointsCommand({ Filters: inVpc, NextToken })),
        (answer) => answer.VpcEndpoints,
      ),
      every(
        'DescribeInstances',
        (NextToken) =>
          clients.ec2.send(new DescribeInstancesCommand({ Filters: inVpc, MaxResults: INSTANCE_PAGE_SIZE, NextToken })),
        (answer) => (answer.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []),
      ),
    ]);
  const [dnsSupport, dnsHostnames] = [support.EnableDnsSupport?.Value, hostnames.EnableDnsHostnames?.Value];
  const instancePages = pages.DescribeInstances;
  const live = instances
    .filter((instance) => !['terminated', 'shutting-down'].includes(String(instance.State?.Name)))
    .sort((a, b) => String(a.InstanceId).localeCompare(String(b.InstanceId)));

  const resources: ResourceChange[] = [];
  const add = (type: string, key: string, values: PlannedValues) =>
    resources.push({
      address: existingAddress(type, key),
      mode: 'managed',
      type,
      name: READ_FROM_ACCOUNT,
      index: key,
      change: unchangedChange(values),
    });
  const tags = (list?: readonly { Key?: string; Value?: string }[]) =>
    Object.fromEntries((list ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));

  const main = routeTables.find((table) => table.Associations?.some((association) => association.Main));
  add('aws_vpc', vpcId, {
    id: vpcId,
    cidr_block: vpc.CidrBlock,
    enable_dns_support: dnsSupport,
    enable_dns_hostnames: dnsHostnames,
    main_route_table_id: main?.RouteTableId,
    tags: tags(vpc.Tags),
  } as PlannedValues);
  addNetwork(add, vpcId, { subnets, routeTables, gateways, natGateways, acls });
  // Routes to transit gateways: the gateways, their tables and the VPCs they lead to (centralized egress).
  const transitIds = [
    ...new Set(
      routeTables.flatMap((table) =>
        (table.Routes ?? []).map((route) => route.TransitGatewayId).filter((id): id is string => Boolean(id)),
      ),
    ),
  ].sort();
  if (transitIds.length > 0) await readTransitGateways(clients.ec2, transitIds, vpcId, add, every as Every);
  const ruleBlocks = (permissions?: readonly IpPermission[]) =>
    (permissions ?? []).map((permission) => ({
      protocol: permission.IpProtocol,
      from_port: permission.FromPort ?? 0,
      to_port: permission.ToPort ?? 0,
      cidr_blocks: (permission.IpRanges ?? []).map((range) => range.CidrIp).filter(Boolean),
      security_groups: (permission.UserIdGroupPairs ?? []).map((pair) => pair.GroupId).filter(Boolean),
    }));
  for (const group of groups)
    add('aws_security_group', group.GroupId!, {
      id: group.GroupId,
      name: group.GroupName,
      vpc_id: vpcId,
      ingress: ruleBlocks(group.IpPermissions),
      egress: ruleBlocks(group.IpPermissionsEgress),
      tags: { Name: group.GroupName ?? '', ...tags(group.Tags) },
    } as PlannedValues);
  for (const endpoint of endpoints.filter((e) => !/deleted|deleting|failed|rejected/i.test(String(e.State))))
    add('aws_vpc_endpoint', endpoint.VpcEndpointId!, {
      id: endpoint.VpcEndpointId,
      vpc_id: vpcId,
      service_name: endpoint.ServiceName,
      vpc_endpoint_type: endpoint.VpcEndpointType,
      private_dns_enabled: endpoint.PrivateDnsEnabled === true,
      subnet_ids: endpoint.SubnetIds ?? [],
      security_group_ids: (endpoint.Groups ?? []).map((group) => group.GroupId),
      route_table_ids: endpoint.RouteTableIds ?? [],
      policy: endpoint.PolicyDocument ?? '',
      tags: tags(endpoint.Tags),
    } as PlannedValues);

  const profiles = new Set<string>();
  for (const instance of live) {
    const profile = instance.IamInstanceProfile?.Arn?.split('/').pop();
    if (profile) profiles.add(profile);
    add('aws_instance', instance.InstanceId!, {
      id: instance.InstanceId,
      subnet_id: instance.SubnetId,
      // The groups traffic from the instance's address meets are its primary network interface's.
      vpc_security_group_ids: (primaryInterface(instance)?.Groups ?? instance.SecurityGroups ?? []).map(
        (group) => group.GroupId,
      ),
      iam_instance_profile: profile ?? '',
      associate_public_ip_address: Boolean(instance.PublicIpAddress),
      private_ip: instance.PrivateIpAddress,
      instance_state: instance.State?.Name,
      primary_network_interface_id: instance.NetworkInterfaces?.[0]?.NetworkInterfaceId,
      metadata_options: [{ http_endpoint: instance.MetadataOptions?.HttpEndpoint ?? 'enabled' }],
      tags: tags(instance.Tags),
    } as PlannedValues);
  }
  for (const profile of [...profiles].sort()) await readProfile(clients.iam, profile, add, command);
  const hostManagement = clients.ssm
    ? await readDefaultHostManagement(clients.ssm, clients.iam, add, command)
    : ({ state: 'unread', why: 'not asked (no Systems Manager client)' } as const);

  const registration = clients.ssm
    ? await readRegistration(
        clients.ssm,
        live.map((instance) => instance.InstanceId!),
        command,
      )
    : { unread: 'not asked (no Systems Manager client)' };
  return {
    vpcId,
    state: { format_version: '1.2', resource_changes: resources },
    instances: live.map((instance) => ({
      id: instance.InstanceId!,
      name: tags(instance.Tags).Name,
      state: instance.State?.Name,
    })),
    registration: registration.statuses,
    registrationUnread: registration.unread,
    hostManagement,
    instancePages,
    endpoints: endpoints.map((endpoint) => ({
      id: endpoint.VpcEndpointId ?? '?',
      state: String(endpoint.State ?? 'unknown'),
      created: endpoint.CreationTimestamp,
    })),
  };
}

type Add = (type: string, key: string, values: PlannedValues) => void;

/** Every item of a describe, its NextToken followed to the last page (the reader's, with its errors). */
type Every = <A extends { NextToken?: string }, I>(
  action: string,
  ask: (NextToken: string | undefined) => Promise<A>,
  items: (answer: A) => readonly I[] | undefined,
) => Promise<I[]>;

/**
 * The transit gateways the VPC's routes lead to, as a state would hold them: each gateway with
 * its default tables, its VPC attachments (subnets, zones), its route tables with their
 * associations, propagations and static routes, and the network of every other VPC attached (an
 * egress VPC's NAT gateway, the way back), so centralized egress is judged as it stands.
 */
async function readTransitGateways(
  ec2: Pick<EC2Client, 'send'>,
  transitIds: readonly string[],
  vpcId: string,
  add: Add,
  every: Every,
): Promise<void> {
  const byGateway: Filter[] = [{ Name: 'transit-gateway-id', Values: [...transitIds] }];
  const [gateways, attachments, tables] = await Promise.all([
    every(
      'DescribeTransitGateways',
      (NextToken) => ec2.send(new DescribeTransitGatewaysCommand({ TransitGatewayIds: [...transitIds], NextToken })),
      (answer) => answer.TransitGateways,
    ),
    every(
      'DescribeTransitGatewayVpcAttachments',
      (NextToken) => ec2.send(new DescribeTransitGatewayVpcAttachmentsCommand({ Filters: byGateway, NextToken })),
      (answer) => answer.TransitGatewayVpcAttachments,
    ),
    every(
      'DescribeTransitGatewayRouteTables',
      (NextToken) => ec2.send(new DescribeTransitGatewayRouteTablesCommand({ Filters: byGateway, NextToken })),
      (answer) => answer.TransitGatewayRouteTables,
    ),
  ]);
  for (const tgw of gateways)
    add('aws_ec2_transit_gateway', tgw.TransitGatewayId!, {
      id: tgw.TransitGatewayId,
      default_route_table_association: tgw.Options?.DefaultRouteTableAssociation,
      default_route_table_propagation: tgw.Options?.DefaultRouteTablePropagation,
      association_default_route_table_id: tgw.Options?.AssociationDefaultRouteTableId,
      propagation_default_route_table_id: tgw.Options?.PropagationDefaultRouteTableId,
      security_group_referencing_support: tgw.Options?.SecurityGroupReferencingSupport,
      tags: tagsOf(tgw.Tags),
    } as PlannedValues);
  const live = attachments.filter((a) => !/deleted|deleting|failed|rejected/i.test(String(a.State)));
  for (const attachment of live)
    add('aws_ec2_transit_gateway_vpc_attachment', attachment.TransitGatewayAttachmentId!, {
      id: attachment.TransitGatewayAttachmentId,
      transit_gateway_id: attachment.TransitGatewayId,
      vpc_id: attachment.VpcId,
      subnet_ids: attachment.SubnetIds ?? [],
      security_group_referencing_support: attachment.Options?.SecurityGroupReferencingSupport,
      // The tables' associations and propagations are read as they stand: no default is assumed.
      transit_gateway_default_route_table_association: false,
      transit_gateway_default_route_table_propagation: false,
      tags: tagsOf(attachment.Tags),
    } as PlannedValues);
  for (const table of tables) {
    const id = table.TransitGatewayRouteTableId!;
    add('aws_ec2_transit_gateway_route_table', id, {
      id,
      transit_gateway_id: table.TransitGatewayId,
      tags: { Name: tagsOf(table.Tags).Name ?? id },
    } as PlannedValues);
    const [associations, propagations, routes] = await Promise.all([
      every(
        'GetTransitGatewayRouteTableAssociations',
        (NextToken) =>
          ec2.send(new GetTransitGatewayRouteTableAssociationsCommand({ TransitGatewayRouteTableId: id, NextToken })),
        (answer) => answer.Associations,
      ),
      every(
        'GetTransitGatewayRouteTablePropagations',
        (NextToken) =>
          ec2.send(new GetTransitGatewayRouteTablePropagationsCommand({ TransitGatewayRouteTableId: id, NextToken })),
        (answer) => answer.TransitGatewayRouteTablePropagations,
      ),
      // One page: up to 1,000 static routes, AWS's default for MaxResults (the call has no NextToken).
      every(
        'SearchTransitGatewayRoutes',
        async () =>
          ec2.send(
            new SearchTransitGatewayRoutesCommand({
              TransitGatewayRouteTableId: id,
              Filters: [{ Name: 'type', Values: ['static'] }],
            }),
          ),
        (answer) => answer.Routes,
      ),
    ]);
    for (const association of associations.filter((a) => a.State !== 'disassociated' && a.State !== 'disassociating'))
      add('aws_ec2_transit_gateway_route_table_association', `${id} ${association.TransitGatewayAttachmentId}`, {
        transit_gateway_route_table_id: id,
        transit_gateway_attachment_id: association.TransitGatewayAttachmentId,
      } as PlannedValues);
    for (const propagation of propagations.filter((p) => p.State !== 'disabled' && p.State !== 'disabling'))
      add('aws_ec2_transit_gateway_route_table_propagation', `${id} ${propagation.TransitGatewayAttachmentId}`, {
        transit_gateway_route_table_id: id,
        transit_gateway_attachment_id: propagation.TransitGatewayAttachmentId,
      } as PlannedValues);
    for (const route of routes.filter((r) => r.DestinationCidrBlock && r.State !== 'deleted'))
      add('aws_ec2_transit_gateway_route', `${id} ${route.DestinationCidrBlock}`, {
        transit_gateway_route_table_id: id,
        destination_cidr_block: route.DestinationCidrBlock,
        transit_gateway_attachment_id: route.TransitGatewayAttachments?.[0]?.TransitGatewayAttachmentId ?? '',
        blackhole: route.State === 'blackhole',
      } as PlannedValues);
  }
  // The other VPCs attached: their network, where the gateway sends traffic on (and back).
  const others = [
    ...new Set(live.map((a) => a.VpcId).filter((id): id is string => Boolean(id) && id !== vpcId)),
  ].sort();
  if (others.length === 0) return;
  const inOthers: Filter[] = [{ Name: 'vpc-id', Values: others }];
  const [vpcs, subnets, routeTables, internetGateways, natGateways, acls] = await Promise.all([
    every(
      'DescribeVpcs',
      (NextToken) => ec2.send(new DescribeVpcsCommand({ VpcIds: others, NextToken })),
      (answer) => answer.Vpcs,
    ),
    every(
      'DescribeSubnets',
      (NextToken) => ec2.send(new DescribeSubnetsCommand({ Filters: inOthers, NextToken })),
      (answer) => answer.Subnets,
    ),
    every(
      'DescribeRouteTables',
      (NextToken) => ec2.send(new DescribeRouteTablesCommand({ Filters: inOthers, NextToken })),
      (answer) => answer.RouteTables,
    ),
    every(
      'DescribeInternetGateways',
      (NextToken) =>
        ec2.send(
          new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: others }], NextToken }),
        ),
      (answer) => answer.InternetGateways,
    ),
    every(
      'DescribeNatGateways',
      (NextToken) => ec2.send(new DescribeNatGatewaysCommand({ Filter: inOthers, NextToken })),
      (answer) => answer.NatGateways,
    ),
    every(
      'DescribeNetworkAcls',
      (NextToken) => ec2.send(new DescribeNetworkAclsCommand({ Filters: inOthers, NextToken })),
      (answer) => answer.NetworkAcls,
    ),
  ]);
  for (const other of vpcs) {
    const id = other.VpcId!;
    const main = routeTables.find(
      (table) => table.VpcId === id && table.Associations?.some((association) => association.Main),
    );
    add('aws_vpc', id, {
      id,
      cidr_block: other.CidrBlock,
      main_route_table_id: main?.RouteTableId,
      tags: tagsOf(other.Tags),
    } as PlannedValues);
    const inThis = <T extends { VpcId?: string }>(items: readonly T[]) => items.filter((item) => item.VpcId === id);
    addNetwork(add, id, {
      subnets: inThis(subnets),
      routeTables: inThis(routeTables),
      gateways: internetGateways.filter((gateway) => gateway.Attachments?.some((a) => a.VpcId === id)),
      natGateways: inThis(natGateways),
      acls: inThis(acls),
    });
  }
}

/** A VPC's network as read: its subnets, route tables, gateways and network ACLs. */
export interface VpcNetworkRead {
  readonly subnets: readonly Subnet[];
  readonly routeTables: readonly RouteTable[];
  readonly gateways: readonly InternetGateway[];
  readonly natGateways: readonly NatGateway[];
  readonly acls: readonly NetworkAcl[];
}

const tagsOf = (list?: readonly { Key?: string; Value?: string }[]) =>
  Object.fromEntries((list ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));

/** Adds a VPC's subnets, route tables and their associations, gateways and ACLs as state entries. */
function addNetwork(
  add: Add,
  vpcId: string,
  { subnets, routeTables, gateways, natGateways, acls }: VpcNetworkRead,
): void {
  const tags = tagsOf;
  for (const subnet of subnets)
    add('aws_subnet', subnet.SubnetId!, {
      id: subnet.SubnetId,
      vpc_id: vpcId,
      cidr_block: subnet.CidrBlock,
      availability_zone: subnet.AvailabilityZone,
      map_public_ip_on_launch: subnet.MapPublicIpOnLaunch === true,
      tags: tags(subnet.Tags),
    } as PlannedValues);
  for (const table of routeTables) {
    add('aws_route_table', table.RouteTableId!, {
      id: table.RouteTableId,
      vpc_id: vpcId,
      route: (table.Routes ?? [])
        .filter((route) => route.DestinationCidrBlock && route.GatewayId !== 'local')
        .map((route) => ({
          cidr_block: route.DestinationCidrBlock,
          gateway_id: route.GatewayId ?? '',
          nat_gateway_id: route.NatGatewayId ?? '',
          vpc_endpoint_id: route.GatewayId?.startsWith('vpce-') ? route.GatewayId : '',
          vpc_peering_connection_id: route.VpcPeeringConnectionId ?? '',
          transit_gateway_id: route.TransitGatewayId ?? '',
          network_interface_id: route.NetworkInterfaceId ?? '',
        })),
      tags: tags(table.Tags),
    } as PlannedValues);
    for (const association of table.Associations ?? [])
      if (association.SubnetId)
        add('aws_route_table_association', association.RouteTableAssociationId ?? association.SubnetId, {
          id: association.RouteTableAssociationId,
          subnet_id: association.SubnetId,
          route_table_id: table.RouteTableId,
        } as PlannedValues);
  }
  for (const gateway of gateways)
    add('aws_internet_gateway', gateway.InternetGatewayId!, {
      id: gateway.InternetGatewayId,
      vpc_id: vpcId,
      tags: tags(gateway.Tags),
    } as PlannedValues);
  for (const nat of natGateways.filter((n) => n.State === 'available' || n.State === 'pending'))
    add('aws_nat_gateway', nat.NatGatewayId!, {
      id: nat.NatGatewayId,
      subnet_id: nat.SubnetId,
      connectivity_type: nat.ConnectivityType ?? 'public',
      tags: tags(nat.Tags),
    } as PlannedValues);
  for (const acl of acls) {
    const entries = (egress: boolean) =>
      (acl.Entries ?? [])
        // 32767 is the rule every ACL ends with (deny all): AWS shows it, Terraform does not.
        .filter((entry) => entry.Egress === egress && entry.RuleNumber !== 32767 && entry.CidrBlock)
        .map((entry) => ({
          rule_no: entry.RuleNumber,
          action: entry.RuleAction,
          protocol: entry.Protocol,
          cidr_block: entry.CidrBlock,
          from_port: entry.PortRange?.From ?? 0,
          to_port: entry.PortRange?.To ?? 0,
        }));
    add('aws_network_acl', acl.NetworkAclId!, {
      id: acl.NetworkAclId,
      vpc_id: vpcId,
      subnet_ids: (acl.Associations ?? []).map((association) => association.SubnetId).filter(Boolean),
      ingress: entries(false),
      egress: entries(true),
      tags: tags(acl.Tags),
    } as PlannedValues);
  }
}

/** Whether IAM refused the call for lack of permission (what the review names and goes on without). */
function denied(error: unknown): boolean {
  return awsFailure(error)?.kind === 'denied';
}

/** A refused read in a few words: `iam:ListRolePolicies on app-role refused (AccessDenied)`. */
function refusal(error: unknown, action: string, on: string, command: string): string {
  const failure = awsFailure(error);
  return failure?.kind === 'denied'
    ? `${action} on ${on} refused (${failure.name})`
    : `${action} on ${on}: ${whatCameBack(error, action, command)}`;
}

/**
 * An instance profile, its role and the role's policies, as the state of a configuration that
 * wrote them would hold them. Each call the reader may not make is kept on the role
 * (`policies_unreadable`), so its verdict says what was assumed.
 */
async function readProfile(iam: Pick<IAMClient, 'send'>, name: string, add: Add, command: string): Promise<void> {
  let profile;
  try {
    profile = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }))).InstanceProfile;
  } catch (error) {
    // Unreadable: a profile whose role the review cannot see. The judge assumes it carries the agent.
    add('aws_iam_instance_profile', name, { id: name, name, role: `${name} (role not readable)` } as PlannedValues);
    add('aws_iam_role', `${name} (role not readable)`, {
      id: `${name} (role not readable)`,
      name: `${name} (role not readable)`,
      policies_unreadable: refusal(error, 'iam:GetInstanceProfile', name, command),
    } as PlannedValues);
    return;
  }
  const role = profile?.Roles?.[0];
  add('aws_iam_instance_profile', name, {
    id: name,
    name,
    tags: { Name: name },
    arn: profile?.Arn,
    role: role?.RoleName ?? '',
  } as PlannedValues);
  if (role?.RoleName) await readRole(iam, { ...role, RoleName: role.RoleName }, add, command);
}

/** A role and its policies (attached, inline, boundary), as a state would hold them; each refused read kept on the role. */
async function readRole(
  iam: Pick<IAMClient, 'send'>,
  role: { readonly RoleName: string; readonly Arn?: string; readonly AssumeRolePolicyDocument?: string },
  add: Add,
  command: string,
): Promise<void> {
  const unreadable: string[] = [];
  const attempt = async <T>(action: string, call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (error) {
      if (!denied(error)) throw new VpcReadError(`${action} failed: ${whatCameBack(error, action, command)}`);
      unreadable.push(refusal(error, action, role.RoleName!, command));
      return undefined;
    }
  };
  const got = await attempt('iam:GetRole', () => iam.send(new GetRoleCommand({ RoleName: role.RoleName })));
  const boundary = got?.Role?.PermissionsBoundary?.PermissionsBoundaryArn;
  const attached =
    (
      await attempt('iam:ListAttachedRolePolicies', () =>
        iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role.RoleName })),
      )
    )?.AttachedPolicies ?? [];
  const inlineNames =
    (await attempt('iam:ListRolePolicies', () => iam.send(new ListRolePoliciesCommand({ RoleName: role.RoleName }))))
      ?.PolicyNames ?? [];
  // Every managed policy's document is read, AWS managed ones too: the account's default version is
  // what IAM evaluates (the pinned dataset stands in only where the account does not answer).
  const customer = new Set<string>();
  const awsManaged = (arn: string) => /^arn:[^:]+:iam::aws:policy\//.test(arn);
  for (const policy of attached) {
    add('aws_iam_role_policy_attachment', `${role.RoleName}/${policy.PolicyArn}`, {
      id: `${role.RoleName}/${policy.PolicyArn}`,
      role: role.RoleName,
      policy_arn: policy.PolicyArn,
    } as PlannedValues);
    if (policy.PolicyArn) customer.add(policy.PolicyArn);
  }
  if (boundary) customer.add(boundary);
  for (const arn of customer) {
    // An AWS managed policy the account does not return (an API implementation without it): the dataset's.
    const optional = async <T>(action: string, call: () => Promise<T>): Promise<T | undefined> => {
      if (!awsManaged(arn)) return attempt(action, call);
      try {
        return await call();
      } catch (error) {
        return denied(error) ? attempt(action, call) : undefined;
      }
    };
    const meta = await optional('iam:GetPolicy', () => iam.send(new GetPolicyCommand({ PolicyArn: arn })));
    const versionId = meta?.Policy?.DefaultVersionId;
    if (!versionId) continue;
    const version = await optional('iam:GetPolicyVersion', () =>
      iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId })),
    );
    const document = version?.PolicyVersion?.Document;
    if (document)
      add('aws_iam_policy', arn, {
        id: arn,
        arn,
        name: meta?.Policy?.PolicyName,
        policy: decodeURIComponent(document),
      } as PlannedValues);
  }
  for (const policyName of inlineNames) {
    const inline = await attempt('iam:GetRolePolicy', () =>
      iam.send(new GetRolePolicyCommand({ RoleName: role.RoleName, PolicyName: policyName })),
    );
    if (inline?.PolicyDocument)
      add('aws_iam_role_policy', `${role.RoleName}:${policyName}`, {
        id: `${role.RoleName}:${policyName}`,
        role: role.RoleName,
        name: policyName,
        policy: decodeURIComponent(inline.PolicyDocument),
      } as PlannedValues);
  }
  const trust = got?.Role?.AssumeRolePolicyDocument ?? role.AssumeRolePolicyDocument;
  add('aws_iam_role', role.RoleName, {
    id: role.RoleName,
    name: role.RoleName,
    // The report names a resource by its Name tag: a role's name is what a reader knows it by.
    tags: { Name: role.RoleName },
    arn: got?.Role?.Arn ?? role.Arn,
    assume_role_policy: trust ? decodeURIComponent(trust) : undefined,
    permissions_boundary: boundary ?? '',
    ...(unreadable.length > 0 ? { policies_unreadable: unreadable.join('; ') } : {}),
  } as PlannedValues);
}

/**
 * Default Host Management Configuration (`ssm:GetServiceSetting`): when it names a role, the setting
 * and the role (read as an instance profile's role is) join the state, so the judge applies it to
 * every instance without a usable profile. Off when the setting is AWS's default.
 */
async function readDefaultHostManagement(
  ssm: Pick<SSMClient, 'send'>,
  iam: Pick<IAMClient, 'send'>,
  add: Add,
  command: string,
): Promise<HostManagement> {
  let setting;
  try {
    setting = (await ssm.send(new GetServiceSettingCommand({ SettingId: DEFAULT_HOST_MANAGEMENT_SETTING })))
      .ServiceSetting;
  } catch (error) {
    return { state: 'unread', why: whatCameBack(error, 'ssm:GetServiceSetting', command) };
  }
  const value = setting?.SettingValue;
  if (!value || value === UNSET_SETTING_VALUE || setting?.Status === 'Default') return { state: 'off' };
  add('aws_ssm_service_setting', DEFAULT_HOST_MANAGEMENT_SETTING, {
    id: setting?.ARN ?? DEFAULT_HOST_MANAGEMENT_SETTING,
    setting_id: DEFAULT_HOST_MANAGEMENT_SETTING,
    setting_value: value,
  } as PlannedValues);
  // The value is the role's name, with its path when it has one (`service-role/…`).
  const roleName = value.split('/').pop()!;
  // Read as an instance profile's role is: a refused call is kept on the role, and the verdict says so.
  await readRole(iam, { RoleName: roleName }, add, command);
  return { state: 'on', role: value };
}

/** What Systems Manager said of the agents: each instance's registration, or why it could not be asked. */
export interface RegistrationRead {
  readonly statuses?: ReadonlyMap<string, InstanceRegistration>;
  readonly unread?: string;
}

/**
 * Each instance's agent as Systems Manager lists it (every page), or why it could not be read.
 * `status --wait` asks this alone between polls: only the registration changes while it waits.
 */
export async function readRegistration(
  ssm: Pick<SSMClient, 'send'>,
  instanceIds: readonly string[],
  command: string,
): Promise<RegistrationRead> {
  const statuses = new Map<string, InstanceRegistration>();
  for (const id of instanceIds) statuses.set(id, { status: 'not registered' });
  // The InstanceIds filter takes at most 50 values.
  for (let start = 0; start < instanceIds.length; start += 50) {
    let NextToken: string | undefined;
    do {
      let page;
      try {
        page = await ssm.send(
          new DescribeInstanceInformationCommand({
            Filters: [{ Key: 'InstanceIds', Values: instanceIds.slice(start, start + 50) }],
            NextToken,
          }),
        );
      } catch (error) {
        return { unread: whatCameBack(error, 'ssm:DescribeInstanceInformation', command) };
      }
      for (const information of page.InstanceInformationList ?? [])
        if (information.InstanceId)
          statuses.set(information.InstanceId, {
            status: (information.PingStatus as AgentRegistration | undefined) ?? 'not registered',
            lastPing: information.LastPingDateTime,
            agentVersion: information.AgentVersion,
            platformType: information.PlatformType,
            platformName: information.PlatformName,
          });
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return { statuses };
}

/** The instance's primary network interface (device index 0): its groups are the instance's. */
function primaryInterface(instance: Instance): InstanceNetworkInterface | undefined {
  const interfaces = instance.NetworkInterfaces ?? [];
  return interfaces.find((eni) => eni.Attachment?.DeviceIndex === 0) ?? interfaces[0];
}
