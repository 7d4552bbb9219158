/**
 * `npm run leftovers`: what the lab created that no state holds — what a killed apply (SIGKILL, a
 * cancelled CI runner) leaves behind, billing or blocking. Finds every resource carrying the lab's
 * default tags (`Project`, `Lab`): regional ones through the Resource Groups Tagging API, the
 * global IAM roles and instance profiles through IAM (the tagging API does not list IAM). Compares
 * them with every id and ARN the lab's states hold, and lists the rest with the command that
 * removes it or adopts it. `--delete` removes exactly those, in dependency order.
 */
import * as path from 'path';
import {
  DeleteInternetGatewayCommand,
  DeleteKeyPairCommand,
  DeleteNatGatewayCommand,
  DeleteRouteTableCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteInstanceConnectEndpointCommand,
  DeleteVolumeCommand,
  DeleteVpcEndpointsCommand,
  DescribeAddressesCommand,
  DescribeInstanceConnectEndpointsCommand,
  DescribeInternetGatewaysCommand,
  DescribeKeyPairsCommand,
  DescribeNatGatewaysCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
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
  ListInstanceProfilesCommandOutput,
  ListInstanceProfileTagsCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  RemoveRoleFromInstanceProfileCommand,
  DeleteRolePolicyCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { DeleteScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { LabConfig } from '../../lib/config';
import { stackName, StackName } from '../../stacks/names';
import { HOURS_PER_MONTH, PRICES } from '../review/rules/prices';
import { awsFailure, explainAwsFailure, whatCameBack } from '../aws-errors';
import { heldIdentifiers, readStackState } from '../state';

export interface LeftoverClients {
  readonly tagging: Pick<ResourceGroupsTaggingAPIClient, 'send'>;
  readonly iam: Pick<IAMClient, 'send'>;
  readonly ec2: Pick<EC2Client, 'send'>;
  readonly scheduler: Pick<SchedulerClient, 'send'>;
  readonly s3: Pick<S3Client, 'send'>;
  /**
   * Whether a KMS key is already scheduled for deletion (`kms:DescribeKey`).
   * @default keys are taken as the tagging API lists them
   */
  readonly kms?: Pick<KMSClient, 'send'>;
}

export interface LeftoverOptions {
  readonly config: LabConfig;
  readonly projectDir: string;
  readonly clients: LeftoverClients;
  /** For tests: the pause while a NAT gateway or an instance goes away. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A resource the lab's tags claim and no state holds. */
export interface Leftover {
  /** `security-group`, `natgateway`, `instance`, `role`, … (the ARN's resource type). */
  readonly type: string;
  readonly id: string;
  readonly arn: string;
  /** The `Stack` tag: which stack created it. */
  readonly stack?: string;
  readonly name?: string;
  readonly created?: Date;
  /** Estimated USD per hour while it exists; undefined when it is free or unknown. */
  readonly usdPerHour?: number;
  /** What the price leaves out (a type the price table does not have). */
  readonly priceNote?: string;
  /** Its service says it is being deleted (an instance shutting down, a NAT gateway deleting). */
  readonly goingAway?: string;
  readonly deleteCommand: string;
  /** `terraform import …` in the stack that created it, when its address is known. */
  readonly importCommand?: string;
}

/** A part of the account the listing could not check: which call, and what came back instead. */
export interface Unchecked {
  /** `IAM ListInstanceProfileTags`, `EC2 DescribeInstances`, … */
  readonly call: string;
  readonly answer: string;
}

/** What `npm run leftovers` found. */
export interface LeftoverListing {
  /** Resources the lab's tags claim, no state holds, and their service says exist. */
  readonly leftovers: readonly Leftover[];
  /** Such resources their service says are being deleted: nothing to do but wait. */
  readonly goingAway: readonly Leftover[];
  /** Parts that could not be checked: the listing is then incomplete. */
  readonly unchecked: readonly Unchecked[];
}

/** An error that ends `leftovers` with one line. */
export class LeftoverError extends Error {}

/** Deletion order: what holds others first, the VPC last; IAM after EC2. */
export const DELETE_ORDER = [
  'instance',
  'volume',
  'natgateway',
  'vpc-endpoint',
  'instance-connect-endpoint',
  'elastic-ip',
  'security-group',
  'route-table',
  'subnet',
  'internet-gateway',
  'key-pair',
  'vpc',
  'schedule-group',
  'instance-profile',
  'role',
] as const;

/** A type's place in {@link DELETE_ORDER}; types it does not name come last. */
function deleteRank(type: string): number {
  const index = (DELETE_ORDER as readonly string[]).indexOf(type);
  return index < 0 ? DELETE_ORDER.length : index;
}

/** The lab's stacks (the names `cdktf deploy` knows), whose states are read. */
function labStacks(config: LabConfig): string[] {
  return Object.values(StackName).map((base) => stackName(config, base));
}

/** SDK failures that stop the listing, in one line naming what to do. */
function explain(error: unknown, action: string): Error {
  const line = explainAwsFailure(error, action, 'npm run leftovers');
  if (line) return new LeftoverError(line);
  return error instanceof Error ? error : new Error(String(error));
}

/** `arn:aws:ec2:ap-northeast-1:123…:security-group/sg-0abc` → type and id. */
export function parseArn(arn: string): { type: string; id: string } {
  const resource = arn.split(':').slice(5).join(':');
  const colon = resource.indexOf(':');
  const slash = resource.indexOf('/');
  // `log-group:/name` (colon form) as well as `security-group/sg-…` (slash form).
  if (colon >= 0 && (slash < 0 || colon < slash)) {
    return { type: resource.slice(0, colon), id: resource.slice(colon + 1).replace(/:\*$/, '') };
  }
  if (slash < 0) return { type: resource, id: resource };
  const type = resource.slice(0, slash);
  const rest = resource.slice(slash + 1);
  return { type, id: rest.split('/').pop() ?? rest };
}

function deleteCommand(type: string, id: string, region: string): string {
  const ec2 = (command: string) => `aws ec2 ${command} --region ${region}`;
  switch (type) {
    case 'instance':
      return ec2(`terminate-instances --instance-ids ${id}`);
    case 'volume':
      return ec2(`delete-volume --volume-id ${id}`);
    case 'natgateway':
      return ec2(`delete-nat-gateway --nat-gateway-id ${id}`);
    case 'elastic-ip':
      return ec2(`release-address --allocation-id ${id}`);
    case 'security-group':
      return ec2(`delete-security-group --group-id ${id}`);
    case 'vpc-endpoint':
      return ec2(`delete-vpc-endpoints --vpc-endpoint-ids ${id}`);
    case 'instance-connect-endpoint':
      return ec2(`delete-instance-connect-endpoint --instance-connect-endpoint-id ${id}`);
    case 'subnet':
      return ec2(`delete-subnet --subnet-id ${id}`);
    case 'route-table':
      return ec2(`delete-route-table --route-table-id ${id}`);
    case 'internet-gateway':
      return `${ec2(`detach-internet-gateway --internet-gateway-id ${id} --vpc-id <its vpc>`)} && ${ec2(`delete-internet-gateway --internet-gateway-id ${id}`)}`;
    case 'key-pair':
      return ec2(`delete-key-pair --key-pair-id ${id}`);
    case 'vpc':
      return ec2(`delete-vpc --vpc-id ${id}`);
    case 'schedule-group':
      return `aws scheduler delete-schedule-group --name ${id} --region ${region}`;
    case 'key':
      return `aws kms schedule-key-deletion --key-id ${id} --pending-window-in-days 7 --region ${region}`;
    case 'log-group':
      return `aws logs delete-log-group --log-group-name ${id} --region ${region}`;
    case 'document':
      return `aws ssm delete-document --name ${id} --region ${region}`;
    case 'role':
      return `aws iam list-attached-role-policies --role-name ${id}  # detach each, then: aws iam delete-role --role-name ${id}`;
    case 'instance-profile':
      return `aws iam remove-role-from-instance-profile --instance-profile-name ${id} --role-name <its role> && aws iam delete-instance-profile --instance-profile-name ${id}`;
    default:
      return `(no delete command known for ${type} ${id})`;
  }
}

/** What it costs while it exists (the review's price table), for the types that bill by the hour. */
function hourlyPrice(type: string, region: string): number | undefined {
  const prices = PRICES[region];
  if (!prices) return undefined;
  if (type === 'natgateway') return prices.natGatewayHour.usd;
  if (type === 'elastic-ip') return prices.publicIpv4Hour.usd;
  if (type === 'vpc-endpoint') return prices.interfaceEndpointAzHour.usd; // an Interface endpoint, per AZ
  return undefined;
}

/** The Terraform resource type of an ARN's resource type, for `terraform import`. */
const TERRAFORM_TYPE: Readonly<Record<string, string>> = {
  instance: 'aws_instance',
  volume: 'aws_ebs_volume',
  natgateway: 'aws_nat_gateway',
  'elastic-ip': 'aws_eip',
  'security-group': 'aws_security_group',
  'vpc-endpoint': 'aws_vpc_endpoint',
  'instance-connect-endpoint': 'aws_ec2_instance_connect_endpoint',
  subnet: 'aws_subnet',
  'route-table': 'aws_route_table',
  'internet-gateway': 'aws_internet_gateway',
  'key-pair': 'aws_key_pair',
  vpc: 'aws_vpc',
  role: 'aws_iam_role',
  'instance-profile': 'aws_iam_instance_profile',
  'schedule-group': 'aws_scheduler_schedule_group',
  key: 'aws_kms_key',
  'log-group': 'aws_cloudwatch_log_group',
  document: 'aws_ssm_document',
};

/**
 * A failure that stops the whole listing (every other call would fail the same way): credentials
 * missing or refused. Anything else stops only the part it happened in.
 */
function fatal(error: unknown, action: string): Error | undefined {
  const kind = awsFailure(error)?.kind;
  return kind === 'credentials' || kind === 'refused' ? explain(error, action) : undefined;
}

/**
 * Lists the lab's leftovers. `synthesized` maps a stack to its synthesized resources (type →
 * logical id → Name tag), to name the address a `terraform import` adopts the resource at.
 *
 * The Resource Groups Tagging API also returns resources that are gone or going ("previously
 * tagged": a terminated instance stays visible for about an hour), so every candidate is
 * confirmed by its own service's describe call before it is listed.
 */
export async function findLeftovers(
  options: LeftoverOptions,
  synthesized: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, string | undefined>>>>>> = {},
): Promise<LeftoverListing> {
  const { config, clients } = options;
  const unchecked: Unchecked[] = [];
  /** Runs one part of the listing; a failure that is not fatal is reported and the rest goes on. */
  const part = async (call: string, action: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      if (error instanceof LeftoverError) throw error;
      const stop = fatal(error, action);
      if (stop) throw stop;
      unchecked.push({ call, answer: whatCameBack(error, action, 'npm run leftovers') });
    }
  };

  const held = new Set<string>();
  for (const stack of labStacks(config)) {
    let state;
    try {
      state = await readStackState({ config, projectDir: options.projectDir, s3: clients.s3 }, stack);
    } catch (error) {
      // Without every state, anything could look left over: no listing at all.
      throw explain(error, 's3:GetObject on the state bucket');
    }
    for (const id of heldIdentifiers(state)) held.add(id);
  }

  const tagged: { arn: string; tags: Record<string, string>; created?: Date }[] = [];
  const filters = [
    { Key: 'Project', Values: [config.projectTag] },
    { Key: 'Lab', Values: [config.labName] },
  ];
  await part('Resource Groups Tagging API GetResources', 'tag:GetResources', async () => {
    let token: string | undefined;
    do {
      const page = await clients.tagging.send(new GetResourcesCommand({ TagFilters: filters, PaginationToken: token }));
      for (const mapping of page.ResourceTagMappingList ?? []) {
        const tags = Object.fromEntries((mapping.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
        if (mapping.ResourceARN) tagged.push({ arn: mapping.ResourceARN, tags });
      }
      token = page.PaginationToken || undefined;
    } while (token);
  });

  // IAM is global and not in the tagging API: the lab's roles and profiles carry its name first.
  const labTagged = (tags: { Key?: string; Value?: string }[] | undefined) => {
    const map = Object.fromEntries((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
    return map.Project === config.projectTag && map.Lab === config.labName ? map : undefined;
  };
  await part('IAM ListRoles / ListRoleTags', 'iam:ListRoles / iam:ListRoleTags', async () => {
    let marker: string | undefined;
    do {
      const page = await clients.iam.send(new ListRolesCommand({ Marker: marker }));
      for (const role of (page.Roles ?? []).filter((candidate) =>
        candidate.RoleName?.startsWith(`${config.labName}-`),
      )) {
        const tags = labTagged((await clients.iam.send(new ListRoleTagsCommand({ RoleName: role.RoleName }))).Tags);
        if (tags && role.Arn) tagged.push({ arn: role.Arn, tags, created: role.CreateDate });
      }
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
  });
  await part(
    'IAM ListInstanceProfiles / ListInstanceProfileTags',
    'iam:ListInstanceProfiles / iam:ListInstanceProfileTags',
    async () => {
      let marker: string | undefined;
      do {
        const page: ListInstanceProfilesCommandOutput = await clients.iam.send(
          new ListInstanceProfilesCommand({ Marker: marker }),
        );
        for (const profile of (page.InstanceProfiles ?? []).filter((candidate) =>
          candidate.InstanceProfileName?.startsWith(`${config.labName}-`),
        )) {
          const tags = labTagged(
            (
              await clients.iam.send(
                new ListInstanceProfileTagsCommand({ InstanceProfileName: profile.InstanceProfileName }),
              )
            ).Tags,
          );
          if (tags && profile.Arn) tagged.push({ arn: profile.Arn, tags, created: profile.CreateDate });
        }
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
    },
  );

  const candidates: Leftover[] = [];
  for (const { arn, tags, created } of tagged) {
    const { type, id } = parseArn(arn);
    // Security group rules go with their group; the review's model treats them as part of it.
    if (type === 'security-group-rule') continue;
    if (held.has(arn) || held.has(id)) continue;
    const stack = tags.Stack;
    const terraformType = TERRAFORM_TYPE[type];
    const logicalId =
      stack && terraformType && tags.Name
        ? Object.entries(synthesized[stack]?.[terraformType] ?? {}).find(([, name]) => name === tags.Name)?.[0]
        : undefined;
    candidates.push({
      type,
      id,
      arn,
      stack,
      name: tags.Name,
      created,
      usdPerHour: hourlyPrice(type, config.region),
      deleteCommand: deleteCommand(type, id, config.region),
      importCommand:
        logicalId && stack
          ? `cd ${path.join('cdktf.out', 'stacks', stack)} && terraform import '${terraformType}.${logicalId}' ${id}`
          : undefined,
    });
  }

  const leftovers: Leftover[] = [];
  const goingAway: Leftover[] = [];
  for (const candidate of candidates) {
    let seen: Presence = { exists: true };
    await part(`describe of ${candidate.type} ${candidate.id}`, `describing ${candidate.type}`, async () => {
      seen = await presence(clients, candidate, config.region);
    });
    if (!seen.exists) continue;
    const confirmed = { ...candidate, ...seen.update };
    (confirmed.goingAway ? goingAway : leftovers).push(confirmed);
  }
  const byDeleteOrder = (a: Leftover, b: Leftover) =>
    deleteRank(a.type) - deleteRank(b.type) || a.id.localeCompare(b.id);
  return { leftovers: leftovers.sort(byDeleteOrder), goingAway: goingAway.sort(byDeleteOrder), unchecked };
}

interface Presence {
  readonly exists: boolean;
  /** What the describe call adds: a state that says it is going, a price from what it is. */
  readonly update?: Partial<Pick<Leftover, 'goingAway' | 'usdPerHour' | 'priceNote'>>;
}

const GONE: Presence = { exists: false };

/** AWS's answer for an id that no longer exists (`InvalidInstanceID.NotFound`, `NatGatewayNotFound`, …). */
const isNotFound = (error: unknown) => /NotFound/.test((error as { name?: string })?.name ?? '');

/**
 * Whether a candidate still exists, by its own service's describe call. Types without one here
 * (IAM, schedule groups, keys, log groups, documents) come from listings of what exists.
 */
async function presence(clients: LeftoverClients, leftover: Leftover, region: string): Promise<Presence> {
  const { id } = leftover;
  const { ec2 } = clients;
  const describe = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  switch (leftover.type) {
    case 'instance': {
      const found = await describe(() => ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })));
      const instance = found?.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === id);
      const state = instance?.State?.Name;
      if (!instance || state === 'terminated') return GONE;
      if (state === 'shutting-down')
        return { exists: true, update: { goingAway: 'shutting down', usdPerHour: undefined } };
      return { exists: true, update: await instancePrice(ec2, instance, region) };
    }
    case 'natgateway': {
      const found = await describe(() => ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] })));
      const state = found?.NatGateways?.find((g) => g.NatGatewayId === id)?.State;
      if (!state || state === 'deleted' || state === 'failed') return GONE;
      return state === 'deleting'
        ? { exists: true, update: { goingAway: 'deleting', usdPerHour: undefined } }
        : { exists: true };
    }
    case 'vpc-endpoint': {
      const found = await describe(() => ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [id] })));
      const endpoint = found?.VpcEndpoints?.find((e) => e.VpcEndpointId === id);
      const state = endpoint?.State?.toLowerCase();
      if (!endpoint || state === 'deleted' || state === 'failed') return GONE;
      if (state === 'deleting') return { exists: true, update: { goingAway: 'deleting', usdPerHour: undefined } };
      const azHour = PRICES[region]?.interfaceEndpointAzHour.usd;
      // An Interface endpoint bills per AZ (one subnet each); a Gateway endpoint is free.
      return {
        exists: true,
        update: {
          usdPerHour:
            endpoint.VpcEndpointType === 'Interface' && azHour !== undefined
              ? azHour * Math.max(1, endpoint.SubnetIds?.length ?? 1)
              : endpoint.VpcEndpointType === 'Interface'
                ? undefined
                : 0,
        },
      };
    }
    case 'volume': {
      const found = await describe(() => ec2.send(new DescribeVolumesCommand({ VolumeIds: [id] })));
      const volume = found?.Volumes?.find((v) => v.VolumeId === id);
      if (!volume || volume.State === 'deleted') return GONE;
      if (volume.State === 'deleting') return { exists: true, update: { goingAway: 'deleting' } };
      // A volume that goes with its instance (a root volume) is that instance's: listed and priced with it.
      if (volume.Attachments?.some((a) => a.InstanceId && a.DeleteOnTermination)) return GONE;
      return { exists: true, update: volumePrice([volume], region) };
    }
    case 'instance-connect-endpoint': {
      const found = await describe(() =>
        ec2.send(new DescribeInstanceConnectEndpointsCommand({ InstanceConnectEndpointIds: [id] })),
      );
      const state = found?.InstanceConnectEndpoints?.find((e) => e.InstanceConnectEndpointId === id)?.State;
      if (!state || state === 'delete-complete' || state === 'create-failed') return GONE;
      // No hourly charge (EC2 User Guide): listed, since it keeps its security group and subnet in use.
      return state === 'delete-in-progress'
        ? { exists: true, update: { goingAway: 'deleting' } }
        : { exists: true, update: { usdPerHour: 0 } };
    }
    case 'elastic-ip': {
      const found = await describe(() => ec2.send(new DescribeAddressesCommand({ AllocationIds: [id] })));
      return found?.Addresses?.some((a) => a.AllocationId === id) ? { exists: true } : GONE;
    }
    case 'security-group':
      return exists(
        await describe(() => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))),
        'SecurityGroups',
      );
    case 'subnet':
      return exists(await describe(() => ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }))), 'Subnets');
    case 'route-table':
      return exists(
        await describe(() => ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }))),
        'RouteTables',
      );
    case 'internet-gateway':
      return exists(
        await describe(() => ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] }))),
        'InternetGateways',
      );
    case 'vpc':
      return exists(await describe(() => ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }))), 'Vpcs');
    case 'key-pair':
      return exists(await describe(() => ec2.send(new DescribeKeyPairsCommand({ KeyPairIds: [id] }))), 'KeyPairs');
    case 'network-interface':
      return exists(
        await describe(() => ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }))),
        'NetworkInterfaces',
      );
    case 'key': {
      // Destroying a key only schedules its deletion (7 to 30 days): it is going, and billed until then.
      if (!clients.kms) return { exists: true };
      const found = await describe(() => clients.kms!.send(new DescribeKeyCommand({ KeyId: id })));
      const key = found?.KeyMetadata;
      if (!key) return GONE;
      if (key.KeyState === 'PendingDeletion')
        return {
          exists: true,
          update: {
            goingAway: `scheduled for deletion${key.DeletionDate ? ` on ${key.DeletionDate.toISOString().slice(0, 10)}` : ''} (KMS bills a key until it is deleted: USD 1 a month, prorated)`,
          },
        };
      return { exists: true };
    }
    default:
      return { exists: true };
  }
}

