import { App } from 'cdktf';
import { LabConfig } from '../lib/config';
import { SynthMode } from './lab-stack';
import { NetworkStack } from './network-stack';
import { SshStack } from './ssh-stack';
import { SsmEndpointStack } from './ssm-endpoint-stack';
import { SsmEndpointsStack } from './ssm-endpoints-stack';
import { SsmNatStack } from './ssm-nat-stack';
import { SsmPublicStack } from './ssm-public-stack';

/** Stack names: the user's CLI contract (`cdktf deploy <name>`). */
export const StackName = {
  NETWORK: 'lab-network',
  SSH: 'lab-ssh',
  SSM_PUBLIC: 'lab-ssm-public',
  SSM_NAT: 'lab-ssm-nat',
  SSM_ENDPOINT: 'lab-ssm-endpoint',
  /** Temporary Session Manager endpoints for an existing VPC; independent of the lab. */
  SSM_ENDPOINTS: 'ssm-endpoints',
} as const;

export interface LabStacks {
  readonly network: NetworkStack;
  readonly ssh: SshStack;
  readonly ssmPublic: SsmPublicStack;
  readonly ssmNat: SsmNatStack;
  readonly ssmEndpoint: SsmEndpointStack;
  readonly ssmEndpoints: SsmEndpointsStack;
}

/** Adds every stack of the app: the lab (scenarios depend on `lab-network` only) and `ssm-endpoints`. */
export function addLabStacks(app: App, config: LabConfig, mode: SynthMode = {}): LabStacks {
  const network = new NetworkStack(app, StackName.NETWORK, config, mode);
  return {
    network,
    ssh: new SshStack(app, StackName.SSH, config, network, mode),
    ssmPublic: new SsmPublicStack(app, StackName.SSM_PUBLIC, config, network, mode),
    ssmNat: new SsmNatStack(app, StackName.SSM_NAT, config, network, mode),
    ssmEndpoint: new SsmEndpointStack(app, StackName.SSM_ENDPOINT, config, network, mode),
    ssmEndpoints: new SsmEndpointsStack(app, StackName.SSM_ENDPOINTS, config, mode),
  };
}
