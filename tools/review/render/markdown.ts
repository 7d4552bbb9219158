/** The Markdown reports, as a pull request shows them: the lab's offline review, the account review, a user's plan. */
import * as path from 'path';
import { Scenario, SCENARIO_LABELS } from '../../../stacks/scenario-stack';
import { FORWARDING_TARGET_PORT } from '../../../lib/forwarding-target';
import type { AccountAssessment, Assessment, OfflineAssessment, PlanAssessment } from '../assessment/assess';
import { AccountExit } from '../assessment/changes';
import type { PathCosts } from '../assessment/costs';
import { InstanceVerdicts, PATHS, verdictList } from '../assessment/instances';
import type { EndpointWindow } from '../assessment/window';
import { EXAMPLE_ACCOUNT, OPERATOR_USERID, OperatorAccess, OUTSIDE_DOCUMENT_NOTE } from '../rules/operator-access';
import type { RegionPrices } from '../rules/prices';
import type { Verdict } from '../rules/reachability';
import { mermaidDiagram } from './mermaid';
import {
  accessVerdict,
  configurationLine,
  headlineSentence,
  hostManagementLine,
  natVersusEndpoints,
  policyCount,
  policyFindingLine,
  usd,
  windowHeadlineSentence,
} from './words';

/** The Markdown report of any review, as a pull request shows it. */
export function renderMarkdown(assessment: Assessment): string {
  if (assessment.mode === 'offline') return offlineMarkdown(assessment);
  if (assessment.mode === 'account') return accountMarkdown(assessment);
  return planMarkdown(assessment);
}

/** "Operator policies" in the Markdown report: per stack and command, the calls and whether the policy allows them. */
function operatorAccessMarkdown(results: readonly OperatorAccess[]): string[] {
  if (results.length === 0) return [];
  const out = [
    '## Operator policies and the printed commands',
    '',
    `Every command a stack prints, read into the AWS calls the AWS CLI makes for it, evaluated against the \`operator_policy\` printed beside it. Ids AWS assigns at apply are made up in AWS's formats, in account ${EXAMPLE_ACCOUNT}, for a caller whose \`aws:userid\` is \`${OPERATOR_USERID}\`.`,
    '',
    '| stack | command | AWS calls | under `operator_policy` |',
    '|---|---|---|---|',
  ];
  const notes = new Set<string>();
  const outside = new Set<string>();
  for (const access of results) {
    if (access.unreadable) out.push(`| \`${access.stack}\` | — | — | ${accessVerdict(access)} |`);
    access.commands.forEach((command, index) => {
      const counts = new Map<string, number>();
      for (const { call } of command.calls) counts.set(call.action, (counts.get(call.action) ?? 0) + 1);
      const calls = [...counts].map(([action, n]) => (n > 1 ? `${action} ×${n}` : action)).join(', ') || 'none';
      const refused = command.calls.filter((checked) => !checked.allowed);
      const verdict =
        command.calls.length === 0
          ? '—'
          : refused.length === 0
            ? '✅ allowed'
            : `❌ lacks ${refused.map((checked) => `${checked.call.action} on \`${checked.call.resource}\` (${checked.reason})`).join('; ')}`;
      // The stack once, on its first command's row, as a pull request reads a grouped table.
      out.push(`| ${index === 0 ? `\`${access.stack}\`` : ''} | \`${command.output}\` | ${calls} | ${verdict} |`);
      for (const note of command.notes) notes.add(note);
      for (const document of command.outsideDocuments) outside.add(document);
    });
  }
  if (outside.size > 0)
    notes.add(`${[...outside].map((document) => `\`${document}\``).join(', ')}: ${OUTSIDE_DOCUMENT_NOTE}`);
  if (notes.size > 0) out.push('', 'Not decided from the configuration:', '', ...[...notes].map((note) => `- ${note}`));
  out.push('');
  return out;
}

const SESSION_MANAGER_RECORD =
  "CloudTrail: StartSession with the document and its parameters (host, port); Session Manager's session history; no transcript (session logging does not cover port forwarding)";

/** What forwarding is on each path, what it costs and what AWS records of it (the report's path comparison). */
const FORWARDING_FACTS: Readonly<
  Record<string, { shell: string; forwarding: string; cost: (prices?: RegionPrices) => string; recorded: string }>
> = {
  [Scenario.SSH_INTERNET]: {
    shell: '`ssh -i … ec2-user@<public IP>`',
    forwarding: `\`ssh -N -L ${FORWARDING_TARGET_PORT}:<target>:${FORWARDING_TARGET_PORT} ec2-user@<public IP>\``,
    cost: () => 'nothing beyond the instance and its public IPv4 address; internet data out per GB',
    recorded:
      "nothing in AWS: sshd's log on the instance (and VPC Flow Logs, if on) sees the connection; CloudTrail sees no SSH",
  },
  [Scenario.SSM_INTERNET_GATEWAY]: {
    shell: '`aws ssm start-session`',
    forwarding:
      '`AWS-StartPortForwardingSession` (a port on the instance), `AWS-StartPortForwardingSessionToRemoteHost` (the target)',
    cost: () =>
      'no Session Manager charge for EC2 instances; the tunnel leaves through the internet gateway (no gateway charge)',
    recorded: SESSION_MANAGER_RECORD,
  },
  [Scenario.SSM_NAT_GATEWAY]: {
    shell: '`aws ssm start-session`',
    forwarding:
      '`AWS-StartPortForwardingSession` (a port on the instance), `AWS-StartPortForwardingSessionToRemoteHost` (the target)',
    cost: (prices) =>
      `no Session Manager charge; every forwarded byte crosses the NAT gateway: ${prices?.natGatewayGb.usd ?? '?'} USD/GB processed`,
    recorded: SESSION_MANAGER_RECORD,
  },
  [Scenario.SSM_VPC_ENDPOINTS]: {
    shell: '`aws ssm start-session`',
    forwarding:
      '`AWS-StartPortForwardingSession` (a port on the instance), `AWS-StartPortForwardingSessionToRemoteHost` (the target)',
    cost: (prices) =>
      `no Session Manager charge; every forwarded byte crosses the ssmmessages endpoint: ${prices?.interfaceEndpointGb.usd ?? '?'} USD/GB`,
    recorded: SESSION_MANAGER_RECORD,
  },
  [Scenario.SSH_EICE]: {
    shell: '`aws ec2-instance-connect ssh --connection-type eice`',
    forwarding: `\`ssh -N -L ${FORWARDING_TARGET_PORT}:<target>:${FORWARDING_TARGET_PORT}\` with \`aws ec2-instance-connect open-tunnel\` as ProxyCommand (the endpoint tunnels only ports 22 and 3389, so the target is reached from the instance's sshd)`,
    cost: () => 'no charge for the endpoint; cross-AZ data only',
    recorded:
      "CloudTrail: OpenTunnel (port 22, the instance's address) and SendSSHPublicKey; not the forwarded target nor what passes",
  },
};

