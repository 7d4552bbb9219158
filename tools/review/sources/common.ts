/**
 * What every source of plans shares — the offline review (run.ts: the lab synthesized and planned
 * with placeholders), the account review (account.ts: the lab planned against deployed state) and
 * a user's own plan (plan-file.ts: any terraform show -json file): the error a review expects to
 * explain in one line, the Terraform binary, and the synthesized stacks the operator check reads.
 * The model (plan-model.ts), the assessment (assessment.ts on network.ts, reachability.ts, iam.ts,
 * nacl.ts, operator-access.ts) and the renderers (render/text.ts, render/markdown.ts,
 * render/mermaid.ts) come after.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findTerraform } from '../../terraform-cli';
import { SynthesizedStack } from '../../terraform-json';

/** An error the review explains in one line (no stack trace). */
export class ReviewError extends Error {}

/** The Terraform binary, or a {@link ReviewError} saying how to get one (and `then`, what to run again). */
export function terraformOrExplain(env: NodeJS.ProcessEnv, then = ''): string {
  const terraform = findTerraform(env);
  if (terraform) return terraform;
  throw new ReviewError(
    `terraform was not found on PATH. Install Terraform 1.10 or later (https://developer.hashicorp.com/terraform/install), or point TERRAFORM_BINARY at it${then}.`,
  );
}

/** The synthesized stacks as written (the operator policies and commands are read from their outputs). */
export function readStacks(synthDir: string, stacks: readonly string[]): Record<string, SynthesizedStack> {
  return Object.fromEntries(
    stacks.map((stack) => [
      stack,
      JSON.parse(fs.readFileSync(path.join(synthDir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as SynthesizedStack,
    ]),
  );
}
