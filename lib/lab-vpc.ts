import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Construct } from 'constructs';
import { cidrContains, cidrsOverlap, parseIpv4Cidr } from './cidr';

export interface LabSubnetProps {
  /** Construct id and `Name` tag suffix, e.g. `public`. */
  readonly name: string;
  readonly cidrBlock: string;
  readonly availabilityZone: string;
  /**
   * Route 0.0.0.0/0 to the VPC's internet gateway (created when any subnet asks for it).
   * @default false — the subnet gets its own route table with only the local route
   */
  readonly routeToInternetGateway?: boolean;
}

export interface LabVpcProps {
  /** `Name` tag of the VPC; subnets and route tables are named after it. */
  readonly name: string;
  readonly cidrBlock: string;
  readonly subnets: readonly LabSubnetProps[];
  /**
   * DNS resolution through the Amazon resolver. Private DNS of Interface endpoints needs it.
   * @default true (the AWS default)
   */
  readonly enableDnsSupport?: boolean;
  /**
   * Public DNS hostnames for instances. Private DNS of Interface endpoints needs it.
   * @default false (the AWS default)
   */
  readonly enableDnsHostnames?: boolean;
}

/** One subnet of a {@link LabVpc}, with the route table it alone uses. */
export interface LabSubnet {
  readonly subnet: Subnet;
  readonly routeTable: RouteTable;
}

/**
 * A VPC as the lab needs it: every subnet with its own route table (so a scenario stack can add a
 * default route to exactly one subnet), an internet gateway only when a subnet routes to it, and
 * the default security group taken under management with no rules, so nothing can use it by
 * accident.
 */
export class LabVpc extends Construct {
  readonly vpc: Vpc;
  readonly internetGateway?: InternetGateway;
  readonly defaultSecurityGroup: DefaultSecurityGroup;
  private readonly subnetsByName = new Map<string, LabSubnet>();

  constructor(scope: Construct, id: string, props: LabVpcProps) {
    super(scope, id);
    validateLayout(props);

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidrBlock,
      enableDnsSupport: props.enableDnsSupport ?? true,
      enableDnsHostnames: props.enableDnsHostnames ?? false,
      tags: { Name: props.name },
    });

    // Terraform removes every rule of a default SG it manages and declares none here.
    this.defaultSecurityGroup = new DefaultSecurityGroup(this, 'default-security-group', {
      vpcId: this.vpc.id,
      tags: { Name: `${props.name}-default-unused` },
    });

    if (props.subnets.some((subnet) => subnet.routeToInternetGateway)) {
      this.internetGateway = new InternetGateway(this, 'internet-gateway', {
        vpcId: this.vpc.id,
        tags: { Name: `${props.name}-igw` },
      });
    }

    for (const subnetProps of props.subnets) {
      const subnet = new Subnet(this, `${subnetProps.name}-subnet`, {
        vpcId: this.vpc.id,
        cidrBlock: subnetProps.cidrBlock,
        availabilityZone: subnetProps.availabilityZone,
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.name}-${subnetProps.name}` },
      });
      const routeTable = new RouteTable(this, `${subnetProps.name}-route-table`, {
        vpcId: this.vpc.id,
        tags: { Name: `${props.name}-${subnetProps.name}` },
      });
      new RouteTableAssociation(this, `${subnetProps.name}-route-table-association`, {
        subnetId: subnet.id,
        routeTableId: routeTable.id,
      });
      if (subnetProps.routeToInternetGateway && this.internetGateway) {
        new Route(this, `${subnetProps.name}-default-route`, {
          routeTableId: routeTable.id,
          destinationCidrBlock: '0.0.0.0/0',
          gatewayId: this.internetGateway.id,
        });
      }
      this.subnetsByName.set(subnetProps.name, { subnet, routeTable });
    }
  }

  /** The subnet created from the props entry with this name. */
  subnet(name: string): LabSubnet {
    const found = this.subnetsByName.get(name);
    if (!found) throw new Error(`LabVpc ${this.node.path} has no subnet named "${name}"`);
    return found;
  }
}

function validateLayout(props: LabVpcProps): void {
  const vpc = parseIpv4Cidr(props.cidrBlock);
  if (!vpc) throw new Error(`LabVpc ${props.name}: cidrBlock "${props.cidrBlock}" is not an IPv4 CIDR`);
  const seen: { name: string; cidr: NonNullable<ReturnType<typeof parseIpv4Cidr>> }[] = [];
  for (const subnet of props.subnets) {
    const cidr = parseIpv4Cidr(subnet.cidrBlock);
    if (!cidr || !cidrContains(vpc, cidr)) {
      throw new Error(
        `LabVpc ${props.name}: subnet ${subnet.name} "${subnet.cidrBlock}" must be a CIDR inside ${props.cidrBlock}`,
      );
    }
    const clash = seen.find((other) => cidrsOverlap(other.cidr, cidr));
    if (clash) {
      throw new Error(
        `LabVpc ${props.name}: subnet ${subnet.name} "${subnet.cidrBlock}" overlaps subnet ${clash.name}`,
      );
    }
    seen.push({ name: subnet.name, cidr });
  }
}
