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

/** How the app is being synthesized. */
export interface SynthMode {
  /**
   * Offline plan review: mock credentials and the provider's `skip_*` settings, so
   * `terraform plan` runs with no AWS account. Only the review tool sets this; a synth for
   * `cdktf deploy` never carries it.
   * @default false
   */
  readonly offlineReview?: boolean;
}

/** Credentials that only exist so the provider can start without an account. */
export const OFFLINE_ACCESS_KEY = 'mock-access-key-offline-review';

/** Every stack of the app: one AWS provider, tagging everything it creates, and a local state file. */
export abstract class LabStack extends TerraformStack {
  readonly config: LabConfig;
  readonly provider: AwsProvider;
  readonly mode: SynthMode;

  /**
   * @param region the provider's region; defaults to the configured lab region. `undefined` in
   *   the result means "from the usual AWS settings" (AWS_REGION, profile).
   */
  constructor(scope: Construct, name: string, config: LabConfig, mode: SynthMode = {}, region: string | undefined = config.region) {
    super(scope, name);
    this.config = config;
    this.mode = mode;
    this.provider = new AwsProvider(this, 'aws', {
      region,
      defaultTags: [{ tags: { Project: config.projectTag, Lab: config.labName, Stack: name, ManagedBy: 'cdktf' } }],
      ...(mode.offlineReview
        ? {
            accessKey: OFFLINE_ACCESS_KEY,
            secretKey: 'mock-secret-key-offline-review',
            skipCredentialsValidation: true,
            skipRequestingAccountId: true,
            skipMetadataApiCheck: 'true',
            skipRegionValidation: true,
          }
        : {}),
    });
    // Relative to where cdktf runs Terraform (cdktf.out/stacks/<stack>): state files land in the
    // project folder, and no absolute path of this machine ends up in the synthesized JSON.
    this.configureState(name, config, mode);
  }

  /**
   * S3 when a bucket is configured (encrypted, S3-native locking), else a local file. Cross-stack
   * references read the origin stack's state the same way. The offline review always uses local
   * files in a folder of its own (it has no account to reach S3 with).
   */
  private configureState(name: string, config: LabConfig, mode: SynthMode): void {
    if (config.stateBackend && !mode.offlineReview) {
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
    const stateDir = mode.offlineReview ? `${STATE_DIR_FROM_STACK_DIR}/state` : STATE_DIR_FROM_STACK_DIR;
    new LocalBackend(this, { path: `${stateDir}/${localStateFileName(config, name)}` });
  }

  /** An output whose name in Terraform is exactly `name` (a user-facing contract). */
  protected output(name: string, value: unknown, description: string): TerraformOutput {
    return new TerraformOutput(this, name, { value, description });
  }
}
