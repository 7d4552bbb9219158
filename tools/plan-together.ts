/**
 * Plans several Terraform configurations with one `terraform plan` and one `terraform show`: each
 * configuration becomes a module of one root, and the root's plan is split back into one plan per
 * configuration, in the shape `terraform show -json` gives when that configuration is planned alone.
 *
 * Why: every Terraform process decodes the AWS provider's whole schema (about a second of CPU) and
 * every plan starts the provider. Six stacks planned alone cost six inits, plans and shows; together
 * one of each, with the provider started once per stack (each module keeps its own provider block).
 *
 * What differs from planning alone: each configuration's own backend is not used (Terraform warns
 * that the modules' backend blocks are ignored; this module drops that warning). Without a `state`
 * every configuration is planned as if nothing were deployed — the offline review's case; with one
 * (`combinedState`: each configuration's state moved under its module's address) each is planned
 * against what is deployed — the account review's. The combined state is the root's scratch
 * state: read by the plan, never written back to any configuration's backend, deleted afterwards.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isChanging, PlanJson, TerraformState } from './terraform-json';
import { diagnosticsOf, needsInit, runTerraformAsync, TerraformDiagnostic } from './terraform-cli';

/** One configuration to plan. */
export interface PlanUnit {
  /** Module name in the root, and the key of its plan: letters, digits, `_` and `-`. */
  readonly name: string;
  /** The folder holding the configuration; siblings of the root folder, so relative paths hold. */
  readonly dir: string;
  /** `-var` values as the CLI would take them (`name`, `value`). */
  readonly vars?: readonly (readonly [string, string])[];
  /**
   * Its variables keep their own names in the root (one unit at most), so `-var` and `-var-file`
   * arguments written for it alone apply to the root unchanged.
   * @default false: forwarded as `<unit>__<name>`
   */
  readonly ownVariableNames?: boolean;
}

export interface PlanTogetherOptions {
  readonly terraform: string;
  readonly env: NodeJS.ProcessEnv;
  /** The root module's folder: created, and a sibling of every unit's folder. */
  readonly rootDir: string;
  /**
   * The state to plan against (`combinedState`), written as the root's scratch state for the plan
   * and deleted after it.
   * @default none: nothing is deployed
   */
  readonly state?: TerraformState;
  /**
   * More `terraform plan` arguments (`-refresh=false`, `-var-file=…` for the unit with its own names).
   * @default none
   */
  readonly planArgs?: readonly string[];
  /**
   * `terraform init` before every plan. false: only when the plan says the root needs it (a
   * module added, providers missing), so a root kept between runs plans at once.
   * @default true
   */
  readonly alwaysInit?: boolean;
}

interface Diagnosed {
  readonly diagnostics: TerraformDiagnostic[];
  /** Per unit its own diagnostics, and with them every one no unit can be named for. */
  readonly byUnit: Record<string, TerraformDiagnostic[]>;
}

export type PlanTogetherResult =
  | (Diagnosed & { readonly ok: true; readonly plans: Record<string, PlanJson> })
  | (Diagnosed & { readonly ok: false; readonly step: string; readonly message: string });

/**
 * Which unit a diagnostic of the root's plan belongs to: the module its address or its block
 * (`snippet.context`, e.g. `module.bad-formats` for an invalid input) names.
 */
export function diagnosticsByUnit(
  diagnostics: readonly TerraformDiagnostic[],
  units: readonly PlanUnit[],
): Record<string, TerraformDiagnostic[]> {
  const byUnit: Record<string, TerraformDiagnostic[]> = Object.fromEntries(units.map((unit) => [unit.name, []]));
  for (const diagnostic of diagnostics) {
    const name = unitOf(diagnostic, units);
    for (const unit of name ? [name] : Object.keys(byUnit)) byUnit[unit].push(diagnostic);
  }
  return byUnit;
}

/**
 * The unit a diagnostic of the root's plan belongs to, or undefined: the module its address or its
 * block names, or the unit's configuration file it points into (`../lab-ssh/cdk.tf.json`, where a
 * resource's precondition fails).
 */
export function unitOf(diagnostic: TerraformDiagnostic, units: readonly PlanUnit[]): string | undefined {
  return units.find(
    (unit) =>
      [diagnostic.address, diagnostic.snippet?.context].some(
        (where) => where === `module.${unit.name}` || where?.startsWith(`module.${unit.name}.`),
      ) || diagnostic.range?.filename.startsWith(`../${path.basename(unit.dir)}/`),
  )?.name;
}

