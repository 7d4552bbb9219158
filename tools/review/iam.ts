/**
 * Does an instance role let the SSM Agent work? Evaluates the role's trust policy and every policy
 * the plan shows on it (attached managed, customer managed, inline), the way IAM does: an action is
 * allowed when some Allow statement matches it and no Deny statement does.
 */
import { Entity, NetworkModel } from './plan-model';

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

/** AWS managed policies whose content the review knows (each grants every action above). */
export const KNOWN_MANAGED_POLICIES: Readonly<Record<string, readonly string[]>> = {
  AmazonSSMManagedInstanceCore: [...SESSION_MANAGER_ACTIONS, 'ec2messages:*', 'ssm:*'],
  AmazonSSMManagedEC2InstanceDefaultPolicy: [...SESSION_MANAGER_ACTIONS, 'ec2messages:*'],
};

interface Statement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly Principal?: unknown;
}

export interface RoleVerdict {
  readonly ok: boolean;
  /** Why not, naming the role and the missing actions. */
  readonly problem?: string;
}

const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : value === undefined || value === null ? [] : [String(value)];

/** IAM's wildcard match (`*` any run, `?` one character), case-insensitive as IAM actions are. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(action);
}

function statementsOf(document: unknown): Statement[] | undefined {
  if (typeof document !== 'string') return undefined;
  try {
    const parsed = JSON.parse(document);
    return Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  } catch {
    return undefined;
  }
}

function statementCovers(statement: Statement, action: string): boolean {
  if (statement.NotAction !== undefined)
    return !list(statement.NotAction).some((pattern) => actionMatches(pattern, action));
  return list(statement.Action).some((pattern) => actionMatches(pattern, action));
}

/** Resource "*" (or any pattern that can match an instance), which these actions are called on. */
function resourceCoversInstances(statement: Statement): boolean {
  const resources = list(statement.Resource ?? '*');
  return resources.some((resource) => resource === '*' || /(^|:)\*$|instance\/\*|:\*:\*/.test(resource));
}

/** Does the trust policy let EC2 assume the role? Undefined when the plan does not know it yet. */
export function trustsEc2(assumeRolePolicy: unknown): boolean | undefined {
  const statements = statementsOf(assumeRolePolicy);
  if (!statements) return undefined;
  return statements.some((statement) => {
    if (statement.Effect !== 'Allow') return false;
    if (!list(statement.Action).some((pattern) => actionMatches(pattern, 'sts:AssumeRole'))) return false;
    const principal = statement.Principal;
    const services =
      typeof principal === 'object' && principal !== null ? list((principal as { Service?: unknown }).Service) : [];
    return principal === '*' || services.includes('ec2.amazonaws.com') || services.includes('ec2.amazonaws.com.cn');
  });
}

/** The instance profile's role and whether it can carry Session Manager. */
export function judgeRole(model: NetworkModel, role: Entity): RoleVerdict {
  const name = model.label(role);
  const trust = trustsEc2(role.values.assume_role_policy);
  if (trust === false)
    return {
      ok: false,
      problem: `the role ${name} does not trust ec2.amazonaws.com (its trust policy has no Allow of sts:AssumeRole for the EC2 service), so the instance cannot use it`,
    };

  const documents: unknown[] = [];
  const unknownPolicies: string[] = [];
  const managedArns = [
    ...model
      .pointingAt('aws_iam_role_policy_attachment', 'role', role)
      .map((attachment) => ({ attachment, arn: attachment.values.policy_arn })),
    ...list(role.values.managed_policy_arns).map((arn) => ({ attachment: undefined, arn })),
  ];
  for (const { attachment, arn } of managedArns) {
    // AWS managed policies are arn:<partition>:iam::aws:policy/[path/]<name>.
    const awsManagedName =
      typeof arn === 'string' ? /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1] : undefined;
    const known = awsManagedName ? KNOWN_MANAGED_POLICIES[awsManagedName] : undefined;
    if (known) {
      documents.push(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: known, Resource: '*' }] }));
      continue;
    }
    const customer = attachment ? model.target(attachment, 'policy_arn') : undefined;
    if (customer?.type === 'aws_iam_policy') documents.push(customer.values.policy);
    else unknownPolicies.push(typeof arn === 'string' ? arn : 'a policy whose ARN is known only after apply');
  }
  for (const inline of model.pointingAt('aws_iam_role_policy', 'role', role)) documents.push(inline.values.policy);
  for (const inline of Array.isArray(role.values.inline_policy) ? role.values.inline_policy : [])
    documents.push(inline?.policy);

  const statements = documents.flatMap((document) => statementsOf(document) ?? []);
  const missing = SESSION_MANAGER_ACTIONS.filter((action) => {
    const allowed = statements.some(
      (s) => s.Effect === 'Allow' && statementCovers(s, action) && resourceCoversInstances(s),
    );
    const denied = statements.some(
      (s) => s.Effect === 'Deny' && statementCovers(s, action) && list(s.Resource ?? '*').includes('*'),
    );
    return !allowed || denied;
  });
  if (missing.length === 0) return { ok: true };
  const unknown =
    unknownPolicies.length > 0 ? ` (the content of ${unknownPolicies.join(', ')} is not in the plan)` : '';
  return { ok: false, problem: `the role ${name} is not allowed ${missing.join(', ')}${unknown}` };
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
