/**
 * Does an instance role let the SSM Agent work? Evaluates the role's trust policy and every policy
 * the plan shows on it the way IAM's policy evaluation logic does within one account: an explicit
 * Deny wins; the identity-based policies (AWS managed, customer managed, inline) must allow; a
 * permissions boundary on the role caps what they allow (it must allow too); `NotAction` and
 * `NotResource` mean what they say. A condition the plan cannot decide is not taken as true in
 * silence: the verdict names it as an assumption.
 */
import { Entity, NetworkModel } from '../model/plan-model';
import { awsManagedPolicy, awsManagedPolicyName } from '../../../lib/aws-managed-policies';
import {
  actionMatches,
  PolicyStatement as Statement,
  policyStatements as statementsOf,
  statementCovers,
  valuesOf as list,
} from '../../../lib/iam-policy';

/**
 * What the agent calls for Session Manager (Systems Manager documentation, "Step 2: Verify or add
 * instance permissions for Session Manager"); ec2messages is needed only by agents before 3.3.40.
 */
export const SESSION_MANAGER_ACTIONS = [
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
] as const;

export interface RoleVerdict {
  readonly ok: boolean;
  /** Why not, naming the role and the missing actions. */
  readonly problem?: string;
  /** The agent's actions the role is not allowed (when that is why not). */
  readonly missing?: readonly string[];
  /** Conditions the verdict took to hold (an Allow's) or not to match (a Deny's): the plan cannot decide them. */
  readonly assumptions?: readonly string[];
}

/**
 * Whether a resource pattern can match the instance the agent's calls are made on: `*`, or an ARN
 * pattern whose service is ec2 and whose resource part matches `instance/i-…` (its partition,
 * region and account are taken to be the instance's).
 */
function patternCoversInstance(resource: string): boolean {
  if (resource === '*') return true;
  const parts = resource.split(':');
  if (parts.length < 6) return false;
  return actionMatches(parts[2], 'ec2') && actionMatches(parts.slice(5).join(':'), 'instance/i-0123456789abcdef0');
}

/** Resource "*" (or any pattern that can match an instance), which these actions are called on; NotResource: none excludes it. */
function resourceCoversInstances(statement: Statement): boolean {
  if (statement.NotResource !== undefined) return !list(statement.NotResource).some(patternCoversInstance);
  return list(statement.Resource ?? '*').some(patternCoversInstance);
}

/** A Deny applies to every instance only with `*` (or a NotResource that excludes none). */
function denyCoversEveryInstance(statement: Statement): boolean {
  if (statement.NotResource !== undefined) return !list(statement.NotResource).some(patternCoversInstance);
  return list(statement.Resource ?? '*').includes('*');
}

/** `statement "Sid"` or `a statement`, and its condition operators, for an assumption's words. */
function conditionWords(statement: Statement, policy: string): string {
  const which = statement.Sid ? `statement "${statement.Sid}"` : 'a statement';
  return `${which} of ${policy} (${Object.keys(statement.Condition ?? {}).join(', ')})`;
}

/** The service principal a role must trust: EC2 for an instance profile's role, Systems Manager for Default Host Management's. */
export type TrustedService = 'ec2.amazonaws.com' | 'ssm.amazonaws.com';

/** Does the trust policy let the service assume the role? Undefined when the plan does not know it yet. */
export function trustsService(assumeRolePolicy: unknown, service: TrustedService): boolean | undefined {
  const statements = statementsOf(assumeRolePolicy);
  if (!statements) return undefined;
  return statements.some((statement) => {
    if (statement.Effect !== 'Allow') return false;
    if (!list(statement.Action).some((pattern) => actionMatches(pattern, 'sts:AssumeRole'))) return false;
    const principal = statement.Principal;
    const services =
      typeof principal === 'object' && principal !== null ? list((principal as { Service?: unknown }).Service) : [];
    return principal === '*' || services.includes(service) || services.includes(`${service}.cn`);
  });
}

/** A policy document and what to call it in a reason. */
interface NamedPolicy {
  readonly name: string;
  readonly document: unknown;
}

/**
 * The document of a managed policy the plan names by ARN: a customer managed one in the plans (or
 * read from the account), an AWS managed one from the pinned dataset, or undefined (its content is
 * not at hand: the verdict then names what it assumes of it).
 */
