/**
 * What each source's review hands its renderers (render/): the account review's result, a plan
 * file's review, and what was read of a plan's configuration. Types only, below the sources and
 * the renderers alike, so that a renderer never imports a source's file.
 */
import type { AccountExit, EndpointWindow, InstanceBlock, InstanceChange, StackSummary } from './assessment/assessment';
import type { ModuleConfig } from './model/hcl-evaluate';
import type { OperatorAccess } from './rules/operator-access';
import type { NetworkModel } from './model/plan-model';
import type { PlanJson } from '../terraform-json';
import type { PlanPolicies } from './rules/policies';

export interface StackReviewOutcome {
  readonly stack: string;
  readonly status: 'planned' | 'skipped' | 'failed';
  /** Why skipped or failed: one line saying what to do. */
  readonly reason?: string;
  /** Where Terraform's full output went, when it failed. */
  readonly logFile?: string;
  readonly seconds: number;
}

/** What the account review's renderers draw. */
export interface AccountReport {
  readonly outcomes: readonly StackReviewOutcome[];
  readonly plans: Readonly<Record<string, PlanJson>>;
  readonly instances: readonly InstanceChange[];
  readonly stacks: readonly StackSummary[];
  /** One line per lost path or replaced instance: the report's headline. */
  readonly headlines: readonly string[];
  /** The policies of the planned state, checked against AWS's catalogue. */
  readonly policies: PlanPolicies;
  /** Each stack's printed commands checked against its printed operator policy (as synthesized). */
  readonly operatorAccess: readonly OperatorAccess[];
  readonly exitCode: (typeof AccountExit)[keyof typeof AccountExit];
  /** With `ssm-endpoints` planned: the instances of its VPC, Session Manager now and with the endpoints. */
  readonly window?: EndpointWindow;
  readonly reportFile: string;
}

/** The run's facts the report's header gives. */
export interface AccountFacts {
  readonly region: string;
  readonly terraformVersion: string;
  readonly acknowledged: readonly string[];
}

/** What a plan's renderers draw: the review of a `terraform show -json` file. */
export interface PlanReviewBody {
  readonly file: string;
  readonly kind: 'plan' | 'state';
  readonly model: NetworkModel;
  readonly instances: readonly InstanceBlock[];
  /** With prior state: each instance before → after, the headlines and the exit code. */
  readonly changes?: readonly InstanceChange[];
  readonly headlines: readonly string[];
  readonly exitCode: (typeof AccountExit)[keyof typeof AccountExit];
  /** The configuration's files the verdicts read beside the plan, or why they did not. */
  readonly configuration?: ConfigurationStatus;
}

/** A configuration as read: each module by its configuration path (`''`, `module.vpc.`, …). */
export interface TerraformConfiguration {
  readonly dir: string;
  readonly modules: ReadonlyMap<string, ModuleConfig>;
  /** Module calls whose source is not on disk (a registry module before `terraform init`). */
  readonly missing: readonly string[];
}

/** What became of the configuration beside a plan: read, absent, or not the one the plan was made from. */
export type ConfigurationStatus =
  | { readonly kind: 'read'; readonly configuration: TerraformConfiguration }
  | { readonly kind: 'absent'; readonly dir: string }
  | { readonly kind: 'stale'; readonly dir: string; readonly why: string };
