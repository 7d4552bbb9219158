/**
 * `npm run review -- --plan <file>`: any configuration's plan or state, as `terraform show -json`
 * writes it, judged instance by instance with the lab review's rules and wording. Nothing is
 * synthesized, nothing calls AWS, no Terraform runs. A plan made against deployed resources (with a
 * prior state) is also judged before → after, with the account review's headlines and exit codes.
 */
import * as fs from 'fs';
import { AccountExit, compareInstances, PLAN_STACK, headlinesOf, instanceBlock } from '../assessment/assessment';
import { NetworkModel } from '../model/plan-model';
import { PlanJson, priorPlan, stateAsPlan, StateValuesModule } from '../../terraform-json';
import { Reachability } from '../rules/reachability';
import { planMarkdown } from '../render/markdown';
import { mermaidDiagram } from '../render/mermaid';
import { planText } from '../render/text';
import { ReviewError } from './common';
import type { ConfigurationStatus, PlanReviewBody } from '../reports';
import type { ModuleConfig } from '../model/hcl-evaluate';

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

export interface PlanFileReview extends PlanReviewBody {
  readonly text: string;
  readonly markdown: string;
  /** The Mermaid diagram the report embeds. */
  readonly diagram: string;
}

/**
 * Reviews a `terraform show -json` file (throws {@link ReviewError} for one it cannot read), with
 * the configuration it was made from where it was read (configuration.ts).
 */
export function reviewPlanFile(file: string, configuration?: ConfigurationStatus): PlanFileReview {
  return reviewPlan(file, readPlanFile(file), configuration);
}

/** Reviews a plan already read. */
export function reviewPlan(file: string, read: PlanFile, configuration?: ConfigurationStatus): PlanFileReview {
  const { kind, plan } = read;
  const modules: Record<string, ReadonlyMap<string, ModuleConfig>> = configuration?.kind === 'read'
    ? { [PLAN_STACK]: configuration.configuration.modules }
    : {};
  const model = new NetworkModel({ [PLAN_STACK]: plan }, new Map(), modules);
  const reach = Reachability.of(model);
  const instances = model.all('aws_instance');
  if (instances.length === 0)
    throw new ReviewError(
      `--plan ${file} holds no aws_instance${kind === 'plan' ? ' that exists after the plan' : ''}: the review judges how instances are reached, so there is nothing to judge`,
    );
  const blocks = instances
    .slice()
    .sort((a, b) => a.address.localeCompare(b.address, 'en'))
    .map((instance) => instanceBlock(reach, instance));

  // A plan against deployed resources: what each path was before it.
  const deployed = (plan.resource_changes ?? []).some((change) => change.change.before);
  const changes =
    kind === 'plan' && deployed
      ? compareInstances(new NetworkModel({ [PLAN_STACK]: priorPlan(plan) }, new Map(), modules), model).filter(
          (change) => !change.forwardingTarget || change.before !== undefined,
        )
      : undefined;
  const headlines = changes ? headlinesOf(changes, { [PLAN_STACK]: plan }, model) : [];
  const exitCode = headlines.length > 0 ? AccountExit.PATH_LOST : AccountExit.OK;
  const review = { file, kind, model, instances: blocks, changes, headlines, exitCode, configuration };
  const diagram = mermaidDiagram(model);
  return { ...review, text: planText(review), markdown: planMarkdown(review, diagram), diagram };
}
