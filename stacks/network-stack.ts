import { KeyPair } from '@cdktf/provider-aws/lib/key-pair';
import { Construct } from 'constructs';
import { FORWARDING_TARGET_PORT, ForwardingTarget } from '../lib/forwarding-target';
import { LabVpc } from '../lib/lab-vpc';
import { SessionManagerRole } from '../lib/session-manager-role';
import { LabStack, LabStackProps } from './lab-stack';

export const PUBLIC_SUBNET = 'public';
export const PRIVATE_SUBNET_1 = 'private-1';
export const PRIVATE_SUBNET_2 = 'private-2';

/**
 * `lab-network`: both VPCs, their subnets and route tables, the internet gateway, the Session
 * Manager instance role, the imported SSH key pair if any, and one forwarding target per VPC (a
 * private HTTP service every scenario forwards a local port to). Only the two targets bill (two
 * t4g.nano); the scenario stacks build on it.
 */
export class NetworkStack extends LabStack {
  /** VPC 1: public subnet (route to the internet gateway) and private subnet 1 (no default route). */
  readonly vpc1: LabVpc;
  /** VPC 2: private subnet 2 only, no route out, DNS support and hostnames on for private DNS. */
  readonly vpc2: LabVpc;
  readonly sessionManagerRole: SessionManagerRole;
  /** The imported key pair, when the key came as a public key. */
  readonly keyPair?: KeyPair;
  /** Key pair name for SSH (imported here or existing); undefined without a key. */
  readonly keyName?: string;
  /**
   * The private services the scenarios forward to: in private subnet 1 (VPC 1: lab-ssh,
   * lab-ssm-public, lab-ssm-nat) and private subnet 2 (VPC 2: lab-ssm-endpoint, lab-eice). Here,
   * not in a stack of their own, because every scenario forwards to one: cdktf would otherwise
   * make every deploy and destroy line name one more stack.
   */
  readonly forwardingTargets: { readonly vpc1: ForwardingTarget; readonly vpc2: ForwardingTarget };

  constructor(scope: Construct, id: string, props: LabStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.vpc1 = new LabVpc(this, 'vpc1', {
      name: `${config.labName}-vpc1`,
      cidrBlock: config.vpc1Cidr,
      subnets: [
        {
          name: PUBLIC_SUBNET,
          cidrBlock: config.publicSubnetCidr,
          availabilityZone: config.vpc1AvailabilityZone,
          routeToInternetGateway: true,
        },
        { name: PRIVATE_SUBNET_1, cidrBlock: config.privateSubnet1Cidr, availabilityZone: config.vpc1AvailabilityZone },
      ],
    });
    this.vpc2 = new LabVpc(this, 'vpc2', {
      name: `${config.labName}-vpc2`,
      cidrBlock: config.vpc2Cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      subnets: [
        { name: PRIVATE_SUBNET_2, cidrBlock: config.privateSubnet2Cidr, availabilityZone: config.vpc2AvailabilityZone },
      ],
    });
    // Free, and shared by lab-ssh and (with SSH through Session Manager) the Session Manager instances.
    if (config.sshPublicKey !== undefined) {
      this.keyPair = new KeyPair(this, 'key-pair', {
        keyNamePrefix: `${config.labName}-ssh-`, // unique per region: a prefix, so an orphan blocks nothing
        publicKey: config.sshPublicKey,
        tags: { Name: `${config.labName}-ssh` },
      });
    }
    this.keyName = this.keyPair?.keyName ?? config.sshKeyName;

    this.sessionManagerRole = new SessionManagerRole(this, 'session-manager-role', {
      name: `${config.labName}-instance`,
      partition: config.partition,
    });

    const target = (vpcId: string, vpc: LabVpc, subnet: string) =>
      new ForwardingTarget(this, `target-${vpcId}`, {
        name: `${config.labName}-target-${vpcId}`,
        vpcId: vpc.vpc.id,
        subnetId: vpc.subnet(subnet).subnet.id,
        port: FORWARDING_TARGET_PORT,
        instanceType: config.instanceType,
        architecture: config.instanceArchitecture,
        amiId: config.amiId,
        rootVolumeGiB: config.rootVolumeGiB,
      });
    this.forwardingTargets = {
      vpc1: target('vpc1', this.vpc1, PRIVATE_SUBNET_1),
      vpc2: target('vpc2', this.vpc2, PRIVATE_SUBNET_2),
    };
    for (const [vpc, forwardingTarget] of Object.entries(this.forwardingTargets)) {
      this.output(
        `${vpc}_target_instance_id`,
        forwardingTarget.lab.instance.id,
        `Forwarding target in ${vpc.toUpperCase()}: instance id`,
      );
      this.output(
        `${vpc}_target_address`,
        `${forwardingTarget.lab.instance.privateIp}:${forwardingTarget.port}`,
        `Forwarding target in ${vpc.toUpperCase()}: private address and port (HTTP)`,
      );
    }
  }
}
