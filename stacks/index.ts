import { App } from 'cdktf';
import { LabConfig } from '../lib/config';
import { NetworkStack } from './network-stack';
import { SshStack } from './ssh-stack';
import { SsmEndpointStack } from './ssm-endpoint-stack';
import { SsmNatStack } from './ssm-nat-stack';
import { SsmPublicStack } from './ssm-public-stack';

/** Stack names: the user's CLI contract (`cdktf deploy <name>`). */
export const StackName = {
  NETWORK: 'lab-network',
  SSH: 'lab-ssh',
  SSM_PUBLIC: 'lab-ssm-public',
  SSM_NAT: 'lab-ssm-nat',
  SSM_ENDPOINT: 'lab-ssm-endpoint',
} as const;

export interface LabStacks {
  readonly network: NetworkStack;
  readonly ssh: SshStack;
  readonly ssmPublic: SsmPublicStack;
  readonly ssmNat: SsmNatStack;
  readonly ssmEndpoint: SsmEndpointStack;
}

/** Adds every stack of the app, each scenario depending on `lab-network` only. */
export function addLabStacks(app: App, config: LabConfig): LabStacks {
  const network = new NetworkStack(app, StackName.NETWORK, config);
  return {
    network,
    ssh: new SshStack(app, StackName.SSH, config, network),
    ssmPublic: new SsmPublicStack(app, StackName.SSM_PUBLIC, config, network),
    ssmNat: new SsmNatStack(app, StackName.SSM_NAT, config, network),
    ssmEndpoint: new SsmEndpointStack(app, StackName.SSM_ENDPOINT, config, network),
  };
}
