import { Construct } from 'constructs';
import { httpsToInternet } from '../lib/lab-instance';
import { PUBLIC_SUBNET } from './network-stack';
import { Scenario, ScenarioStack, ScenarioStackProps } from './scenario-stack';

/**
 * `lab-ssm-public`, instance 2: Session Manager through the internet gateway. Public subnet and
 * address, Session Manager role, no key pair and no inbound rule; HTTPS out only.
 */
export class SsmPublicStack extends ScenarioStack {
  constructor(scope: Construct, id: string, props: ScenarioStackProps) {
    super(scope, id, props);
    const { network } = props;
    const lab = this.labInstance({
      name: 'ssm-public',
      scenario: Scenario.SSM_INTERNET_GATEWAY,
      vpcId: network.vpc1.vpc.id,
      subnetId: network.vpc1.subnet(PUBLIC_SUBNET).subnet.id,
      associatePublicIpAddress: true,
      instanceProfileName: network.sessionManagerRole.instanceProfile.name,
      httpsEgress: [httpsToInternet()],
      forwardTo: network.forwardingTargets.vpc1,
    });
    this.instanceOutputs(lab, this.sessionManagerCommand(lab), true);
  }
}
