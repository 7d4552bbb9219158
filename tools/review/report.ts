/** The review report: Markdown (with a Mermaid diagram) and a short text for the terminal. */
import { StackName } from '../../stacks';
import { Scenario, SCENARIO_LABELS } from '../../stacks/scenario-stack';
import { FORWARDING_TARGET_PORT, FORWARDS_TO_TAG, parseForwardsTo } from '../../lib/forwarding-target';
import { AWS_PROVIDER_VERSION } from '../terraform-cli';
import { applyFailures } from './apply-checks';
import { EXAMPLE_ACCOUNT, OPERATOR_USERID, OperatorAccess, OUTSIDE_DOCUMENT_NOTE } from './operator-access';
import { Entity, NetworkModel } from './plan-model';
import { planPolicies, policyCount, policyFindingLine } from './policies';
import { PRICES, PRICES_AS_OF, RegionPrices, stackCost, StackCost } from './prices';
import { Reachability, Verdict } from './reachability';

export interface StackReview {
  readonly stack: string;
  /** Resource type → how many the plan creates. */
  readonly creates: Readonly<Record<string, number>>;
  readonly cost: StackCost;
}

export interface InstanceReview {
  readonly stack: string;
  readonly name: string;
  readonly accessPath: string;
  readonly publicAddress: boolean;
  readonly inbound: string;
  readonly egress: string;
  readonly keyPair: string;
  readonly ssmRole: boolean;
  /** Where its sessions are logged and with which key, or why not. */
  readonly audit: string;
  readonly sessionManager: Verdict;
  readonly ssh: Verdict;
  /** Port forwarding to the target its `ForwardsTo` tag names; undefined when it names none. */
  readonly forwarding?: Verdict;
}

/** A private service the instances forward to. */
export interface ForwardingTargetReview {
  readonly stack: string;
  readonly name: string;
  readonly subnet: string;
  readonly publicAddress: boolean;
  readonly inbound: string;
  readonly egress: string;
  /** The instances whose `ForwardsTo` names it. */
  readonly clients: readonly string[];
}

export interface ReviewFacts {
  readonly region: string;
  readonly terraformVersion: string;
  readonly placeholders: readonly string[];
  readonly acknowledged?: readonly string[];
  /** Each stack's printed commands checked against its printed operator policy. */
  readonly operatorAccess?: readonly OperatorAccess[];
}

/** A stack's commands and what its policy lacks for them, in a few words. */
function accessVerdict(access: OperatorAccess): string {
  if (access.unreadable) return `not checked: ${access.unreadable}`;
  const calls = access.commands.reduce((sum, command) => sum + command.calls.length, 0);
  if (access.missing.length === 0)
    return calls === 0 ? 'its commands call no AWS API' : `allows all ${calls} AWS calls of its commands`;
  return `lacks ${access.missing.length} of ${calls} AWS calls`;
}

