/**
 * The source of `npm run review -- --plan <file>`: any configuration's plan or state, as
 * `terraform show -json` writes it, read and checked. Nothing is synthesized, nothing calls AWS,
 * no Terraform runs; the pipeline (review.ts) judges it instance by instance with the lab review's
 * rules and wording, and before → after where the plan has a prior state.
 */
import * as fs from 'fs';
import { PlanJson, stateAsPlan, StateValuesModule } from '../../terraform-json';
import { ReviewError } from './common';

/** The JSON formats the review reads: Terraform 1.0 and later write 1.x. */
const SUPPORTED_FORMAT = /^1\.\d+$/;

export interface PlanFile {
  readonly kind: 'plan' | 'state';
  /** As a plan: a state reads as a plan that changes nothing. */
  readonly plan: PlanJson;
  readonly terraformVersion?: string;
}

/**
 * Reads and checks a `terraform show -json` file; throws {@link ReviewError} with one line naming
 * the file and what is wrong.
 */
export function readPlanFile(file: string): PlanFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ReviewError(
      `--plan ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)}); expected the file terraform show -json wrote`,
    );
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ReviewError(
      `--plan ${file} is not JSON (${(error as Error).message.replace(/\s+/g, ' ')}); expected what terraform show -json <planfile> writes (terraform show without -json writes text)`,
    );
  }
  if (!json || typeof json !== 'object' || Array.isArray(json) || typeof json.format_version !== 'string')
    throw new ReviewError(
      `--plan ${file} is JSON but not a Terraform plan or state (it has no format_version); expected what terraform show -json writes`,
    );
  if (!SUPPORTED_FORMAT.test(json.format_version))
    throw new ReviewError(
      `--plan ${file} has format_version ${json.format_version}, which the review does not read; expected 1.x (terraform show -json of Terraform 1.0 or later)`,
    );
  const terraformVersion = typeof json.terraform_version === 'string' ? json.terraform_version : undefined;
  if (Array.isArray(json.resource_changes) || json.planned_values !== undefined)
    return { kind: 'plan', plan: json as PlanJson, terraformVersion };
  if (
    json.values !== undefined ||
    Object.keys(json).every((key) => ['format_version', 'terraform_version'].includes(key))
  )
    return {
      kind: 'state',
      plan: stateAsPlan((json.values as { root_module?: StateValuesModule })?.root_module),
      terraformVersion,
    };
  throw new ReviewError(
    `--plan ${file} is JSON with a format_version but neither a plan (resource_changes) nor a state (values); expected what terraform show -json writes`,
  );
}

/**
 * Throws {@link ReviewError} for a plan or state with no instance to judge (none that exists after
 * the plan): the review judges how instances are reached.
 */
export function assertHoldsInstances(file: string, read: PlanFile): void {
  const holds = (read.plan.resource_changes ?? []).some(
    (change) => change.mode === 'managed' && change.type === 'aws_instance' && change.change.after,
  );
  if (!holds)
    throw new ReviewError(
      `--plan ${file} holds no aws_instance${read.kind === 'plan' ? ' that exists after the plan' : ''}: the review judges how instances are reached, so there is nothing to judge`,
    );
}
