import { DataAwsNetworkInterface } from '@cdktf/provider-aws/lib/data-aws-network-interface';
import { DataAwsNetworkInterfaces } from '@cdktf/provider-aws/lib/data-aws-network-interfaces';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { DataAwsVpcEndpoint } from '@cdktf/provider-aws/lib/data-aws-vpc-endpoint';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group';
import { DataResource, TerraformLocal, TerraformResource, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { NARROWEST_ANYWHERE_IPV4_PREFIX } from '../lib/cidr';
import { LabConfig, REGION_PATTERN } from '../lib/config';
import { ALL_SESSION_MANAGER_SERVICES, DEFAULT_SESSION_MANAGER_SERVICES } from '../lib/endpoint-services';
import { SessionManagerEndpoints } from '../lib/session-manager-endpoints';
import { LabStack } from './lab-stack';

/** Terraform variable names: the `--var` contract of `cdktf deploy ssm-endpoints`. */
export const EndpointsVariable = {
  VPC_ID: 'vpc_id',
  SUBNET_IDS: 'subnet_ids',
  ALLOWED_SECURITY_GROUP_IDS: 'allowed_security_group_ids',
  ALLOWED_CIDRS: 'allowed_cidrs',
  SERVICES: 'services',
  S3_GATEWAY_ROUTE_TABLE_IDS: 's3_gateway_route_table_ids',
  TTL: 'ttl',
  REGION: 'region',
  PREFLIGHT_LOOKUPS: 'preflight_lookups',
} as const;

/** Shortest and longest time to live: the schedule must lie in the future when it is created. */
export const TTL_MIN_MINUTES = 15;
export const TTL_MAX_MINUTES = 7 * 24 * 60;
/** A deploy this close to the deadline (or after it) is refused: the schedules must lie in the future when created. */
export const DEADLINE_MARGIN_MINUTES = 5;
/** The group-deleting schedule runs this long after the endpoints were deleted. */
export const CLEANUP_DELAY_MINUTES = 15;

/** Minutes in var.ttl (`90m`, `4h`, `2d`), as HCL; shared by the validation and the deadline. */
const TTL_MINUTES_HCL = 'tonumber(regex("^[0-9]+", var.ttl)) * lookup({ m = 1, h = 60, d = 1440 }, substr(var.ttl, -1, 1), 0)';

/** `Name` prefix of the temporary endpoints' resources: the lab name first, like every other lab resource. */
export function temporaryEndpointsName(labName: string): string {
  return `${labName}-temporary`;
}

/** Adds a precondition, keeping those the resource already has. */
function addPrecondition(resource: TerraformResource, precondition: { condition: string; errorMessage: string }): void {
  resource.lifecycle = { ...resource.lifecycle, precondition: [...(resource.lifecycle?.precondition ?? []), precondition] };
}

const ID = (prefix: string) => `^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`;
const hcl = (value: string) => JSON.stringify(value); // an HCL string literal (JSON's escaping fits)
const list = (values: readonly string[]) => `[${values.map(hcl).join(', ')}]`;

/**
 * `ssm-endpoints`: Session Manager for an existing VPC during a maintenance window. Creates only
 * the endpoint security group, the Interface endpoints (private DNS), an optional S3 gateway
 * endpoint and, with a time to live, what deletes them at the deadline. Inputs are Terraform
 * variables validated by Terraform itself; nothing refers to a lab stack.
 */
export class TemporaryEndpointsStack extends LabStack {
  readonly endpoints: SessionManagerEndpoints;
  /** `{ ExpiresAt = <deadline> }` with a ttl, `{}` without. */
  private readonly expiryTags: Record<string, string>;

  constructor(scope: Construct, id: string, props: { readonly config: LabConfig }) {
    // Region: the `region` variable if set, else the usual AWS settings (AWS_REGION, profile).
    super(scope, id, { config: props.config, region: '${var.region != "" ? var.region : null}' });
    const { config } = props;
    this.addOverride('terraform.required_version', '>= 1.9.0'); // validations that refer to other variables

    const variables = this.declareVariables();
    const region = new DataAwsRegion(this, 'current-region', {});
    region.overrideLogicalId('current');
    const partition = new DataAwsPartition(this, 'current-partition', {});
    partition.overrideLogicalId('current');

    // Fixed at first apply (ignore_changes), replaced only when the ttl itself changes.
    const deadline = new DataResource(this, 'deadline-resource', {
      // The binding types input as a map; Terraform takes any value, and a string keeps output simple.
      input: `\${timeadd(plantimestamp(), "\${local.ttl_minutes}m")}` as never,
      triggersReplace: { ttl: variables.ttl.stringValue },
      lifecycle: { ignoreChanges: ['input'] },
    });
    deadline.overrideLogicalId('deadline');
    deadline.addOverride('count', '${var.ttl == "" ? 0 : 1}');
    new TerraformLocal(this, 'ttl_minutes', `\${var.ttl == "" ? 0 : ${TTL_MINUTES_HCL}}`);
    new TerraformLocal(this, 'deadline', '${one(terraform_data.deadline[*].output)}');
    // A map either way, so the expression has one type: ExpiresAt only when a ttl is set.
    this.expiryTags = new TerraformLocal(
      this,
      'expiry_tags',
      '${{ for key, value in { ExpiresAt = one(terraform_data.deadline[*].output) } : key => value if var.ttl != "" }}',
    ).asStringMap;

    this.endpoints = new SessionManagerEndpoints(this, 'endpoints', {
      // Like every other resource of the lab: the lab name first (ssm-lab-temporary-endpoints, …).
      name: temporaryEndpointsName(config.labName),
      vpcId: variables.vpcId.stringValue,
      subnetIds: variables.subnetIds.listValue,
      region: region.name,
      services: variables.services.listValue,
      allowedSecurityGroupIds: variables.allowedSecurityGroupIds.listValue,
      allowedCidrs: variables.allowedCidrs.listValue,
      s3GatewayRouteTableIds: variables.s3GatewayRouteTableIds.listValue,
      tags: this.expiryTags,
      shortLogicalIds: true, // aws_vpc_endpoint.interface["ssm"] reads well in a plan
    });

    this.addPreflight(variables.vpcId);
    this.addExpiry();
    this.addOutputs(region.name);
  }

  private declareVariables() {
    const variable = (name: string, props: ConstructorParameters<typeof TerraformVariable>[2]) =>
      new TerraformVariable(this, name, { nullable: false, ...props });
    const idList = (name: string, prefix: string, what: string, extra = '') =>
      variable(name, {
        type: 'list(string)',
        default: [],
        description: `${what} (${prefix}-…)${extra}`,
        validation: [
          {
            condition: `\${alltrue([for id in var.${name} : can(regex(${hcl(ID(prefix))}, id))]) && length(distinct(var.${name})) == length(var.${name})}`,
            errorMessage: `${name} must be distinct ${what} such as ${prefix}-0123456789abcdef0; got \${jsonencode(var.${name})}.`,
          },
        ],
      });

    const vpcId = variable(EndpointsVariable.VPC_ID, {
      type: 'string',
      description: 'The existing VPC that gets the endpoints (vpc-…). Needs DNS support and DNS hostnames on.',
      validation: [
        {
          condition: `\${can(regex(${hcl(ID('vpc'))}, var.vpc_id))}`,
          errorMessage: 'vpc_id must be a VPC id such as vpc-0123456789abcdef0; got "${var.vpc_id}".',
        },
      ],
    });
    const subnetIds = variable(EndpointsVariable.SUBNET_IDS, {
      type: 'list(string)',
      description: 'Subnets for the endpoint network interfaces, any the instances can reach; at most one per Availability Zone.',
      validation: [
        {
          condition: `\${length(var.subnet_ids) >= 1 && length(var.subnet_ids) <= 16 && alltrue([for id in var.subnet_ids : can(regex(${hcl(ID('subnet'))}, id))]) && length(distinct(var.subnet_ids)) == length(var.subnet_ids)}`,
          errorMessage:
            'subnet_ids must list 1 to 16 distinct subnet ids such as subnet-0123456789abcdef0, at most one per Availability Zone (Interface endpoints refuse two subnets of the same AZ); got ${jsonencode(var.subnet_ids)}.',
        },
      ],
    });
    const allowedSecurityGroupIds = idList(
      EndpointsVariable.ALLOWED_SECURITY_GROUP_IDS,
      'sg',
      'security group ids',
      ' of the instances that open sessions; each gets inbound 443 on the endpoint security group',
    );
    const allowedCidrs = variable(EndpointsVariable.ALLOWED_CIDRS, {
      type: 'list(string)',
      default: [],
      description: 'IPv4 ranges allowed to reach the endpoints on 443, for instances whose security group you cannot name.',
      validation: [
        {
          condition: '${alltrue([for cidr in var.allowed_cidrs : can(regex("^[0-9]{1,3}(\\\\.[0-9]{1,3}){3}/[0-9]{1,2}$", cidr)) && can(cidrhost(cidr, 0)) && try(cidrhost(cidr, 0) == split("/", cidr)[0], false)])}',
          errorMessage: 'allowed_cidrs must be IPv4 CIDR blocks with no host bits set, such as 10.0.2.0/24; got ${jsonencode(var.allowed_cidrs)}.',
        },
        {
          // The same rule as guardrail SSMLAB-SG-1 (lib/cidr.ts anywhereReason): a range wider than
          // /8 is anywhere, and so are ranges that add up to all of IPv4 (counted with overlaps, so
          // only a list that could cover everything is refused).
          condition: `\${alltrue([for cidr in var.allowed_cidrs : try(tonumber(split("/", cidr)[1]) >= ${NARROWEST_ANYWHERE_IPV4_PREFIX}, true)]) && sum(concat([0], [for cidr in var.allowed_cidrs : try(pow(2, 32 - tonumber(split("/", cidr)[1])), 0)])) < pow(2, 32)}`,
          errorMessage: `allowed_cidrs must not open the endpoints to anywhere (guardrail SSMLAB-SG-1): each range /${NARROWEST_ANYWHERE_IPV4_PREFIX} or narrower, and together less than all of IPv4; name the VPC's or the instances' range instead, such as 10.0.0.0/16; got \${jsonencode(var.allowed_cidrs)}.`,
        },
        {
          condition: '${length(var.allowed_cidrs) + length(var.allowed_security_group_ids) > 0}',
          errorMessage:
            'Name who may connect: at least one of allowed_security_group_ids (the instances\' security groups) or allowed_cidrs; both are empty.',
        },
      ],
    });
    const services = variable(EndpointsVariable.SERVICES, {
      type: 'list(string)',
      default: [...DEFAULT_SESSION_MANAGER_SERVICES],
      description: 'Interface endpoints to create: ssm and ssmmessages are required (SSM Agent 3.3.40+); add ec2messages for older agents.',
      validation: [
        {
          condition: `\${alltrue([for s in var.services : contains(${list(ALL_SESSION_MANAGER_SERVICES)}, s)]) && contains(var.services, "ssm") && contains(var.services, "ssmmessages") && length(distinct(var.services)) == length(var.services)}`,
          errorMessage: `services must be distinct names from ${ALL_SESSION_MANAGER_SERVICES.join(', ')}, including ssm and ssmmessages; got \${jsonencode(var.services)}.`,
        },
      ],
    });
    const s3GatewayRouteTableIds = idList(
      EndpointsVariable.S3_GATEWAY_ROUTE_TABLE_IDS,
      'rtb',
      'route table ids',
      ' that get an S3 gateway endpoint (free; SSM Agent updates and dnf). Empty: no S3 endpoint',
    );
    const ttl = variable(EndpointsVariable.TTL, {
      type: 'string',
      default: '',
      description: `Time to live such as 90m, 4h or 2d (${TTL_MIN_MINUTES}m to 7d): the endpoints delete themselves then. Empty: no expiry.`,
      validation: [
        {
          condition: `\${var.ttl == "" ? true : try(can(regex("^[1-9][0-9]*[mhd]$", var.ttl)) && ${TTL_MINUTES_HCL} >= ${TTL_MIN_MINUTES} && ${TTL_MINUTES_HCL} <= ${TTL_MAX_MINUTES}, false)}`,
          errorMessage: `ttl must be empty (no expiry) or a whole number of minutes, hours or days such as 90m, 4h or 2d, from ${TTL_MIN_MINUTES}m to 7d; got "\${var.ttl}".`,
        },
      ],
    });
    const region = variable(EndpointsVariable.REGION, {
      type: 'string',
      default: '',
      description: 'AWS region of the VPC. Empty: the usual AWS settings (AWS_REGION, AWS_DEFAULT_REGION, the profile).',
      validation: [
        {
          condition: `\${var.region == "" || can(regex(${hcl(REGION_PATTERN.source)}, var.region))}`,
          errorMessage: 'region must be empty (use the AWS settings) or a region name such as ap-northeast-1; got "${var.region}".',
        },
      ],
    });
    const preflightLookups = variable(EndpointsVariable.PREFLIGHT_LOOKUPS, {
      type: 'bool',
      default: true,
      description: 'Read the VPC, subnets and existing endpoints at plan time to fail or warn early. false: no AWS lookups (offline review).',
    });
    return { vpcId, subnetIds, allowedSecurityGroupIds, allowedCidrs, services, s3GatewayRouteTableIds, ttl, region, preflightLookups };
  }

  /** Plan-time checks against the real VPC; every lookup is off when preflight_lookups is false. */
  private addPreflight(vpcId: TerraformVariable): void {
    const vpc = new DataAwsVpc(this, 'target-vpc', {
      id: vpcId.stringValue,
      lifecycle: {
        postcondition: [
          {
            condition: '${self.enable_dns_support && self.enable_dns_hostnames}',
            errorMessage:
              'VPC ${var.vpc_id} must have both DNS support and DNS hostnames on: private DNS of Interface endpoints needs them, and AWS would otherwise fail at create time with "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true". ' +
              'Now: DNS support ${self.enable_dns_support}, DNS hostnames ${self.enable_dns_hostnames}. Turn them on with: ' +
              'aws ec2 modify-vpc-attribute --vpc-id ${var.vpc_id} --enable-dns-support "{\\"Value\\":true}" && aws ec2 modify-vpc-attribute --vpc-id ${var.vpc_id} --enable-dns-hostnames "{\\"Value\\":true}"',
          },
        ],
      },
    });
    vpc.overrideLogicalId('target');
    vpc.addOverride('count', '${var.preflight_lookups ? 1 : 0}');

    const subnets = new DataAwsSubnet(this, 'endpoint-subnets', { id: '${each.value}' });
    subnets.overrideLogicalId('endpoint');
    subnets.addOverride('for_each', '${var.preflight_lookups ? toset(var.subnet_ids) : toset([])}');
    // On the security group, the first resource created: one clear error, before anything exists.
    const securityGroup = this.endpoints.securityGroup;
    addPrecondition(securityGroup, {
      condition: '${length(distinct([for s in data.aws_subnet.endpoint : s.availability_zone])) == length(data.aws_subnet.endpoint)}',
      errorMessage:
        'subnet_ids must hold at most one subnet per Availability Zone (Interface endpoints refuse two subnets of one AZ); got ${jsonencode({ for id, s in data.aws_subnet.endpoint : id => s.availability_zone })}.',
    });

    // Existing Interface endpoints of this VPC: their ENIs name them ("VPC Endpoint Interface vpce-…").
    const enis = new DataAwsNetworkInterfaces(this, 'endpoint-enis', {
      filter: [
        { name: 'vpc-id', values: [vpcId.stringValue] },
        { name: 'interface-type', values: ['vpc_endpoint'] },
      ],
    });
    enis.overrideLogicalId('existing_endpoint_enis');
    enis.addOverride('count', '${var.preflight_lookups ? 1 : 0}');
    const eni = new DataAwsNetworkInterface(this, 'endpoint-eni', { id: '${each.value}' });
    eni.overrideLogicalId('existing_endpoint_eni');
    eni.addOverride('for_each', '${toset(flatten(data.aws_network_interfaces.existing_endpoint_enis[*].ids))}');
    const existing = new DataAwsVpcEndpoint(this, 'existing-endpoints', { id: '${each.value}' });
    existing.overrideLogicalId('existing');
    existing.addOverride(
      'for_each',
      '${toset(compact([for n in data.aws_network_interface.existing_endpoint_eni : try(regex("vpce-[0-9a-f]+", n.description), "")]))}',
    );

    // A check block only warns; subnets elsewhere fail at create, but nothing is half-made by it.
    this.addOverride('check', {
      subnets_in_vpc: {
        assert: [
          {
            condition: '${alltrue([for s in data.aws_subnet.endpoint : s.vpc_id == var.vpc_id])}',
            error_message:
              'These subnets are not in VPC ${var.vpc_id}: ${join(", ", [for id, s in data.aws_subnet.endpoint : "${id} (in ${s.vpc_id})" if s.vpc_id != var.vpc_id])}. Endpoint creation will fail; pick subnets of the VPC.',
          },
        ],
      },
    });
    // Endpoints of this very stack (same Stack and Lab tags) are ours on a re-plan, not a conflict.
    const ownStack = hcl(this.node.id);
    const ownLab = hcl(this.config.labName);
    new TerraformLocal(
      this,
      'conflicting_endpoints',
      `\${[for e in data.aws_vpc_endpoint.existing : e if e.private_dns_enabled && contains([for s in var.services : "com.amazonaws.\${data.aws_region.current.name}.\${s}"], e.service_name) && !(lookup(e.tags, "Stack", "") == ${ownStack} && lookup(e.tags, "Lab", "") == ${ownLab})]}`,
    );
    // AWS refuses a second private-DNS endpoint for a service in a VPC ("conflicting DNS domain")
    // only after the security group exists: stop the plan instead, on the first resource created.
    addPrecondition(securityGroup, {
      condition: '${length(local.conflicting_endpoints) == 0}',
      errorMessage:
        'VPC ${var.vpc_id} already has Interface endpoints with private DNS for ${join(", ", [for e in local.conflicting_endpoints : e.service_name])} (${join(", ", [for e in local.conflicting_endpoints : e.id])}); AWS refuses a second one for the same service ("conflicting DNS domain") after this stack has started creating. Fix: use the existing endpoints (allow 443 from your instances on their security group) and do not deploy this stack into that VPC; or, when only ec2messages conflicts, drop it from var.services.',
    });
  }

  /** With a ttl: a one-time schedule deletes exactly these endpoints, a second removes both schedules. */
  private addExpiry(): void {
    // After the deadline the endpoints are gone but the window's deadline stays in state (fixed at
    // first apply). A deploy then would re-create billable endpoints with one-time schedules in the
    // past, which Scheduler refuses after the endpoints exist: stop the plan before that instead.
    // (Terraform checks conditions only for resources it keeps or creates; destroy is never blocked.)
    const stillOpen = {
      condition: `\${var.ttl == "" || try(timecmp(local.deadline, timeadd(plantimestamp(), "${DEADLINE_MARGIN_MINUTES}m")) > 0, true)}`,
      errorMessage: `This ssm-endpoints window ended at \${coalesce(local.deadline, "(no deadline)")} (ttl \${var.ttl}): its endpoints were deleted then, and deploying again would re-create them with an expiry in the past, which EventBridge Scheduler refuses. Start a new window: destroy the stack (npx cdktf destroy ${this.node.id} with the same --var inputs), then deploy it again; or deploy with another spelling of the same ttl (e.g. 240m for 4h), which starts a new window from now.`,
    };
    for (const endpoint of [...this.endpoints.interfaceEndpoints, ...(this.endpoints.s3GatewayEndpoint ? [this.endpoints.s3GatewayEndpoint] : [])]) {
      addPrecondition(endpoint, stillOpen);
    }

    // Raw HCL: these names are fixed by overrideLogicalId above.
    const partition = '${data.aws_partition.current.partition}';
    const region = '${data.aws_region.current.name}';
    const enabled = '${var.ttl == "" ? 0 : 1}';
    const namePrefix = `${this.config.labName}-endpoints-expiry-`; // ≤ 38 characters, IAM's limit for a role name prefix
    const group = new SchedulerScheduleGroup(this, 'expiry-group', { namePrefix, tags: this.expiryTags });
    group.overrideLogicalId('expiry');
    group.addOverride('count', enabled);
    const groupName = '${one(aws_scheduler_schedule_group.expiry[*].name)}';
    const groupNameInHcl = 'one(aws_scheduler_schedule_group.expiry[*].name)';

    // Confused-deputy guard: only schedules of this group may assume the role (Scheduler sets
    // aws:SourceArn to the group's ARN; the schedule form is accepted too, as the docs vary).
    const role = new IamRole(this, 'expiry-role', {
      namePrefix,
      description: 'EventBridge Scheduler: delete the temporary Session Manager endpoints at their deadline',
      assumeRolePolicy: `\${jsonencode({
  Version = "2012-10-17"
  Statement = [{
    Effect    = "Allow"
    Principal = { Service = "scheduler.amazonaws.com" }
    Action    = "sts:AssumeRole"
    Condition = { ArnLike = { "aws:SourceArn" = [
      "arn:${partition}:scheduler:${region}:*:schedule-group/${'${'}${groupNameInHcl}}",
      "arn:${partition}:scheduler:${region}:*:schedule/${'${'}${groupNameInHcl}}/*",
    ] } }
  }]
})}`,
      tags: this.expiryTags,
    });
    role.overrideLogicalId('expiry');
    role.addOverride('count', enabled);

    // Exactly what the two calls need, per the Service Authorization Reference: DeleteVpcEndpoints
    // authorizes ec2:DeleteVpcEndpoints on each vpc-endpoint; DeleteScheduleGroup authorizes
    // scheduler:DeleteScheduleGroup on the group plus scheduler:DeleteSchedule on its schedules.
    const policy = new IamRolePolicy(this, 'expiry-policy', {
      name: 'delete-these-endpoints-only',
      role: '${aws_iam_role.expiry[0].id}',
      policy: `\${jsonencode({
  Version = "2012-10-17"
  Statement = [
    {
      Sid      = "DeleteTheseEndpoints"
      Effect   = "Allow"
      Action   = "ec2:DeleteVpcEndpoints"
      Resource = [for id in local.endpoint_ids : "arn:${partition}:ec2:${region}:*:vpc-endpoint/\${id}"]
    },
    {
      Sid      = "DeleteTheExpiryGroup"
      Effect   = "Allow"
      Action   = "scheduler:DeleteScheduleGroup"
      Resource = "arn:${partition}:scheduler:${region}:*:schedule-group/${'${'}${groupNameInHcl}}"
    },
    {
      Sid      = "DeleteTheGroupsSchedules"
      Effect   = "Allow"
      Action   = "scheduler:DeleteSchedule"
      Resource = "arn:${partition}:scheduler:${region}:*:schedule/${'${'}${groupNameInHcl}}/*"
    }
  ]
})}`,
    });
    policy.overrideLogicalId('expiry');
    policy.addOverride('count', enabled);
    new TerraformLocal(this, 'local-endpoint-ids', `\${${this.endpoints.allEndpointIdsHcl}}`).overrideLogicalId('endpoint_ids');

    const schedule = (id: string, offsetMinutes: number, api: string, input: string, description: string): TerraformResource => {
      const resource = new SchedulerSchedule(this, id, {
        namePrefix: `${id}-`,
        groupName,
        description,
        scheduleExpression: `at(\${formatdate("YYYY-MM-DD'T'hh:mm:ss", timeadd(local.deadline, "${offsetMinutes}m"))})`,
        scheduleExpressionTimezone: 'UTC',
        flexibleTimeWindow: { mode: 'OFF' },
        target: { arn: `arn:${partition}:scheduler:::aws-sdk:${api}`, roleArn: '${aws_iam_role.expiry[0].arn}', input },
      });
      resource.overrideLogicalId(id.replace(/-/g, '_'));
      resource.addOverride('count', enabled);
      resource.addOverride('depends_on', ['aws_iam_role_policy.expiry']);
      return resource;
    };
    schedule('delete-endpoints', 0, 'ec2:deleteVpcEndpoints', '${jsonencode({ VpcEndpointIds = local.endpoint_ids })}', 'Delete the temporary Session Manager endpoints at their deadline');
    schedule(
      'delete-expiry-schedules',
      CLEANUP_DELAY_MINUTES,
      'scheduler:deleteScheduleGroup',
      '${jsonencode({ Name = one(aws_scheduler_schedule_group.expiry[*].name) })}',
      'Remove both expiry schedules (the whole group) once the endpoints are gone',
    );
  }

  private addOutputs(region: string): void {
    this.output('endpoint_ids', this.endpoints.endpointIdsByService, 'Interface endpoint id per service');
    this.output('endpoint_dns_names', this.endpoints.dnsNamesByService, 'Regional DNS name per Interface endpoint');
    // Never null: cdktf-cli 0.21 crashes printing outputs when `terraform output -json` omits one.
    this.output('s3_gateway_endpoint_id', '${join("", aws_vpc_endpoint.s3_gateway[*].id)}', 'S3 gateway endpoint id (empty when no route tables were given)');
    this.output('security_group_id', this.endpoints.securityGroup.id, 'Endpoint security group (inbound 443 from the allowed sources)');
    this.output('expires_at', `\${var.ttl == "" ? "never: run npx cdktf destroy ${this.node.id} when done" : local.deadline}`, 'When the endpoints delete themselves (ISO 8601 UTC)');
    this.output(
      'next_steps',
      `The SSM Agent reconnects within a few minutes (it backs off between retries; rebooting the instance hurries it). Then: aws ssm start-session --target <instance-id> --region ${region}. When done: npx cdktf destroy ${this.node.id} with the same --var inputs.`,
      'What to do now',
    );
  }
}