function exists(answer: object | undefined, list: string): Presence {
  const items = (answer as Record<string, unknown> | undefined)?.[list];
  return Array.isArray(items) && items.length > 0 ? { exists: true } : GONE;
}

/** gp3 storage per hour, as the review prices it; other volume types are named as not priced. */
function volumePrice(volumes: readonly { Size?: number; VolumeType?: string }[], region: string) {
  const gbMonth = PRICES[region]?.gp3GbMonth.usd;
  let usdPerHour = 0;
  const unpriced: string[] = [];
  for (const volume of volumes) {
    if (volume.VolumeType === 'gp3' && gbMonth !== undefined && volume.Size !== undefined)
      usdPerHour += (volume.Size * gbMonth) / HOURS_PER_MONTH;
    else unpriced.push(`${volume.VolumeType ?? 'unknown'} volume`);
  }
  return { usdPerHour, priceNote: unpriced.length > 0 ? `not priced: ${unpriced.join(', ')}` : undefined };
}

/** An instance bills by its type while running, plus its volumes and its public IPv4 address. */
async function instancePrice(
  ec2: LeftoverClients['ec2'],
  instance: {
    InstanceType?: string;
    PublicIpAddress?: string;
    State?: { Name?: string };
    BlockDeviceMappings?: { Ebs?: { VolumeId?: string } }[];
  },
  region: string,
): Promise<Pick<Leftover, 'usdPerHour' | 'priceNote'>> {
  const prices = PRICES[region];
  if (!prices) return { usdPerHour: undefined, priceNote: `no prices for ${region}` };
  const notes: string[] = [];
  let usd = 0;
  if (instance.State?.Name === 'running' || instance.State?.Name === 'pending') {
    const typePrice = instance.InstanceType ? prices.instanceHour[instance.InstanceType]?.usd : undefined;
    if (typePrice === undefined) notes.push(`instance type ${instance.InstanceType ?? 'unknown'}`);
    else usd += typePrice;
  }
  if (instance.PublicIpAddress) usd += prices.publicIpv4Hour.usd;
  const volumeIds = (instance.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId).filter((v): v is string => !!v);
  if (volumeIds.length > 0) {
    const volumes = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: volumeIds }))).Volumes ?? [];
    const storage = volumePrice(volumes, region);
    usd += storage.usdPerHour;
    if (storage.priceNote) notes.push(storage.priceNote.replace(/^not priced: /, ''));
  }
  return { usdPerHour: usd, priceNote: notes.length > 0 ? `not priced: ${notes.join(', ')}` : undefined };
}

