import { TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { SETTINGS } from '../lib/config';
import { httpsToInternet } from '../lib/lab-instance';
import { PUBLIC_SUBNET } from './network-stack';
import { privateKeyHint, Scenario, ScenarioStack, ScenarioStackProps } from './scenario-stack';

export const SSH_PORT = 22;

/** The message `terraform plan` stops with when the SSH baseline lacks its operator inputs. */
export const SSH_INPUTS_MISSING =
  `lab-ssh needs the operator's inputs before it can be deployed: set ${SETTINGS.sshAllowedCidrs} ` +
  `(e.g. your public address as 203.0.113.7/32) and ${SETTINGS.sshKeyName} or ${SETTINGS.sshPublicKey}, then run cdktf deploy lab-network lab-ssh again.`;

/**
 * `lab-ssh`, instance 1: the baseline Session Manager is compared with. Public subnet, public
 * address, a key pair and tcp/22 open only to the operator's CIDRs; no Systems Manager role.
 */
export class SshStack extends ScenarioStack {
  /** Whether the operator's inputs are set; without them `terraform plan` stops at the instance's precondition. */
  readonly inputsSet: boolean;

  constructor(scope: Construct, id: string, props: ScenarioStackProps) {
    super(scope, id, props);
    const { config, network } = props;
    const keyName = network.keyName;
    this.inputsSet = config.sshAllowedCidrs.length > 0 && keyName !== undefined;
    const lab = this.labInstance({
      name: 'ssh',
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
      forwardTo: network.forwardingTargets.vpc1,
    });

    // Synth must succeed with the defaults; the deploy is what gets refused, at plan time, before
    // anything is created. Terraform wants a condition that refers to something, hence the local.
    const inputsSet = new TerraformLocal(this, 'ssh_operator_inputs_set', this.inputsSet);
    lab.instance.lifecycle = {
      ...lab.instance.lifecycle,
      precondition: [{ condition: inputsSet.expression, errorMessage: SSH_INPUTS_MISSING }],
    };

    this.instanceOutputs(lab, `ssh -i ${privateKeyHint(config)} ec2-user@${lab.instance.publicIp}`, true);
    const target = network.forwardingTargets.vpc1;
    this.output(
      'forward_to_target_command',
      this.sshForwardCommand(`-i ${privateKeyHint(config)}`, `ec2-user@${lab.instance.publicIp}`),
      `Forwards localhost:${target.port} to ${target.name} (tcp/${target.port}) through the instance's sshd; then curl http://localhost:${target.port}/`,
    );
  }
}
