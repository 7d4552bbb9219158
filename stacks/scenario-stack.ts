import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { LabConfig } from '../lib/config';
import { FORWARDS_TO_TAG, ForwardingTarget, forwardsToTag } from '../lib/forwarding-target';
import { LabInstance, LabInstanceProps } from '../lib/lab-instance';
import { sessionAuditDocumentName } from '../lib/session-audit-facts';
import { SessionDocument, sessionManagerOperatorPolicy } from '../lib/session-manager-operator-policy';
import { LabStack, LabStackProps } from './lab-stack';
import { NetworkStack } from './network-stack';
import type { SessionAuditStack } from './session-audit-stack';

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
  /**
   * `lab-session-audit`, when the session audit is on: the shell's sessions are encrypted with its
   * key, so the operator's policy names that key (and the scenario depends on the stack).
   * @default none (the session audit is off)
   */
  readonly sessionAudit?: SessionAuditStack;
}

/** The local port the forwarding commands listen on for a port of the instance itself (its sshd, 22). */
export const INSTANCE_PORT_FORWARD = { remote: 22, local: 2222 } as const;

/** A stack that adds one instance (and what its path needs) on top of `lab-network`. */
export abstract class ScenarioStack extends LabStack {
  readonly network: NetworkStack;
  readonly sessionAudit?: SessionAuditStack;
  /** The private service this scenario's instance forwards to (set by {@link labInstance}). */
  forwardingTarget?: ForwardingTarget;

  constructor(scope: Construct, id: string, props: ScenarioStackProps) {
    super(scope, id, props);
    this.network = props.network;
    this.addDependency(props.network);
    if (this.config.sessionAudit && props.sessionAudit === undefined)
      throw new Error(
        `${id}: the session audit is on (SSM_LAB_SESSION_AUDIT=true) but no lab-session-audit stack was given: the operator policy must name its key`,
      );
    this.sessionAudit = this.config.sessionAudit ? props.sessionAudit : undefined;
  }

  /** `<lab name>-<suffix>`: names and Name tags carry the lab name. */
  protected named(suffix: string): string {
    return `${this.config.labName}-${suffix}`;
  }

  /**
   * The lab instance with the configured type, architecture, AMI and volume size. Session
   * Manager instances get the key pair only when SSH through Session Manager is on. Its
   * forwarding hop to `forwardTo` is built here too: the instance SG sends the target's port to
   * the target's SG only, the target SG admits it from this instance's SG only (the rule lives in
   * this stack, so it goes with it), and the `ForwardsTo` tag tells the review which hop to judge.
   */
  protected labInstance(
    props: Omit<LabInstanceProps, 'instanceType' | 'architecture' | 'amiId' | 'rootVolumeGiB' | 'name' | 'tags'> & {
      name: string;
      forwardTo: ForwardingTarget;
    },
  ): LabInstance {
    const { forwardTo, ...instanceProps } = props;
    const sessionManagerKey =
      props.instanceProfileName !== undefined && this.config.sshOverSessionManager ? this.network.keyName : undefined;
    const lab = new LabInstance(this, 'instance', {
      keyName: sessionManagerKey,
      ...instanceProps,
      name: this.named(props.name),
      instanceType: this.config.instanceType,
      architecture: this.config.instanceArchitecture,
      amiId: this.config.amiId,
      rootVolumeGiB: this.config.rootVolumeGiB,
      tags: { [FORWARDS_TO_TAG]: forwardsToTag(forwardTo.name, forwardTo.port) },
    });
    lab.allowTcpToSecurityGroup(
      forwardTo.port,
      forwardTo.lab.securityGroup.id,
      `Port forwarding: tcp/${forwardTo.port} to ${forwardTo.name} only`,
    );
    forwardTo.admit(
      this,
      'forwarding-target-ingress',
      lab.securityGroup.id,
      `Port forwarding: tcp/${forwardTo.port} from ${this.named(props.name)} only`,
    );
    this.forwardingTarget = forwardTo;
    return lab;
  }