function managedPolicy(
  model: NetworkModel,
  arn: unknown,
  holder: Entity | undefined,
  attribute: string,
): NamedPolicy | undefined {
  const customer = holder ? model.target(holder, attribute) : undefined;
  if (customer?.type === 'aws_iam_policy') return { name: model.label(customer), document: customer.values.policy };
  const awsManaged = awsManagedPolicyName(arn);
  const known = awsManaged ? awsManagedPolicy(awsManaged) : undefined;
  if (known) return { name: known.name, document: JSON.stringify(known.document) };
  return undefined;
}

/**
 * Whether a role can carry Session Manager's agent: an instance profile's role (trusted by EC2),
 * or with `ssm.amazonaws.com` the role Default Host Management Configuration names.
 */
export function judgeRole(
  model: NetworkModel,
  role: Entity,
  trusted: TrustedService = 'ec2.amazonaws.com',
): RoleVerdict {
  // One role often serves thousands of instances: judged once per model.
  let judged = JUDGED_ROLES.get(model);
  if (!judged) JUDGED_ROLES.set(model, (judged = new Map()));
  const key = `${role.id}\u0000${trusted}`;
  let verdict = judged.get(key);
  if (!verdict) judged.set(key, (verdict = judgeRoleOnce(model, role, trusted)));
  return verdict;
}

const JUDGED_ROLES = new WeakMap<NetworkModel, Map<string, RoleVerdict>>();

function judgeRoleOnce(model: NetworkModel, role: Entity, trusted: TrustedService): RoleVerdict {
  const name = model.label(role);
  const trust = trustsService(role.values.assume_role_policy, trusted);
  if (trust === false)
    return {
      ok: false,
      problem:
        trusted === 'ec2.amazonaws.com'
          ? `the role ${name} does not trust ec2.amazonaws.com (its trust policy has no Allow of sts:AssumeRole for the EC2 service), so the instance cannot use it`
          : `the role ${name} does not trust ssm.amazonaws.com (its trust policy has no Allow of sts:AssumeRole for Systems Manager), so Default Host Management cannot use it`,
      missing: [...SESSION_MANAGER_ACTIONS],
    };

  const policies: NamedPolicy[] = [];
  const unknownPolicies: string[] = [];
  // Every way a managed policy reaches a role (IAM's AttachRolePolicy): an attachment of the role,
  // an aws_iam_policy_attachment naming it among its roles, or the role's own list.
  const managedArns = [
    ...model
      .pointingAt('aws_iam_role_policy_attachment', 'role', role)
      .map((attachment) => ({ attachment, arn: attachment.values.policy_arn })),
    ...model
      .pointingAt('aws_iam_policy_attachment', 'roles', role)
      .map((attachment) => ({ attachment, arn: attachment.values.policy_arn })),
    ...list(role.values.managed_policy_arns).map((arn) => ({ attachment: undefined, arn })),
  ];
  for (const { attachment, arn } of managedArns) {
    const policy = managedPolicy(model, arn, attachment, 'policy_arn');
    if (policy) policies.push(policy);
    else unknownPolicies.push(typeof arn === 'string' ? arn : 'a policy whose ARN is known only after apply');
  }
  for (const inline of model.pointingAt('aws_iam_role_policy', 'role', role))
    policies.push({
      name: `inline policy ${inline.values.name ?? model.label(inline)}`,
      document: inline.values.policy,
    });
  for (const inline of Array.isArray(role.values.inline_policy) ? role.values.inline_policy : [])
    policies.push({ name: `inline policy ${inline?.name ?? ''}`.trim(), document: inline?.policy });

  // A permissions boundary caps what the identity policies grant: it must allow each action too.
  const boundaryArn = role.values.permissions_boundary;
  const boundaryGiven =
    (typeof boundaryArn === 'string' && boundaryArn !== '') || model.targets(role, 'permissions_boundary').length > 0;
  const boundary = boundaryGiven ? managedPolicy(model, boundaryArn, role, 'permissions_boundary') : undefined;

  const assumptions = new Set<string>();
  const statementsIn = (policies: readonly NamedPolicy[]) =>
    policies.flatMap((policy) =>
      (statementsOf(policy.document) ?? []).map((statement) => ({ statement, policy: policy.name })),
    );
  const identity = statementsIn(policies);
  type Entries = ReturnType<typeof statementsIn>;
  /** The statements of this effect that grant or refuse the action on the instances. */
  const matchingOf = (entries: Entries, effect: 'Allow' | 'Deny', action: string, covers: (s: Statement) => boolean) =>
    entries.filter(
      ({ statement }) => statement.Effect === effect && statementCovers(statement, action) && covers(statement),
    );
  const unconditional = (matching: Entries) => matching.some(({ statement }) => statement.Condition === undefined);
  const allows = (entries: Entries, action: string) => {
    const matching = matchingOf(entries, 'Allow', action, resourceCoversInstances);
    if (unconditional(matching)) return true;
    if (matching.length === 0) return false;
    assumptions.add(`assuming the condition of ${conditionWords(matching[0].statement, matching[0].policy)} holds`);
    return true;
  };
  const denies = (entries: Entries, action: string) => {
    const matching = matchingOf(entries, 'Deny', action, denyCoversEveryInstance);
    if (unconditional(matching)) return true;
    for (const { statement, policy } of matching)
      assumptions.add(`assuming the condition of the Deny in ${conditionWords(statement, policy)} does not match`);
    return false;
  };
  const boundaryEntries = boundary ? statementsIn([boundary]) : [];
  const capped: string[] = [];
  const denied: string[] = [];
  const missing = SESSION_MANAGER_ACTIONS.filter((action) => {
    if (denies(identity, action) || (boundary && denies(boundaryEntries, action))) {
      denied.push(action);
      return true;
    }
    if (!allows(identity, action)) return true;
    if (boundary && !allows(boundaryEntries, action)) {
      capped.push(action);
      return true;
    }
    return false;
  });
  if (boundaryGiven && !boundary)
    assumptions.add(
      `assuming its permissions boundary ${typeof boundaryArn === 'string' ? boundaryArn : '(known only after apply)'} allows the agent's calls (its content is not in the plan)`,
    );
  // Policies the reader of an existing account could not read: what they hold is assumed, and said.
  const unreadable = role.values.policies_unreadable;
  if (typeof unreadable === 'string' && unreadable !== '') {
    assumptions.add(
      missing.length === 0
        ? `assuming what could not be read of the role ${name} holds no Deny of the agent's calls (${unreadable})`
        : `assuming what could not be read of the role ${name} allows ${missing.join(', ')} (${unreadable})`,
    );
    return { ok: true, assumptions: [...assumptions] };
  }
  if (missing.length === 0) return { ok: true, assumptions: [...assumptions] };
  if (capped.length === missing.length)
    return {
      ok: false,
      problem: `the role ${name}'s permissions boundary ${boundary!.name} does not allow ${capped.join(', ')} (a boundary caps what the role's policies grant)`,
      missing,
    };
  // What the review cannot read may grant what the rest lacks: an assumption, never a refusal.
  if (unknownPolicies.length > 0 && capped.length === 0 && denied.length === 0) {
    assumptions.add(
      `assuming ${unknownPolicies.join(', ')} ${unknownPolicies.length > 1 ? 'allow' : 'allows'} ${missing.join(', ')} to the role ${name} (${unknownPolicies.length > 1 ? 'their content is' : 'its content is'} neither in the plan nor in the AWS managed policies dataset)`,
    );
    return { ok: true, assumptions: [...assumptions] };
  }
  return { ok: false, problem: `the role ${name} is not allowed ${missing.join(', ')}`, missing };
}

