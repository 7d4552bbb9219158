import { KeyPair } from '@cdktf/provider-aws/lib/key-pair';
import { TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { LabConfig, SETTINGS } from '../lib/config';
import { httpsToInternet } from '../lib/lab-instance';
import { NetworkStack, PUBLIC_SUBNET } from './network-stack';
import { SynthMode } from './lab-stack';
import { Scenario, ScenarioStack } from './scenario-stack';

export const SSH_PORT = 22;

/** The message `terraform plan` stops with when the SSH baseline lacks its operator inputs. */
export const SSH_INPUTS_MISSING =
  `lab-ssh needs the operator's inputs before it can be deployed: set ${SETTINGS.sshAllowedCidrs} ` +
  `(e.g. your public address as 203.0.113.7/32) and ${SETTINGS.sshKeyName} or ${SETTINGS.sshPublicKey}, then run cdktf deploy lab-ssh again.`;

/**
 * `lab-ssh`, instance 1: the baseline Session Manager is compared with. Public subnet, public
 * address, a key pair and tcp/22 open only to the operator's CIDRs; no Systems Manager role.
 */
export class SshStack extends ScenarioStack {
  /** The imported key pair, when the key came as a public key. */
  readonly keyPair?: KeyPair;

  constructor(scope: Construct, name: string, config: LabConfig, network: NetworkStack, mode: SynthMode = {}) {
    super(scope, name, config, network, mode);
    let keyName = config.sshKeyName;
    if (config.sshPublicKey !== undefined) {
      this.keyPair = new KeyPair(this, 'key-pair', {
        keyName: 'ssm-lab-ssh',
        publicKey: config.sshPublicKey,
        tags: { Name: 'ssm-lab-ssh', Scenario: Scenario.SSH_INTERNET },
      });
      keyName = this.keyPair.keyName;
    }

    const lab = this.labInstance({
      name: 'ssm-lab-ssh',
      scenario: Scenario.SSH_INTERNET,
      vpcId: network.vpc1.vpc.id,
      subnetId: network.vpc1.subnet(PUBLIC_SUBNET).subnet.id,
      associatePublicIpAddress: true,
      keyName,
      ingress:
        config.sshAllowedCidrs.length > 0
          ? [{ port: SSH_PORT, cidrs: config.sshAllowedCidrs, description: 'SSH from the operator' }]
          : [],
      // dnf and the SSH session itself need nothing else; HTTPS keeps package updates working.
      httpsEgress: [httpsToInternet()],
    });

    // Synth must succeed with the defaults; the deploy is what gets refused, at plan time, before
    // anything is created. Terraform wants a condition that refers to something, hence the local.
    const inputsSet = new TerraformLocal(this, 'ssh_operator_inputs_set', config.sshAllowedCidrs.length > 0 && keyName !== undefined);
    lab.instance.lifecycle = {
      ...lab.instance.lifecycle,
      precondition: [{ condition: inputsSet.expression, errorMessage: SSH_INPUTS_MISSING }],
    };

    this.instanceOutputs(lab, `ssh -i ${privateKeyHint(config)} ec2-user@${lab.instance.publicIp}`, true);
  }
}

/** Where the matching private key usually lives, for a ready-to-paste ssh line. */
function privateKeyHint(config: LabConfig): string {
  if (config.sshKeyName !== undefined) return `~/.ssh/${config.sshKeyName}.pem`;
  const type = config.sshPublicKey?.split(' ')[0];
  if (type === 'ssh-rsa') return '~/.ssh/id_rsa';
  if (type?.startsWith('ecdsa')) return '~/.ssh/id_ecdsa';
  return '~/.ssh/id_ed25519';
}
