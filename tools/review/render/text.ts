/** The terminal's text: short, one block per stack or instance, the verdict lines as the reports word them. */
import * as path from 'path';
import type { AccountAssessment, Assessment, OfflineAssessment, PlanAssessment } from '../assessment/assess';
import { verdictList } from '../assessment/instances';
import type { EndpointWindow } from '../assessment/window';
import type { OperatorAccess } from '../rules/operator-access';
import type { Verdict } from '../rules/reachability';
import {
  accessVerdict,
  changeWords,
  configurationLine,
  headlineSentence,
  hostManagementLine,
  natVersusEndpoints,
  policyFindingLine,
  usd,
  windowHeadlineSentence,
} from './words';

/** The terminal's text of any review. */
export function renderText(assessment: Assessment): string {
  if (assessment.mode === 'offline') return offlineText(assessment);
  if (assessment.mode === 'account') return accountText(assessment);
  return planText(assessment);
}

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

/** The short version of the offline review printed to the terminal. */
function offlineText(review: OfflineAssessment): string {
  const out: string[] = [];
  out.push(`Offline plan review (${review.region}, no AWS account; placeholders listed in the Markdown report)`, '');
  const width = Math.max(...review.stacks.map((stack) => stack.stack.length)) + 1;
  for (const stack of review.stacks) {
    const count = Object.values(stack.creates).reduce((a, b) => a + b, 0);
    const cost =
      stack.cost.unknown.length > 0 ? `≥ ${usd(stack.cost.knownUsdPerHour)}/h` : `${usd(stack.cost.knownUsdPerHour)}/h`;
    out.push(`  ${stack.stack.padEnd(width)} ${String(count).padStart(3)} to create   ${cost}`);
  }
  out.push('');
  for (const i of review.instances) {
    out.push(
      `  ${i.name} — ${i.accessPath}`,
      `    ${i.sessionManager.text}`,
      `    ${i.ssh.text}`,
      ...(i.forwarding ? [`    ${i.forwarding.text}`] : []),
      `    Sessions: ${i.audit}`,
    );
  }
  if (review.applyFailures.length > 0) {
    out.push(
      '',
      `  Apply would fail (${review.applyFailures.length}):`,
      ...review.applyFailures.map((failure) => `    ${failure.resource}: ${failure.problem}`),
    );
  }
  if (review.policies.findings.length > 0)
    out.push(
      '',
      `  IAM policy findings (${review.policies.findings.length}):`,
      ...review.policies.findings.map((finding) => `    ${policyFindingLine(finding).replace(/`/g, '')}`),
    );
  const access = operatorAccessText(review.operatorAccess);
  if (access.length > 0) out.push('', ...access);
  const comparison = natVersusEndpoints(review.costs);
  if (comparison.length > 0) out.push('', ...comparison.map((line) => `  ${line}`));
  return `${out.join('\n')}\n`;
}

function accountText(review: AccountAssessment): string {
  const out: string[] = [''];
  if (review.headlines.length > 0) out.push(...review.headlines.map((line) => `  ! ${headlineSentence(line)}`), '');
  const width = Math.max(0, ...review.stacks.map((stack) => stack.stack.length)) + 1;
  for (const stack of review.stacks) {
    const c = stack.counts;
    out.push(
      `  ${stack.stack.padEnd(width)} +${c.create} ~${c.update} ±${c.replace} -${c.delete} =${c.unchanged}   ${usd(stack.usdPerHourNow)}/h → ${usd(stack.usdPerHourAfter)}/h`,
    );
    // What is lost, by name; the creates and updates are in the report.
    for (const change of stack.changes.filter((ch) => ch.kind === 'delete' || ch.kind === 'replace'))
      out.push(`      ${changeWords(change)}`);
  }
  if (review.policies.findings.length > 0)
    out.push(
      '',
      `  IAM policy findings (${review.policies.findings.length}):`,
      ...review.policies.findings.map((finding) => `    ${policyFindingLine(finding).replace(/`/g, '')}`),
    );
  const access = operatorAccessText(review.operatorAccess);
  if (access.length > 0) out.push('', ...access);
  out.push('');
  for (const i of review.instances) {
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
  if (review.window) out.push('', ...windowText(review.window));
  return `${out.join('\n')}\n`;
}

/** The instances of the VPC the temporary endpoints serve: the counts, then each instance's verdicts. */
function windowText(window: EndpointWindow): string[] {
  if (window.unread) return [`  ${window.stack} in ${window.vpcId}: its instances were not judged — ${window.unread}`];
  const out = [
    `  ${window.stack} in ${window.vpcId}: ${window.instances.length} instance(s), Session Manager now → with these endpoints`,
    ...window.headlines.map((line) => `    ${windowHeadlineSentence(line)}`),
  ];
  for (const instance of window.instances) {
    const reported = instance.registration;
    const agent = reported
      ? `; agent ${[reported.status, reported.agentVersion, reported.platformName ?? reported.platformType].filter(Boolean).join(', ')}`
      : '';
    out.push(
      `    ${instance.id}${instance.name ? ` (${instance.name})` : ''}: ${reachableWord(instance.now, 'not there')} → ${reachableWord(instance.withEndpoints, 'gone')}${agent}`,
      `      now: ${instance.now?.text ?? 'not there'}`,
      `      with the endpoints: ${instance.withEndpoints?.text ?? 'gone'}`,
    );
  }
  if (window.registrationUnread) out.push(`    Agents' registration not read: ${window.registrationUnread}`);
  if (window.hostManagement) out.push(`    ${hostManagementLine(window.hostManagement)}`);
  return out;
}

/** The terminal's text of a user's plan: a block per instance, the lab review's verdict lines and wording. */
function planText(review: PlanAssessment): string {
  const out: string[] = [
    `Plan review of ${path.basename(review.file)} (${review.kind === 'plan' ? 'a plan' : 'a state, judged as it stands'}; no AWS account, no Terraform run)`,
    '',
  ];
  const configuration = configurationLine(review.configuration);
  if (configuration) out.push(`  ${configuration}`, '');
  if (review.headlines.length > 0) out.push(...review.headlines.map((line) => `  ! ${headlineSentence(line)}`), '');
  for (const block of review.instances) {
    out.push(
      `  ${block.address}${block.name ? ` (${block.name})` : ''} — ${block.action}`,
      ...verdictList(block.verdicts).map((verdict) => `    ${verdict.text}`),
    );
    for (const assumption of block.assumptions) out.push(`    Assumed: ${assumption}`);
    out.push('');
  }
  if (review.changes) {
    out.push('  Before → after:');
    for (const change of review.changes)
      out.push(
        `    ${change.address} (${change.kind}): Session Manager ${reachableWord(change.before?.sessionManager, 'not deployed')} → ${reachableWord(change.after?.sessionManager, 'destroyed')}; SSH ${reachableWord(change.before?.ssh, 'not deployed')} → ${reachableWord(change.after?.ssh, 'destroyed')}`,
      );
    out.push('');
  }
  const { cost } = review;
  out.push(
    `  Cost: ${usd(cost.stack.knownUsdPerHour)}/h for ${cost.stack.lines.length - cost.stack.unknown.length} priced item(s) in ${cost.region}${cost.regionFromPlan ? '' : ` (the plan names no region; prices of ${cost.region})`}${cost.stack.unknown.length > 0 ? `; ${cost.stack.unknown.length} not priced, so a lower bound` : ''} (items in the report)`,
    '',
  );
  return `${out.join('\n')}`;
}
