/**
 * The IAM policies of the plans, checked as the guardrail checks the app's (lib/iam-policy-check.ts):
 * every policy document Terraform knows at plan time — a user's change included — whatever the
 * resource holds it in. A policy known only after apply is not in the plan's values: the
 * guardrail checked it at synth.
 */
import { checkPolicyDocument, PolicyFinding } from '../../../lib/iam-policy-check';
import { parsePolicyDocument } from '../../../lib/iam-policy';
import { NetworkModel } from '../model/plan-model';

export interface PlanPolicyFinding extends PolicyFinding {
  /** `<stack>/<address>`. */
  readonly resource: string;
  readonly attribute: string;
}

export interface PlanPolicies {
  /** Policy documents checked. */
  readonly checked: number;
  readonly findings: readonly PlanPolicyFinding[];
}

/** Attributes that hold policy documents, whatever the resource type (nested ones: `inline_policy`). */
const POLICY_ATTRIBUTES = /(^|_)policy$|^inline_policy$/;

export function planPolicies(model: NetworkModel): PlanPolicies {
  let checked = 0;
  const findings: PlanPolicyFinding[] = [];
  for (const entity of model.all()) {
    for (const attribute of Object.keys(entity.values).filter((name) => POLICY_ATTRIBUTES.test(name))) {
      const value = entity.values[attribute];
      const texts = Array.isArray(value)
        ? value.map((block) => (block && typeof block === 'object' ? (block as { policy?: unknown }).policy : block))
        : [value];
      for (const text of texts) {
        const document = parsePolicyDocument(text);
        if (!document) continue;
        checked++;
        for (const finding of checkPolicyDocument(document))
          findings.push({ ...finding, resource: entity.id, attribute });
      }
    }
  }
  return { checked, findings };
}
