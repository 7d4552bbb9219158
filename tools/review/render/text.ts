/** The terminal's text: short, one block per stack or instance, the verdict lines as the reports word them. */
import * as path from 'path';
import type { AccountReport, PlanReviewBody } from '../reports';
import { applyFailures } from '../rules/apply-checks';
import {
  EndpointWindow,
  InstanceBlock,
  reviewInstances,
  reviewStacks,
  ReviewFacts,
  PLAN_STACK,
} from '../assessment/assessment';
import { OperatorAccess } from '../rules/operator-access';
import { NetworkModel } from '../model/plan-model';
import { planPolicies, policyFindingLine } from '../rules/policies';
import { Verdict } from '../rules/reachability';
import { accessVerdict, changeWords, configurationLine, natVersusEndpoints, usd } from './words';

/** A path in one word for the terminal, or what stands for it when the instance is not there. */
function reachableWord(verdict: Verdict | undefined, missing: string): string {
  return verdict === undefined ? missing : verdict.reachable ? 'reachable' : 'NOT reachable';
}

/** The terminal's lines: one when every policy allows its commands, else each missing grant. */
function operatorAccessText(results: readonly OperatorAccess[]): string[] {
  if (results.length === 0) return [];
  const missing = results.flatMap((access) => access.missing);
  const unreadable = results.filter((access) => access.unreadable);
  if (missing.length === 0 && unreadable.length === 0)
    return [
      `  Operator policies: each allows the commands printed beside it (${results
        .filter((access) => access.commands.some((command) => command.calls.length > 0))
        .map((access) => `${access.stack} ${access.commands.reduce((sum, c) => sum + c.calls.length, 0)} calls`)
        .join(', ')})`,
    ];
  return [
    missing.length > 0
      ? `  Operator policies: ${missing.length} printed command call(s) not allowed:`
      : '  Operator policies: not checked for every stack:',
    ...missing.map((line) => `    ${line.replace(/`/g, '')}`),
    ...unreadable.map((access) => `    ${access.stack}: ${accessVerdict(access)}`),
  ];
}

/** The short version printed to the terminal. */
export function textReport(model: NetworkModel, facts: ReviewFacts): string {
  const out: string[] = [];
  out.push(`Offline plan review (${facts.region}, no AWS account; placeholders listed in the Markdown report)`, '');
  const stacks = reviewStacks(model, facts.region);
  const width = Math.max(...stacks.map((stack) => stack.stack.length)) + 1;
  for (const stack of stacks) {
    const count = Object.values(stack.creates).reduce((a, b) => a + b, 0);
    const cost =
      stack.cost.unknown.length > 0 ? `≥ ${usd(stack.cost.knownUsdPerHour)}/h` : `${usd(stack.cost.knownUsdPerHour)}/h`;
    out.push(`  ${stack.stack.padEnd(width)} ${String(count).padStart(3)} to create   ${cost}`);
  }
  out.push('');
  for (const i of reviewInstances(model)) {
    out.push(
      `  ${i.name} — ${i.accessPath}`,
      `    ${i.sessionManager.text}`,
      `    ${i.ssh.text}`,
      ...(i.forwarding ? [`    ${i.forwarding.text}`] : []),
      `    Sessions: ${i.audit}`,
    );
  }
  const failures = applyFailures(model);
  if (failures.length > 0) {
    out.push(
      '',
      `  Apply would fail (${failures.length}):`,
      ...failures.map((failure) => `    ${failure.resource}: ${failure.problem}`),
    );
  }
  const policies = planPolicies(model);
  if (policies.findings.length > 0)
    out.push(
      '',
      `  IAM policy findings (${policies.findings.length}):`,
      ...policies.findings.map((finding) => `    ${policyFindingLine(finding).replace(/`/g, '')}`),
    );
  const access = operatorAccessText(facts.operatorAccess ?? []);
  if (access.length > 0) out.push('', ...access);
  const comparison = natVersusEndpoints(model, facts.region);
  if (comparison.length > 0) out.push('', ...comparison.map((line) => `  ${line}`));
  return `${out.join('\n')}\n`;
}

