/**
 * What turns the app into one Terraform can plan with no AWS account. The stacks know nothing of
 * the review: this module changes the synthesized app from the outside (an Aspect on the providers,
 * a configuration without S3 state, and `-var`s for ssm-endpoints).
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, Aspects, IAspect, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { LabConfig } from '../../../lib/config';
import { addLabStacks, LabStacks } from '../../../stacks/index';
import { EndpointsVariable } from '../../../lib/temporary-endpoints-inputs';

/** Credentials that only exist so the provider can start without an account. */
export const OFFLINE_ACCESS_KEY = 'mock-access-key-offline-review';

/** Mock credentials and the provider's `skip_*` settings on every AWS provider it visits. */
export class OfflineProviderAspect implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof AwsProvider)) return;
    node.accessKey = OFFLINE_ACCESS_KEY;
    node.secretKey = 'mock-secret-key-offline-review';
    node.skipCredentialsValidation = true;
    node.skipRequestingAccountId = true;
    node.skipMetadataApiCheck = 'true';
    node.skipRegionValidation = true;
  }
}

/** The configuration as the offline review synthesizes it: local state, as there is no account to reach S3 with. */
export function offlineConfig(config: LabConfig): LabConfig {
  return { ...config, stateBackend: undefined };
}

/**
 * Adds every stack for an offline plan. cdktf applies Aspects from each stack down (not from the
 * app), so the provider Aspect goes on every stack.
 */
export function addOfflineReviewStacks(app: App, config: LabConfig): LabStacks {
  const stacks = addLabStacks(app, offlineConfig(config));
  const aspect = new OfflineProviderAspect();
  for (const stack of app.node.children.filter(TerraformStack.isStack)) Aspects.of(stack).add(aspect);
  return stacks;
}

/**
 * `-var`s the temporary endpoints need offline: a region (the provider cannot ask the AWS
 * settings for one) and no plan-time lookups (there is no account to look anything up in).
 */
export function offlineEndpointsVars(config: LabConfig): [string, string][] {
  return [
    [EndpointsVariable.REGION, config.region],
    [EndpointsVariable.PREFLIGHT_LOOKUPS, 'false'],
  ];
}

/** Terraform variables of the user's shell that change what a plan reads or where it keeps things. */
const TERRAFORM_SHELL_VARIABLE = /^(TF_WORKSPACE|TF_DATA_DIR|TF_CLI_ARGS(_.*)?|TF_VAR_.*)$/;

/**
 * The environment the offline review runs Terraform in: the user's, without anything that points
 * Terraform or the AWS provider elsewhere — no `AWS_*` (profile, config and credentials files,
 * endpoints, keys), no workspace, data dir, extra CLI arguments or `TF_VAR_*`. What only serves
 * the user stays: PATH, HOME, `TF_CLI_CONFIG_FILE`, `TF_PLUGIN_CACHE_DIR`, proxies.
 */
export function offlineEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.startsWith('AWS_') && !TERRAFORM_SHELL_VARIABLE.test(name)),
  );
}
