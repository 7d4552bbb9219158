import { Construct } from 'constructs';
import { LabConfig } from '../lib/config';
import { LabInstance, LabInstanceProps } from '../lib/lab-instance';
import { LabStack, SynthMode } from './lab-stack';
import { NetworkStack } from './network-stack';

/** The access paths the lab compares; each is the `Scenario` tag of its resources. */
export const Scenario = {
  SSH_INTERNET: 'ssh-internet',
  SSM_INTERNET_GATEWAY: 'ssm-internet-gateway',
  SSM_NAT_GATEWAY: 'ssm-nat-gateway',
  SSM_VPC_ENDPOINTS: 'ssm-vpc-endpoints',
} as const;
export type Scenario = (typeof Scenario)[keyof typeof Scenario];

/** A stack that adds one instance (and what its path needs) on top of `lab-network`. */
export abstract class ScenarioStack extends LabStack {
  readonly network: NetworkStack;

  constructor(scope: Construct, name: string, config: LabConfig, network: NetworkStack, mode: SynthMode = {}) {
    super(scope, name, config, mode);
    this.network = network;
    this.addDependency(network);
  }

  /** The lab instance with the configured type, architecture, AMI and volume size. */
  protected labInstance(
    props: Omit<LabInstanceProps, 'instanceType' | 'architecture' | 'amiId' | 'rootVolumeGiB'>,
  ): LabInstance {
    return new LabInstance(this, 'instance', {
      ...props,
      instanceType: this.config.instanceType,
      architecture: this.config.instanceArchitecture,
      amiId: this.config.amiId,
      rootVolumeGiB: this.config.rootVolumeGiB,
    });
  }

  /** instance_id, private_ip, public_ip (when there is one) and connect_command. */
  protected instanceOutputs(lab: LabInstance, connectCommand: string, hasPublicIp: boolean): void {
    this.output('instance_id', lab.instance.id, 'EC2 instance id (the Session Manager target)');
    this.output('private_ip', lab.instance.privateIp, 'Private IPv4 address of the instance');
    if (hasPublicIp) this.output('public_ip', lab.instance.publicIp, 'Public IPv4 address of the instance');
    this.output('connect_command', connectCommand, 'Command that opens a shell on the instance');
  }

  /** `aws ssm start-session …` for an instance of this stack. */
  protected sessionManagerCommand(lab: LabInstance): string {
    return `aws ssm start-session --target ${lab.instance.id} --region ${this.config.region}`;
  }
}