/** Whether a policy statement's `Principal` takes in the instance role (its ARN, when the plan knows it). */
function principalCovers(principal: unknown, roleArn: string | undefined): boolean {
  if (principal === undefined || principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  const aws = list((principal as { AWS?: unknown }).AWS);
  return aws.includes('*') || (roleArn !== undefined && aws.includes(roleArn));
}

/**
 * The agent's calls to one service that an Interface endpoint's policy refuses. A request through
 * the endpoint must be allowed by the endpoint policy as well as by the caller's own policies
 * (AWS PrivateLink, "Control access to VPC endpoints using endpoint policies"); no policy written
 * means AWS's default, full access. A statement naming other principals does not allow the role;
 * one naming principals the plan cannot tell apart yet (the role's ARN unknown) is given the doubt.
 */
export function endpointPolicyRefuses(policy: unknown, service: string, roleArn: string | undefined): string[] {
  const actions = SESSION_MANAGER_ACTIONS.filter((action) => action.startsWith(`${service}:`));
  if (policy === undefined || policy === null || policy === '') return [];
  const statements = statementsOf(policy);
  if (!statements) return [];
  const applies = (s: Statement) => principalCovers(s.Principal, roleArn) || roleArn === undefined;
  return actions.filter((action) => {
    const allowed = statements.some(
      (s) => s.Effect === 'Allow' && statementCovers(s, action) && resourceCoversInstances(s) && applies(s),
    );
    const denied = statements.some(
      (s) =>
        s.Effect === 'Deny' &&
        statementCovers(s, action) &&
        list(s.Resource ?? '*').includes('*') &&
        principalCovers(s.Principal, roleArn),
    );
    return !allowed || denied;
  });
}
