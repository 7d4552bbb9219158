import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  diagnosticsOf,
  findTerraform,
  runTerraformAsync,
  TerraformDiagnostic,
  terraformEnvironment,
  TerraformResult,
} from '../../tools/terraform-cli';
import { PlanJson, PlannedValues } from '../../tools/terraform-json';
import { planTogether, PlanUnit } from '../../tools/plan-together';

/**
 * Terraform for the tests. Required under CI=true; elsewhere a machine without terraform skips
 * these suites with a visible notice.
 */
export const terraformBinary = findTerraform();
if (!terraformBinary && process.env.CI === 'true') {
  throw new Error('terraform is not on PATH, and CI=true requires the Terraform steps of the suite');
}
if (!terraformBinary) process.stderr.write('NOTICE: terraform not found on PATH; skipping the Terraform tests\n');
export const describeWithTerraform = terraformBinary ? describe : describe.skip;

let environment: NodeJS.ProcessEnv | undefined;
/** Environment with the provider mirror (if any), shared by every Terraform call of a test file. */
export function tfEnv(): NodeJS.ProcessEnv {
  environment ??= terraformEnvironment(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-tfcli-')));
  return environment;
}

export function tf(args: string[], cwd: string): Promise<TerraformResult> {
  return runTerraformAsync(terraformBinary!, args, cwd, tfEnv());
}

/** `terraform init` or a failed test with Terraform's own message. */
export async function init(stackDir: string, backend = false): Promise<void> {
  const result = await tf(['init', '-input=false', `-backend=${backend}`], stackDir);
  if (result.status !== 0) throw new Error(`terraform init failed in ${stackDir}:\n${result.stderr}`);
}

export interface PlanOutcome {
  readonly status: number;
  readonly diagnostics: TerraformDiagnostic[];
  /** `terraform show -json` of the saved plan; empty when the plan failed. */
  readonly plan: PlanJson;
}

/** `terraform plan` with `-var name=value` pairs; on success also the plan as JSON. */
export async function plan(
  stackDir: string,
  vars: readonly (readonly [string, string])[],
  name = 'plan',
): Promise<PlanOutcome> {
  const planFile = `${name}.tfplan`;
  const args = [
    'plan',
    '-input=false',
    '-lock=false',
    '-json',
    `-out=${planFile}`,
    ...vars.map(([k, v]) => `-var=${k}=${v}`),
  ];
  const result = await tf(args, stackDir);
  const diagnostics = diagnosticsOf(result.stdout);
  if (result.status !== 0) return { status: result.status, diagnostics, plan: {} };
  const shown = await tf(['show', '-json', planFile], stackDir);
  if (shown.status !== 0) throw new Error(`terraform show failed:\n${shown.stderr}`);
  return { status: 0, diagnostics, plan: JSON.parse(shown.stdout) };
}

/**
 * Several plans in one Terraform run (tools/plan-together.ts): each unit's outcome as {@link plan}
 * gives it. When any unit fails, none has a plan, and each gets the diagnostics that name it.
 */
export async function planUnits(units: readonly PlanUnit[], rootDir: string): Promise<Record<string, PlanOutcome>> {
  const result = await planTogether(units, { terraform: terraformBinary!, env: tfEnv(), rootDir });
  return Object.fromEntries(
    units.map((unit) => [
      unit.name,
      result.ok
        ? { status: 0, diagnostics: result.byUnit[unit.name], plan: result.plans[unit.name] }
        : { status: 1, diagnostics: result.byUnit[unit.name], plan: {} },
    ]),
  );
}

/** Planned creations as `type` → count, from a plan JSON. */
export function createdTypes(planJson: PlanJson): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const change of planJson.resource_changes ?? []) {
    if (change.mode !== 'managed' || !change.change.actions.includes('create')) continue;
    counts[change.type] = (counts[change.type] ?? 0) + 1;
  }
  return counts;
}

/** The planned `after` values of every instance of a resource address (e.g. `aws_vpc_endpoint.interface`). */
export function plannedValues(planJson: PlanJson, address: string): (PlannedValues & { index?: string | number })[] {
  return (planJson.resource_changes ?? [])
    .filter((change) => change.address === address || change.address.startsWith(`${address}[`))
    .map((change) => ({ index: change.index, ...change.change.after }));
}

/** Outputs a plan leaves null: `terraform output -json` omits them, and cdktf-cli 0.21 then crashes printing outputs. */
export function nullOutputs(planJson: PlanJson): string[] {
  return Object.entries(planJson.output_changes ?? {})
    .filter(([, change]) => change.after === null && change.after_unknown !== true)
    .map(([name]) => name);
}