/** "Operator policies" in the Markdown report: per stack and command, the calls and whether the policy allows them. */
export function operatorAccessMarkdown(results: readonly OperatorAccess[]): string[] {
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

/** The terminal's lines: one when every policy allows its commands, else each missing grant. */
export function operatorAccessText(results: readonly OperatorAccess[]): string[] {
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

export function reviewStacks(model: NetworkModel, region: string): StackReview[] {
  return Object.keys(model.plans).map((stack) => {
    const creates: Record<string, number> = {};
    for (const entity of model.all().filter((e) => e.stack === stack && e.actions.includes('create'))) {
      creates[entity.type] = (creates[entity.type] ?? 0) + 1;
    }
    return { stack, creates, cost: stackCost(model, stack, region) };
  });
}

/** Security group rules in a table cell: `tcp/443 0.0.0.0/0, tcp/8080 SG …`. */
function describeRules(model: NetworkModel, rules: ReturnType<Reachability['rules']>): string {
  return rules.length === 0
    ? 'none'
    : rules
        .map((rule) => {
          const ports =
            rule.protocol === '-1'
              ? 'all'
              : rule.fromPort === rule.toPort
                ? `${rule.protocol}/${rule.fromPort}`
                : `${rule.protocol}/${rule.fromPort}-${rule.toPort}`;
          const peer = rule.cidr ?? (rule.securityGroup ? `SG ${model.label(rule.securityGroup)}` : '?');
          return `${ports} ${peer}`;
        })
        .join(', ');
}

export function reviewForwardingTargets(model: NetworkModel): ForwardingTargetReview[] {
  const reach = Reachability.of(model);
  return reach.forwardingTargets().map((target) => {
    const groups = reach.securityGroupsOf(target);
    const name = model.label(target);
    return {
      stack: target.stack,
      name,
      subnet: model.label(reach.subnetOf(target)),
      publicAddress: reach.hasPublicAddress(target),
      inbound: describeRules(model, reach.rules('ingress', groups)),
      egress: describeRules(model, reach.rules('egress', groups)),
      clients: reach
        .instances()
        .filter((instance) => (instance.values.tags?.ForwardsTo ?? '').startsWith(`${name}:`))
        .map((instance) => model.label(instance)),
    };
  });
}

export function reviewInstances(model: NetworkModel): InstanceReview[] {
  const reach = Reachability.of(model);
  return reach.instances().map((instance) => {
    const groups = reach.securityGroupsOf(instance);
    const describe = (rules: ReturnType<Reachability['rules']>) => describeRules(model, rules);
    const keyPair = model.target(instance, 'key_name');
    const profile = model.target(instance, 'iam_instance_profile');
    return {
      stack: instance.stack,
      name: model.label(instance),
      accessPath:
        (SCENARIO_LABELS as Readonly<Record<string, string>>)[instance.values.tags?.Scenario ?? ''] ?? 'unknown',
      publicAddress: reach.hasPublicAddress(instance),
      inbound: describe(reach.rules('ingress', groups)),
      egress: describe(reach.rules('egress', groups)),
      keyPair: keyPair
        ? `yes (${keyPair.values.key_name ?? model.label(keyPair)})`
        : instance.values.key_name
          ? `yes (${instance.values.key_name})`
          : 'no',
      ssmRole: profile !== undefined,
      audit: sessionAudit(model, profile),
      sessionManager: reach.sessionManager(instance),
      ssh: reach.ssh(instance),
      forwarding: reach.forwarding(instance),
    };
  });
}

/**
 * Whether the instance's sessions are logged: a Session document in the plans that streams to a
 * log group (encrypted with a key), and a policy on the instance's role that lets the agent write
 * there. Both come from the session audit stack; the scenarios connect through that document.
 */
export function sessionAudit(model: NetworkModel, profile: Entity | undefined): string {
  const documents = model.all('aws_ssm_document').filter((document) => document.values.document_type === 'Session');
  if (documents.length === 0) return 'not logged';
  const role = profile ? model.target(profile, 'role') : undefined;
  if (!role) return 'not logged (no Session Manager role)';
  const mayWrite = model.pointingAt('aws_iam_role_policy', 'role', role).length > 0;
  for (const document of documents) {
    const targets = model.targets(document, 'content');
    const logGroup = targets.find((target) => target.type === 'aws_cloudwatch_log_group');
    if (!logGroup) continue;
    if (!mayWrite) return `not logged (${model.label(role)} may not write ${model.label(logGroup)})`;
    const key = model.target(logGroup, 'kms_key_id');
    return `logged to CloudWatch Logs ${model.label(logGroup)}${key ? `, encrypted with KMS key ${model.label(key)}` : ''} (document ${document.values.name ?? model.label(document)})`;
  }
  return 'not logged';
}

/** NAT path vs endpoint path, from the two scenario plans (the cost comparison the README explains). */
export function natVersusEndpoints(model: NetworkModel, region: string): string[] {
  const stackEnding = (suffix: string) => Object.keys(model.plans).find((stack) => stack.endsWith(suffix)) ?? suffix;
  const natStack = stackEnding(StackName.SSM_NAT);
  const endpointStack = stackEnding(StackName.SSM_ENDPOINT);
  const natLines = stackCost(model, natStack, region).lines.filter((line) =>
    /^(NAT gateway|Elastic IP)/.test(line.item),
  );
  const endpointLines = stackCost(model, endpointStack, region).lines.filter((line) =>
    line.item.startsWith('Interface endpoint'),
  );
  const eiceStack = stackEnding(StackName.EICE);
  const eice = stackCost(model, eiceStack, region).lines.some((line) =>
    line.item.startsWith('EC2 Instance Connect Endpoint'),
  )
    ? [
        `EC2 Instance Connect Endpoint path (${eiceStack}): ${usd(0)}/h for the endpoint (cross-AZ data only); SSH with no agent, no NAT and no interface endpoints. Audit: CloudTrail records each tunnel and key push (OpenTunnel, SendSSHPublicKey), not what is typed; Session Manager can log the session's transcript.`,
      ]
    : [];
  if (natLines.length === 0 || endpointLines.length === 0) return eice;
  const sum = (lines: typeof natLines) => lines.reduce((total, line) => total + (line.usdPerHour ?? NaN), 0);
  const nat = sum(natLines);
  const endpoints = sum(endpointLines);
  const prices = PRICES[region];
  const perEndpoint = prices?.interfaceEndpointAzHour.usd ?? NaN;
  return [
    `NAT path (${natStack}): ${usd(nat)}/h for the NAT gateway and its Elastic IP, + ${prices?.natGatewayGb.usd ?? '?'} USD/GB processed.`,
    `Endpoint path (${endpointStack}): ${usd(endpoints)}/h for ${endpointLines.length} Interface endpoints in one AZ, + ${prices?.interfaceEndpointGb.usd ?? '?'} USD/GB.`,
    endpoints < nat
      ? `Endpoints are cheaper by ${usd(nat - endpoints)}/h (${usd((nat - endpoints) * 4)} over a 4-hour window); a NAT gateway becomes cheaper beyond about ${Math.floor(nat / perEndpoint)} Interface endpoints (one per AWS service to reach).`
      : `The NAT gateway is cheaper by ${usd(endpoints - nat)}/h with this many endpoints.`,
    ...eice,
  ];
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
export function pathComparison(model: NetworkModel, region: string): string[] {
  const reach = Reachability.of(model);
  const rows: string[] = [];
  for (const instance of reach.instances()) {
    const scenario = instance.values.tags?.Scenario ?? '';
    const facts = FORWARDING_FACTS[scenario];
    if (!facts) continue;
    const cost = stackCost(model, instance.stack, region);
    rows.push(
      `| ${(SCENARIO_LABELS as Readonly<Record<string, string>>)[scenario]} | \`${instance.stack}\` | ${usd(cost.knownUsdPerHour)} | ${facts.shell} | ${facts.forwarding} | ${facts.cost(PRICES[region])} | ${facts.recorded} |`,
    );
  }
  if (rows.length === 0) return [];
  // What the far end costs: each target's instance and volume, from its own stack's lines.
  const targets = reach.forwardingTargets().map((target) => {
    const name = model.label(target);
    const usdPerHour = stackCost(model, target.stack, region)
      .lines.filter((line) => line.item.endsWith(` ${name}`))
      .reduce((sum, line) => sum + (line.usdPerHour ?? NaN), 0);
    return `${name} (\`${target.stack}\`) ${usd(usdPerHour)}/h`;
  });
  return [
    '| path | stack | USD/h | shell | port forwarding | what forwarding costs | what AWS records of it |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    ...(targets.length > 0 ? ['', `The forwarding targets the paths reach: ${targets.join(', ')}.`] : []),
  ];
}

export function usd(value: number): string {
  return Number.isFinite(value) ? `USD ${value.toFixed(4)}` : 'unknown';
}

/** Mermaid flowchart of VPCs, subnets, gateways, endpoints and instances with their verdicts. */
export function mermaidDiagram(model: NetworkModel): string {
  const reach = Reachability.of(model);
  const id = (entity: Entity) => `n_${entity.id.replace(/[^A-Za-z0-9]/g, '_')}`;
  const text = (value: string) => value.replace(/"/g, "'");
  const lines = ['flowchart LR', '  internet(("Internet / AWS public endpoints"))'];
  for (const vpc of model.all('aws_vpc')) {
    const dns =
      vpc.values.enable_dns_hostnames === true && vpc.values.enable_dns_support === true
        ? 'DNS support + hostnames'
        : 'DNS hostnames off';
    lines.push(`  subgraph ${id(vpc)}["${text(model.label(vpc))} ${vpc.values.cidr_block ?? ''} (${dns})"]`);
    for (const subnet of model.pointingAt('aws_subnet', 'vpc_id', vpc)) {
      const route = reach.defaultRoute(subnet);
      const routeText =
        route.kind === 'internet-gateway'
          ? '0.0.0.0/0 → IGW'
          : route.kind === 'nat-gateway'
            ? '0.0.0.0/0 → NAT'
            : 'no default route';
      lines.push(
        `    subgraph ${id(subnet)}["${text(model.label(subnet))} ${subnet.values.cidr_block ?? ''} — ${routeText}"]`,
      );
      // Each instance in the one subnet it is judged in (a link the plan leaves open may name several).
      const inSubnet = model.all('aws_instance').filter((instance) => reach.subnetOf(instance)?.id === subnet.id);
      for (const target of inSubnet.filter((instance) => reach.isForwardingTarget(instance)))
        lines.push(`      ${id(target)}[("${text(model.label(target))}<br/>private service")]`);
      for (const endpoint of model.pointingAt('aws_ec2_instance_connect_endpoint', 'subnet_id', subnet))
        lines.push(`      ${id(endpoint)}[/"EC2 Instance Connect Endpoint"/]`);
      for (const instance of inSubnet.filter((candidate) => !reach.isForwardingTarget(candidate))) {
        const ssm = reach.sessionManager(instance);
        const ssh = reach.ssh(instance);
        const verdict = [
          ssm.reachable ? `SSM ✓ via ${ssm.paths.join('+')}` : 'SSM ✗',
          ssh.reachable ? 'SSH ✓' : 'SSH ✗',
        ].join(' · ');
        lines.push(`      ${id(instance)}["${text(model.label(instance))}<br/>${verdict}"]`);
      }
      for (const nat of model.pointingAt('aws_nat_gateway', 'subnet_id', subnet))
        lines.push(`      ${id(nat)}{{"NAT gateway"}}`);
      for (const endpoint of model.pointingAt('aws_vpc_endpoint', 'subnet_ids', subnet)) {
        const service = String(endpoint.values.service_name ?? '')
          .split('.')
          .pop();
        lines.push(
          `      ${id(endpoint)}[/"endpoint ${service}${endpoint.values.private_dns_enabled ? ' (private DNS)' : ''}"/]`,
        );
      }
      lines.push('    end');
    }
    for (const igw of model.pointingAt('aws_internet_gateway', 'vpc_id', vpc))
      lines.push(`    ${id(igw)}(["internet gateway"])`);
    lines.push('  end');
  }
  for (const igw of model.all('aws_internet_gateway')) lines.push(`  ${id(igw)} --- internet`);
  for (const nat of model.all('aws_nat_gateway')) {
    const natSubnet = model.target(nat, 'subnet_id');
    const igw = natSubnet ? reach.defaultRoute(natSubnet).gateway : undefined;
    if (igw) lines.push(`  ${id(nat)} --> ${id(igw)}`);
  }
  for (const instance of reach.instances()) {
    const verdict = reach.sessionManager(instance);
    const subnet = reach.subnetOf(instance);
    const route = subnet ? reach.defaultRoute(subnet) : {};
    if (verdict.paths.includes('vpc-endpoints')) {
      const vpc = reach.vpcOf(instance);
      const endpoint = vpc ? reach.interfaceEndpoint(vpc, 'ssm') : undefined;
      if (endpoint) lines.push(`  ${id(instance)} -- "443" --> ${id(endpoint)}`);
    } else if (verdict.reachable && route.gateway) {
      lines.push(`  ${id(instance)} -- "443" --> ${id(route.gateway)}`);
    }
    const ssh = reach.ssh(instance);
    const vpc = reach.vpcOf(instance);
    const eice = ssh.paths.includes('instance-connect-endpoint')
      ? model.all('aws_ec2_instance_connect_endpoint').find((endpoint) => {
          const endpointSubnet = model.target(endpoint, 'subnet_id');
          return endpointSubnet !== undefined && reach.vpcOf(endpointSubnet)?.id === vpc?.id;
        })
      : undefined;
    // Every hop a path takes: through the Instance Connect Endpoint, not around it.
    if (eice)
      lines.push(
        `  operator(["operator"]) -- "OpenTunnel" --> ${id(eice)}`,
        `  ${id(eice)} -- "tcp/22" --> ${id(instance)}`,
      );
    else if (ssh.reachable) lines.push(`  operator(["operator"]) -- "tcp/22" --> ${id(instance)}`);
    const forwarding = reach.forwarding(instance);
    const wanted = parseForwardsTo(instance.values.tags?.[FORWARDS_TO_TAG]);
    const target = wanted
      ? reach.forwardingTargets().find((candidate) => model.label(candidate) === wanted.name)
      : undefined;
    if (forwarding && wanted && target)
      lines.push(
        `  ${id(instance)} -. "${forwarding.reachable ? '' : '✗ '}tcp/${wanted.port} forwarded" .-> ${id(target)}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

export function markdownReport(model: NetworkModel, facts: ReviewFacts): string {
  const stacks = reviewStacks(model, facts.region);
  const instances = reviewInstances(model);
  const out: string[] = [];
  out.push('# Offline plan review — ssm-access-lab', '');
  out.push(
    `Region ${facts.region}; ${facts.terraformVersion}; AWS provider ${AWS_PROVIDER_VERSION}. Prices as of ${PRICES_AS_OF} (sources below).`,
    '',
  );
  out.push(
    '> **Offline review.** No AWS account was used: the AWS provider ran with mock credentials and its `skip_*` settings, and nothing was looked up in AWS.',
    '> Placeholders stand in for what only AWS could say:',
  );
  for (const placeholder of facts.placeholders) out.push(`> - ${placeholder}`);
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
  const targets = reviewForwardingTargets(model);
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
  const policies = planPolicies(model);
  out.push('', "### IAM policies, checked against AWS's catalogue", '');
  out.push(
    policies.findings.length === 0
      ? `${policyCount(policies.checked)} Terraform knows at plan time read as the Service Authorization Reference says: every action and condition key exists, every operator fits its key, every resource fits the action (the others were checked at synth).`
      : `${policies.findings.length} finding(s) in ${policyCount(policies.checked).replace('The', 'the')} Terraform knows at plan time — IAM accepts these, and the statement then grants or restricts something else:`,
  );
  if (policies.findings.length > 0)
    out.push('', ...policies.findings.map((finding) => `- ${policyFindingLine(finding)}`));
  const failures = applyFailures(model);
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
  if (facts.acknowledged && facts.acknowledged.length > 0) {
    out.push('', '## Acknowledged guardrail findings', '');
    for (const line of facts.acknowledged) out.push(`- ${line}`);
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
  out.push(...operatorAccessMarkdown(facts.operatorAccess ?? []));
  const paths = pathComparison(model, facts.region);
  if (paths.length > 0) out.push('## Access paths compared', '', ...paths, '');
  const comparison = natVersusEndpoints(model, facts.region);
  if (comparison.length > 0)
    out.push('## NAT gateway vs VPC endpoints', '', ...comparison.map((line) => `- ${line}`), '');
  const prices = PRICES[facts.region];
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
  out.push('## Diagram', '', '```mermaid', mermaidDiagram(model).trimEnd(), '```', '');
  return `${out.join('\n')}`;
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
