import { Construct } from 'constructs';
import { LabConfig } from '../lib/config';
import { LabInstance, LabInstanceProps } from '../lib/lab-instance';
import { sessionAuditDocumentName } from '../lib/session-audit-facts';
import { LabStack, LabStackProps } from './lab-stack';
import { NetworkStack } from './network-stack';

/** The access paths the lab compares; each is the `Scenario` tag of its resources. */
export const Scenario = {
  SSH_INTERNET: 'ssh-internet',
  SSM_INTERNET_GATEWAY: 'ssm-internet-gateway',
  SSM_NAT_GATEWAY: 'ssm-nat-gateway',
  SSM_VPC_ENDPOINTS: 'ssm-vpc-endpoints',
  SSH_EICE: 'ssh-eice',
} as const;
export type Scenario = (typeof Scenario)[keyof typeof Scenario];

/** How the README and the review name each access path. */
export const SCENARIO_LABELS: Readonly<Record<Scenario, string>> = {
  [Scenario.SSH_INTERNET]: 'SSH over the internet',
  [Scenario.SSM_INTERNET_GATEWAY]: 'Session Manager via internet gateway',
  [Scenario.SSM_NAT_GATEWAY]: 'Session Manager via NAT gateway',
  [Scenario.SSM_VPC_ENDPOINTS]: 'Session Manager via VPC endpoints',
  [Scenario.SSH_EICE]: 'SSH via EC2 Instance Connect Endpoint',
};

/** Scenarios whose instance has a public address on purpose (the guardrails know them). */
export const PUBLIC_SCENARIOS: readonly string[] = [Scenario.SSH_INTERNET, Scenario.SSM_INTERNET_GATEWAY];

/** What `~/.ssh/config` needs so that `ssh` rides a Session Manager session (document AWS-StartSSHSession). */
export function sshProxyConfig(region: string): string {
  return [
    'host i-* mi-*',
    `    ProxyCommand sh -c "aws ssm start-session --target %h --document-name AWS-StartSSHSession --parameters 'portNumber=%p' --region ${region}"`,
  ].join('\n');
}

export interface ScenarioStackProps extends LabStackProps {
  /** `lab-network`, whose VPCs, role and key pair the scenario builds on. */
  readonly network: NetworkStack;
}

/** A stack that adds one instance (and what its path needs) on top of `lab-network`. */
export abstract class ScenarioStack extends LabStack {
  readonly network: NetworkStack;

  constructor(scope: Construct, id: string, props: ScenarioStackProps) {
    super(scope, id, props);
    this.network = props.network;
    this.addDependency(props.network);
  }

  /** `<lab name>-<suffix>`: names and Name tags carry the lab name. */
  protected named(suffix: string): string {
    return `${this.config.labName}-${suffix}`;
  }

  /**
   * The lab instance with the configured type, architecture, AMI and volume size. Session
   * Manager instances get the key pair only when SSH through Session Manager is on.
   */
  protected labInstance(
    props: Omit<LabInstanceProps, 'instanceType' | 'architecture' | 'amiId' | 'rootVolumeGiB' | 'name'> & {
      name: string;
    },
  ): LabInstance {
    const sessionManagerKey =
      props.instanceProfileName !== undefined && this.config.sshOverSessionManager ? this.network.keyName : undefined;
    return new LabInstance(this, 'instance', {
      keyName: sessionManagerKey,
      ...props,
      name: this.named(props.name),
      instanceType: this.config.instanceType,
      architecture: this.config.instanceArchitecture,
      amiId: this.config.amiId,
      rootVolumeGiB: this.config.rootVolumeGiB,
    });
  }

  /** instance_id, private_ip, public_ip (when there is one), connect_command, and the SSH-over-SSM pair. */
  protected instanceOutputs(lab: LabInstance, connectCommand: string, hasPublicIp: boolean): void {
    this.output('instance_id', lab.instance.id, 'EC2 instance id (the Session Manager target)');
    this.output('private_ip', lab.instance.privateIp, 'Private IPv4 address of the instance');
    if (hasPublicIp) this.output('public_ip', lab.instance.publicIp, 'Public IPv4 address of the instance');
    this.output('connect_command', connectCommand, 'Command that opens a shell on the instance');
    if (this.config.sshOverSessionManager && lab.instance.iamInstanceProfile !== undefined) {
      this.output(
        'ssh_config',
        sshProxyConfig(this.config.region),
        'Add to ~/.ssh/config: ssh to i-… rides a Session Manager session (port 22 stays closed)',
      );
      this.output(
        'ssh_command',
        `ssh -i ${privateKeyHint(this.config)} ec2-user@${lab.instance.id}`,
        'ssh through Session Manager, after adding ssh_config',
      );
    }
  }

  /** `aws ssm start-session …` for an instance of this stack. */
  protected sessionManagerCommand(lab: LabInstance): string {
    // With the session audit, through the lab's Session document: logged and encrypted.
    const document = this.config.sessionAudit
      ? ` --document-name ${sessionAuditDocumentName(this.config.labName)}`
      : '';
    return `aws ssm start-session --target ${lab.instance.id}${document} --region ${this.config.region}`;
  }
}

/** Where the matching private key usually lives, for a ready-to-paste ssh line. */
export function privateKeyHint(config: LabConfig): string {
  if (config.sshKeyName !== undefined) return `~/.ssh/${config.sshKeyName}.pem`;
  const type = config.sshPublicKey?.split(' ')[0];
  if (type === 'ssh-rsa') return '~/.ssh/id_rsa';
  if (type?.startsWith('ecdsa')) return '~/.ssh/id_ecdsa';
  return '~/.ssh/id_ed25519';
}
