/**
 * A private TCP service for the port-forwarding paths: what users really reach through a session
 * (a database, an internal web page, an API), played by the cheapest real thing — a t4g.nano whose
 * user data serves HTTP with Amazon Linux 2023's own Python from first boot. No public address, no
 * key pair, no instance profile, no outbound rule (replies pass a stateful security group), and no
 * inbound rule of its own: each client that may reach it adds a rule admitting exactly its own
 * security group ({@link ForwardingTarget.admit}), so the rule goes when that client's stack does.
 */
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { InstanceArchitecture } from './instance-architecture';
import { LabInstance } from './lab-instance';

/** The port the target serves HTTP on. */
export const FORWARDING_TARGET_PORT = 8080;

/** `Scenario` tag of the targets: not an access path of their own, the far end of every path's forwarding hop. */
export const FORWARDING_TARGET_SCENARIO = 'forwarding-target';

/**
 * The tag an instance carries to name the target its forwarding hop reaches: `<target Name>:<port>`.
 * The review judges that hop (instance → target) and nothing else reads it.
 */
export const FORWARDS_TO_TAG = 'ForwardsTo';

/** `<name>:<port>`, the value of {@link FORWARDS_TO_TAG}. */
export function forwardsToTag(targetName: string, port: number): string {
  return `${targetName}:${port}`;
}

/** Reads {@link FORWARDS_TO_TAG}: the target's Name and port, or undefined when it is not one. */
export function parseForwardsTo(value: string | undefined): { name: string; port: number } | undefined {
  const match = /^(.+):(\d{1,5})$/.exec(value ?? '');
  if (!match) return undefined;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { name: match[1], port } : undefined;
}

export interface ForwardingTargetProps {
  /** `Name` tag of the instance (and prefix of its security group). */
  readonly name: string;
  readonly vpcId: string;
  /** A private subnet: the target never gets a public address. */
  readonly subnetId: string;
  /** @default FORWARDING_TARGET_PORT (8080) */
  readonly port?: number;
  /** @default 't4g.nano' */
  readonly instanceType?: string;
  /** @default InstanceArchitecture.ARM64 */
  readonly architecture?: InstanceArchitecture;
  /** @default the latest Amazon Linux 2023 (SSM parameter, read at plan time) */
  readonly amiId?: string;
  /** @default 8 */
  readonly rootVolumeGiB?: number;
}

/** A private HTTP service on one port, reachable only from the security groups admitted to it. */
export class ForwardingTarget extends Construct {
  readonly lab: LabInstance;
  readonly port: number;
  readonly name: string;

  constructor(scope: Construct, id: string, props: ForwardingTargetProps) {
    super(scope, id);
    this.port = props.port ?? FORWARDING_TARGET_PORT;
    this.name = props.name;
    if (!Number.isInteger(this.port) || this.port < 1024 || this.port > 65535) {
      // Above 1023 so the service runs without root (systemd DynamicUser).
      throw new Error(`ForwardingTarget ${props.name}: port ${this.port} must be 1024-65535`);
    }
    this.lab = new LabInstance(this, 'target', {
      name: props.name,
      scenario: FORWARDING_TARGET_SCENARIO,
      vpcId: props.vpcId,
      subnetId: props.subnetId,
      instanceType: props.instanceType,
      architecture: props.architecture,
      amiId: props.amiId,
      rootVolumeGiB: props.rootVolumeGiB,
      agentless: true,
      userData: httpServiceUserData(props.name, this.port),
    });
  }

  /**
   * Admits tcp on the target's port from one client security group only. Created in `scope` (the
   * client's stack): the rule lives and dies with the client, and the target stack needs no
   * reference to it.
   */
  admit(scope: Construct, id: string, clientSecurityGroupId: string, description: string): VpcSecurityGroupIngressRule {
    return new VpcSecurityGroupIngressRule(scope, id, {
      securityGroupId: this.lab.securityGroup.id,
      description,
      ipProtocol: 'tcp',
      fromPort: this.port,
      toPort: this.port,
      referencedSecurityGroupId: clientSecurityGroupId,
      tags: { Name: `${this.name}-in-${this.port}`, Scenario: FORWARDING_TARGET_SCENARIO },
    });
  }
}

/**
 * cloud-init user data: a systemd service running Python's HTTP server on `port` (Amazon Linux
 * 2023 ships python3; nothing is downloaded, so it works in a subnet with no way out), as a
 * throw-away user, answering with one page that names the target.
 */
export function httpServiceUserData(name: string, port: number): string {
  return [
    '#!/bin/bash',
    `# ssm-access-lab forwarding target ${name}: HTTP on ${port} from first boot, no login, no internet needed.`,
    'set -euo pipefail',
    'mkdir -p /srv/lab-target',
    `echo "ssm-access-lab forwarding target ${name}: reached on port ${port}" > /srv/lab-target/index.html`,
    "cat > /etc/systemd/system/lab-target.service <<'UNIT'",
    '[Unit]',
    `Description=ssm-access-lab forwarding target (HTTP on ${port})`,
    'After=network-online.target',
    '[Service]',
    `ExecStart=/usr/bin/python3 -m http.server ${port} --bind 0.0.0.0 --directory /srv/lab-target`,
    'DynamicUser=yes',
    'Restart=always',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
    'systemctl daemon-reload',
    'systemctl enable --now lab-target.service',
    '',
  ].join('\n');
}