/** Separates a module name from a forwarded variable's or output's own name in the root. */
const SEPARATOR = '__';
const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

interface ConfigurationJson {
  readonly variable?: Record<string, { type?: unknown; default?: unknown; sensitive?: boolean; nullable?: boolean }>;
  readonly output?: Record<string, { sensitive?: boolean }>;
}

/** The root module: one module call per unit, its variables and outputs forwarded under `<unit>__<name>`. */
export function rootModule(units: readonly PlanUnit[], rootDir: string): Record<string, unknown> {
  const modules: Record<string, Record<string, unknown>> = {};
  const variables: Record<string, Record<string, unknown>> = {};
  const outputs: Record<string, Record<string, unknown>> = {};
  if (units.filter((unit) => unit.ownVariableNames).length > 1)
    throw new Error(
      `plan units ${units
        .filter((unit) => unit.ownVariableNames)
        .map((unit) => unit.name)
        .join(', ')}: only one may keep its variables' own names`,
    );
  for (const unit of units) {
    if (!NAME.test(unit.name) || unit.name.includes(SEPARATOR))
      throw new Error(`plan unit name "${unit.name}": expected letters, digits, _ and - (not "${SEPARATOR}")`);
    if (path.dirname(path.resolve(unit.dir)) !== path.dirname(path.resolve(rootDir)))
      throw new Error(`plan unit ${unit.name}: ${unit.dir} is not a sibling of ${rootDir}`);
    const json: ConfigurationJson = JSON.parse(fs.readFileSync(path.join(unit.dir, 'cdk.tf.json'), 'utf8'));
    const call: Record<string, unknown> = { source: `../${path.basename(unit.dir)}` };
    for (const [name, declared] of Object.entries(json.variable ?? {})) {
      const forwarded = unit.ownVariableNames ? name : `${unit.name}${SEPARATOR}${name}`;
      variables[forwarded] = Object.fromEntries(
        (['type', 'default', 'sensitive', 'nullable'] as const)
          .filter((key) => declared[key] !== undefined)
          .map((key) => [key, declared[key]]),
      );
      call[name] = `\${var.${forwarded}}`;
    }
    for (const [name, declared] of Object.entries(json.output ?? {})) {
      outputs[`${unit.name}${SEPARATOR}${name}`] = {
        value: `\${module.${unit.name}.${name}}`,
        ...(declared.sensitive ? { sensitive: true } : {}),
      };
    }
    modules[unit.name] = call;
  }
  return {
    module: modules,
    ...(Object.keys(variables).length ? { variable: variables } : {}),
    ...(Object.keys(outputs).length ? { output: outputs } : {}),
  };
}

/** `terraform init`, `plan` and `show -json` of the units together; on success one plan per unit. */
export async function planTogether(
  units: readonly PlanUnit[],
  options: PlanTogetherOptions,
): Promise<PlanTogetherResult> {
  const { terraform, env, rootDir } = options;
  fs.mkdirSync(rootDir, { recursive: true });
  fs.writeFileSync(path.join(rootDir, 'main.tf.json'), `${JSON.stringify(rootModule(units, rootDir), null, 2)}\n`);
  const vars = units.flatMap((unit) =>
    (unit.vars ?? []).map(
      ([name, value]) => `-var=${unit.ownVariableNames ? '' : `${unit.name}${SEPARATOR}`}${name}=${value}`,
    ),
  );
  const planFile = 'together.tfplan';
  const init = async (): Promise<PlanTogetherResult | undefined> => {
    const initialized = await runTerraformAsync(terraform, ['init', '-input=false', '-backend=false'], rootDir, env);
    if (initialized.status === 0) return undefined;
    const message = (initialized.stderr || initialized.stdout).trim();
    return { ok: false, step: 'init', message, diagnostics: [], byUnit: diagnosticsByUnit([], units) };
  };
  if (options.alwaysInit !== false) {
    const failed = await init();
    if (failed) return failed;
  }
  // The root has no backend: its default local state is the scratch state, only while it plans.
  const stateFile = path.join(rootDir, 'terraform.tfstate');
  fs.rmSync(stateFile, { force: true });
  if (options.state) fs.writeFileSync(stateFile, JSON.stringify(options.state), { mode: 0o600 });
  const plan = () =>
    runTerraformAsync(
      terraform,
      ['plan', '-input=false', '-lock=false', '-json', `-out=${planFile}`, ...vars, ...(options.planArgs ?? [])],
      rootDir,
      env,
    );
  let planned;
  try {
    planned = await plan();
    if (planned.status !== 0 && options.alwaysInit === false && rootNeedsInit(planned.stdout, planned.stderr)) {
      const failed = await init();
      if (failed) return failed;
      planned = await plan();
    }
  } finally {
    fs.rmSync(stateFile, { force: true });
  }
  const diagnostics = diagnosticsOf(planned.stdout).filter((d) => d.summary !== 'Backend configuration ignored');
  const byUnit = diagnosticsByUnit(diagnostics, units);
  if (planned.status !== 0) {
    const message = diagnostics.map((d) => `${d.severity}: ${d.summary}: ${d.detail}`).join('\n');
    return { ok: false, step: 'plan', message: message || planned.stderr.trim(), diagnostics, byUnit };
  }
  const shown = await runTerraformAsync(terraform, ['show', '-json', planFile], rootDir, env);
  if (shown.status !== 0) return { ok: false, step: 'show', message: shown.stderr.trim(), diagnostics, byUnit };
  const combined: PlanJson = JSON.parse(shown.stdout);
  const plans = Object.fromEntries(
    units.map((unit) => [unit.name, unitPlan(combined, unit.name, unit.ownVariableNames)]),
  );
  return { ok: true, plans, diagnostics, byUnit };
}

