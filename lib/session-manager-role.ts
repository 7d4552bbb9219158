import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';

/** The AWS managed policy that lets the SSM Agent register and carry sessions, and nothing more. */
export const SSM_MANAGED_INSTANCE_CORE = 'AmazonSSMManagedInstanceCore';

export interface SessionManagerRoleProps {
  /** IAM role and instance profile name. */
  readonly name: string;
  /**
   * AWS partition, for the managed policy ARN.
   * @default 'aws'
   */
  readonly partition?: string;
}

/**
 * The instance role Session Manager needs: trusted by EC2 only, holding only
 * `AmazonSSMManagedInstanceCore`, exposed through an instance profile.
 */
export class SessionManagerRole extends Construct {
  readonly role: IamRole;
  readonly instanceProfile: IamInstanceProfile;
  readonly policyArn: string;

  constructor(scope: Construct, id: string, props: SessionManagerRoleProps) {
    super(scope, id);
    const partition = props.partition ?? 'aws';
    // IAM takes a name prefix of at most 38 characters; the prefix is the name and a hyphen.
    if (!/^[\w+=,.@-]{1,37}$/.test(props.name)) {
      throw new Error(
        `SessionManagerRole: name "${props.name}" must be 1-37 characters of letters, digits and +=,.@_- (IAM's limit for a name prefix, less the hyphen)`,
      );
    }
    this.policyArn = `arn:${partition}:iam::aws:policy/${SSM_MANAGED_INSTANCE_CORE}`;

    // Name prefixes, not names: IAM names are unique in the account, and an orphan of a killed
    // apply would otherwise block every later one.
    this.role = new IamRole(this, 'role', {
      namePrefix: `${props.name}-`,
      description: 'Lets the SSM Agent on lab instances register with Systems Manager (Session Manager only).',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
      tags: { Name: props.name },
    });
    new IamRolePolicyAttachment(this, 'managed-instance-core', {
      role: this.role.name,
      policyArn: this.policyArn,
    });
    this.instanceProfile = new IamInstanceProfile(this, 'instance-profile', {
      namePrefix: `${props.name}-`,
      role: this.role.name,
      tags: { Name: props.name },
    });
  }
}