export function accountText(result: AccountReport): string {
  const out: string[] = [''];
  if (result.headlines.length > 0) out.push(...result.headlines.map((line) => `  ! ${line}`), '');
  const width = Math.max(0, ...result.stacks.map((stack) => stack.stack.length)) + 1;
  for (const stack of result.stacks) {
    const c = stack.counts;
    out.push(
      `  ${stack.stack.padEnd(width)} +${c.create} ~${c.update} ±${c.replace} -${c.delete} =${c.unchanged}   ${usd(stack.usdPerHourNow)}/h → ${usd(stack.usdPerHourAfter)}/h`,
    );
    // What is lost, by name; the creates and updates are in the report.
    for (const change of stack.changes.filter((ch) => ch.kind === 'delete' || ch.kind === 'replace'))
      out.push(`      ${changeWords(change)}`);
  }
  if (result.policies.findings.length > 0)
    out.push(
      '',
      `  IAM policy findings (${result.policies.findings.length}):`,
      ...result.policies.findings.map((finding) => `    ${policyFindingLine(finding).replace(/`/g, '')}`),
    );
  const access = operatorAccessText(result.operatorAccess);
  if (access.length > 0) out.push('', ...access);
  out.push('');
  for (const i of result.instances) {
    if (i.forwardingTarget) {
      out.push(`  ${i.name} (${i.kind}): forwarding target`);
      continue;
    }
    const forwarding =
      i.before?.forwarding || i.after?.forwarding
        ? `; port forwarding ${reachableWord(i.before?.forwarding, 'not deployed')} → ${reachableWord(i.after?.forwarding, 'destroyed')}`
        : '';
    out.push(
      `  ${i.name} (${i.kind}): Session Manager ${reachableWord(i.before?.sessionManager, 'not deployed')} → ${reachableWord(i.after?.sessionManager, 'destroyed')}; SSH ${reachableWord(i.before?.ssh, 'not deployed')} → ${reachableWord(i.after?.ssh, 'destroyed')}${forwarding}`,
    );
  }
  if (result.window) out.push('', ...windowText(result.window));
  return `${out.join('\n')}\n`;
}

/** The instances of the VPC the temporary endpoints serve: the counts, then each instance's verdicts. */
function windowText(window: EndpointWindow): string[] {
  if (window.unread) return [`  ${window.stack} in ${window.vpcId}: its instances were not judged — ${window.unread}`];
  const out = [
    `  ${window.stack} in ${window.vpcId}: ${window.instances.length} instance(s), Session Manager now → with these endpoints`,
    ...window.headlines.map((line) => `    ${line}`),
  ];
  for (const instance of window.instances) {
    const agent = instance.registration ? `; agent ${instance.registration.status}` : '';
    out.push(
      `    ${instance.id}${instance.name ? ` (${instance.name})` : ''}: ${reachableWord(instance.now, 'not there')} → ${reachableWord(instance.withEndpoints, 'gone')}${agent}`,
      `      now: ${instance.now?.text ?? 'not there'}`,
      `      with the endpoints: ${instance.withEndpoints?.text ?? 'gone'}`,
    );
  }
  if (window.registrationUnread) out.push(`    Agents' registration not read: ${window.registrationUnread}`);
  return out;
}

function planHeading(block: InstanceBlock): string {
  return `${block.address}${block.name ? ` (${block.name})` : ''} — ${block.action}`;
}

/** The terminal's text: a block per instance, the lab review's verdict lines and wording. */
export function planText(review: PlanReviewBody): string {
  const out: string[] = [
    `Plan review of ${path.basename(review.file)} (${review.kind === 'plan' ? 'a plan' : 'a state, judged as it stands'}; no AWS account, no Terraform run)`,
    '',
  ];
  const configuration = configurationLine(review.configuration);
  if (configuration) out.push(`  ${configuration}`, '');
  if (review.headlines.length > 0) out.push(...review.headlines.map((line) => `  ! ${line}`), '');
  for (const block of review.instances) {
    out.push(`  ${planHeading(block)}`, ...block.lines.map((line) => `    ${line}`));
    for (const assumption of block.assumptions) out.push(`    Assumed: ${assumption}`);
    out.push('');
  }
  if (review.changes) {
    out.push('  Before → after:');
    for (const change of review.changes)
      out.push(
        `    ${change.id.slice(PLAN_STACK.length + 1)} (${change.kind}): Session Manager ${reachableWord(change.before?.sessionManager, 'not deployed')} → ${reachableWord(change.after?.sessionManager, 'destroyed')}; SSH ${reachableWord(change.before?.ssh, 'not deployed')} → ${reachableWord(change.after?.ssh, 'destroyed')}`,
      );
    out.push('');
  }
  return `${out.join('\n')}`;
}
