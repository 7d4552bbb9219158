/**
 * IAM policies as IAM reads them, once for every part of the project: a document parsed (JSON
 * text with Terraform interpolations, Terraform's `jsonencode(…)`, or an object), its statements,
 * IAM's wildcard and ARN matching, its condition operators, and the decision for one request under
 * one identity policy. The guardrails (guardrails.ts), the catalogue check (iam-policy-check.ts),
 * the review's agent-role judge (tools/review/rules/agent-role.ts) and the operator-policy check
 * (tools/review/rules/operator-access.ts) all read policies through it.
 */
import { ipv4Range } from './cidr';
import { endOfString, readHclValue } from './terraform-expressions';

/** Stands for a value only Terraform knows (an interpolation or an expression). */
export const UNKNOWN_POLICY_VALUE = '${?}';

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: Readonly<Record<string, unknown>>;
}

/** A policy element's values as a list: one string, a list, or none. */
export function valuesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : value === undefined || value === null ? [] : [String(value)];
}

/** The statements of a policy document (JSON text or an object), or undefined when it is none. */
export function policyStatements(document: unknown): PolicyStatement[] | undefined {
  let parsed: { Statement?: unknown } | undefined;
  if (typeof document === 'string') {
    try {
      parsed = JSON.parse(document);
    } catch {
      return undefined;
    }
  } else if (document && typeof document === 'object') parsed = document as { Statement?: unknown };
  else return undefined;
  if (!parsed || typeof parsed !== 'object') return undefined;
  const statement = parsed.Statement;
  return (Array.isArray(statement) ? statement : statement ? [statement] : []) as PolicyStatement[];
}

/** IAM's wildcard match of an action (`*` any run, `?` one character), case-insensitive as IAM actions are. */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatches(pattern, action, true);
}

/** Whether a statement's Action (or NotAction) takes in the action. */
export function statementCovers(statement: PolicyStatement, action: string): boolean {
  if (statement.NotAction !== undefined)
    return !valuesOf(statement.NotAction).some((pattern) => actionMatches(pattern, action));
  return valuesOf(statement.Action).some((pattern) => actionMatches(pattern, action));
}

/** IAM's wildcards as a regular expression over a whole name (case-insensitive). */
export function wildcardRegExp(pattern: string): RegExp {
  return new RegExp(`^${wildcardSource(pattern)}$`, 'is');
}

/** IAM's wildcard match over `text`, where an escaped `${*}`/`${?}` stands for the character itself. */
export function wildcardMatches(pattern: string, text: string, ignoreCase = false): boolean {
  // A review asks the same few patterns of every instance's role: each is compiled once.
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let compiled = COMPILED_WILDCARDS.get(key);
  if (!compiled) {
    compiled = new RegExp(`^${wildcardSource(pattern)}$`, ignoreCase ? 'is' : 's');
    if (COMPILED_WILDCARDS.size > 10_000) COMPILED_WILDCARDS.clear();
    COMPILED_WILDCARDS.set(key, compiled);
  }
  return compiled.test(text);
}

const COMPILED_WILDCARDS = new Map<string, RegExp>();

/** A wildcard pattern as a regular expression's source: `*` any run, `?` one character, the rest literal. */
function wildcardSource(pattern: string): string {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\u0000') source += pattern[++i].replace(/[*?$]/, '\\$&');
    else if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return source;
}

/** An ARN pattern against an ARN: the first five parts each on its own, the resource part whole. */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const want = pattern.split(':');
  const have = arn.split(':');
  if (want.length < 6 || have.length < 6) return wildcardMatches(pattern, arn);
  for (let i = 0; i < 5; i++) if (!wildcardMatches(want[i], have[i])) return false;
  return wildcardMatches(want.slice(5).join(':'), have.slice(5).join(':'));
}

/** Whether an address (or a block's first address) lies in an IPv4 block, as IpAddress compares them. */
function inIpv4Range(cidr: string, address: string): boolean {
  const range = ipv4Range(cidr.includes('/') ? cidr : `${cidr}/32`);
  const value = ipv4Range(`${address.split('/')[0]}/32`);
  return range !== undefined && value !== undefined && value[0] >= range[0] && value[0] <= range[1];
}

/** One request as IAM authorizes it: the action, the resource's ARN and the request's context. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  /** Context keys (IAM compares their names case-insensitively); a key the request lacks is left out. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

/** What IAM decides for one request under one identity policy. */
export interface IamDecision {
  readonly allowed: boolean;
  /** The statement that allows it (its Sid, or its position). */
  readonly allowedBy?: string;
  /** Why not: the Deny that refuses it, or what each statement naming the action lacked. */
  readonly reason?: string;
}

/** A context key's values, looked up case-insensitively as IAM does; undefined when absent. */
function contextValues(context: IamRequest['context'], key: string): string[] | undefined {
  const found = Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase());
  return found ? valuesOf(found[1]) : undefined;
}

