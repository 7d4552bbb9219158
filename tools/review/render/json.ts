/**
 * `--format json`: the assessment as one documented, versioned JSON document a CI job can gate on
 * (`jq`, a policy engine), described by docs/review-report.schema.json. Additions keep the major
 * version of {@link REPORT_SCHEMA_VERSION}; a removal or a rename raises it. Numbers that are not
 * known (a price missing from the table) are left out, never null.
 */
import type { AccountAssessment, Assessment, OfflineAssessment } from '../assessment/assess';
import type { CutCause, Headline } from '../assessment/changes';
import type { InstanceVerdicts } from '../assessment/instances';
import type { EndpointWindow } from '../assessment/window';
import type { OperatorAccess } from '../rules/operator-access';
import type { PlanPolicies } from '../rules/policies';
import type { CostLine, StackCost } from '../rules/prices';
import type { Verdict } from '../rules/reachability';
import { configurationLine, headlineSentence, qualified, windowHeadlineSentence } from './words';

/** The report's schema version: `major.minor`. */
export const REPORT_SCHEMA_VERSION = '1.0';

type Json = { [key: string]: unknown };

/** USD to the millionth (no float noise); left out when unknown. */
function money(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? Math.round(value * 1e6) / 1e6 : undefined;
}

/** A copy without the keys whose value is undefined (JSON has no undefined, and the report no null). */
function defined(object: Json): Json {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

function verdict(value: Verdict): Json {
  return { reachable: value.reachable, paths: [...value.paths], reason: value.reason, text: value.text };
}

function verdicts(value: InstanceVerdicts | undefined): Json | undefined {
  if (!value) return undefined;
  return defined({
    sessionManager: verdict(value.sessionManager),
    ssh: verdict(value.ssh),
    forwarding: value.forwarding ? verdict(value.forwarding) : undefined,
  });
}

function cause(value: CutCause): Json {
  return defined({
    kind: value.kind,
    resource: qualified(value.stack, value.address),
    route: value.route ? { destination: value.route.destination, target: value.route.target } : undefined,
    name: value.name,
  });
}

function headline(value: Headline): Json {
  const instance = defined({
    // A user's plan has no stack: its instances go by their address.
    id: value.instance.stack ? value.instance.id : value.instance.address,
    stack: value.instance.stack || undefined,
    address: value.instance.address,
    name: value.instance.name,
  });
  if (value.kind === 'instance-replaced')
    return { kind: value.kind, text: headlineSentence(value), instance, forwardingTarget: value.forwardingTarget };
  return {
    kind: value.kind,
    text: headlineSentence(value),
    instance,
    path: value.path,
    reason: value.reason,
    instanceDestroyed: value.instanceDestroyed,
    causes: value.causes.map(cause),
  };
}

function costLine(line: CostLine): Json {
  return defined({ item: line.item, usdPerHour: money(line.usdPerHour), note: line.note });
}

function stackCost(cost: StackCost): Json {
  return defined({
    usdPerHour: money(cost.knownUsdPerHour),
    lowerBound: cost.unknown.length > 0,
    unpriced: [...cost.unknown],
    lines: cost.lines.map(costLine),
  });
}

function policyFindings(policies: PlanPolicies): Json[] {
  return policies.findings.map((finding) => ({
    resource: finding.resource,
    attribute: finding.attribute,
    kind: finding.kind,
    statement: finding.statement,
    message: finding.message,
    fix: finding.fix,
  }));
}

function operatorAccess(results: readonly OperatorAccess[]): Json[] {
  return results.map((access) =>
    defined({
      stack: access.stack,
      allowed: access.unreadable === undefined && access.missing.length === 0,
      unreadable: access.unreadable,
      commands: access.commands.map((command) => ({
        output: command.output,
        calls: command.calls.map((checked) =>
          defined({
            action: checked.call.action,
            resource: checked.call.resource,
            allowed: checked.allowed,
            reason: checked.reason,
          }),
        ),
      })),
    }),
  );
}

function window(value: EndpointWindow): Json {
  return defined({
    stack: value.stack,
    vpcId: value.vpcId,
    unread: value.unread,
    headlines: value.headlines.map((line) =>
      defined({
        kind: line.kind,
        text: windowHeadlineSentence(line),
        instances:
          line.kind === 'no-instance'
            ? undefined
            : line.kind === 'already-reachable'
              ? line.instances.map(({ instance }) => instance.id)
              : line.instances.map((instance) => instance.id),
      }),
    ),
    instances: value.instances.map((instance) =>
      defined({
        id: instance.id,
        name: instance.name,
        now: instance.now ? verdict(instance.now) : undefined,
        withEndpoints: instance.withEndpoints ? verdict(instance.withEndpoints) : undefined,
        agent: instance.registration?.status,
        agentVersion: instance.registration?.agentVersion,
        platform: instance.registration?.platformType,
      }),
    ),
    registrationUnread: value.registrationUnread,
    hostManagement: value.hostManagement ? { ...value.hostManagement } : undefined,
  });
}

/** The run of a review of the lab's own stacks: where, with which Terraform, what the settings acknowledge. */
function labSource(review: AccountAssessment | OfflineAssessment): Json {
  return { region: review.region, terraformVersion: review.terraformVersion, acknowledged: [...review.acknowledged] };
}

/** The assessment as the JSON document (an object; {@link renderJson} writes it). */
export function reportDocument(assessment: Assessment): Json {
  const head = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    mode: assessment.mode,
    exitCode: assessment.exitCode,
    awsProviderVersion: assessment.awsProviderVersion,
    pricesAsOf: assessment.pricesAsOf,
    headlines: assessment.headlines.map(headline),
  };
  if (assessment.mode === 'offline')
    return {
      ...head,
      source: { ...labSource(assessment), placeholders: [...assessment.placeholders] },
      stacks: assessment.stacks.map((stack) =>
        defined({ stack: stack.stack, status: 'planned', creates: { ...stack.creates }, cost: stackCost(stack.cost) }),
      ),
      instances: assessment.instances.map((instance) => ({
        id: instance.id,
        stack: instance.stack,
        address: instance.address,
        name: instance.name,
        change: 'create',
        accessPath: instance.accessPath,
        publicAddress: instance.publicAddress,
        sessions: instance.audit,
        after: verdicts(instance),
      })),
      applyFailures: assessment.applyFailures.map((failure) => ({ ...failure })),
      policyFindings: policyFindings(assessment.policies),
      operatorAccess: operatorAccess(assessment.operatorAccess),
    };
  if (assessment.mode === 'account') {
    const summaries = new Map(assessment.stacks.map((stack) => [stack.stack, stack]));
    return defined({
      ...head,
      source: labSource(assessment),
      stacks: assessment.outcomes.map((outcome) => {
        const summary = summaries.get(outcome.stack);
        return defined({
          stack: outcome.stack,
          status: outcome.status,
          reason: outcome.reason,
          counts: summary ? { ...summary.counts } : undefined,
          changes: summary?.changes.map((change) => ({
            address: change.address,
            kind: change.kind,
            forcedBy: [...change.forcedBy],
          })),
          usdPerHourNow: money(summary?.usdPerHourNow),
          usdPerHourAfter: money(summary?.usdPerHourAfter),
          unpriced: summary ? [...summary.unpriced] : undefined,
        });
      }),
      instances: assessment.instances.map((instance) =>
        defined({
          id: instance.id,
          stack: instance.stack,
          address: instance.address,
          name: instance.name,
          change: instance.kind,
          forwardingTarget: instance.forwardingTarget,
          before: verdicts(instance.before),
          after: verdicts(instance.after),
        }),
      ),
      applyFailures: [],
      policyFindings: policyFindings(assessment.policies),
      operatorAccess: operatorAccess(assessment.operatorAccess),
      window: assessment.window ? window(assessment.window) : undefined,
    });
  }
  const changes = new Map((assessment.changes ?? []).map((change) => [change.address, change]));
  return defined({
    ...head,
    source: defined({
      file: assessment.file,
      kind: assessment.kind,
      configuration: assessment.configuration
        ? defined({
            status: assessment.configuration.kind,
            dir:
              assessment.configuration.kind === 'read'
                ? assessment.configuration.configuration.dir
                : assessment.configuration.dir,
            text: configurationLine(assessment.configuration),
          })
        : undefined,
    }),
    stacks: [],
    instances: assessment.instances.map((block) => {
      const change = changes.get(block.address);
      return defined({
        id: block.address,
        address: block.address,
        name: block.name,
        change: block.kind,
        before: verdicts(change?.before),
        after: verdicts(block.verdicts),
        assumptions: [...block.assumptions],
      });
    }),
    removedInstances: assessment.changes
      ?.filter((change) => !change.after)
      .map((change) => defined({ address: change.address, name: change.name, before: verdicts(change.before) })),
    applyFailures: [],
    policyFindings: [],
    operatorAccess: [],
    cost: {
      region: assessment.cost.region,
      regionFromPlan: assessment.cost.regionFromPlan,
      ...stackCost(assessment.cost.stack),
    },
  });
}

/** The JSON document, as `--format json` prints it. */
export function renderJson(assessment: Assessment): string {
  return `${JSON.stringify(reportDocument(assessment), null, 2)}\n`;
}

/** What `--format json` prints for a run that cannot review (exit code 1). */
export function errorDocument(message: string, details?: readonly Json[]): string {
  return `${JSON.stringify(
    defined({ schemaVersion: REPORT_SCHEMA_VERSION, exitCode: 1, error: defined({ message, details }) }),
    null,
    2,
  )}\n`;
}
