/**
 * A Terraform configuration as the review read it beside a plan (sources/configuration.ts): each
 * module's files parsed, or why they were not used. The model evaluates its expressions; the
 * reports say which it was.
 */
import type { ModuleConfig } from './hcl-evaluate';

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
