import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DEFAULTS, LabConfig } from '../lib/config';

/** From cdktf.out/stacks/<stack> back to the project folder. */
export const STATE_DIR_FROM_STACK_DIR = '../../..';

/**
 * The local state file of a stack: `terraform.<stack>.tfstate`, with the lab name in front for a
 * non-default lab so two labs never share one (the default keeps existing states where they are).
 */
export function localStateFileName(config: LabConfig, stack: string): string {
  const labPart = config.labName === DEFAULTS.labName ? '' : `${config.labName}.`;
  return `terraform.${labPart}${stack}.tfstate`;
}

export interface LabStackProps {
  readonly config: LabConfig;
  /**
   * The provider's region (a Terraform expression is allowed); `null` in the expression's result
   * means "from the usual AWS settings" (AWS_REGION, profile).
   * @default config.region
   */
  readonly region?: string;
}

/** Every stack of the app: one AWS provider, tagging everything it creates, and a local state file. */
export abstract class LabStack extends TerraformStack {
  readonly config: LabConfig;
  readonly provider: AwsProvider;

  constructor(scope: Construct, id: string, props: LabStackProps) {
    super(scope, id);
    const { config } = props;
    this.config = config;
    this.provider = new AwsProvider(this, 'aws', {
      region: props.region ?? config.region,
      defaultTags: [{ tags: { Project: config.projectTag, Lab: config.labName, Stack: id, ManagedBy: 'cdktf' } }],
    });
    this.configureState(id, config);
  }

  /**
   * S3 when a bucket is configured (encrypted, S3-native locking), else a local file. Cross-stack
   * references read the origin stack's state the same way.
   */
  private configureState(name: string, config: LabConfig): void {
    if (config.stateBackend) {
      new S3Backend(this, {
        bucket: config.stateBackend.bucket,
        key: `${config.stateBackend.keyPrefix}/${config.labName}/${name}.tfstate`,
        region: config.stateBackend.region,
        encrypt: true,
      });
      // cdktf 0.21's S3Backend has no field for Terraform 1.10+'s lock file in the bucket.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
      return;
    }
    // Relative to where cdktf runs Terraform (cdktf.out/stacks/<stack>): state files land in the
    // project folder, and no absolute path of this machine ends up in the synthesized JSON.
    new LocalBackend(this, { path: `${STATE_DIR_FROM_STACK_DIR}/${localStateFileName(config, name)}` });
  }

  /** An output whose name in Terraform is exactly `name` (a user-facing contract). */
  protected output(name: string, value: unknown, description: string): TerraformOutput {
    return new TerraformOutput(this, name, { value, description });
  }
}
