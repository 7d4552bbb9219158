import { Aspects, App } from 'cdktf';
import { LabConfig } from '../lib/config';
import { GuardrailAspect } from '../lib/guardrails';
import { EiceStack } from './eice-stack';
import { NetworkStack } from './network-stack';
import { SshStack } from './ssh-stack';
import { SsmEndpointStack } from './ssm-endpoint-stack';
import { TemporaryEndpointsStack } from './temporary-endpoints-stack';
import { SsmNatStack } from './ssm-nat-stack';
import { SessionAuditStack } from './session-audit-stack';
import { SsmPublicStack } from './ssm-public-stack';
import { StackName, stackName } from './names';
import { PUBLIC_SCENARIOS, Scenario } from './scenario-stack';

export { StackName, stackName } from './names';

export interface LabStacks {
  readonly network: NetworkStack;
  readonly ssh: SshStack;
  readonly ssmPublic: SsmPublicStack;
  readonly ssmNat: SsmNatStack;
  readonly ssmEndpoint: SsmEndpointStack;
  readonly eice: EiceStack;
  readonly temporaryEndpoints: TemporaryEndpointsStack;
  /** `lab-session-audit`, with SSM_LAB_SESSION_AUDIT=true. */
  readonly sessionAudit?: SessionAuditStack;
  /** The guardrail Aspect added to every stack; `check(app)` runs it before synth. */
  readonly guardrails: GuardrailAspect;
}

/** Adds every stack of the app: the lab (scenarios depend on `lab-network` only) and `ssm-endpoints`. */
export function addLabStacks(app: App, config: LabConfig): LabStacks {
  const name = (base: string) => stackName(config, base);
  const network = new NetworkStack(app, name(StackName.NETWORK), { config });
  // Before the scenarios: their operator policies name its key.
  const sessionAudit = config.sessionAudit
    ? new SessionAuditStack(app, name(StackName.SESSION_AUDIT), { config, network })
    : undefined;
  const scenario = { config, network, sessionAudit };
  const stacks = {
    network,
    ssh: new SshStack(app, name(StackName.SSH), scenario),
    ssmPublic: new SsmPublicStack(app, name(StackName.SSM_PUBLIC), scenario),
    ssmNat: new SsmNatStack(app, name(StackName.SSM_NAT), scenario),
    ssmEndpoint: new SsmEndpointStack(app, name(StackName.SSM_ENDPOINT), scenario),
    eice: new EiceStack(app, name(StackName.EICE), scenario),
    temporaryEndpoints: new TemporaryEndpointsStack(app, name(StackName.TEMPORARY_ENDPOINTS), { config }),
    sessionAudit,
  };
  const guardrails = new GuardrailAspect({
    sshOverSessionManager: config.sshOverSessionManager,
    publicScenarios: PUBLIC_SCENARIOS,
    sshScenario: Scenario.SSH_INTERNET,
    forwardingTargets: [
      { target: network.forwardingTargets.vpc1, vpcCidr: config.vpc1Cidr },
      { target: network.forwardingTargets.vpc2, vpcCidr: config.vpc2Cidr },
    ].map(({ target, vpcCidr }) => ({ securityGroupLogicalId: target.lab.securityGroup.friendlyUniqueId, vpcCidr })),
    acknowledgements: config.acknowledgements,
  });
  for (const stack of Object.values(stacks)) if (stack) Aspects.of(stack).add(guardrails);
  return { ...stacks, guardrails };
}
