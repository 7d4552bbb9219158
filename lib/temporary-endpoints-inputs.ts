/**
 * The input contract of the temporary Session Manager endpoints: Terraform variables (the
 * `--var` names of `cdktf deploy ssm-endpoints`), each validated by Terraform itself so that a bad
 * value stops `terraform plan` with a message naming the variable, the value and what is expected.
 */
import { TerraformVariable, TerraformVariableConfig } from 'cdktf';
import { Construct } from 'constructs';
import { NARROWEST_ANYWHERE_IPV4_PREFIX } from './cidr';
import {
  ALL_SESSION_MANAGER_SERVICES,
  DEFAULT_SESSION_MANAGER_SERVICES,
  REQUIRED_SESSION_MANAGER_SERVICES,
} from './endpoint-services';
import { REGION_PATTERN } from './config';
import { hclString } from './terraform-address';

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

/** The provider's region: the `region` variable if set, else null (the usual AWS settings). */
export const REGION_FROM_VARIABLE = `\${var.${EndpointsVariable.REGION} != "" ? var.${EndpointsVariable.REGION} : null}`;

/** Shortest and longest time to live: the schedule must lie in the future when it is created. */
export const TTL_MIN_MINUTES = 15;
export const TTL_MAX_MINUTES = 7 * 24 * 60;

/** Minutes in a ttl such as `90m`, `4h` or `2d`, as HCL over the expression `ttl`. */
export function ttlMinutesHcl(ttl: string): string {
  return `tonumber(regex("^[0-9]+", ${ttl})) * lookup({ m = 1, h = 60, d = 1440 }, substr(${ttl}, -1, 1), 0)`;
}

const hclList = (values: readonly string[]) => `[${values.map(hclString).join(', ')}]`;
const AWS_ID = (prefix: string) => `^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`;

/**
 * Declares the variables under their contract names, whatever the construct's place in the tree.
 * `vpcId` has no default; everything else does.
 */