/** Every access path the plans hold, side by side: cost, shell, forwarding and what is recorded. */
function pathComparison(costs: PathCosts): string[] {
  const rows: string[] = [];
  for (const path of costs.paths) {
    const facts = FORWARDING_FACTS[path.scenario];
    rows.push(
      `| ${(SCENARIO_LABELS as Readonly<Record<string, string>>)[path.scenario]} | \`${path.stack}\` | ${usd(path.usdPerHour)} | ${facts.shell} | ${facts.forwarding} | ${facts.cost(costs.prices)} | ${facts.recorded} |`,
    );
  }
  if (rows.length === 0) return [];
  const targets = costs.targets.map((target) => `${target.name} (\`${target.stack}\`) ${usd(target.usdPerHour)}/h`);
  return [
    '| path | stack | USD/h | shell | port forwarding | what forwarding costs | what AWS records of it |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    ...(targets.length > 0 ? ['', `The forwarding targets the paths reach: ${targets.join(', ')}.`] : []),
  ];
}

function offlineMarkdown(review: OfflineAssessment): string {
  const { stacks, instances } = review;
  const out: string[] = [];
  out.push('# Offline plan review — ssm-access-lab', '');
  out.push(
    `Region ${review.region}; ${review.terraformVersion}; AWS provider ${review.awsProviderVersion}. Prices as of ${review.pricesAsOf} (sources below).`,
    '',
  );
  out.push(
    '> **Offline review.** No AWS account was used: the AWS provider ran with mock credentials and its `skip_*` settings, and nothing was looked up in AWS.',
    '> Placeholders stand in for what only AWS could say:',
  );
  for (const placeholder of review.placeholders) out.push(`> - ${placeholder}`);
  out.push(
    // A blank quote line ends the list: without it the sentence would join the last list item.
    '>',
    '> Offline cannot know real AMI ids, account quotas (5 VPCs per region by default), existing resources or name clashes, or whether a service exists in the region; `terraform plan` against the account remains the last word.',
    '',
  );
  out.push('## Stacks', '', '| stack | resources to create | est. USD per hour |', '|---|---|---|');
  for (const stack of stacks) {
    const creates = Object.entries(stack.creates)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, count]) => `${type} × ${count}`)
      .join(', ');
    const total =
      stack.cost.unknown.length > 0
        ? `≥ ${usd(stack.cost.knownUsdPerHour)} (unknown: ${stack.cost.unknown.join(', ')})`
        : usd(stack.cost.knownUsdPerHour);
    out.push(`| \`${stack.stack}\` | ${creates || 'nothing'} | ${total} |`);
  }
  out.push('', '## Instances', '');
  out.push(
    '| instance | stack | access path | public address | inbound | egress | key pair | SSM role | sessions |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const i of instances) {
    out.push(
      `| ${i.name} | \`${i.stack}\` | ${i.accessPath} | ${i.publicAddress ? 'yes' : 'no'} | ${i.inbound} | ${i.egress} | ${i.keyPair} | ${i.ssmRole ? 'yes' : 'no'} | ${i.audit} |`,
    );
  }
  out.push('', '### Reachability, computed from the plans', '');
  for (const i of instances)
    out.push(
      `- **${i.name}** (${i.accessPath})`,
      `  - ${i.sessionManager.text}`,
      `  - ${i.ssh.text}`,
      ...(i.forwarding ? [`  - ${i.forwarding.text}`] : []),
    );
  const targets = review.forwardingTargets;
  if (targets.length > 0) {
    out.push(
      '',
      '### Forwarding targets',
      '',
      'The private services the instances forward a local port to (a second hop, judged above as "Port forwarding").',
      '',
      '| target | stack | subnet | public address | inbound | egress | forwarded to from |',
      '|---|---|---|---|---|---|---|',
      ...targets.map(
        (t) =>
          `| ${t.name} | \`${t.stack}\` | ${t.subnet} | ${t.publicAddress ? 'yes' : 'no'} | ${t.inbound} | ${t.egress} | ${t.clients.join(', ') || 'nothing'} |`,
      ),
    );
  }
  const { policies } = review;
  out.push('', "### IAM policies, checked against AWS's catalogue", '');
  out.push(
    policies.findings.length === 0
      ? `${policyCount(policies.checked)} Terraform knows at plan time read as the Service Authorization Reference says: every action and condition key exists, every operator fits its key, every resource fits the action (the others were checked at synth).`
      : `${policies.findings.length} finding(s) in ${policyCount(policies.checked).replace('The', 'the')} Terraform knows at plan time — IAM accepts these, and the statement then grants or restricts something else:`,
  );
  if (policies.findings.length > 0)
    out.push('', ...policies.findings.map((finding) => `- ${policyFindingLine(finding)}`));
  const failures = review.applyFailures;
  if (failures.length > 0) {
    out.push(
      '',
      '## Apply would fail',
      '',
      'AWS would refuse these during `cdktf deploy`, after other resources of the stack exist:',
      '',
    );
    for (const failure of failures) out.push(`- \`${failure.resource}\`: ${failure.problem}`);
  }
  if (review.acknowledged.length > 0) {
    out.push('', '## Acknowledged guardrail findings', '');
    for (const line of review.acknowledged) out.push(`- ${line}`);
  }
  out.push('', '## Cost per stack', '');
  for (const stack of stacks.filter((s) => s.cost.lines.length > 0)) {
    out.push(`**${stack.stack}**`, '');
    for (const line of stack.cost.lines)
      out.push(
        `- ${line.item}: ${line.usdPerHour === undefined ? 'unknown' : `${usd(line.usdPerHour)}/h`} (${line.note})`,
      );
    out.push('');
  }
  out.push(...operatorAccessMarkdown(review.operatorAccess));
  const paths = pathComparison(review.costs);
  if (paths.length > 0) out.push('## Access paths compared', '', ...paths, '');
  const comparison = natVersusEndpoints(review.costs);
  if (comparison.length > 0)
    out.push('## NAT gateway vs VPC endpoints', '', ...comparison.map((line) => `- ${line}`), '');
  const { prices } = review.costs;
  if (prices) {
    out.push('### Price sources', '');
    const sources = new Map<string, string[]>();
    const note = (name: string, source: string) => sources.set(source, [...(sources.get(source) ?? []), name]);
    note('NAT gateway', prices.natGatewayHour.source);
    note('Interface endpoint', prices.interfaceEndpointAzHour.source);
    note('public IPv4', prices.publicIpv4Hour.source);
    note('gp3', prices.gp3GbMonth.source);
    for (const type of Object.keys(prices.instanceHour)) note(type, prices.instanceHour[type].source);
    for (const [source, names] of sources) out.push(`- ${names.join(', ')}: ${source}`);
    out.push('');
  }
  out.push('## Diagram', '', '```mermaid', mermaidDiagram(review.diagram).trimEnd(), '```', '');
  return `${out.join('\n')}`;
}

