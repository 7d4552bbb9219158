/**
 * `npm run review -- --plan <file>`: any configuration's plan or state, as `terraform show -json`
 * writes it, judged instance by instance with the lab review's rules and wording. Nothing is
 * synthesized, nothing calls AWS, no Terraform runs. A plan made against deployed resources (with a
 * prior state) is also judged before → after, with the account review's headlines and exit codes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AccountExit, compareInstances, headlinesOf, InstanceChange } from './account';
import { Entity, NetworkModel, PlanJson, PlannedValues, priorPlan, ResourceChange } from './plan-model';
import { Reachability, Verdict } from './reachability';
import { mermaidDiagram, usd } from './report';
import { stackCost } from './prices';
import { ReviewError } from './sources';

/** The JSON formats the review reads: Terraform 1.0 and later write 1.x. */
const SUPPORTED_FORMAT = /^1\.\d+$/;

/** A user's plan or state is one configuration: its addresses stand alone, with no stack in front. */
export const PLAN_STACK = '';

/** What `terraform show -json` prints for a state: the values of every module, no changes. */
interface StateModule {
  readonly address?: string;
  readonly resources?: readonly {
    readonly address: string;
    readonly mode: 'managed' | 'data';
    readonly type: string;
    readonly name: string;
    readonly index?: string | number;
    readonly values?: PlannedValues;
  }[];
  readonly child_modules?: readonly StateModule[];
}

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
      plan: stateAsPlan((json.values as { root_module?: StateModule })?.root_module),
      terraformVersion,
    };
  throw new ReviewError(
    `--plan ${file} is JSON with a format_version but neither a plan (resource_changes) nor a state (values); expected what terraform show -json writes`,
  );
}

/** A state as a plan that changes nothing: every managed resource as it stands. */
function stateAsPlan(root: StateModule | undefined): PlanJson {
  const changes: ResourceChange[] = [];
  const visit = (module: StateModule) => {
    for (const resource of module.resources ?? []) {
      if (resource.mode !== 'managed') continue;
      changes.push({
        address: resource.address,
        mode: 'managed',
        type: resource.type,
        name: resource.name,
        index: resource.index,
        change: { actions: ['no-op'], before: resource.values ?? {}, after: resource.values ?? {}, after_unknown: {} },
      });
    }
    for (const child of module.child_modules ?? []) visit(child);
  };
  if (root) visit(root);
  return { format_version: '1.2', resource_changes: changes };
}

/** One instance's verdicts, as the review prints them. */
export interface InstanceBlock {
  readonly address: string;
  readonly name?: string;
  readonly action: string;
  readonly lines: readonly string[];
  readonly assumptions: readonly string[];
}

export interface PlanFileReview {
  readonly file: string;
  readonly kind: 'plan' | 'state';
  readonly model: NetworkModel;
  readonly instances: readonly InstanceBlock[];
  /** With prior state: each instance before → after, the headlines and the exit code. */
  readonly changes?: readonly InstanceChange[];
  readonly headlines: readonly string[];
  readonly exitCode: (typeof AccountExit)[keyof typeof AccountExit];
  readonly text: string;
  readonly markdown: string;
  /** The Mermaid diagram the report embeds. */
  readonly diagram: string;
}

const ACTION_WORDS: Readonly<Record<string, string>> = {
  'no-op': 'unchanged',
  create: 'to create',
  update: 'to update',
  'delete,create': 'to replace',
  'create,delete': 'to replace',
  read: 'read',
};

/** Reviews a `terraform show -json` file (throws {@link ReviewError} for one it cannot read). */
export function reviewPlanFile(file: string): PlanFileReview {
  const { kind, plan } = readPlanFile(file);
  const model = new NetworkModel({ [PLAN_STACK]: plan });
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
      ? compareInstances(new NetworkModel({ [PLAN_STACK]: priorPlan(plan) }), model).filter(
          (change) => !change.forwardingTarget || change.before !== undefined,
        )
      : undefined;
  const headlines = changes ? headlinesOf(changes, { [PLAN_STACK]: plan }, model) : [];
  const exitCode = headlines.length > 0 ? AccountExit.PATH_LOST : AccountExit.OK;
  const review = { file, kind, model, instances: blocks, changes, headlines, exitCode };
  const diagram = mermaidDiagram(model);
  return { ...review, text: planText(review), markdown: planMarkdown(review, diagram), diagram };
}

