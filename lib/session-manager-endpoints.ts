import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, IResolvable, TerraformIterator, TerraformResource, Token } from 'cdktf';
import { Construct } from 'constructs';
import { addressOf } from './terraform-address';
import {
  DEFAULT_SESSION_MANAGER_SERVICES,
  endpointServiceName,
  isSessionManagerService,
  S3_GATEWAY_SERVICE,
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
   * Interface endpoints to create: a fixed list (one resource each, checked here), or a
   * Terraform list token such as a variable (one `for_each` resource; validate it in Terraform).
   * @default DEFAULT_SESSION_MANAGER_SERVICES (ssm, ssmmessages)
   */
  readonly services?: readonly SessionManagerService[] | string[];
  /**
   * Security groups of the instances that open sessions; each gets an inbound 443 rule by SG
   * reference (the least-privilege form). A list token is allowed.
   * @default [] — then `allowedCidrs` must name at least one source
   */
  readonly allowedSecurityGroupIds?: string[];
  /**
   * Address ranges allowed to reach the endpoints on 443, for instances whose SG cannot be named.
   * A list token is allowed.
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
   * Route tables that get an S3 **gateway** endpoint (free; SSM Agent updates and dnf reach S3
   * through it). A list token is allowed; an empty list creates none.
   * @default [] — no S3 gateway endpoint
   */
  readonly s3GatewayRouteTableIds?: string[];
  /**
   * Extra tags on every resource (e.g. an expiry deadline). A map token is allowed.
   * @default {}
   */
  readonly tags?: Record<string, string>;
  /**
   * Short Terraform addresses (`aws_security_group.endpoints`, `aws_vpc_endpoint.interface`, …)
   * for readable plans. Only for a stack that holds one such construct.
   * @default false — construct-path ids with a hash suffix, unique anywhere
   */
  readonly shortLogicalIds?: boolean;
}

/**
 * The Interface endpoints Session Manager needs, with private DNS, and their own security group
 * that accepts HTTPS only from the named instance security groups or CIDRs. Nothing else in the
 * VPC changes, so destroying it leaves the VPC as it was.
 */
export class SessionManagerEndpoints extends Construct {
  readonly securityGroup: SecurityGroup;
  /** The inbound 443 rules of the endpoint security group. */
  readonly ingressRules: VpcSecurityGroupIngressRule[] = [];
  /** Every Interface endpoint resource (one per service, or one `for_each` resource). */
  readonly interfaceEndpoints: readonly VpcEndpoint[];
  /** The S3 gateway endpoint, when route tables were given (`count`ed when they are a token). */
  readonly s3GatewayEndpoint?: VpcEndpoint;
  /** Map of service → endpoint id, as a Terraform expression. */
  readonly endpointIdsByService: IResolvable | Record<string, string>;
  /** Map of service → the endpoint's first DNS name, as a Terraform expression. */
  readonly dnsNamesByService: IResolvable | Record<string, string>;
  /** Ids of every endpoint this construct made, Interface and gateway, as an HCL list expression (no `${}`). */
  readonly allEndpointIdsHcl: string;
  /** The S3 gateway endpoint's id, or "" when there is none: never null, so an output of it always prints. */
  readonly s3GatewayEndpointIdOrEmpty: string;
  private readonly name: string;
  private readonly tags: Record<string, string>;
  private readonly shortLogicalIds: boolean;

