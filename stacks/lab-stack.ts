import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { LabConfig } from '../lib/config';

/** From cdktf.out/stacks/<stack> back to the project folder. */
export const STATE_DIR_FROM_STACK_DIR = '../../..';

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
      defaultTags: [{ tags: { Project: config.projectTag, Stack: name, ManagedBy: 'cdktf' } }],
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
    // The offline review keeps its states (and lab-network's placeholder) in a folder of its own.
    const stateDir = mode.offlineReview ? `${STATE_DIR_FROM_STACK_DIR}/state` : STATE_DIR_FROM_STACK_DIR;
    new LocalBackend(this, { path: `${stateDir}/terraform.${name}.tfstate` });
  }

  /** An output whose name in Terraform is exactly `name` (a user-facing contract). */
  protected output(name: string, value: unknown, description: string): TerraformOutput {
    return new TerraformOutput(this, name, { value, description });
  }
}
