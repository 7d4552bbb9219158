/**
 * The one pipeline's middle: whatever the source — the lab planned offline, the lab planned
 * against the account, a user's plan or state file — its plans become models and one assessment
 * value, built once: instances and their verdicts, before → after, the headlines (as data),
 * costs, apply failures, policy findings, the operator checks, the diagram and the exit code. The
 * renderers (render/) take only that value.
 */
import { AWS_PROVIDER_VERSION } from '../../terraform-cli';
import { PlanJson, priorPlan } from '../../terraform-json';
import { ModuleConfig } from '../model/hcl-evaluate';
import { NetworkModel } from '../model/plan-model';
import { ConfigurationStatus } from '../model/terraform-configuration';
import { ApplyFailure, applyFailures } from '../rules/apply-checks';
import { OperatorAccess, synthesizedOperatorAccess } from '../rules/operator-access';
import { PlanPolicies, planPolicies } from '../rules/policies';
import { PRICES_AS_OF, stackCost, StackCost } from '../rules/prices';
import { Reachability } from '../rules/reachability';
import { AccountPlans, StackReviewOutcome } from '../sources/account';
import { existingVpcKey } from '../sources/existing-vpc';
import { OfflineLabPlans } from '../sources/offline-lab';
import {
  AccountExit,
  ExitCode,
  Headline,
  headlinesOf,
  reviewStacks,
  StackReview,
  StackSummary,
  summarizeStack,
} from './changes';
import { PathCosts, pathCosts, regionOfPlan } from './costs';
import { Diagram, diagramOf } from './diagram';
import {
  compareInstances,
  ForwardingTargetReview,
  InstanceBlock,
  instanceBlock,
  InstanceChange,
  InstanceReview,
  reviewForwardingTargets,
  reviewInstances,
} from './instances';
import { assessWindow, EndpointWindow, judgeWithAgents } from './window';

/** A user's plan or state (`--plan`) is one configuration: its addresses stand alone, with no stack in front. */
export const PLAN_STACK = '';

/** The region a user's plan is priced in when it names none. */
export const DEFAULT_PLAN_REGION = 'us-east-1';

/** The lab's stacks planned offline (sources/offline-lab.ts). */
export interface OfflineInput extends OfflineLabPlans {
  readonly mode: 'offline';
}

/** The lab's stacks planned against the account (sources/account.ts). */
export interface AccountInput extends AccountPlans {
  readonly mode: 'account';
}

/** A user's `terraform show -json` file (sources/plan-file.ts). */
export interface PlanInput {
  readonly mode: 'plan';
  readonly file: string;
  readonly kind: 'plan' | 'state';
  readonly plan: PlanJson;
  /** The configuration's files the verdicts read beside the plan, or why they did not. */
  readonly configuration?: ConfigurationStatus;
}

export type ReviewInput = OfflineInput | AccountInput | PlanInput;

interface Common {
  readonly exitCode: ExitCode;
  /** What a reviewer reads first: the paths the plan cuts, the instances it replaces. */
  readonly headlines: readonly Headline[];
  readonly awsProviderVersion: string;
  readonly pricesAsOf: string;
}

/** What a review of the lab's own stacks (offline or against the account) also knows: the run, the policies and the printed commands. */
interface LabReview extends Common {
  readonly region: string;
  readonly terraformVersion: string;
  /** The guardrail findings the settings acknowledge, each with its reason. */
  readonly acknowledged: readonly string[];
  readonly policies: PlanPolicies;
  /** Each stack's printed commands checked against its printed operator policy. */
  readonly operatorAccess: readonly OperatorAccess[];
}

/** The lab planned offline: what each stack creates and costs, each instance's paths, and the lab's paths compared. */
export interface OfflineAssessment extends LabReview {
  readonly mode: 'offline';
  readonly placeholders: readonly string[];
  readonly stacks: readonly StackReview[];
  readonly instances: readonly InstanceReview[];
  readonly forwardingTargets: readonly ForwardingTargetReview[];
  readonly applyFailures: readonly ApplyFailure[];
  readonly costs: PathCosts;
  readonly diagram: Diagram;
}

/** The lab planned against the account: each stack's changes and cost now → after, each instance's paths now → after. */
export interface AccountAssessment extends LabReview {
  readonly mode: 'account';
  readonly outcomes: readonly StackReviewOutcome[];
  readonly stacks: readonly StackSummary[];
  readonly instances: readonly InstanceChange[];
  /** With `ssm-endpoints` planned: the instances of its VPC, Session Manager now and with the endpoints. */
  readonly window?: EndpointWindow;
}

/** A user's plan or state: each instance's paths, before → after when the plan changes deployed resources, and what it costs. */
export interface PlanAssessment extends Common {
  readonly mode: 'plan';
  readonly file: string;
  readonly kind: 'plan' | 'state';
  readonly configuration?: ConfigurationStatus;
  readonly instances: readonly InstanceBlock[];
  /** With prior state: each instance before → after. */
  readonly changes?: readonly InstanceChange[];
  /** Everything the configuration holds after the plan, by the hour, and the region it is priced in. */
  readonly cost: { readonly region: string; readonly regionFromPlan: boolean; readonly stack: StackCost };
  readonly diagram: Diagram;
}

export type Assessment = OfflineAssessment | AccountAssessment | PlanAssessment;