/** Waits until a deleted NAT gateway or terminated instance is gone, so what it holds can go next. */
async function waitGone(options: LeftoverOptions, leftover: Leftover): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; attempt < 60; attempt++) {
    let state: string | undefined;
    if (leftover.type === 'natgateway') {
      const described = await options.clients.ec2.send(
        new DescribeNatGatewaysCommand({ NatGatewayIds: [leftover.id] }),
      );
      state = described.NatGateways?.[0]?.State;
      if (!state || state === 'deleted') return;
    } else {
      const described = await options.clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [leftover.id] }));
      state = described.Reservations?.[0]?.Instances?.[0]?.State?.Name;
      if (!state || state === 'terminated') return;
    }
    await sleep(10_000);
  }
  throw new LeftoverError(
    `${leftover.type} ${leftover.id} is still going away after 10 minutes: run npm run leftovers -- --delete again later.`,
  );
}

/** Deletes exactly the given leftovers, in {@link DELETE_ORDER}; returns one line per deletion. */
export async function deleteLeftovers(options: LeftoverOptions, leftovers: readonly Leftover[]): Promise<string[]> {
  const { ec2, iam, scheduler } = options.clients;
  const done: string[] = [];
  const ordered = [...leftovers].sort((a, b) => deleteRank(a.type) - deleteRank(b.type));
  for (const leftover of ordered) {
    const { id } = leftover;
    try {
      switch (leftover.type) {
        case 'instance':
          await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
          await waitGone(options, leftover);
          break;
        case 'natgateway':
          await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id }));
          await waitGone(options, leftover);
          break;
        case 'vpc-endpoint':
          await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [id] }));
          break;
        case 'volume':
          await ec2.send(new DeleteVolumeCommand({ VolumeId: id }));
          break;
        case 'instance-connect-endpoint':
          await ec2.send(new DeleteInstanceConnectEndpointCommand({ InstanceConnectEndpointId: id }));
          break;
        case 'elastic-ip':
          await ec2.send(new ReleaseAddressCommand({ AllocationId: id }));
          break;
        case 'security-group':
          await ec2.send(new DeleteSecurityGroupCommand({ GroupId: id }));
          break;
        case 'route-table':
          await ec2.send(new DeleteRouteTableCommand({ RouteTableId: id }));
          break;
        case 'subnet':
          await ec2.send(new DeleteSubnetCommand({ SubnetId: id }));
          break;
        case 'internet-gateway': {
          const gateway = (await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] })))
            .InternetGateways?.[0];
          for (const attachment of gateway?.Attachments ?? []) {
            await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: attachment.VpcId }));
          }
          await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id }));
          break;
        }
        case 'key-pair':
          await ec2.send(new DeleteKeyPairCommand({ KeyPairId: id }));
          break;
        case 'vpc':
          await ec2.send(new DeleteVpcCommand({ VpcId: id }));
          break;
        case 'schedule-group':
          await scheduler.send(new DeleteScheduleGroupCommand({ Name: id }));
          break;
        case 'instance-profile': {
          const profiles = await iam.send(new ListInstanceProfilesCommand({}));
          const profile = profiles.InstanceProfiles?.find((candidate) => candidate.InstanceProfileName === id);
          for (const role of profile?.Roles ?? []) {
            await iam.send(
              new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: id, RoleName: role.RoleName }),
            );
          }
          await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: id }));
          break;
        }
        case 'role': {
          const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: id }));
          for (const policy of attached.AttachedPolicies ?? []) {
            await iam.send(new DetachRolePolicyCommand({ RoleName: id, PolicyArn: policy.PolicyArn }));
          }
          const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: id }));
          for (const name of inline.PolicyNames ?? [])
            await iam.send(new DeleteRolePolicyCommand({ RoleName: id, PolicyName: name }));
          await iam.send(new DeleteRoleCommand({ RoleName: id }));
          break;
        }
        default:
          done.push(`skipped ${leftover.type} ${id}: no delete known; remove it by hand`);
          continue;
      }
    } catch (error) {
      if (error instanceof LeftoverError) throw error;
      // Gone already (a volume that went with its instance): nothing left to delete.
      if (isNotFound(error)) {
        done.push(`${leftover.type} ${id} was already gone`);
        continue;
      }
      throw explain(error, `deleting ${leftover.type} ${id}`);
    }
    done.push(`deleted ${leftover.type} ${id}`);
  }
  return done;
}

