import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ITerraformDependable, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { addressOf } from './terraform-address';
import { parseIpv4Cidr } from './cidr';
import { HTTPS_PORT } from './session-manager-endpoints';
import { al2023AmiParameter, InstanceArchitecture } from './instance-architecture';

/** One inbound TCP port opened to a list of IPv4 sources. */
export interface LabInstanceIngress {
  readonly port: number;
  readonly cidrs: readonly string[];
  /** Rule description; every rule carries one. */
  readonly description: string;
}

/** Where the instance may open HTTPS connections (the SSM Agent only ever connects out on 443). */
export type HttpsEgressTarget =
  | { readonly kind: 'cidr'; readonly cidrIpv4: string; readonly description: string }
  | { readonly kind: 'security-group'; readonly securityGroupId: string; readonly description: string };

export interface LabInstanceProps {
  /** `Name` tag of the instance and prefix of its security group. */
  readonly name: string;
  /** `Scenario` tag: which access path this instance demonstrates. */
  readonly scenario: string;
  readonly vpcId: string;
  readonly subnetId: string;
  /** @default 't4g.nano' */
  readonly instanceType?: string;
  /** Must match the instance type. @default InstanceArchitecture.ARM64 */
  readonly architecture?: InstanceArchitecture;
  /**
   * A pinned AMI. Pinning makes the plan independent of AWS.
   * @default the latest Amazon Linux 2023 for `architecture`, read from the public SSM parameter at plan time
   */
  readonly amiId?: string;
  /** @default 8 */
  readonly rootVolumeGiB?: number;
  /** @default false */
  readonly associatePublicIpAddress?: boolean;
  /**
   * Instance profile carrying the Session Manager role.
   * @default none — the instance cannot register with Systems Manager
   */
  readonly instanceProfileName?: string;
  /** @default none — no SSH key is installed */
  readonly keyName?: string;
  /** @default [] — no inbound rule at all */
  readonly ingress?: readonly LabInstanceIngress[];
  /**
   * HTTPS destinations. More can be added with {@link LabInstance.allowHttpsTo}; synth fails if
   * the instance ends up with no egress, since Terraform drops AWS's default allow-all rule.
   * @default []
   */
  readonly httpsEgress?: readonly HttpsEgressTarget[];
  /**
   * An instance reached without an agent (SSH through an EC2 Instance Connect Endpoint): it needs
   * no outbound rule at all, since replies to inbound connections pass a security group anyway.
   * @default false (the SSM Agent needs HTTPS out, and synth fails without an egress rule)
   */
  readonly agentless?: boolean;
  /**
   * Resources that must exist before the instance boots (its SSM Agent registers at start-up).
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * A script cloud-init runs at first boot. A change replaces the instance: the script runs only
   * once per instance, so an edited one would otherwise never take effect.
   * @default none
   */
  readonly userData?: string;
  /**
   * Tags besides `Name` and `Scenario` (e.g. `ForwardsTo`, which the review reads).
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** HTTPS anywhere: the smallest egress that lets the SSM Agent reach the public service endpoints. */
export function httpsToInternet(): HttpsEgressTarget {
  return { kind: 'cidr', cidrIpv4: '0.0.0.0/0', description: 'HTTPS to AWS service endpoints (SSM Agent)' };
}

/**
 * An EC2 instance hardened for the lab: IMDSv2 only with hop limit 1, encrypted gp3 root volume,
 * its own security group with explicit, described rules and nothing inbound unless asked.
 */
export class LabInstance extends Construct {
  readonly instance: Instance;
  readonly securityGroup: SecurityGroup;
  /** Whether an instance profile was given (the instance's own attribute is a token, never undefined). */
  readonly hasInstanceProfile: boolean;
  private egressRuleCount = 0;
  /** Egress rules other than HTTPS (the forwarding hop); kept apart so the HTTPS rules keep their ids. */
  private otherEgressRuleCount = 0;
  private readonly name: string;

