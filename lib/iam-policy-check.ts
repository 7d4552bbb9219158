/**
 * Checks an IAM policy document against AWS's catalogue (iam-catalog.ts) as IAM reads it — where
 * a mistake is no error at apply, the statement just grants or restricts something else:
 *  - each action exists (a wildcard matches at least one of its service's actions);
 *  - each condition key exists (a global key, the key's own service's, or one of the statement's
 *    services'), and each operator fits its key's type (`IfExists`, `ForAllValues:` and
 *    `ForAnyValue:` forms included; the set forms only on multivalued keys);
 *  - each `Resource` fits a resource type the action takes (or is `*`; an action without
 *    resource types takes only `*`).
 * A Terraform expression (a reference, a function call) is an unknown value: never a finding.
 */
import {
  actionsOf,
  conditionKeysOf,
  globalConditionKeys,
  keyMatches,
  resourceTypesOf,
  serviceExists,
} from './iam-catalog';
import { UNKNOWN_POLICY_VALUE, wildcardRegExp } from './iam-policy';

const UNKNOWN = UNKNOWN_POLICY_VALUE;

export type PolicyFindingKind = 'action' | 'condition-key' | 'operator' | 'resource';

export interface PolicyFinding {
  readonly kind: PolicyFindingKind;
  /** `statement "Sid"`, or `statement 2` (1-based) when it has no Sid. */
  readonly statement: string;
  readonly message: string;
  /** How to fix it, in one phrase. */
  readonly fix: string;
}

type Statement = Readonly<Record<string, unknown>>;

/** Every finding of one policy document (already parsed). */
export function checkPolicyDocument(document: { Statement?: unknown }): PolicyFinding[] {
  const statements = (Array.isArray(document.Statement) ? document.Statement : [document.Statement]).filter(
    (statement): statement is Statement => typeof statement === 'object' && statement !== null,
  );
  return statements.flatMap((statement, index) => {
    const label =
      typeof statement.Sid === 'string' && statement.Sid !== ''
        ? `statement "${statement.Sid}"`
        : `statement ${index + 1}`;
    return checkStatement(statement).map((finding) => ({ ...finding, statement: label }));
  });
}

function checkStatement(statement: Statement): Omit<PolicyFinding, 'statement'>[] {
  const findings: Omit<PolicyFinding, 'statement'>[] = [];
  const actions = strings(statement.Action ?? statement.NotAction);
  const services = new Set<string>();
  const known: { action: string; service: string; name: string }[] = [];
  for (const action of actions) {
    if (isUnknown(action) || action === '*') continue;
    const separator = action.indexOf(':');
    const service = separator > 0 ? action.slice(0, separator).toLowerCase() : '';
    const name = action.slice(separator + 1);
    if (!service || !name) {
      findings.push({
        kind: 'action',
        message: `"${action}" is not service:action`,
        fix: 'write the action as service:Action, e.g. ssm:StartSession',
      });
      continue;
    }
    if (!serviceExists(service)) {
      findings.push({
        kind: 'action',
        message: `unknown service "${service}" in action ${action}`,
        fix: 'use the service prefix of the Service Authorization Reference',
      });
      continue;
    }
    services.add(service);
    const pattern = wildcardRegExp(name);
    const matches = Object.values(actionsOf(service)).filter((candidate) => pattern.test(candidate.name));
    if (matches.length === 0) {
      const near = closest(
        name,
        Object.values(actionsOf(service)).map((candidate) => candidate.name),
      );
      findings.push({
        kind: 'action',
        message:
          name.includes('*') || name.includes('?')
            ? `${action} matches no ${service} action`
            : `unknown action ${action}`,
        fix: near
          ? `did you mean ${service}:${near}?`
          : `name an action of ${service} from the Service Authorization Reference`,
      });
    } else if (!/[*?]/.test(name)) known.push({ action, service, name: matches[0].name });
  }

  for (const [operator, block] of Object.entries(
    typeof statement.Condition === 'object' && statement.Condition !== null ? statement.Condition : {},
  )) {
    const parsed = /^(ForAllValues:|ForAnyValue:)?(.+?)(IfExists)?$/.exec(operator)!;
    const [, set, base] = parsed;
    const family = OPERATOR_FAMILY[base];
    if (!family) {
      findings.push({
        kind: 'operator',
        message: `unknown condition operator ${operator}`,
        fix: 'use an operator of the IAM policy grammar (StringEquals, ArnLike, IpAddress, …)',
      });
      continue;
    }
    for (const key of Object.keys(typeof block === 'object' && block !== null ? block : {})) {
      if (isUnknown(key)) continue;
      const definition = findConditionKey(key, services);
      if (!definition) {
        findings.push({
          kind: 'condition-key',
          message: `unknown condition key ${key}`,
          fix: `use a global key (aws:…) or one of ${[...services].join(', ') || "the action's service"}'s keys`,
        });
        continue;
      }
      const fits = TYPE_FAMILIES[definition.type.replace(/^ArrayOf/, '')];
      if (base !== 'Null' && fits && !fits.includes(family))
        findings.push({
          kind: 'operator',
          message: `${operator} does not fit ${definition.key}, ${/^[AEIOU]/.test(definition.type) ? 'an' : 'a'} ${definition.type} key`,
          fix: `use ${fits.map((f) => FAMILY_EXAMPLE[f]).join(' or ')}`,
        });
      if (set && !definition.type.startsWith('ArrayOf'))
        findings.push({
          kind: 'operator',
          message: `${operator} on ${definition.key}, which holds one value (a set operator tests every value of a multivalued key)`,
          fix: `drop "${set}"`,
        });
    }
  }

  if ('Resource' in statement && !('NotAction' in statement)) {
    const resources = strings(statement.Resource);
    if (!resources.some((resource) => resource === '*' || resource === UNKNOWN)) {
      for (const { action, service, name } of known) {
        const definition = actionsOf(service)[name.toLowerCase()];
        const arns = definition.resourceTypes
          .map((type) => resourceTypesOf(service)[type.name]?.arn)
          .filter((arn): arn is string => arn !== undefined);
        if (definition.resourceTypes.length === 0) {
          findings.push({
            kind: 'resource',
            message: `${action} takes no resource type, only Resource "*"`,
            fix: `give ${action} Resource "*" (in a statement of its own)`,
          });
        } else if (arns.length > 0 && !resources.some((resource) => arns.some((arn) => arnFits(resource, arn)))) {
          findings.push({
            kind: 'resource',
            message: `no Resource fits a resource type ${action} takes (${definition.resourceTypes.map((type) => type.name).join(', ')})`,
            fix: `name a resource of that type, e.g. ${arns[0]}`,
          });
        }
      }
    }
  }
  return findings;
}