/**
 * Policy variables (`${aws:userid}`) filled in from the request's context, and IAM's escapes
 * (`${*}`, `${?}`, `${$}`) back to their characters; undefined when a variable has no value (the
 * statement then matches nothing).
 */
function substituteVariables(text: string, context: IamRequest['context']): string | undefined {
  let missing = false;
  const filled = text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    if (name === '*' || name === '?' || name === '$') return `\u0000${name}`;
    const [key, fallback] = name.split(/\s*,\s*/);
    const values = contextValues(context, key);
    if (values && values.length === 1) return values[0];
    if (fallback !== undefined) return fallback.replace(/^'|'$/g, '');
    missing = true;
    return '';
  });
  return missing ? undefined : filled;
}

/** Each base operator: does one request value match one policy value? (The Not… forms negate it.) */
const OPERATORS: Readonly<Record<string, (policy: string, request: string) => boolean>> = {
  StringEquals: (p, r) => p === r,
  StringEqualsIgnoreCase: (p, r) => p.toLowerCase() === r.toLowerCase(),
  StringLike: (p, r) => wildcardMatches(p, r),
  NumericEquals: (p, r) => Number(p) === Number(r),
  NumericLessThan: (p, r) => Number(r) < Number(p),
  NumericLessThanEquals: (p, r) => Number(r) <= Number(p),
  NumericGreaterThan: (p, r) => Number(r) > Number(p),
  NumericGreaterThanEquals: (p, r) => Number(r) >= Number(p),
  Bool: (p, r) => p.toLowerCase() === r.toLowerCase(),
  IpAddress: (p, r) => inIpv4Range(p, r),
  ArnEquals: (p, r) => arnMatches(p, r),
  ArnLike: (p, r) => arnMatches(p, r),
};

const NEGATED: Readonly<Record<string, string>> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  NumericNotEquals: 'NumericEquals',
  NotIpAddress: 'IpAddress',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

/**
 * One condition operator block against the request: undefined when it holds, else why not. Within
 * a key, any policy value may match; every key of every operator must hold (IAM's condition logic).
 */
function conditionFails(operator: string, keys: unknown, context: IamRequest['context']): string | undefined {
  const qualifier = /^(ForAnyValue|ForAllValues):/.exec(operator)?.[1];
  let base = operator.replace(/^(ForAnyValue|ForAllValues):/, '');
  const ifExists = base.endsWith('IfExists');
  if (ifExists) base = base.slice(0, -'IfExists'.length);
  for (const [key, wanted] of Object.entries((keys ?? {}) as Record<string, unknown>)) {
    const values = contextValues(context, key);
    if (base === 'Null') {
      const absent = values === undefined;
      if (valuesOf(wanted).some((w) => (w.toLowerCase() === 'true') !== absent)) return `${operator} ${key}`;
      continue;
    }
    const negatedOf = NEGATED[base];
    const match = OPERATORS[negatedOf ?? base];
    if (!match) return `the condition operator ${operator} (not one the review evaluates)`;
    if (values === undefined) {
      // An absent key: IfExists and the negated operators hold, the others do not.
      if (ifExists || negatedOf || qualifier === 'ForAllValues') continue;
      return `${operator} ${key} (the request has no ${key})`;
    }
    const policyValues: string[] = [];
    for (const raw of valuesOf(wanted)) {
      const filled = substituteVariables(raw, context);
      if (filled !== undefined) policyValues.push(filled);
    }
    const one = (value: string) => policyValues.some((p) => match(p, value));
    const holds =
      qualifier === 'ForAllValues'
        ? negatedOf
          ? values.every((value) => !one(value))
          : values.every(one)
        : negatedOf
          ? !values.some(one)
          : values.some(one);
    if (!holds)
      return `${operator} ${key} ${JSON.stringify(valuesOf(wanted))} (the request has ${JSON.stringify(values)})`;
  }
  return undefined;
}

function resourceFits(statement: PolicyStatement, request: IamRequest): boolean {
  const fits = (patterns: string[]) =>
    patterns.some((pattern) => {
      const filled = substituteVariables(pattern, request.context);
      return filled !== undefined && arnMatches(filled, request.resource);
    });
  if (statement.NotResource !== undefined) return !fits(valuesOf(statement.NotResource));
  return fits(valuesOf(statement.Resource ?? '*'));
}

/**
 * IAM's decision for one request under one identity policy document (JSON text or an object): an
 * explicit Deny that applies wins; otherwise an Allow whose action, resource and conditions all
 * apply allows; otherwise the request is implicitly denied, and the reason says what each
 * statement that names the action lacked.
 */