  constructor(scope: Construct, id: string, props: LabInstanceProps) {
    super(scope, id);
    this.name = props.name;
    this.hasInstanceProfile = props.instanceProfileName !== undefined;
    const architecture = props.architecture ?? InstanceArchitecture.ARM64;
    const instanceType = props.instanceType ?? 't4g.nano';
    const rootVolumeGiB = props.rootVolumeGiB ?? 8;
    validateIngress(props.name, props.ingress ?? []);

    // A name prefix, not a name: an orphan of a killed apply must not block the next one (AWS
    // wants group names unique per VPC); the replacement is created before the old one goes.
    this.securityGroup = new SecurityGroup(this, 'security-group', {
      namePrefix: `${props.name}-instance-`,
      lifecycle: { createBeforeDestroy: true },
      description: `${props.scenario}: lab instance`,
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-instance`, Scenario: props.scenario },
    });

    (props.ingress ?? []).forEach((rule, ruleIndex) => {
      rule.cidrs.forEach((cidr, cidrIndex) => {
        new VpcSecurityGroupIngressRule(this, `ingress-${rule.port}-${ruleIndex}-${cidrIndex}`, {
          securityGroupId: this.securityGroup.id,
          description: rule.description,
          ipProtocol: 'tcp',
          fromPort: rule.port,
          toPort: rule.port,
          cidrIpv4: cidr,
          tags: { Name: `${props.name}-in-${rule.port}-${cidrIndex}`, Scenario: props.scenario },
        });
      });
    });
    for (const target of props.httpsEgress ?? []) this.allowHttpsTo(target);

    let ami = props.amiId;
    if (ami === undefined) {
      ami = new DataAwsSsmParameter(this, 'al2023-ami', { name: al2023AmiParameter(architecture) }).insecureValue;
    }

    this.instance = new Instance(this, 'instance', {
      ami,
      instanceType,
      subnetId: props.subnetId,
      vpcSecurityGroupIds: [this.securityGroup.id],
      associatePublicIpAddress: props.associatePublicIpAddress ?? false,
      iamInstanceProfile: props.instanceProfileName,
      keyName: props.keyName,
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
      },
      rootBlockDevice: {
        volumeType: 'gp3',
        volumeSize: rootVolumeGiB,
        encrypted: true,
        deleteOnTermination: true,
        tags: { Name: `${props.name}-root`, Scenario: props.scenario },
      },
      // Burstable types default to "unlimited" credits on some families: a lab should never bill surplus CPU.
      creditSpecification: instanceType.startsWith('t') ? { cpuCredits: 'standard' } : undefined,
      userData: props.userData,
      userDataReplaceOnChange: props.userData !== undefined ? true : undefined,
      dependsOn: props.dependsOn,
      // A new AL2023 release must not replace a running lab instance on the next plan.
      lifecycle: props.amiId === undefined ? { ignoreChanges: ['ami'] } : undefined,
      tags: { ...props.tags, Name: props.name, Scenario: props.scenario },
    });

    this.node.addValidation({
      validate: () =>
        this.egressRuleCount + this.otherEgressRuleCount === 0 && !props.agentless
          ? [
              `LabInstance ${this.name}: no egress rule; the SSM Agent needs HTTPS out (use httpsEgress or allowHttpsTo)`,
            ]
          : [],
    });
  }

  /**
   * Makes Terraform create `resources` before the instance (for resources made after it, such as
   * endpoints whose security group references the instance's).
   */
  bootAfter(...resources: TerraformResource[]): void {
    this.instance.dependsOn = [...(this.instance.dependsOn ?? []), ...resources.map(addressOf)];
  }

  /** Admits tcp `port` from one security group only (by reference, not by address). */
  allowFromSecurityGroup(port: number, securityGroupId: string, description: string): VpcSecurityGroupIngressRule {
    return new VpcSecurityGroupIngressRule(
      this,
      `ingress-${port}-from-security-group`,
      this.tcpRuleWithGroup(port, securityGroupId, description, `${this.name}-in-${port}-from-sg`),
    );
  }

  /**
   * Sends tcp `port` to one security group only (by reference): the hop from this instance to a
   * service behind it, and nothing wider.
   */
  allowTcpToSecurityGroup(port: number, securityGroupId: string, description: string): VpcSecurityGroupEgressRule {
    this.otherEgressRuleCount++;
    return new VpcSecurityGroupEgressRule(
      this,
      `egress-${port}-to-security-group`,
      this.tcpRuleWithGroup(port, securityGroupId, description, `${this.name}-out-${port}-to-sg`),
    );
  }

  /** One tcp port on this instance's group, the other side a security group (ingress and egress alike). */
  private tcpRuleWithGroup(port: number, securityGroupId: string, description: string, name: string) {
    return {
      securityGroupId: this.securityGroup.id,
      description,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: securityGroupId,
      tags: { Name: name },
    };
  }

  /** Adds an outbound tcp/443 rule to the instance security group. */
  allowHttpsTo(target: HttpsEgressTarget): VpcSecurityGroupEgressRule {
    const index = this.egressRuleCount++;
    return new VpcSecurityGroupEgressRule(this, `https-egress-${index}`, {
      securityGroupId: this.securityGroup.id,
      description: target.description,
      ipProtocol: 'tcp',
      fromPort: HTTPS_PORT,
      toPort: HTTPS_PORT,
      cidrIpv4: target.kind === 'cidr' ? target.cidrIpv4 : undefined,
      referencedSecurityGroupId: target.kind === 'security-group' ? target.securityGroupId : undefined,
      tags: { Name: `${this.name}-https-out-${index}` },
    });
  }
}

function validateIngress(name: string, ingress: readonly LabInstanceIngress[]): void {
  for (const rule of ingress) {
    if (!Number.isInteger(rule.port) || rule.port < 1 || rule.port > 65535) {
      throw new Error(`LabInstance ${name}: ingress port ${rule.port} must be 1-65535`);
    }
    if (rule.description.trim() === '')
      throw new Error(`LabInstance ${name}: ingress on port ${rule.port} needs a description`);
    for (const cidr of rule.cidrs) {
      if (!parseIpv4Cidr(cidr)) throw new Error(`LabInstance ${name}: ingress source "${cidr}" is not an IPv4 CIDR`);
    }
  }
}