type Json = Record<string, unknown>;
/** Keys whose string values are addresses, which carry the module's prefix in the root's plan. */
const ADDRESS_KEYS = new Set(['address', 'to_display', 'resource', 'previous_address', 'provider_config_key']);

/** A copy of `value` with `module.<unit>.` taken off every address, as if the unit were the root. */
function localize(value: unknown, unit: string): unknown {
  const prefix = `module.${unit}`;
  if (Array.isArray(value)) return value.map((item) => localize(item, unit));
  if (value === null || typeof value !== 'object') return value;
  const copy: Json = {};
  for (const [key, item] of Object.entries(value as Json)) {
    if ((key === 'module' || key === 'module_address') && item === prefix) continue;
    if (ADDRESS_KEYS.has(key) && typeof item === 'string') {
      if (item.startsWith(`${prefix}.`)) copy[key] = item.slice(prefix.length + 1);
      else if (item.startsWith(`${prefix}:`)) copy[key] = item.slice(prefix.length + 1);
      else copy[key] = item;
      continue;
    }
    copy[key] = localize(item, unit);
  }
  return copy;
}

/** Root entries named `<unit>__<name>`, renamed `<name>`. */
function forwarded<T>(entries: Readonly<Record<string, T>> | undefined, unit: string): Record<string, T> | undefined {
  const own = Object.entries(entries ?? {}).filter(([name]) => name.startsWith(`${unit}${SEPARATOR}`));
  if (own.length === 0) return undefined;
  return Object.fromEntries(own.map(([name, item]) => [name.slice(unit.length + SEPARATOR.length), item]));
}

interface ModuleValues {
  readonly address?: string;
  readonly resources?: unknown[];
  readonly child_modules?: ModuleValues[];
}

/** The unit's module in a `values` tree, as a root module (no address; empty when it holds nothing). */
function moduleValues(root: ModuleValues | undefined, unit: string): Json {
  const own = root?.child_modules?.find((child) => child.address === `module.${unit}`);
  if (!own) return {};
  const { address: _address, ...rest } = localize(own, unit) as ModuleValues & Json;
  return rest;
}

/** Whether the root's plan failed until `terraform init` runs (a module or provider not installed yet). */
function rootNeedsInit(stdout: string, stderr: string): boolean {
  return needsInit([...diagnosticsOf(stdout).map((d) => `${d.summary}: ${d.detail}`), stderr].join('\n'));
}

/**
 * One state holding each unit's state under its module's address (`module.<unit>`), its resources'
 * providers re-addressed to the module's own provider block and its outputs as the root's
 * forwarded outputs (`<unit>__<name>`): what the root of `rootModule` would hold had it applied
 * them. A unit without a state (never deployed) contributes nothing.
 */
