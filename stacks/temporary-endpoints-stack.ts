import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { Construct } from 'constructs';
import { EndpointExpiry, TimeToLive } from '../lib/endpoint-expiry';
import { EndpointPreflight } from '../lib/endpoint-preflight';
import { SessionManagerEndpoints } from '../lib/session-manager-endpoints';
import { REGION_FROM_VARIABLE, TemporaryEndpointsInputs, ttlMinutesHcl } from '../lib/temporary-endpoints-inputs';
import { addressOf } from '../lib/terraform-address';
import { LabStack, LabStackProps } from './lab-stack';

/** `Name` prefix of the temporary endpoints' resources: the lab name first, like every other lab resource. */
export function temporaryEndpointsName(labName: string): string {
  return `${labName}-temporary`;
}

/** Name prefix of the expiry schedule group and role (≤ 38 characters, IAM's limit for a role name prefix). */
export function expiryNamePrefix(labName: string): string {
  return `${labName}-endpoints-expiry-`;
}

/**
 * `ssm-endpoints`: Session Manager for an existing VPC during a maintenance window. Creates only
 * the endpoint security group, the Interface endpoints (private DNS), an optional S3 gateway
 * endpoint and, with a time to live, what deletes them at the deadline. Inputs are Terraform
 * variables validated by Terraform itself; nothing refers to a lab stack.
 */
export class TemporaryEndpointsStack extends LabStack {
  readonly inputs: TemporaryEndpointsInputs;
  readonly timeToLive: TimeToLive;
  readonly endpoints: SessionManagerEndpoints;
  readonly preflight: EndpointPreflight;
  readonly expiry: EndpointExpiry;

  constructor(scope: Construct, id: string, props: Omit<LabStackProps, 'region'>) {
    super(scope, id, { ...props, region: REGION_FROM_VARIABLE });
    this.addOverride('terraform.required_version', '>= 1.9.0'); // validations that refer to other variables
    const { config } = props;
    const destroyCommand = `npx cdktf destroy ${id}`;

    this.inputs = new TemporaryEndpointsInputs(this, 'inputs');
    const region = new DataAwsRegion(this, 'current-region', {});
    region.overrideLogicalId('current');
    this.timeToLive = new TimeToLive(this, 'time-to-live', {
      ttl: this.inputs.ttl,
      ttlMinutesHcl: ttlMinutesHcl(addressOf(this.inputs.ttl)),
    });

    this.endpoints = new SessionManagerEndpoints(this, 'endpoints', {
      name: temporaryEndpointsName(config.labName),
      vpcId: this.inputs.vpcId.stringValue,
      subnetIds: this.inputs.subnetIds.listValue,
      region: region.name,
      services: this.inputs.services.listValue,
      allowedSecurityGroupIds: this.inputs.allowedSecurityGroupIds.listValue,
      allowedCidrs: this.inputs.allowedCidrs.listValue,
      s3GatewayRouteTableIds: this.inputs.s3GatewayRouteTableIds.listValue,
      tags: this.timeToLive.tags,
      shortLogicalIds: true, // aws_vpc_endpoint.interface["ssm"] reads well in a plan
    });

    this.preflight = new EndpointPreflight(this, 'preflight', {
      vpcId: this.inputs.vpcId,
      subnetIds: this.inputs.subnetIds,
      services: this.inputs.services,
      lookups: this.inputs.preflightLookups,
      regionHcl: `${addressOf(region)}.name`,
      // The first resource created: one clear error, before anything exists.
      guarded: this.endpoints.securityGroup,
      // Endpoints of this very stack (same Stack and Lab tags) are ours on a re-plan, not a conflict.
      ownTags: { Stack: id, Lab: config.labName },
    });

    this.expiry = new EndpointExpiry(this, 'expiry', {
      timeToLive: this.timeToLive,
      endpoints: this.endpoints,
      namePrefix: expiryNamePrefix(config.labName),
      region: region.name,
      destroyCommand,
      stackName: id,
    });

    this.output('endpoint_ids', this.endpoints.endpointIdsByService, 'Interface endpoint id per service');
    this.output('endpoint_dns_names', this.endpoints.dnsNamesByService, 'Regional DNS name per Interface endpoint');
    // Never null: cdktf-cli 0.21 crashes printing outputs when `terraform output -json` omits one.
    this.output(
      's3_gateway_endpoint_id',
      this.endpoints.s3GatewayEndpointIdOrEmpty,
      'S3 gateway endpoint id (empty when no route tables were given)',
    );
    this.output(
      'security_group_id',
      this.endpoints.securityGroup.id,
      'Endpoint security group (inbound 443 from the allowed sources)',
    );
    this.output(
      'expires_at',
      `\${${addressOf(this.inputs.ttl)} == "" ? "never: run ${destroyCommand} when done" : ${this.timeToLive.deadlineHcl}}`,
      'When the endpoints delete themselves (ISO 8601 UTC)',
    );
    this.output(
      'next_steps',
      `The SSM Agent reconnects within a few minutes (it backs off between retries; rebooting the instance hurries it). Then: aws ssm start-session --target <instance-id> --region ${region.name}. When done: ${destroyCommand} with the same --var inputs.`,
      'What to do now',
    );
  }
}