const common = (headlines: readonly Headline[], exitCode: ExitCode): Common => ({
  exitCode,
  headlines,
  awsProviderVersion: AWS_PROVIDER_VERSION,
  pricesAsOf: PRICES_AS_OF,
});

/** The models before and after the plans (each plan seen from before it is applied). */
function beforeAndAfter(
  plans: Readonly<Record<string, PlanJson>>,
  configurations: Readonly<Record<string, ReadonlyMap<string, ModuleConfig>>> = {},
): { before: NetworkModel; after: NetworkModel } {
  return {
    after: new NetworkModel(plans, new Map(), configurations),
    before: new NetworkModel(
      Object.fromEntries(Object.entries(plans).map(([stack, plan]) => [stack, priorPlan(plan)])),
      new Map(),
      configurations,
    ),
  };
}

export function assess(input: ReviewInput): Assessment {
  if (input.mode === 'offline') return assessOffline(input);
  if (input.mode === 'account') return assessAccount(input);
  return assessPlan(input);
}

function assessOffline(input: OfflineInput): OfflineAssessment {
  const model = new NetworkModel(input.plans, input.placeholders);
  return {
    mode: 'offline',
    ...common([], AccountExit.OK),
    region: input.region,
    terraformVersion: input.terraformVersion,
    placeholders: input.placeholderNotes,
    acknowledged: input.acknowledged,
    stacks: reviewStacks(model, input.region),
    instances: reviewInstances(model),
    forwardingTargets: reviewForwardingTargets(model),
    applyFailures: applyFailures(model),
    policies: planPolicies(model),
    operatorAccess: synthesizedOperatorAccess(input.synthesized, input.partition),
    costs: pathCosts(model, input.region),
    diagram: diagramOf(model),
  };
}

function assessAccount(input: AccountInput): AccountAssessment {
  const { existing } = input;
  // The VPC the temporary endpoints are for, as it stands: judged with the plans, never planned.
  const judged =
    existing && 'state' in existing
      ? { ...input.plans, [existingVpcKey(existing.vpcId)]: existing.state }
      : input.plans;
  const { before, after } = beforeAndAfter(judged);
  // What Systems Manager reported of the existing VPC's agents, before anything judges these models.
  if (existing && 'state' in existing) judgeWithAgents(existing, before, after);
  const compared = compareInstances(before, after);
  // The existing VPC's instances are the window's section; the lab's stay in the table of the lab.
  const instances = existing ? compared.filter((change) => change.stack !== existingVpcKey(existing.vpcId)) : compared;
  const window =
    existing === undefined
      ? undefined
      : 'state' in existing
        ? assessWindow(input.endpointsStack, existing, before, after)
        : { stack: input.endpointsStack, vpcId: existing.vpcId, instances: [], headlines: [], unread: existing.unread };
  const headlines = headlinesOf(compared, judged);
  const failed = input.outcomes.some((outcome) => outcome.status === 'failed');
  const exitCode = failed ? AccountExit.ERROR : headlines.length > 0 ? AccountExit.PATH_LOST : AccountExit.OK;
  return {
    mode: 'account',
    ...common(headlines, exitCode),
    region: input.region,
    terraformVersion: input.terraformVersion,
    acknowledged: input.acknowledged,
    outcomes: input.outcomes,
    stacks: Object.keys(input.plans).map((stack) =>
      summarizeStack(stack, input.plans[stack], before, after, input.region),
    ),
    instances,
    policies: planPolicies(after),
    operatorAccess: synthesizedOperatorAccess(input.synthesized, input.partition),
    ...(window ? { window } : {}),
  };
}

function assessPlan(input: PlanInput): PlanAssessment {
  const { kind, plan, configuration } = input;
  const modules: Record<string, ReadonlyMap<string, ModuleConfig>> = configuration?.kind === 'read'
    ? { [PLAN_STACK]: configuration.configuration.modules }
    : {};
  const model = new NetworkModel({ [PLAN_STACK]: plan }, new Map(), modules);
  // A user's plan does not hold the account's Default Host Management setting: the verdicts say what it would do.
  const options = { defaultHostManagementHint: true };
  const reach = Reachability.of(model, options);
  const instances = model
    .all('aws_instance')
    .sort((a, b) => a.address.localeCompare(b.address, 'en'))
    .map((instance) => instanceBlock(reach, instance));
  // A plan against deployed resources: what each path was before it.
  const deployed = (plan.resource_changes ?? []).some((change) => change.change.before);
  const prior =
    kind === 'plan' && deployed ? new NetworkModel({ [PLAN_STACK]: priorPlan(plan) }, new Map(), modules) : undefined;
  // The model before the plan is judged with the same words (Reachability.of takes its options when it first meets a model).
  if (prior) Reachability.of(prior, options);
  const changes = prior
    ? compareInstances(prior, model).filter((change) => !change.forwardingTarget || change.before !== undefined)
    : undefined;
  const headlines = changes ? headlinesOf(changes, { [PLAN_STACK]: plan }) : [];
  const named = regionOfPlan(model);
  const region = named ?? DEFAULT_PLAN_REGION;
  return {
    mode: 'plan',
    ...common(headlines, headlines.length > 0 ? AccountExit.PATH_LOST : AccountExit.OK),
    file: input.file,
    kind,
    ...(configuration ? { configuration } : {}),
    instances,
    ...(changes ? { changes } : {}),
    cost: { region, regionFromPlan: named !== undefined, stack: stackCost(model, PLAN_STACK, region, true) },
    diagram: diagramOf(model),
  };
}