/** The command's exit code: 1 when a part could not be checked, 2 leftovers (CI can gate on it), else 0. */
export function leftoversExitCode(listing: LeftoverListing): 0 | 1 | 2 {
  if (listing.unchecked.length > 0) return 1;
  return listing.leftovers.length === 0 ? 0 : 2;
}

/** The listing: one block per leftover, with its price and its commands; then what is going and what was not checked. */
export function leftoversText(config: LabConfig, listing: LeftoverListing): string {
  const { leftovers, goingAway, unchecked } = listing;
  const out: string[] = [];
  if (leftovers.length === 0) {
    out.push(
      unchecked.length === 0
        ? `Nothing left over: every resource tagged Project=${config.projectTag}, Lab=${config.labName} in ${config.region} (and IAM) is held by a state.`
        : `Nothing left over in what could be checked (resources tagged Project=${config.projectTag}, Lab=${config.labName} in ${config.region}, and IAM).`,
    );
  } else {
    const perHour = leftovers.reduce((sum, leftover) => sum + (leftover.usdPerHour ?? 0), 0);
    const partly = leftovers.some((leftover) => leftover.priceNote) ? 'at least ' : '';
    out.push(
      `${leftovers.length} resource(s) tagged Project=${config.projectTag}, Lab=${config.labName} that no state holds (${config.region}; about USD ${partly}${perHour.toFixed(4)}/h):`,
      '',
    );
    for (const leftover of leftovers) {
      const price =
        leftover.usdPerHour !== undefined && leftover.usdPerHour > 0
          ? `USD ${leftover.usdPerHour.toFixed(4)}/h${leftover.priceNote ? ` (${leftover.priceNote})` : ''}`
          : (leftover.priceNote ?? 'no hourly charge');
      const facts = [
        leftover.stack ? `from ${leftover.stack}` : 'no Stack tag',
        leftover.created ? `created ${leftover.created.toISOString()}` : undefined,
        price,
      ].filter(Boolean);
      out.push(`  ${leftover.type} ${leftover.id}${leftover.name ? ` (${leftover.name})` : ''} — ${facts.join(', ')}`);
      out.push(`    remove: ${leftover.deleteCommand}`);
      if (leftover.importCommand) out.push(`    or adopt: ${leftover.importCommand}`);
    }
    out.push(
      '',
      'To remove exactly these, in dependency order: `npm run leftovers -- --delete` (it asks first; add --yes not to).',
    );
  }
  for (const leftover of goingAway)
    out.push(
      `Going away: ${leftover.type} ${leftover.id}${leftover.name ? ` (${leftover.name})` : ''} is ${leftover.goingAway}; nothing to do.`,
    );
  for (const part of unchecked) out.push(`Not checked: ${part.call} — ${part.answer}`);
  if (unchecked.length > 0) out.push('The listing is incomplete: run npm run leftovers again once those calls answer.');
  return `${out.join('\n')}\n`;
}