const verdictCell = (verdict: Verdict | undefined, missing: string) =>
  verdict === undefined
    ? missing
    : verdict.reachable
      ? `reachable (${verdict.paths.join(', ') || 'direct'})`
      : 'NOT reachable';

function accountMarkdown(result: AccountAssessment): string {
  const out: string[] = [];
  out.push('# Plan review against the account — ssm-access-lab', '');
  out.push(
    `Region ${result.region}; ${result.terraformVersion}; AWS provider ${result.awsProviderVersion}. Prices as of ${result.pricesAsOf}. Nothing was applied.`,
    '',
  );
  if (result.exitCode === AccountExit.PATH_LOST) {
    out.push('> [!CAUTION]', ...result.headlines.map((line) => `> - ${headlineSentence(line)}`), '');
  } else if (result.exitCode === AccountExit.OK) {
    out.push('> No reachable access path is lost, and no instance is replaced.', '');
  } else {
    out.push('> [!WARNING]', '> Some stacks could not be reviewed; see below.', '');
  }
  out.push(
    '## Stacks',
    '',
    '| stack | create | update | replace | destroy | unchanged | USD/h now | USD/h after |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const stack of result.stacks) {
    const c = stack.counts;
    const bound = stack.unpriced.length > 0 ? '≥ ' : '';
    out.push(
      `| \`${stack.stack}\` | ${c.create} | ${c.update} | ${c.replace} | ${c.delete} | ${c.unchanged} | ${bound}${usd(stack.usdPerHourNow)} | ${bound}${usd(stack.usdPerHourAfter)} |`,
    );
  }
  for (const stack of result.stacks.filter((s) => s.changes.length > 0)) {
    // Folded, as plan comments on pull requests are: the verdicts above are what a reviewer reads first.
    const c = stack.counts;
    const summary = [
      c.delete > 0 ? `${c.delete} to destroy` : '',
      c.replace > 0 ? `${c.replace} to replace` : '',
      c.create > 0 ? `${c.create} to create` : '',
      c.update > 0 ? `${c.update} to update` : '',
    ].filter(Boolean);
    out.push(
      '',
      `<details><summary><code>${stack.stack}</code>: ${summary.join(', ')}</summary>`,
      '',
      '| action | resource | forces replacement |',
      '|---|---|---|',
      ...stack.changes.map(
        (change) =>
          `| ${change.kind === 'delete' ? 'destroy' : change.kind} | \`${change.address}\` | ${change.forcedBy.map((a) => `\`${a}\``).join(', ')} |`,
      ),
      '',
      '</details>',
    );
  }
  const notPlanned = result.outcomes.filter((outcome) => outcome.status !== 'planned');
  if (notPlanned.length > 0) {
    out.push(
      '',
      'Not reviewed:',
      '',
      ...notPlanned.map((outcome) => `- \`${outcome.stack}\` (${outcome.status}): ${outcome.reason}`),
    );
  }
  out.push('', '## Reachability before → after', '');
  if (result.instances.length === 0) out.push('No instance is deployed or planned in the reviewed stacks.');
  else {
    out.push(
      '| instance | stack | change | Session Manager now | after | SSH now | after | port forwarding now | after |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const i of result.instances) {
      // A forwarding target is no way in: its row says what the plan does to it, and nothing more.
      const cells = i.forwardingTarget
        ? ['forwarding target', '—', '—', '—', '—', '—']
        : [
            verdictCell(i.before?.sessionManager, 'not deployed'),
            verdictCell(i.after?.sessionManager, 'destroyed'),
            verdictCell(i.before?.ssh, 'not deployed'),
            verdictCell(i.after?.ssh, 'destroyed'),
            i.before && !i.before.forwarding ? '—' : verdictCell(i.before?.forwarding, 'not deployed'),
            i.after && !i.after.forwarding ? '—' : verdictCell(i.after?.forwarding, 'destroyed'),
          ];
      out.push(`| ${i.name} | \`${i.stack}\` | ${i.kind} | ${cells.join(' | ')} |`);
    }
    const changed = result.instances.filter(
      (i) =>
        i.before &&
        i.after &&
        PATHS.some(([path]) => (i.before![path]?.reachable ?? false) !== (i.after![path]?.reachable ?? false)),
    );
    const texts = (verdicts: InstanceVerdicts) =>
      [
        verdicts.sessionManager.text,
        verdicts.ssh.text,
        ...(verdicts.forwarding ? [verdicts.forwarding.text] : []),
      ].join('; ');
    for (const i of changed) {
      out.push('', `**${i.name}**`, '', `- now: ${texts(i.before!)}`, `- after: ${texts(i.after!)}`);
    }
  }
  if (result.window) out.push('', ...windowMarkdown(result.window));
  out.push('', "## IAM policies, checked against AWS's catalogue", '');
  out.push(
    result.policies.findings.length === 0
      ? `${policyCount(result.policies.checked)} Terraform knows after this plan read as the Service Authorization Reference says.`
      : `${result.policies.findings.length} finding(s): IAM accepts these, and the statement then grants or restricts something else.`,
  );
  if (result.policies.findings.length > 0)
    out.push('', ...result.policies.findings.map((finding) => `- ${policyFindingLine(finding)}`));
  if (result.acknowledged.length > 0)
    out.push('', '## Acknowledged guardrail findings', '', ...result.acknowledged.map((line) => `- ${line}`));
  if (result.operatorAccess.length > 0) out.push('', ...operatorAccessMarkdown(result.operatorAccess));
  out.push(
    '',
    `Exit code ${result.exitCode}: 0 = reviewed, no path lost; 2 = a reachable path would be lost or an instance replaced; 1 = could not review.`,
    '',
  );
  return out.join('\n');
}