function instanceBlock(reach: Reachability, instance: Entity): InstanceBlock {
  const verdicts: (Verdict | undefined)[] = [
    reach.sessionManager(instance),
    reach.ssh(instance),
    reach.forwarding(instance),
  ];
  return {
    address: instance.address,
    name: instance.values.tags?.Name,
    action: ACTION_WORDS[instance.actions.join(',')] ?? instance.actions.join(', '),
    lines: verdicts.filter((v): v is Verdict => v !== undefined).map((v) => v.text),
    assumptions: reach.assumptions(instance),
  };
}

type ReviewBody = Omit<PlanFileReview, 'text' | 'markdown' | 'diagram'>;

function heading(block: InstanceBlock): string {
  return `${block.address}${block.name ? ` (${block.name})` : ''} — ${block.action}`;
}

/** The terminal's text: a block per instance, the lab review's verdict lines and wording. */
function planText(review: ReviewBody): string {
  const out: string[] = [
    `Plan review of ${path.basename(review.file)} (${review.kind === 'plan' ? 'a plan' : 'a state, judged as it stands'}; no AWS account, no Terraform run)`,
    '',
  ];
  if (review.headlines.length > 0) out.push(...review.headlines.map((line) => `  ! ${line}`), '');
  for (const block of review.instances) {
    out.push(`  ${heading(block)}`, ...block.lines.map((line) => `    ${line}`));
    for (const assumption of block.assumptions) out.push(`    Assumed: ${assumption}`);
    out.push('');
  }
  if (review.changes) {
    const cell = (v: Verdict | undefined, missing: string) =>
      v === undefined ? missing : v.reachable ? 'reachable' : 'NOT reachable';
    out.push('  Before → after:');
    for (const change of review.changes)
      out.push(
        `    ${change.id.slice(PLAN_STACK.length + 1)} (${change.kind}): Session Manager ${cell(change.before?.sessionManager, 'not deployed')} → ${cell(change.after?.sessionManager, 'destroyed')}; SSH ${cell(change.before?.ssh, 'not deployed')} → ${cell(change.after?.ssh, 'destroyed')}`,
      );
    out.push('');
  }
  return `${out.join('\n')}`;
}

/** The Markdown report: the verdicts, what is priced per hour and what is not, the diagram. */
function planMarkdown(review: ReviewBody, diagram: string): string {
  const out: string[] = [`# Plan review: ${path.basename(review.file)}`, ''];
  if (review.headlines.length > 0) out.push('> [!CAUTION]', ...review.headlines.map((line) => `> ${line}`), '');
  out.push('## Instances', '');
  for (const block of review.instances) {
    out.push(`### \`${block.address}\`${block.name ? ` (${block.name})` : ''} — ${block.action}`, '');
    out.push(...block.lines.map((line) => `- ${line}`));
    for (const assumption of block.assumptions) out.push(`- *Assumed:* ${assumption}`);
    out.push('');
  }
  const region = regionOf(review.model) ?? 'us-east-1';
  // Everything the configuration holds after the plan: what it costs by the hour while it stands.
  const cost = stackCost(review.model, PLAN_STACK, region, true);
  out.push(
    '## Cost per hour',
    '',
    `Region ${region} (from the plan's endpoints or subnets), prices from the review's table.`,
    '',
  );
  for (const line of cost.lines)
    out.push(
      `- ${line.item}: ${line.usdPerHour === undefined ? 'not priced' : `${usd(line.usdPerHour)}/h`} (${line.note})`,
    );
  out.push(
    '',
    `Priced: ${usd(cost.knownUsdPerHour)}/h for ${cost.lines.length - cost.unknown.length} item(s)${cost.unknown.length > 0 ? `; not priced: ${cost.unknown.length} (named above), so the total is a lower bound` : ''}.`,
    '',
  );
  out.push('## Diagram', '', '```mermaid', diagram.trimEnd(), '```', '');
  return out.join('\n');
}

/** The region the plan's endpoints or subnets name, for prices. */
function regionOf(model: NetworkModel): string | undefined {
  for (const endpoint of model.all('aws_vpc_endpoint')) {
    const match = /^com\.amazonaws\.([a-z0-9-]+)\./.exec(String(endpoint.values.service_name ?? ''));
    if (match) return match[1];
  }
  for (const subnet of model.all('aws_subnet')) {
    const zone = subnet.values.availability_zone;
    if (typeof zone === 'string') return zone.replace(/[a-z]$/, '');
  }
  return undefined;
}
