import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import {
  DEFAULT_SESSION_MANAGER_SERVICES,
  endpointServiceName,
  isSessionManagerService,
  SessionManagerService,
} from './endpoint-services';

export const HTTPS_PORT = 443;

export interface SessionManagerEndpointsProps {
  /** `Name` tag prefix of the security group and endpoints. */
  readonly name: string;
  readonly vpcId: string;
  /** Subnets for the endpoint network interfaces: at most one per Availability Zone. */
  readonly subnetIds: string[];
  /** Region of the VPC; part of every endpoint service name. */
  readonly region: string;
  /**
   * Interface endpoints to create.
   * @default DEFAULT_SESSION_MANAGER_SERVICES (ssm, ssmmessages)
   */
  readonly services?: readonly SessionManagerService[];
  /**
   * Security groups of the instances that open sessions; each gets an inbound 443 rule by SG
   * reference (the least-privilege form the articles recommend).
   * @default [] — then `allowedCidrs` must name at least one source
   */
  readonly allowedSecurityGroupIds?: string[];
  /**
   * Address ranges allowed to reach the endpoints on 443, for instances whose SG cannot be named.
   * @default []
   */
  readonly allowedCidrs?: string[];
  /**
   * Private DNS, so `ssm.<region>.amazonaws.com` resolves to the endpoints inside the VPC.
   * Needs both DNS support and DNS hostnames on the VPC.
   * @default true
   */
  readonly privateDnsEnabled?: boolean;
  /**
   * Extra tags on every resource (e.g. an expiry deadline).
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

/**
 * The Interface endpoints Session Manager needs, with private DNS, and their own security group
 * that accepts HTTPS only from the named instance security groups or CIDRs. Nothing else in the
 * VPC changes, so destroying it leaves the VPC as it was.
 */
export class SessionManagerEndpoints extends Construct {
  readonly securityGroup: SecurityGroup;
  /** Endpoints by service, in the order of `services`. */
  readonly endpoints: ReadonlyMap<SessionManagerService, VpcEndpoint>;
  readonly services: readonly SessionManagerService[];

  constructor(scope: Construct, id: string, props: SessionManagerEndpointsProps) {
    super(scope, id);
    this.services = props.services ?? DEFAULT_SESSION_MANAGER_SERVICES;
    const allowedSecurityGroupIds = props.allowedSecurityGroupIds ?? [];
    const allowedCidrs = props.allowedCidrs ?? [];
    const tags = props.tags ?? {};
    validate(props.name, this.services, allowedSecurityGroupIds, allowedCidrs);

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: `${props.name}-endpoints`,
      description: 'Session Manager VPC endpoints: HTTPS from the allowed instances only',
      vpcId: props.vpcId,
      tags: { ...tags, Name: `${props.name}-endpoints` },
    });

    allowedSecurityGroupIds.forEach((groupId, index) => {
      new VpcSecurityGroupIngressRule(this, `https-from-security-group-${index}`, {
        securityGroupId: this.securityGroup.id,
        description: 'HTTPS from the instance security group (SSM Agent to Systems Manager)',
        ipProtocol: 'tcp',
        fromPort: HTTPS_PORT,
        toPort: HTTPS_PORT,
        referencedSecurityGroupId: groupId,
        tags: { ...tags, Name: `${props.name}-https-from-sg-${index}` },
      });
    });
    allowedCidrs.forEach((cidr, index) => {
      new VpcSecurityGroupIngressRule(this, `https-from-cidr-${index}`, {
        securityGroupId: this.securityGroup.id,
        description: `HTTPS from ${cidr} (SSM Agent to Systems Manager)`,
        ipProtocol: 'tcp',
        fromPort: HTTPS_PORT,
        toPort: HTTPS_PORT,
        cidrIpv4: cidr,
        tags: { ...tags, Name: `${props.name}-https-from-cidr-${index}` },
      });
    });

    const endpoints = new Map<SessionManagerService, VpcEndpoint>();
    for (const service of this.services) {
      endpoints.set(
        service,
        new VpcEndpoint(this, `${service}-endpoint`, {
          vpcId: props.vpcId,
          serviceName: endpointServiceName(props.region, service),
          vpcEndpointType: 'Interface',
          privateDnsEnabled: props.privateDnsEnabled ?? true,
          subnetIds: props.subnetIds,
          securityGroupIds: [this.securityGroup.id],
          tags: { ...tags, Name: `${props.name}-${service}` },
        }),
      );
    }
    this.endpoints = endpoints;
  }
}

function validate(
  name: string,
  services: readonly string[],
  allowedSecurityGroupIds: readonly string[],
  allowedCidrs: readonly string[],
): void {
  if (services.length === 0) throw new Error(`SessionManagerEndpoints ${name}: services must name at least one service`);
  const unknown = services.filter((service) => !isSessionManagerService(service));
  if (unknown.length > 0) {
    throw new Error(`SessionManagerEndpoints ${name}: unknown service(s) ${unknown.join(', ')}; expected ssm, ssmmessages or ec2messages`);
  }
  if (new Set(services).size !== services.length) {
    throw new Error(`SessionManagerEndpoints ${name}: services lists a service twice (${services.join(', ')})`);
  }
  if (allowedSecurityGroupIds.length === 0 && allowedCidrs.length === 0) {
    throw new Error(`SessionManagerEndpoints ${name}: allowedSecurityGroupIds or allowedCidrs must name at least one source of HTTPS`);
  }
}