  /**
   * The target's private address, for an output. It comes through lab-network's state, where
   * cdktf marks every cross-stack output sensitive; an address is no secret, and Terraform refuses
   * an output holding a sensitive value that is not itself marked sensitive.
   */
  protected forwardingTargetAddress(): string {
    return Fn.nonsensitive(this.forwardingTarget!.lab.instance.privateIp);
  }

  /** `ssh -L` from a local port to the forwarding target, through `host` (the instance's sshd). */
  protected sshForwardCommand(sshOptions: string, host: string): string {
    const { port } = this.forwardingTarget!;
    return `ssh ${sshOptions} -N -L ${port}:${this.forwardingTargetAddress()}:${port} ${host}`;
  }

  /**
   * The Session Manager forwarding outputs: a local port to a port on the instance, a local port
   * to the target through the instance, and the operator's least-privilege policy for every
   * document these commands use.
   */
  private sessionManagerForwardingOutputs(lab: LabInstance): void {
    const target = this.forwardingTarget!;
    const region = `--region ${this.config.region}`;
    this.output(
      'port_forward_command',
      `aws ssm start-session --target ${lab.instance.id} --document-name ${SessionDocument.PORT_FORWARDING} --parameters portNumber=${INSTANCE_PORT_FORWARD.remote},localPortNumber=${INSTANCE_PORT_FORWARD.local} ${region}`,
      `Forwards localhost:${INSTANCE_PORT_FORWARD.local} to port ${INSTANCE_PORT_FORWARD.remote} on the instance (its sshd) through Session Manager`,
    );
    this.output(
      'forward_to_target_command',
      `aws ssm start-session --target ${lab.instance.id} --document-name ${SessionDocument.PORT_FORWARDING_TO_REMOTE_HOST} --parameters host=${this.forwardingTargetAddress()},portNumber=${target.port},localPortNumber=${target.port} ${region}`,
      `Forwards localhost:${target.port} to ${target.name} (tcp/${target.port}) through the instance; then curl http://localhost:${target.port}/`,
    );
    const shellDocument = this.sessionAudit ? sessionAuditDocumentName(this.config.labName) : SessionDocument.SHELL;
    this.output(
      'operator_policy',
      sessionManagerOperatorPolicy({
        partition: this.config.partition,
        region: this.config.region,
        // The instance's ARN names its account: no lookup (which would need AWS at plan time).
        account: Fn.element(Fn.split(':', lab.instance.arn), 4),
        instanceArn: lab.instance.arn,
        shellDocument,
        awsDocuments: [
          ...(this.config.sshOverSessionManager ? [SessionDocument.SSH] : []),
          SessionDocument.PORT_FORWARDING,
          SessionDocument.PORT_FORWARDING_TO_REMOTE_HOST,
        ],
        // The audit's document encrypts session data with its key; lab-session-audit's state
        // carries the ARN, which cdktf marks sensitive like every cross-stack output.
        sessionKeyArn: this.sessionAudit ? Fn.nonsensitive(this.sessionAudit.audit.key.arn) : undefined,
        instanceId: lab.instance.id,
      }),
      'Least-privilege IAM policy for the operator who opens sessions and forwards ports (attach to their role)',
    );
  }

  /** instance_id, private_ip, public_ip (when there is one), connect_command, and the SSH-over-SSM pair. */
  protected instanceOutputs(lab: LabInstance, connectCommand: string, hasPublicIp: boolean): void {
    this.output('instance_id', lab.instance.id, 'EC2 instance id (the Session Manager target)');
    this.output('private_ip', lab.instance.privateIp, 'Private IPv4 address of the instance');
    if (hasPublicIp) this.output('public_ip', lab.instance.publicIp, 'Public IPv4 address of the instance');
    this.output('connect_command', connectCommand, 'Command that opens a shell on the instance');
    if (lab.hasInstanceProfile) this.sessionManagerForwardingOutputs(lab);
    if (this.config.sshOverSessionManager && lab.hasInstanceProfile) {
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
    const document = this.sessionAudit ? ` --document-name ${sessionAuditDocumentName(this.config.labName)}` : '';
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