export function evaluateRequest(document: unknown, request: IamRequest): IamDecision {
  const statements = typeof document === 'string' ? policyStatements(document) : policyStatements(document);
  if (!statements) return { allowed: false, reason: 'the policy is not a JSON policy document' };
  const label = (statement: PolicyStatement, index: number) => (statement.Sid ? `"${statement.Sid}"` : `#${index + 1}`);
  const applying = (statement: PolicyStatement) => {
    const failed = Object.entries(statement.Condition ?? {})
      .map(([operator, keys]) => conditionFails(operator, keys, request.context))
      .filter((why): why is string => why !== undefined);
    return failed;
  };
  for (const [index, statement] of statements.entries()) {
    if (statement.Effect !== 'Deny' || !statementCovers(statement, request.action) || !resourceFits(statement, request))
      continue;
    if (applying(statement).length === 0)
      return { allowed: false, reason: `statement ${label(statement, index)} denies it` };
  }
  const lacks: string[] = [];
  for (const [index, statement] of statements.entries()) {
    if (statement.Effect !== 'Allow' || !statementCovers(statement, request.action)) continue;
    if (!resourceFits(statement, request)) {
      lacks.push(`statement ${label(statement, index)} names ${request.action} but not this resource`);
      continue;
    }
    const failed = applying(statement);
    if (failed.length === 0) return { allowed: true, allowedBy: label(statement, index) };
    lacks.push(`statement ${label(statement, index)}'s condition does not hold: ${failed.join('; ')}`);
  }
  return {
    allowed: false,
    reason: lacks.length > 0 ? lacks.join('; ') : `no statement allows ${request.action}`,
  };
}

/**
 * A policy document as the app writes it — JSON text (Terraform interpolations inside),
 * Terraform's `${jsonencode({…})}`, or an object — as an object with `Statement`, or undefined
 * when the value is no policy document.
 */
export function parsePolicyDocument(value: unknown): { Statement?: unknown } | undefined {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim();
    const encoded = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(text);
    try {
      parsed = encoded
        ? readHclValue(encoded[1], UNKNOWN_POLICY_VALUE)
        : unescape(JSON.parse(maskInterpolations(text)));
    } catch {
      return undefined;
    }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !('Statement' in parsed)) return undefined;
  return parsed as { Statement?: unknown };
}

/**
 * Every Terraform interpolation `${…}` in JSON text replaced by {@link UNKNOWN_POLICY_VALUE} (its quotes would
 * break the JSON); `$${` — Terraform's escape for a literal `${`, such as IAM's `${aws:userid}` — stays.
 */
function maskInterpolations(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('$${', i)) {
      out += '$${';
      i += 2;
    } else if (text.startsWith('${', i)) {
      i = endOfInterpolation(text, i + 2);
      out += UNKNOWN_POLICY_VALUE;
    } else out += text[i];
  }
  return out;
}

/** The index of the `}` that closes an interpolation opened before `from`, skipping strings and nested braces. */
function endOfInterpolation(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (char === '"') i = endOfString(text, i);
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  throw new Error('unclosed interpolation');
}

/** `$${` back to the literal `${` it stands for, in every string of a parsed document. */
function unescape(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\$\{/g, '${');
  if (Array.isArray(value)) return value.map(unescape);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [unescape(key) as string, unescape(item)]));
  return value;
}

/** Every action of a policy document (JSON, or Terraform's jsonencode HCL); `NotAction x` for NotAction. */
export function policyActions(document: unknown): string[] {
  if (typeof document !== 'string') return [];
  const actions: string[] = [];
  try {
    const parsed = JSON.parse(document);
    for (const statement of statementObjects(parsed.Statement)) {
      for (const key of ['Action', 'NotAction'])
        for (const action of valuesOf(statement[key]))
          actions.push(key === 'NotAction' ? `NotAction ${action}` : String(action));
    }
  } catch {
    // Hand-written HCL (`Action = …`) or cdktf's rendering of Fn.jsonencode (`"Action" = …`).
    for (const match of document.matchAll(/\b(Not)?Action"?\s*=\s*(\[[^\]]*\]|"[^"]*")/g)) {
      for (const quoted of match[2].matchAll(/"([^"]*)"/g))
        actions.push(match[1] ? `NotAction ${quoted[1]}` : quoted[1]);
    }
  }
  return actions;
}

/**
 * What a policy grants through wildcards: actions with a `*` and every NotAction, in statements
 * that allow. A Deny with a wildcard or a NotAction restricts, and grants nothing.
 */
export function wildcardActions(document: unknown): string[] {
  const parsed = parsePolicyDocument(document);
  if (!parsed)
    return policyActions(document).filter((action) => action.includes('*') || action.startsWith('NotAction'));
  return statementObjects(parsed.Statement)
    .filter((statement) => statement.Effect !== 'Deny')
    .flatMap((statement) => [
      ...stringsIn(statement.Action).filter((action) => action.includes('*')),
      ...stringsIn(statement.NotAction).map((action) => `NotAction ${action}`),
    ]);
}

/** The statements of a parsed document's `Statement` that are objects. */
function statementObjects(value: unknown): Readonly<Record<string, unknown>>[] {
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return items.filter((item): item is Readonly<Record<string, unknown>> => typeof item === 'object' && item !== null);
}

/** The strings of a policy element (one string or a list); anything else left out. */
function stringsIn(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return items.filter((item): item is string => typeof item === 'string');
}
