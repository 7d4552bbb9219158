import { Construct } from 'constructs';
import { SessionManagerEndpoints } from '../lib/session-manager-endpoints';
import { PRIVATE_SUBNET_2 } from './network-stack';
import { Scenario, ScenarioStack, ScenarioStackProps } from './scenario-stack';

/**
 * `lab-ssm-endpoint`, instance 4: Session Manager through Interface endpoints in VPC 2, which has
 * no route out at all. The endpoint SG accepts 443 only from the instance SG, and the instance
 * SG sends 443 only to the endpoint SG: both directions by SG reference.
 */
export class SsmEndpointStack extends ScenarioStack {
  readonly endpoints: SessionManagerEndpoints;

  constructor(scope: Construct, id: string, props: ScenarioStackProps) {
    super(scope, id, props);
    const { config, network } = props;
    const vpcId = network.vpc2.vpc.id;
    const subnetId = network.vpc2.subnet(PRIVATE_SUBNET_2).subnet.id;

    // Instance first (without its egress), so the endpoint SG can reference the instance SG.
    const lab = this.labInstance({
      name: 'ssm-endpoint',
      scenario: Scenario.SSM_VPC_ENDPOINTS,
      vpcId,
      subnetId,
      instanceProfileName: network.sessionManagerRole.instanceProfile.name,
      forwardTo: network.forwardingTargets.vpc2,
    });
    this.endpoints = new SessionManagerEndpoints(this, 'endpoints', {
      name: config.labName,
      vpcId,
      subnetIds: [subnetId],
      region: config.region,
      services: config.endpointServices,
      allowedSecurityGroupIds: [lab.securityGroup.id],
      tags: { Scenario: Scenario.SSM_VPC_ENDPOINTS },
    });
    lab.allowHttpsTo({
      kind: 'security-group',
      securityGroupId: this.endpoints.securityGroup.id,
      description: 'HTTPS to the Session Manager endpoints only',
    });
    // The agent registers at boot: the endpoints (and their private DNS) must exist first.
    lab.bootAfter(...this.endpoints.interfaceEndpoints);

    this.instanceOutputs(lab, this.sessionManagerCommand(lab), false);
    for (const [service, endpointId] of Object.entries(this.endpoints.endpointIdsByService)) {
      this.output(
        `${service}_endpoint_id`,
        endpointId,
        `Interface endpoint for com.amazonaws.${config.region}.${service}`,
      );
    }
  }
}