export function combinedState(
  states: Readonly<Record<string, TerraformState | undefined>>,
  lineage: string,
): TerraformState {
  const resources: Record<string, unknown>[] = [];
  const outputs: Record<string, unknown> = {};
  const versions: string[] = [];
  for (const [unit, state] of Object.entries(states)) {
    if (!state) continue;
    if (state.version !== 4)
      throw new Error(`the state of ${unit} has format version ${state.version}; expected 4 (Terraform 0.12 or later)`);
    if (state.terraform_version) versions.push(state.terraform_version);
    for (const resource of state.resources ?? []) {
      const module = resource.module ? `module.${unit}.${resource.module}` : `module.${unit}`;
      // `provider["…/aws"]` (or a nested module's `module.x.provider[…]`) as seen from the root.
      const provider =
        typeof resource.provider === 'string' ? `module.${unit}.${resource.provider}` : resource.provider;
      resources.push({ ...resource, module, provider });
    }
    for (const [name, output] of Object.entries(state.outputs ?? {})) outputs[`${unit}${SEPARATOR}${name}`] = output;
  }
  const newest = versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).pop();
  return {
    version: 4,
    ...(newest ? { terraform_version: newest } : {}),
    serial: 1,
    lineage,
    outputs,
    resources,
  } as TerraformState;
}

/** One unit's plan, cut from the root's. */
export function unitPlan(combined: PlanJson, unit: string, ownVariableNames = false): PlanJson {
  const plan = combined as Json & {
    variables?: Record<string, unknown>;
    planned_values?: { outputs?: Record<string, unknown>; root_module?: ModuleValues };
    prior_state?: Json & { values?: { outputs?: Record<string, unknown>; root_module?: ModuleValues } };
    resource_changes?: { module_address?: string }[];
    resource_drift?: { module_address?: string }[];
    output_changes?: Record<string, unknown>;
    configuration?: {
      provider_config?: Record<string, { module_address?: string }>;
      root_module?: { module_calls?: Record<string, { module?: unknown }> };
    };
    relevant_attributes?: { resource: string }[];
    checks?: { address: { module?: string } }[];
  };
  const prefix = `module.${unit}`;
  const inUnit = (item: { module_address?: string }) => item.module_address === prefix;
  const changes = (plan.resource_changes ?? []).filter(inUnit);
  const drift = (plan.resource_drift ?? []).filter(inUnit);
  const outputChanges = forwarded(plan.output_changes, unit);
  const variables = ownVariableNames
    ? Object.fromEntries(Object.entries(plan.variables ?? {}).filter(([name]) => !name.includes(SEPARATOR)))
    : forwarded(plan.variables, unit);
  const priorOutputs = forwarded(plan.prior_state?.values?.outputs, unit);
  const plannedOutputs = forwarded(plan.planned_values?.outputs, unit);
  const providers = Object.entries(plan.configuration?.provider_config ?? {}).filter(([, config]) => inUnit(config));
  const relevant = (plan.relevant_attributes ?? []).filter((item) => item.resource.startsWith(`${prefix}.`));
  const checks = (plan.checks ?? []).filter((check) => check.address.module === prefix);
  const result: Json = {
    format_version: plan.format_version,
    terraform_version: plan.terraform_version,
    ...(variables && Object.keys(variables).length > 0 ? { variables } : {}),
    planned_values: {
      ...(plannedOutputs ? { outputs: plannedOutputs } : {}),
      root_module: moduleValues(plan.planned_values?.root_module, unit),
    },
    ...(drift.length ? { resource_drift: localize(drift, unit) } : {}),
    ...(changes.length ? { resource_changes: localize(changes, unit) } : {}),
    ...(outputChanges ? { output_changes: outputChanges } : {}),
    ...(plan.prior_state
      ? {
          prior_state: {
            ...plan.prior_state,
            values: {
              ...(priorOutputs ? { outputs: priorOutputs } : {}),
              root_module: moduleValues(plan.prior_state.values?.root_module, unit),
            },
          },
        }
      : {}),
    configuration: {
      provider_config: Object.fromEntries(
        providers.map(([key, config]) => [key.slice(prefix.length + 1), localize(config, unit)]),
      ),
      root_module: localize(plan.configuration?.root_module?.module_calls?.[unit]?.module ?? {}, unit),
    },
    ...(relevant.length ? { relevant_attributes: localize(relevant, unit) } : {}),
    ...(checks.length ? { checks: localize(checks, unit) } : {}),
    timestamp: plan.timestamp,
    applyable:
      changes.some((change) => isChanging((change as { change: { actions: string[] } }).change.actions)) ||
      Object.values(outputChanges ?? {}).some((change) => isChanging((change as { actions: string[] }).actions)),
    complete: plan.complete,
    errored: plan.errored,
  };
  return result as PlanJson;
}