export class TemporaryEndpointsInputs extends Construct {
  readonly vpcId: TerraformVariable;
  readonly subnetIds: TerraformVariable;
  readonly allowedSecurityGroupIds: TerraformVariable;
  readonly allowedCidrs: TerraformVariable;
  readonly services: TerraformVariable;
  readonly s3GatewayRouteTableIds: TerraformVariable;
  /** Empty, or `90m` / `4h` / `2d`. */
  readonly ttl: TerraformVariable;
  /** Empty: the usual AWS settings. */
  readonly region: TerraformVariable;
  /** false: no AWS lookups at plan time. */
  readonly preflightLookups: TerraformVariable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const E = EndpointsVariable;
    this.vpcId = this.variable(E.VPC_ID, {
      type: 'string',
      description: 'The existing VPC that gets the endpoints (vpc-…). Needs DNS support and DNS hostnames on.',
      validation: [
        {
          condition: `\${can(regex(${hclString(AWS_ID('vpc'))}, var.${E.VPC_ID}))}`,
          errorMessage: `${E.VPC_ID} must be a VPC id such as vpc-0123456789abcdef0; got "\${var.${E.VPC_ID}}".`,
        },
      ],
    });
    this.subnetIds = this.variable(E.SUBNET_IDS, {
      type: 'list(string)',
      description:
        'Subnets for the endpoint network interfaces, any the instances can reach; at most one per Availability Zone.',
      validation: [
        {
          condition: `\${length(var.${E.SUBNET_IDS}) >= 1 && length(var.${E.SUBNET_IDS}) <= 16 && alltrue([for id in var.${E.SUBNET_IDS} : can(regex(${hclString(AWS_ID('subnet'))}, id))]) && length(distinct(var.${E.SUBNET_IDS})) == length(var.${E.SUBNET_IDS})}`,
          errorMessage: `${E.SUBNET_IDS} must list 1 to 16 distinct subnet ids such as subnet-0123456789abcdef0, at most one per Availability Zone (Interface endpoints refuse two subnets of the same AZ); got \${jsonencode(var.${E.SUBNET_IDS})}.`,
        },
      ],
    });
    this.allowedSecurityGroupIds = this.idList(
      E.ALLOWED_SECURITY_GROUP_IDS,
      'sg',
      'security group ids',
      ' of the instances that open sessions; each gets inbound 443 on the endpoint security group',
    );
    this.allowedCidrs = this.variable(E.ALLOWED_CIDRS, {
      type: 'list(string)',
      default: [],
      description:
        'IPv4 ranges allowed to reach the endpoints on 443, for instances whose security group you cannot name.',
      validation: [
        {
          condition: `\${alltrue([for cidr in var.${E.ALLOWED_CIDRS} : can(regex("^[0-9]{1,3}(\\\\.[0-9]{1,3}){3}/[0-9]{1,2}$", cidr)) && can(cidrhost(cidr, 0)) && try(cidrhost(cidr, 0) == split("/", cidr)[0], false)])}`,
          errorMessage: `${E.ALLOWED_CIDRS} must be IPv4 CIDR blocks with no host bits set, such as 10.0.2.0/24; got \${jsonencode(var.${E.ALLOWED_CIDRS})}.`,
        },
        {
          // The same rule as guardrail SSMLAB-SG-1 (lib/cidr.ts anywhereReason): a range wider than
          // /8 is anywhere, and so are ranges that add up to all of IPv4 (counted with overlaps, so
          // only a list that could cover everything is refused).
          condition: `\${alltrue([for cidr in var.${E.ALLOWED_CIDRS} : try(tonumber(split("/", cidr)[1]) >= ${NARROWEST_ANYWHERE_IPV4_PREFIX}, true)]) && sum(concat([0], [for cidr in var.${E.ALLOWED_CIDRS} : try(pow(2, 32 - tonumber(split("/", cidr)[1])), 0)])) < pow(2, 32)}`,
          errorMessage: `${E.ALLOWED_CIDRS} must not open the endpoints to anywhere (guardrail SSMLAB-SG-1): each range /${NARROWEST_ANYWHERE_IPV4_PREFIX} or narrower, and together less than all of IPv4; name the VPC's or the instances' range instead, such as 10.0.0.0/16; got \${jsonencode(var.${E.ALLOWED_CIDRS})}.`,
        },
        {
          condition: `\${length(var.${E.ALLOWED_CIDRS}) + length(var.${E.ALLOWED_SECURITY_GROUP_IDS}) > 0}`,
          errorMessage: `Name who may connect: at least one of ${E.ALLOWED_SECURITY_GROUP_IDS} (the instances' security groups) or ${E.ALLOWED_CIDRS}; both are empty.`,
        },
      ],
    });
    const required = REQUIRED_SESSION_MANAGER_SERVICES;
    this.services = this.variable(E.SERVICES, {
      type: 'list(string)',
      default: [...DEFAULT_SESSION_MANAGER_SERVICES],
      description: `Interface endpoints to create: ${required.join(' and ')} are required (SSM Agent 3.3.40+); add ec2messages for older agents.`,
      validation: [
        {
          condition: `\${alltrue([for s in var.${E.SERVICES} : contains(${hclList(ALL_SESSION_MANAGER_SERVICES)}, s)]) && ${required.map((service) => `contains(var.${E.SERVICES}, ${hclString(service)})`).join(' && ')} && length(distinct(var.${E.SERVICES})) == length(var.${E.SERVICES})}`,
          errorMessage: `${E.SERVICES} must be distinct names from ${ALL_SESSION_MANAGER_SERVICES.join(', ')}, including ${required.join(' and ')}; got \${jsonencode(var.${E.SERVICES})}.`,
        },
      ],
    });
    this.s3GatewayRouteTableIds = this.idList(
      E.S3_GATEWAY_ROUTE_TABLE_IDS,
      'rtb',
      'route table ids',
      ' that get an S3 gateway endpoint (free; SSM Agent updates and dnf). Empty: no S3 endpoint',
    );
    const ttlMinutes = ttlMinutesHcl(`var.${E.TTL}`);
    this.ttl = this.variable(E.TTL, {
      type: 'string',
      default: '',
      description: `Time to live such as 90m, 4h or 2d (${TTL_MIN_MINUTES}m to 7d): the endpoints delete themselves then. Empty: no expiry.`,
      validation: [
        {
          condition: `\${var.${E.TTL} == "" ? true : try(can(regex("^[1-9][0-9]*[mhd]$", var.${E.TTL})) && ${ttlMinutes} >= ${TTL_MIN_MINUTES} && ${ttlMinutes} <= ${TTL_MAX_MINUTES}, false)}`,
          errorMessage: `${E.TTL} must be empty (no expiry) or a whole number of minutes, hours or days such as 90m, 4h or 2d, from ${TTL_MIN_MINUTES}m to 7d; got "\${var.${E.TTL}}".`,
        },
      ],
    });
    this.region = this.variable(E.REGION, {
      type: 'string',
      default: '',
      description:
        'AWS region of the VPC. Empty: the usual AWS settings (AWS_REGION, AWS_DEFAULT_REGION, the profile).',
      validation: [
        {
          condition: `\${var.${E.REGION} == "" || can(regex(${hclString(REGION_PATTERN.source)}, var.${E.REGION}))}`,
          errorMessage: `${E.REGION} must be empty (use the AWS settings) or a region name such as ap-northeast-1; got "\${var.${E.REGION}}".`,
        },
      ],
    });
    this.preflightLookups = this.variable(E.PREFLIGHT_LOOKUPS, {
      type: 'bool',
      default: true,
      description:
        'Read the VPC, subnets and existing endpoints at plan time to fail or warn early. false: no AWS lookups (offline review).',
    });
  }

  private variable(name: string, props: TerraformVariableConfig): TerraformVariable {
    const variable = new TerraformVariable(this, name, { nullable: false, ...props });
    variable.overrideLogicalId(name);
    return variable;
  }

  /** A list of distinct AWS ids with one prefix (`sg-…`, `rtb-…`), empty by default. */
  private idList(name: string, prefix: string, what: string, extra: string): TerraformVariable {
    return this.variable(name, {
      type: 'list(string)',
      default: [],
      description: `${what} (${prefix}-…)${extra}`,
      validation: [
        {
          condition: `\${alltrue([for id in var.${name} : can(regex(${hclString(AWS_ID(prefix))}, id))]) && length(distinct(var.${name})) == length(var.${name})}`,
          errorMessage: `${name} must be distinct ${what} such as ${prefix}-0123456789abcdef0; got \${jsonencode(var.${name})}.`,
        },
      ],
    });
  }
}