/** A condition key's definition: global, the key's own service's, or one of the statement's services'. */
function findConditionKey(key: string, services: ReadonlySet<string>): { key: string; type: string } | undefined {
  if (key.toLowerCase().startsWith('aws:'))
    return globalConditionKeys().find((candidate) => keyMatches(candidate.key, key));
  const own = key.slice(0, key.indexOf(':')).toLowerCase();
  for (const service of new Set([own, ...services])) {
    const found = Object.values(conditionKeysOf(service)).find((candidate) => keyMatches(candidate.key, key));
    if (found) return found;
  }
  return undefined;
}

type Family = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress' | 'Arn' | 'Null';
const OPERATOR_FAMILY: Readonly<Record<string, Family>> = Object.fromEntries([
  ...[
    'StringEquals',
    'StringNotEquals',
    'StringEqualsIgnoreCase',
    'StringNotEqualsIgnoreCase',
    'StringLike',
    'StringNotLike',
  ].map((o) => [o, 'String']),
  ...[
    'NumericEquals',
    'NumericNotEquals',
    'NumericLessThan',
    'NumericLessThanEquals',
    'NumericGreaterThan',
    'NumericGreaterThanEquals',
  ].map((o) => [o, 'Numeric']),
  ...[
    'DateEquals',
    'DateNotEquals',
    'DateLessThan',
    'DateLessThanEquals',
    'DateGreaterThan',
    'DateGreaterThanEquals',
  ].map((o) => [o, 'Date']),
  ['Bool', 'Bool'],
  ['BinaryEquals', 'Binary'],
  ['IpAddress', 'IpAddress'],
  ['NotIpAddress', 'IpAddress'],
  ...['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'].map((o) => [o, 'Arn']),
  ['Null', 'Null'],
]);
/**
 * Operators each key type takes (IAM User Guide, condition operators): ARN keys take ARN and
 * string operators; string keys that hold ARNs are compared with ARN operators in AWS's own
 * examples (CloudWatch Logs' key policy: ArnLike on kms:EncryptionContext:aws:logs:arn), so
 * string keys take both too.
 */
const TYPE_FAMILIES: Readonly<Record<string, readonly Family[]>> = {
  String: ['String', 'Arn'],
  ARN: ['Arn', 'String'],
  Numeric: ['Numeric'],
  Date: ['Date'],
  Bool: ['Bool'],
  IPAddress: ['IpAddress'],
  Binary: ['Binary'],
};
const FAMILY_EXAMPLE: Readonly<Record<Family, string>> = {
  String: 'a String operator (StringEquals, StringLike, …)',
  Numeric: 'a Numeric operator (NumericEquals, …)',
  Date: 'a Date operator (DateLessThan, …)',
  Bool: 'Bool',
  Binary: 'BinaryEquals',
  IpAddress: 'IpAddress or NotIpAddress',
  Arn: 'an ARN operator (ArnEquals, ArnLike, …)',
  Null: 'Null',
};

/**
 * Whether a policy's resource (wildcards, policy variables, unknown parts) can name a resource of
 * the catalogue's ARN template: service equal, and the resource part of the pattern.
 */
function arnFits(resource: string, template: string): boolean {
  if (isUnknownWhole(resource)) return true;
  const filler = resource.replace(/\$\{[^}]*\}|\*/g, 'x').replace(/\?/g, 'x');
  const ours = filler.split(':');
  const theirs = template.split(':');
  if (ours.length < 6 || ours[0] !== 'arn') return false;
  if (ours[2] !== 'x' && ours[2].toLowerCase() !== theirs[2]) return false;
  const resourcePart = theirs.slice(5).join(':');
  const pattern = new RegExp(
    `^${resourcePart
      .split(/\$\{[^}]+\}/)
      .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.+')}$`,
  );
  return pattern.test(ours.slice(5).join(':'));
}

/** The catalogue name nearest to a misspelt one (a few edits away), for the fix. */
function closest(name: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of names) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= 3 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

function strings(value: unknown): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((item) =>
    typeof item === 'string' ? item : UNKNOWN,
  );
}

function isUnknown(text: string): boolean {
  return text.includes(UNKNOWN);
}

function isUnknownWhole(text: string): boolean {
  return text === UNKNOWN;
}
