import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { LabConfig } from '../lib/config';

/** From cdktf.out/stacks/<stack> back to the project folder. */
export const STATE_DIR_FROM_STACK_DIR = '../../..';

/** Every stack of the app: one AWS provider in the configured region, tagging everything it creates. */
export abstract class LabStack extends TerraformStack {
  readonly config: LabConfig;
  readonly provider: AwsProvider;

  constructor(scope: Construct, name: string, config: LabConfig) {
    super(scope, name);
    this.config = config;
    this.provider = new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { Project: config.projectTag, Stack: name, ManagedBy: 'cdktf' } }],
    });
    // Relative to where cdktf runs Terraform (cdktf.out/stacks/<stack>): state files land in the
    // project folder, and no absolute path of this machine ends up in the synthesized JSON.
    new LocalBackend(this, { path: `${STATE_DIR_FROM_STACK_DIR}/terraform.${name}.tfstate` });
  }

  /** An output whose name in Terraform is exactly `name` (a user-facing contract). */
  protected output(name: string, value: string, description: string): TerraformOutput {
    return new TerraformOutput(this, name, { value, description });
  }
}