/** The Markdown report of a user's plan: the verdicts, what is priced per hour and what is not, the diagram. */
function planMarkdown(review: PlanAssessment): string {
  const out: string[] = [`# Plan review: ${path.basename(review.file)}`, ''];
  const configuration = configurationLine(review.configuration);
  if (configuration) out.push(configuration, '');
  if (review.headlines.length > 0)
    out.push('> [!CAUTION]', ...review.headlines.map((line) => `> ${headlineSentence(line)}`), '');
  out.push('## Instances', '');
  for (const block of review.instances) {
    out.push(`### \`${block.address}\`${block.name ? ` (${block.name})` : ''} — ${block.action}`, '');
    out.push(...verdictList(block.verdicts).map((verdict) => `- ${verdict.text}`));
    for (const assumption of block.assumptions) out.push(`- *Assumed:* ${assumption}`);
    out.push('');
  }
  const { region, regionFromPlan, stack: cost } = review.cost;
  // Everything the configuration holds after the plan: what it costs by the hour while it stands.
  out.push(
    '## Cost per hour',
    '',
    `Region ${region} (${regionFromPlan ? "from the plan's endpoints or subnets" : 'the plan names none in its endpoints or subnets, so the default'}), prices from the review's table.`,
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
  out.push('## Diagram', '', '```mermaid', mermaidDiagram(review.diagram).trimEnd(), '```', '');
  return out.join('\n');
}

/** The instances of the VPC the temporary endpoints serve: the counts, then a row per instance. */
function windowMarkdown(window: EndpointWindow): string[] {
  const out = [`## Instances in ${window.vpcId}, the VPC \`${window.stack}\` serves`, ''];
  if (window.unread) return [...out, `Not judged: ${window.unread}`];
  out.push(...window.headlines.map((line) => `- ${windowHeadlineSentence(line)}`), '');
  if (window.instances.length === 0) return out;
  const registration = window.instances.some((i) => i.registration);
  out.push(
    `| instance | Name | Session Manager now | with these endpoints | why |${registration ? ' agent |' : ''}`,
    `|---|---|---|---|---|${registration ? '---|' : ''}`,
  );
  for (const i of window.instances) {
    const why = i.withEndpoints?.reason ?? 'the instance is gone after the plan';
    out.push(
      `| \`${i.id}\` | ${i.name ?? ''} | ${verdictCell(i.now, 'not there')} | ${verdictCell(i.withEndpoints, 'gone')} | ${why.replace(/\|/g, '\\|')} |${registration ? ` ${[i.registration?.status, i.registration?.agentVersion, i.registration?.platformName ?? i.registration?.platformType].filter(Boolean).join(', ')} |` : ''}`,
    );
  }
  if (window.registrationUnread) out.push('', `The agents' registration was not read: ${window.registrationUnread}`);
  if (window.hostManagement) out.push('', hostManagementLine(window.hostManagement));
  return out;
}
