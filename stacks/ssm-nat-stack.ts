import { Eip } from '@cdktf/provider-aws/lib/eip';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { Construct } from 'constructs';
import { httpsToInternet } from '../lib/lab-instance';
import { PRIVATE_SUBNET_1, PUBLIC_SUBNET } from './network-stack';
import { Scenario, ScenarioStack, ScenarioStackProps } from './scenario-stack';

/**
 * `lab-ssm-nat`, instance 3: Session Manager through a NAT gateway. The NAT gateway, its Elastic
 * IP and the default route of private subnet 1 live here, so destroying this stack removes
 * everything it bills for and leaves private subnet 1 without a way out again.
 */
export class SsmNatStack extends ScenarioStack {
  readonly natGateway: NatGateway;
  readonly elasticIp: Eip;

  constructor(scope: Construct, id: string, props: ScenarioStackProps) {
    super(scope, id, props);
    const { network } = props;
    this.elasticIp = new Eip(this, 'nat-eip', {
      domain: 'vpc',
      tags: { Name: this.named('nat'), Scenario: Scenario.SSM_NAT_GATEWAY },
    });
    this.natGateway = new NatGateway(this, 'nat-gateway', {
      allocationId: this.elasticIp.allocationId,
      subnetId: network.vpc1.subnet(PUBLIC_SUBNET).subnet.id,
      connectivityType: 'public',
      tags: { Name: this.named('nat'), Scenario: Scenario.SSM_NAT_GATEWAY },
    });
    const defaultRoute = new Route(this, 'private-1-default-route', {
      routeTableId: network.vpc1.subnet(PRIVATE_SUBNET_1).routeTable.id,
      destinationCidrBlock: '0.0.0.0/0',
      natGatewayId: this.natGateway.id,
    });

    const lab = this.labInstance({
      name: 'ssm-nat',
      scenario: Scenario.SSM_NAT_GATEWAY,
      vpcId: network.vpc1.vpc.id,
      subnetId: network.vpc1.subnet(PRIVATE_SUBNET_1).subnet.id,
      instanceProfileName: network.sessionManagerRole.instanceProfile.name,
      httpsEgress: [httpsToInternet()],
      // The agent registers at boot; without the route it would start in back-off.
      dependsOn: [defaultRoute],
      forwardTo: network.forwardingTargets.vpc1,
    });
    this.instanceOutputs(lab, this.sessionManagerCommand(lab), false);
    this.output('nat_public_ip', this.elasticIp.publicIp, 'Elastic IP the NAT gateway uses for outbound traffic');
  }
}