  constructor(scope: Construct, id: string, props: SessionManagerEndpointsProps) {
    super(scope, id);
    this.name = props.name;
    this.tags = props.tags ?? {};
    this.shortLogicalIds = props.shortLogicalIds ?? false;
    const services = props.services ?? DEFAULT_SESSION_MANAGER_SERVICES;
    const allowedSecurityGroupIds = props.allowedSecurityGroupIds ?? [];
    const allowedCidrs = props.allowedCidrs ?? [];
    validate(props.name, services, allowedSecurityGroupIds, allowedCidrs);

    // A name prefix, as in LabInstance: an orphaned group must not block the next apply.
    this.securityGroup = new SecurityGroup(this, 'security-group', {
      namePrefix: `${props.name}-endpoints-`,
      lifecycle: { createBeforeDestroy: true },
      description: 'Session Manager VPC endpoints: HTTPS from the allowed instances only',
      vpcId: props.vpcId,
      tags: this.tagsNamed(`${props.name}-endpoints`),
    });
    this.shortId(this.securityGroup, 'endpoints');

    this.addIngress('https-from-security-group', allowedSecurityGroupIds, (source) => ({
      description: 'HTTPS from an instance security group (SSM Agent to Systems Manager)',
      referencedSecurityGroupId: source,
    }));
    this.addIngress('https-from-cidr', allowedCidrs, (source) => ({
      description: 'HTTPS from an allowed address range (SSM Agent to Systems Manager)',
      cidrIpv4: source,
    }));

    const endpointProps = {
      vpcId: props.vpcId,
      vpcEndpointType: 'Interface',
      privateDnsEnabled: props.privateDnsEnabled ?? true,
      subnetIds: props.subnetIds,
      securityGroupIds: [this.securityGroup.id],
    };
    if (Token.isUnresolved(services)) {
      const service = TerraformIterator.fromList(services as string[]);
      const endpoint = new VpcEndpoint(this, 'interface-endpoints', {
        ...endpointProps,
        forEach: service,
        serviceName: endpointServiceName(props.region, service.value),
        tags: this.tagsNamed(`${props.name}-${service.value}`),
      });
      this.shortId(endpoint, 'interface');
      const each = TerraformIterator.fromResources(endpoint);
      this.interfaceEndpoints = [endpoint];
      this.endpointIdsByService = each.forExpressionForMap('key', 'val.id');
      this.dnsNamesByService = each.forExpressionForMap('key', 'val.dns_entry[0].dns_name');
      this.allEndpointIdsHcl = `[for key, val in ${addressOf(endpoint)} : val.id]`;
    } else {
      const endpoints = (services as readonly string[]).map(
        (service) =>
          [
            service,
            new VpcEndpoint(this, `${service}-endpoint`, {
              ...endpointProps,
              serviceName: endpointServiceName(props.region, service),
              tags: this.tagsNamed(`${props.name}-${service}`),
            }),
          ] as const,
      );
      this.interfaceEndpoints = endpoints.map(([, endpoint]) => endpoint);
      this.endpointIdsByService = Object.fromEntries(endpoints.map(([service, endpoint]) => [service, endpoint.id]));
      this.dnsNamesByService = Object.fromEntries(
        endpoints.map(([service, endpoint]) => [service, endpoint.dnsEntry.get(0).dnsName]),
      );
      this.allEndpointIdsHcl = `[${endpoints.map(([, endpoint]) => `${addressOf(endpoint)}.id`).join(', ')}]`;
    }

    const routeTableIds = props.s3GatewayRouteTableIds ?? [];
    const dynamicRouteTables = Token.isUnresolved(routeTableIds);
    if (dynamicRouteTables || routeTableIds.length > 0) {
      this.s3GatewayEndpoint = new VpcEndpoint(this, 's3-gateway-endpoint', {
        vpcId: props.vpcId,
        serviceName: endpointServiceName(props.region, S3_GATEWAY_SERVICE),
        vpcEndpointType: 'Gateway',
        routeTableIds,
        tags: this.tagsNamed(`${props.name}-s3-gateway`),
      });
      this.shortId(this.s3GatewayEndpoint, 's3_gateway');
      if (dynamicRouteTables) {
        this.s3GatewayEndpoint.addOverride('count', `\${length(${Token.asString(routeTableIds)}) > 0 ? 1 : 0}`);
        this.allEndpointIdsHcl = `concat(${this.allEndpointIdsHcl}, ${addressOf(this.s3GatewayEndpoint)}[*].id)`;
        this.s3GatewayEndpointIdOrEmpty = `\${join("", ${addressOf(this.s3GatewayEndpoint)}[*].id)}`;
      } else {
        this.allEndpointIdsHcl = `concat(${this.allEndpointIdsHcl}, [${addressOf(this.s3GatewayEndpoint)}.id])`;
        this.s3GatewayEndpointIdOrEmpty = this.s3GatewayEndpoint.id;
      }
    } else {
      this.s3GatewayEndpointIdOrEmpty = '';
    }
  }

  private shortId(resource: TerraformResource, logicalId: string): void {
    if (this.shortLogicalIds) resource.overrideLogicalId(logicalId);
  }

  private tagsNamed(name: string): Record<string, string> {
    if (Token.isUnresolved(this.tags)) return Token.asStringMap(Fn.merge([this.tags, { Name: name }]));
    return { ...this.tags, Name: name };
  }

  private addIngress(
    id: string,
    sources: string[],
    rule: (source: string) => { description: string; referencedSecurityGroupId?: string; cidrIpv4?: string },
  ): void {
    const common = {
      securityGroupId: this.securityGroup.id,
      ipProtocol: 'tcp',
      fromPort: HTTPS_PORT,
      toPort: HTTPS_PORT,
    };
    if (Token.isUnresolved(sources)) {
      const source = TerraformIterator.fromList(sources);
      const resource = new VpcSecurityGroupIngressRule(this, id, {
        ...common,
        ...rule(source.value),
        forEach: source,
        tags: this.tagsNamed(`${this.name}-${id}`),
      });
      this.shortId(resource, id.replace(/-/g, '_'));
      this.ingressRules.push(resource);
      return;
    }
    sources.forEach((source, index) => {
      this.ingressRules.push(
        new VpcSecurityGroupIngressRule(this, `${id}-${index}`, {
          ...common,
          ...rule(source),
          tags: this.tagsNamed(`${this.name}-${id}-${index}`),
        }),
      );
    });
  }
}

function validate(
  name: string,
  services: readonly string[],
  allowedSecurityGroupIds: readonly string[],
  allowedCidrs: readonly string[],
): void {
  if (!Token.isUnresolved(services)) {
    if (services.length === 0)
      throw new Error(`SessionManagerEndpoints ${name}: services must name at least one service`);
    const unknown = services.filter((service) => !isSessionManagerService(service));
    if (unknown.length > 0) {
      throw new Error(
        `SessionManagerEndpoints ${name}: unknown service(s) ${unknown.join(', ')}; expected ssm, ssmmessages or ec2messages`,
      );
    }
    if (new Set(services).size !== services.length) {
      throw new Error(`SessionManagerEndpoints ${name}: services lists a service twice (${services.join(', ')})`);
    }
  }
  const dynamicSources = Token.isUnresolved(allowedSecurityGroupIds) || Token.isUnresolved(allowedCidrs);
  if (!dynamicSources && allowedSecurityGroupIds.length === 0 && allowedCidrs.length === 0) {
    throw new Error(
      `SessionManagerEndpoints ${name}: allowedSecurityGroupIds or allowedCidrs must name at least one source of HTTPS`,
    );
  }
}
