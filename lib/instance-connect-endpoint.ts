/**
 * An EC2 Instance Connect Endpoint (EICE): SSH (or RDP) to instances with no public address, no
 * NAT gateway, no interface endpoints and no agent, at no hourly charge (EC2 User Guide, "EC2
 * Instance Connect Endpoint"); CloudTrail records each tunnel (`OpenTunnel`).
 *
 * With `preserveClientIp: false` connections reach the instance from the endpoint's interface, so
 * the instance security group admits tcp/22 from the endpoint's security group only, and the
 * endpoint's group sends tcp/22 to the instance's group only. AWS allows one endpoint per VPC.
 */
import { Ec2InstanceConnectEndpoint } from '@cdktf/provider-aws/lib/ec2-instance-connect-endpoint';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { Construct, IConstruct } from 'constructs';

export interface InstanceConnectEndpointProps {
  /** Prefix of names and Name tags. */
  readonly name: string;
  readonly vpcId: string;
  /**
   * What identifies the VPC across the app (its Name): AWS allows one endpoint per VPC, and synth
   * refuses a second endpoint for the same `vpcName`.
   */
  readonly vpcName: string;
  /** The subnet of the endpoint's interface. */
  readonly subnetId: string;
  /** The instance security groups the endpoint may reach on tcp/22. */
  readonly targetSecurityGroupIds: readonly string[];
  /**
   * Keep the client's address as the source (the instance group must then admit the client's
   * range); false: the source is the endpoint's interface.
   * @default false
   */
  readonly preserveClientIp?: boolean;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The SSH port the endpoint reaches; AWS allows 22 and 3389 only. */
export const EICE_SSH_PORT = 22;

export class InstanceConnectEndpoint extends Construct {
  readonly endpoint: Ec2InstanceConnectEndpoint;
  readonly securityGroup: SecurityGroup;
  readonly vpcName: string;

  constructor(scope: Construct, id: string, props: InstanceConnectEndpointProps) {
    super(scope, id);
    this.vpcName = props.vpcName;
    const tags = props.tags ?? {};
    this.securityGroup = new SecurityGroup(this, 'security-group', {
      namePrefix: `${props.name}-eice-`,
      lifecycle: { createBeforeDestroy: true },
      description: 'EC2 Instance Connect Endpoint: tcp/22 to the lab instance only',
      vpcId: props.vpcId,
      tags: { ...tags, Name: `${props.name}-eice` },
    });
    props.targetSecurityGroupIds.forEach((target, index) => {
      new VpcSecurityGroupEgressRule(this, `ssh-to-instance-${index}`, {
        securityGroupId: this.securityGroup.id,
        description: 'SSH to the lab instance security group only',
        ipProtocol: 'tcp',
        fromPort: EICE_SSH_PORT,
        toPort: EICE_SSH_PORT,
        referencedSecurityGroupId: target,
        tags: { ...tags, Name: `${props.name}-eice-out-22-${index}` },
      });
    });
    this.endpoint = new Ec2InstanceConnectEndpoint(this, 'endpoint', {
      subnetId: props.subnetId,
      securityGroupIds: [this.securityGroup.id],
      preserveClientIp: props.preserveClientIp ?? false,
      tags: { ...tags, Name: `${props.name}-eice` },
    });
    // One endpoint per VPC (AWS refuses a second): checked across the whole app at synth.
    this.node.addValidation({
      validate: () => {
        const others = this.node.root.node
          .findAll()
          .filter(
            (other: IConstruct): other is InstanceConnectEndpoint =>
              other instanceof InstanceConnectEndpoint && other !== this && other.vpcName === this.vpcName,
          );
        return others.length > 0
          ? [
              `an EC2 Instance Connect Endpoint for ${this.vpcName} is also declared at ${others.map((o) => o.node.path).join(', ')}: AWS allows one per VPC; share that one`,
            ]
          : [];
      },
    });
  }
}
