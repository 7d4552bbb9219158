/**
 * Evaluates a configuration's expressions against its plan, far enough to say which resource
 * instances an attribute stands for: locals, module inputs and outputs, `count`/`for_each`,
 * `dynamic` blocks, `try`/`can`, `element`, `coalesce`, `one`, conditionals, `for` expressions and
 * splats. A value the plan knows is that value; one known only after apply is an {@link Unknown}
 * that remembers the resource instances it comes from. What cannot be decided before apply (a
 * condition on an unknown value) keeps every candidate and says they are alternatives.
 */
import { Expr, parseTemplate, SPLAT_ITEM } from './hcl-expression';

/** A value known only after apply, and the resource instances it may come from. */
export class Unknown {
  constructor(
    readonly refs: ReadonlySet<string>,
    /** The refs are candidates of which one (or none) is meant, not all. */
    readonly alternatives = false,
  ) {}

  static of(...values: unknown[]): Unknown {
    const refs = new Set<string>();
    let alternatives = false;
    for (const value of values)
      collect(value, (ref, several) => {
        refs.add(ref);
        alternatives ||= several;
      });
    return new Unknown(refs, alternatives);
  }
}

/** A resource instance (or a module instance's outputs) as a value: its attributes on demand. */
class Instance {
  constructor(
    readonly address: string | undefined,
    private readonly attribute: (name: string) => unknown,
  ) {}

  get(name: string): unknown {
    return this.attribute(name);
  }
}

/** Raised where Terraform would fail: an index out of range, a missing attribute. `try` catches it. */
class EvalError extends Error {}

/** Every resource instance a value stands for; `several` where they are alternatives. */
export function collect(value: unknown, found: (ref: string, several: boolean) => void, depth = 0): void {
  if (depth > 8) return;
  if (value instanceof Unknown) for (const ref of value.refs) found(ref, value.alternatives);
  else if (value instanceof Instance) {
    if (value.address) found(value.address, false);
  } else if (Array.isArray(value)) for (const item of value) collect(item, found, depth + 1);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) collect(item, found, depth + 1);
}

/** A configuration's text as the HCL parser gives it: JSON whose strings are templates. */
export type Raw = unknown;

/** One module's configuration, read from its folder. */
export interface ModuleConfig {
  readonly dir: string;
  readonly locals: Readonly<Record<string, Raw>>;
  readonly variables: Readonly<Record<string, { readonly default?: Raw }>>;
  readonly outputs: Readonly<Record<string, Raw>>;
  readonly moduleCalls: Readonly<Record<string, Readonly<Record<string, Raw>>>>;
  /** `type.name` → the block's body, for managed resources. */
  readonly resources: Readonly<Record<string, Readonly<Record<string, Raw>>>>;
}

/** What the plan says of one resource instance. */
export interface PlannedInstance {
  readonly address: string;
  readonly index?: string | number;
  readonly after: Readonly<Record<string, unknown>>;
  readonly afterUnknown: Readonly<Record<string, unknown>>;
}

export interface EvaluatedInstance {
  /** attribute → resource instance addresses its value stands for. */
  readonly references: Record<string, string[]>;
  /** Attributes whose references are alternatives the plan cannot decide between. */
  readonly alternatives: ReadonlySet<string>;
  /** Attributes and blocks the configuration writes, `dynamic` blocks included. */
  readonly written: ReadonlySet<string>;
  /** Attributes whose expression the evaluator could not follow (the plan's references stand). */
  readonly failed: ReadonlySet<string>;
}

/** Meta-arguments of a resource block: not attributes of the resource. */
const META = new Set([
  'count',
  'for_each',
  'depends_on',
  'provider',
  'lifecycle',
  'provisioner',
  'connection',
  'dynamic',
]);

interface Scope {
  /** Module instance path: `module.a["x"].module.b.` */
  readonly instance: string;
  /** Configuration path: `module.a.module.b.` */
  readonly config: string;
  readonly count?: number;
  readonly each?: { readonly key: unknown; readonly value: unknown };
  readonly vars: ReadonlyMap<string, unknown>;
  /** Inside a module: the call that made it and the caller's scope, where its inputs are evaluated. */
  readonly caller?: { readonly scope: Scope; readonly call: Readonly<Record<string, Raw>> };
}

export class ConfigurationEvaluator {
  private readonly byBase = new Map<string, PlannedInstance[]>();
  private readonly memo = new Map<string, unknown>();
  private readonly moduleKeys = new Map<string, Set<string>>();

  constructor(
    private readonly modules: ReadonlyMap<string, ModuleConfig>,
    instances: readonly PlannedInstance[],
    private readonly rootVariables: Readonly<Record<string, { readonly value?: unknown }>>,
    private readonly dataValues: ReadonlyMap<string, Readonly<Record<string, unknown>>> = new Map(),
  ) {
    for (const instance of instances) {
      const base = withoutKeys(instance.address);
      this.byBase.set(base, [...(this.byBase.get(base) ?? []), instance]);
      // The module instances the plan has, by their call's path: a fallback for count/for_each
      // the configuration leaves unknown.
      const pattern = /module\.([^.[]+)((?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?)\./g;
      let prefix = '';
      for (let match = pattern.exec(instance.address); match; match = pattern.exec(instance.address)) {
        const call = `${prefix}module.${match[1]}`;
        if (!this.moduleKeys.has(call)) this.moduleKeys.set(call, new Set());
        this.moduleKeys.get(call)!.add(match[2]);
        prefix = `${call}${match[2]}.`;
      }
    }
  }

  /** The references of one resource instance's attributes, or undefined when its block is not in the configuration. */
  evaluate(address: string, index: string | number | undefined): EvaluatedInstance | undefined {
    const steps = moduleSteps(address);
    const config = steps.map((step) => `module.${step.name}.`).join('');
    const module = this.modules.get(config);
    const local = withoutKeys(address).slice(config.length);
    const body = module?.resources[local];
    if (!module || !body) return undefined;
    const moduleScope = this.moduleScope(steps);
    if (!moduleScope) return undefined;
    const scope = this.keyedScope(moduleScope, body, index, `${moduleScope.instance}${local}`);
    const references: Record<string, string[]> = {};
    const alternatives = new Set<string>();
    const written = new Set<string>();
    const failed = new Set<string>();
    const add = (attribute: string, value: unknown) => {
      if (value === FAILED) {
        failed.add(attribute);
        return;
      }
      const found = new Set(references[attribute] ?? []);
      collect(value, (ref, several) => {
        found.add(ref);
        if (several) alternatives.add(attribute);
      });
      references[attribute] = [...found];
    };
    for (const [attribute, raw] of Object.entries(body)) {
      if (META.has(attribute)) continue;
      written.add(attribute);
      add(attribute, this.lenient(raw, scope));
    }
    for (const [blockType, blocks] of Object.entries(asRecord(body.dynamic))) {
      written.add(blockType);
      for (const block of asArray(blocks)) {
        const spec = asRecord(block);
        const iterator = typeof spec.iterator === 'string' ? spec.iterator : blockType;
        const collection = this.lenient(spec.for_each, scope);
        const content = asArray(spec.content)[0];
        if (collection === FAILED || collection instanceof Unknown || !collection || typeof collection !== 'object') {
          add(blockType, collection);
          continue;
        }
        for (const [key, value] of entries(collection)) {
          const vars = new Map(scope.vars).set(iterator, { key, value });
          add(blockType, this.lenient(content, { ...scope, vars }));
        }
      }
    }
    for (const attribute of Object.keys(references))
      if (references[attribute].length === 0) delete references[attribute];
    return { references, alternatives, written, failed };
  }

  /**
   * The scope of one instance of a block made with `count` or `for_each` (a resource, a module
   * call): `count.index` is its key, `each` the element of that key. The collection is evaluated
   * once per block and module instance, not once per element.
   */
  private keyedScope(
    scope: Scope,
    block: Readonly<Record<string, Raw>>,
    key: string | number | undefined,
    memoKey: string,
  ): Scope {
    if (block.for_each !== undefined && key !== undefined) {
      const collection = this.memoized(`for_each ${memoKey}`, () => this.lenient(block.for_each, scope));
      return { ...scope, each: { key, value: elementOf(collection, key) } };
    }
    if (block.count !== undefined && typeof key === 'number') return { ...scope, count: key };
    return scope;
  }

  /** The scope inside a module instance, built from the calls on its path. */
  private moduleScope(steps: readonly { name: string; key: string }[]): Scope | undefined {
    let scope: Scope = { instance: '', config: '', vars: new Map() };
    for (const step of steps) {
      const call = this.modules.get(scope.config)?.moduleCalls[step.name];
      if (!call) return undefined;
      scope = this.callScope(scope, step.name, call, step.key);
    }
    return scope;
  }

  private callScope(parent: Scope, name: string, call: Readonly<Record<string, Raw>>, key: string): Scope {
    const callScope = this.keyedScope(parent, call, parseKey(key), `${parent.instance}module.${name}`);
    return {
      instance: `${parent.instance}module.${name}${key}.`,
      config: `${parent.config}module.${name}.`,
      vars: new Map(),
      // Inputs are evaluated in the caller's scope, on demand.
      caller: { scope: callScope, call },
    };
  }

  /** Evaluates; what the evaluator cannot follow (or Terraform would refuse) is {@link FAILED}. */
  private lenient(raw: Raw, scope: Scope): unknown {
    try {
      return this.raw(raw, scope);
    } catch (error) {
      if (error instanceof EvalError || error instanceof RangeError) return FAILED;
      throw error;
    }
  }

  /** A configuration value: JSON whose strings are templates. */
  private raw(raw: Raw, scope: Scope): unknown {
    if (typeof raw === 'string') return this.expr(parseTemplate(raw), scope);
    if (Array.isArray(raw)) return raw.map((item) => this.raw(item, scope));
    if (raw && typeof raw === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(raw)) out[key] = this.raw(value, scope);
      return out;
    }
    return raw;
  }

  private expr(node: Expr, scope: Scope, depth = 0): unknown {
    if (depth > 200) throw new EvalError('too deep');
    const ev = (child: Expr, inner: Scope = scope) => this.expr(child, inner, depth + 1);
    switch (node.k) {
      case 'lit':
        return node.v;
      case 'tpl': {
        const parts = node.parts.map((part) => (typeof part === 'string' ? part : ev(part)));
        if (node.directive || parts.some((part) => part instanceof Unknown || part instanceof Instance))
          return Unknown.of(...parts);
        return parts
          .map((part) => (part === null ? '' : typeof part === 'object' ? JSON.stringify(part) : String(part)))
          .join('');
      }
      case 'name':
        return this.name(node.name, scope);
      case 'attr': {
        // Root traversals: var.x, local.x, module.m, data.t.n, aws_x.y, count.index, each.key, path.module.
        if (node.obj.k === 'name') {
          const special = this.rootTraversal(node.obj.name, node.name, scope);
          if (special !== NOT_SPECIAL) return special;
        }
        if (node.obj.k === 'attr' && node.obj.obj.k === 'name' && node.obj.obj.name === 'data')
          return this.data(`${node.obj.name}.${node.name}`, scope);
        return getAttribute(ev(node.obj), node.name);
      }
      case 'index':
        return getIndex(ev(node.obj), ev(node.key));
      case 'splat': {
        const source = ev(node.obj);
        if (source instanceof Unknown) return source;
        const items = Array.isArray(source)
          ? source
          : source === null || source === undefined
            ? []
            : source instanceof Instance || typeof source !== 'object'
              ? [source]
              : Object.values(source);
        return items.map((item) => ev(node.each, { ...scope, vars: new Map(scope.vars).set(SPLAT_ITEM, item) }));
      }
      case 'call':
        return this.call(node.name, node.args, node.expand, ev);
      case 'tuple':
        return node.items.map((item) => ev(item));
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [keyNode, valueNode] of node.items) {
          // `(var.x) = …` and `"a" = …` alike; a bare name was read as a literal.
          const key = keyNode.k === 'name' ? keyNode.name : ev(keyNode);
          if (key instanceof Unknown) return Unknown.of(...node.items.map(([, v]) => ev(v)));
          out[String(key)] = ev(valueNode);
        }
        return out;
      }
      case 'cond': {
        const condition = ev(node.c);
        if (condition instanceof Unknown) {
          const both = Unknown.of(ev(node.t), ev(node.f));
          return new Unknown(both.refs, true);
        }
        return truthy(condition) ? ev(node.t) : ev(node.f);
      }
      case 'un': {
        const value = ev(node.v);
        if (value instanceof Unknown) return value;
        return node.op === '!' ? !truthy(value) : -Number(value);
      }
      case 'bin':
        return this.binary(node.op, node.l, node.r, ev);
      case 'for':
        return this.forExpression(node, scope, depth);
    }
  }

  private binary(op: string, left: Expr, right: Expr, ev: (e: Expr) => unknown): unknown {
    const l = ev(left);
    // Terraform's && and || do not short-circuit, but a known false/true decides the result.
    if (op === '&&' && l === false) return false;
    if (op === '||' && l === true) return true;
    const r = ev(right);
    if (op === '&&' && r === false) return false;
    if (op === '||' && r === true) return true;
    if (l instanceof Unknown || r instanceof Unknown || l instanceof Instance || r instanceof Instance)
      return Unknown.of(l, r);
    switch (op) {
      case '==':
        return equal(l, r);
      case '!=':
        return !equal(l, r);
      case '&&':
        return truthy(l) && truthy(r);
      case '||':
        return truthy(l) || truthy(r);
      case '<':
        return Number(l) < Number(r);
      case '>':
        return Number(l) > Number(r);
      case '<=':
        return Number(l) <= Number(r);
      case '>=':
        return Number(l) >= Number(r);
      case '+':
        return Number(l) + Number(r);
      case '-':
        return Number(l) - Number(r);
      case '*':
        return Number(l) * Number(r);
      case '/':
        return Number(l) / Number(r);
      case '%':
        return Number(l) % Number(r);
    }
    return Unknown.of(l, r);
  }

  private forExpression(node: Extract<Expr, { k: 'for' }>, scope: Scope, depth: number): unknown {
    const collection = this.expr(node.coll, scope, depth + 1);
    if (
      collection instanceof Unknown ||
      collection instanceof Instance ||
      collection === null ||
      typeof collection !== 'object'
    )
      return Unknown.of(collection);
    const list: unknown[] = [];
    const object: Record<string, unknown> = {};
    for (const [key, value] of entries(collection)) {
      const vars = new Map(scope.vars).set(node.valVar, value);
      if (node.keyVar) vars.set(node.keyVar, key);
      const inner = { ...scope, vars };
      if (node.cond) {
        const keep = this.expr(node.cond, inner, depth + 1);
        if (keep instanceof Unknown) return new Unknown(Unknown.of(collection).refs, true);
        if (!truthy(keep)) continue;
      }
      const item = this.expr(node.valExpr, inner, depth + 1);
      if (!node.object) {
        list.push(item);
        continue;
      }
      const itemKey = this.expr(node.keyExpr!, inner, depth + 1);
      if (itemKey instanceof Unknown) return Unknown.of(collection);
      const name = String(itemKey);
      if (node.group) object[name] = [...((object[name] as unknown[]) ?? []), item];
      else object[name] = item;
    }
    return node.object ? object : list;
  }

  private name(name: string, scope: Scope): unknown {
    if (scope.vars.has(name)) return scope.vars.get(name);
    // A whole root object (`var`, `local`, `module.m` alone is an attr): not a value the review uses.
    if (name === 'self' || name === 'terraform' || name === 'path') return new Unknown(new Set());
    throw new EvalError(`unknown name ${name}`);
  }

  private rootTraversal(root: string, name: string, scope: Scope): unknown {
    if (scope.vars.has(root)) return NOT_SPECIAL;
    switch (root) {
      case 'var':
        return this.variable(name, scope);
      case 'local':
        return this.local(name, scope);
      case 'module':
        return this.moduleValue(name, scope);
      case 'count':
        if (name === 'index' && scope.count !== undefined) return scope.count;
        return new Unknown(new Set());
      case 'each':
        if (!scope.each) return new Unknown(new Set());
        return name === 'key' ? scope.each.key : name === 'value' ? scope.each.value : new Unknown(new Set());
      case 'path':
        return this.modules.get(scope.config)?.dir ?? '.';
      case 'terraform':
        return name === 'workspace' ? 'default' : new Unknown(new Set());
      case 'data':
      case 'self':
        return NOT_SPECIAL;
    }
    // A resource of this module: one instance, a list (count) or a map (for_each).
    return this.resources(`${root}.${name}`, scope);
  }

  private memoized(key: string, compute: () => unknown): unknown {
    if (this.memo.has(key)) {
      const value = this.memo.get(key);
      if (value === IN_PROGRESS) throw new EvalError(`a cycle through ${key}`);
      return value;
    }
    this.memo.set(key, IN_PROGRESS);
    try {
      const value = compute();
      this.memo.set(key, value);
      return value;
    } catch (error) {
      this.memo.delete(key);
      throw error;
    }
  }

  private variable(name: string, scope: Scope): unknown {
    const caller = scope.caller;
    return this.memoized(`${scope.instance}var.${name}`, () => {
      if (!caller) {
        const given = this.rootVariables[name];
        if (given && 'value' in given) return given.value;
      } else if (
        name in caller.call &&
        !['source', 'version', 'count', 'for_each', 'providers', 'depends_on'].includes(name)
      )
        return this.raw(caller.call[name], caller.scope);
      const declared = this.modules.get(scope.config)?.variables[name];
      if (declared && 'default' in declared) return declared.default;
      if (declared) return null;
      throw new EvalError(`no variable ${name}`);
    });
  }

  private local(name: string, scope: Scope): unknown {
    const module = this.modules.get(scope.config);
    if (!module || !(name in module.locals)) throw new EvalError(`no local ${name}`);
    const moduleLevel: Scope = { ...scope, count: undefined, each: undefined, vars: new Map() };
    return this.memoized(`${scope.instance}local.${name}`, () => this.raw(module.locals[name], moduleLevel));
  }

  private moduleValue(name: string, scope: Scope): unknown {
    const call = this.modules.get(scope.config)?.moduleCalls[name];
    if (!call) throw new EvalError(`no module ${name}`);
    const outputsOf = (key: string) => {
      const inner = this.callScope(scope, name, call, key);
      const module = this.modules.get(inner.config);
      return new Instance(undefined, (output) => {
        if (!module || !(output in module.outputs)) throw new EvalError(`no output ${output} of module ${name}`);
        return this.memoized(`${inner.instance}output.${output}`, () => this.raw(module.outputs[output], inner));
      });
    };
    if (call.count === undefined && call.for_each === undefined) return outputsOf('');
    const keys = this.instanceKeys(call, scope, `${scope.instance}module.${name}`);
    if (call.count !== undefined) return keys.map((key) => outputsOf(key));
    return Object.fromEntries(keys.map((key) => [parseKey(key), outputsOf(key)]));
  }

  /** The keys (`[0]`, `["a"]`) of a call's instances: from count/for_each, else from the plan. */
  private instanceKeys(call: Readonly<Record<string, Raw>>, scope: Scope, path: string): string[] {
    if (call.count !== undefined) {
      const count = this.lenient(call.count, scope);
      if (typeof count === 'number') return Array.from({ length: count }, (_, i) => `[${i}]`);
    } else {
      const collection = this.lenient(call.for_each, scope);
      if (collection && typeof collection === 'object' && !(collection instanceof Unknown))
        return entries(collection).map(([key]) => `[${JSON.stringify(String(key))}]`);
    }
    return [...(this.moduleKeys.get(path) ?? [])].sort();
  }

  private resources(local: string, scope: Scope): unknown {
    const module = this.modules.get(scope.config);
    const body = module?.resources[local];
    const instances = this.byBase
      .get(`${withoutKeys(scope.instance)}${local}`)
      ?.filter((instance) => instance.address.startsWith(`${scope.instance}${local}`));
    if (!body && !instances) throw new EvalError(`no resource ${local}`);
    const value = (instance: PlannedInstance) =>
      new Instance(instance.address, (attribute) => attributeValue(instance, attribute));
    const found = instances ?? [];
    if (body?.count !== undefined || found.some((instance) => typeof instance.index === 'number')) {
      const list: unknown[] = [];
      for (const instance of found) if (typeof instance.index === 'number') list[instance.index] = value(instance);
      return Array.from(list, (item) => item ?? new Unknown(new Set()));
    }
    if (body?.for_each !== undefined || found.some((instance) => typeof instance.index === 'string'))
      return Object.fromEntries(found.map((instance) => [String(instance.index), value(instance)]));
    if (found.length === 0) return new Unknown(new Set([`${scope.instance}${local}`]));
    return value(found[0]);
  }

  private data(local: string, scope: Scope): unknown {
    const values = this.dataValues.get(`${scope.instance}data.${local}`);
    if (values) return new Instance(undefined, (attribute) => values[attribute] ?? new Unknown(new Set()));
    return new Instance(undefined, () => new Unknown(new Set()));
  }

  private call(name: string, args: readonly Expr[], expand: boolean, ev: (e: Expr) => unknown): unknown {
    const bare = name.replace(/^core::/, '');
    if (bare === 'try') {
      for (const arg of args) {
        try {
          const value = ev(arg);
          return value;
        } catch (error) {
          if (!(error instanceof EvalError || error instanceof RangeError)) throw error;
        }
      }
      throw new EvalError('no argument of try() evaluated');
    }
    if (bare === 'can') {
      try {
        const value = ev(args[0]);
        return value instanceof Unknown ? Unknown.of(value) : true;
      } catch (error) {
        if (!(error instanceof EvalError || error instanceof RangeError)) throw error;
        return false;
      }
    }
    let values = args.map((arg) => ev(arg));
    if (expand && values.length > 0) {
      const last = values[values.length - 1];
      if (last instanceof Unknown) return Unknown.of(...values);
      values = [...values.slice(0, -1), ...asArray(last)];
    }
    const fn = FUNCTIONS[bare];
    if (!fn) return Unknown.of(...values);
    return fn(values);
  }
}

const NOT_SPECIAL = Symbol('not special');
const FAILED = Symbol('failed');
const IN_PROGRESS = Symbol('in progress');

/** A planned attribute: known, or unknown and pointing back at the instance. */
function attributeValue(instance: PlannedInstance, attribute: string): unknown {
  const unknownMarker = instance.afterUnknown[attribute];
  if (unknownMarker === true || !(attribute in instance.after)) return new Unknown(new Set([instance.address]));
  return withUnknowns(instance.after[attribute], unknownMarker, instance.address);
}

function withUnknowns(value: unknown, marker: unknown, address: string): unknown {
  if (marker === true) return new Unknown(new Set([address]));
  if (!marker || typeof marker !== 'object' || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item, i) => withUnknowns(item, (marker as unknown[])[i], address));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      withUnknowns(item, (marker as Record<string, unknown>)[key], address),
    ]),
  );
}

function getAttribute(value: unknown, name: string): unknown {
  if (value instanceof Unknown) return value;
  if (value instanceof Instance) return value.get(name);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if (name in value) return (value as Record<string, unknown>)[name];
    throw new EvalError(`no attribute ${name}`);
  }
  throw new EvalError(`no attribute ${name} of ${typeof value}`);
}

function getIndex(value: unknown, key: unknown): unknown {
  if (value instanceof Unknown) return key instanceof Unknown ? Unknown.of(value, key) : value;
  if (key instanceof Unknown) {
    // Any element may be meant: every candidate, as alternatives.
    return new Unknown(Unknown.of(value).refs, true);
  }
  if (Array.isArray(value)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= value.length) throw new EvalError(`index ${String(key)} out of range`);
    return value[i];
  }
  if (value instanceof Instance) return value.get(String(key));
  if (value && typeof value === 'object') {
    if (String(key) in value) return (value as Record<string, unknown>)[String(key)];
    throw new EvalError(`no key ${String(key)}`);
  }
  throw new EvalError(`cannot index ${typeof value}`);
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true';
}

/** Equal values; two values known only after apply are the same only when they are one value. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  let opaque = false;
  const replacer = (_key: string, value: unknown) => {
    if (value instanceof Unknown || value instanceof Instance) opaque = true;
    return value;
  };
  const same = JSON.stringify(a, replacer) === JSON.stringify(b, replacer);
  return same && !opaque;
}

function asRecord(value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) return (value[0] as Record<string, unknown>) ?? {};
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined) return [];
  if (typeof value === 'object' && !(value instanceof Unknown) && !(value instanceof Instance))
    return Object.values(value);
  return [value];
}

/** Key/value pairs of a list (index → element; a set's key is the element) or a map. */
function entries(collection: object): [unknown, unknown][] {
  if (Array.isArray(collection)) return collection.map((item, i) => [typeof item === 'string' ? item : i, item]);
  return Object.entries(collection).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The element of a for_each collection with this key (a set's key is the element), or an unknown. */
function elementOf(collection: unknown, key: string | number): unknown {
  if (!collection || typeof collection !== 'object' || collection instanceof Unknown || collection instanceof Instance)
    return Unknown.of(collection);
  if (Array.isArray(collection))
    return collection.find((item) => String(item) === String(key)) ?? Unknown.of(collection);
  return Object.prototype.hasOwnProperty.call(collection, String(key))
    ? (collection as Record<string, unknown>)[String(key)]
    : Unknown.of(collection);
}

function parseKey(key: string): string | number | undefined {
  if (!key) return undefined;
  const inner = key.slice(1, -1);
  return inner.startsWith('"') ? (JSON.parse(inner) as string) : Number(inner);
}

function withoutKeys(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|\d+)\]/g, '');
}

function moduleSteps(address: string): { name: string; key: string }[] {
  const steps: { name: string; key: string }[] = [];
  const pattern = /^module\.([^.[]+)((?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?)\./;
  let rest = address;
  for (let match = pattern.exec(rest); match; match = pattern.exec(rest)) {
    steps.push({ name: match[1], key: match[2] });
    rest = rest.slice(match[0].length);
  }
  return steps;
}

const anyUnknown = (values: readonly unknown[]) => values.some((value) => value instanceof Unknown);
const known =
  (fn: (values: unknown[]) => unknown) =>
  (values: unknown[]): unknown =>
    anyUnknown(values) ? Unknown.of(...values) : fn(values);
const flat = (value: unknown): unknown[] =>
  Array.isArray(value)
    ? value.flatMap(flat)
    : value && typeof value === 'object' && !(value instanceof Instance) && !(value instanceof Unknown)
      ? [value]
      : [value];

/**
 * Terraform's functions that choose among values (what decides which resource an id is) and the
 * collection functions around them. Any other function gives an unknown carrying its arguments' refs.
 */
const FUNCTIONS: Readonly<Record<string, (values: unknown[]) => unknown>> = {
  element: ([list, index]) => {
    if (list instanceof Unknown) return list;
    const items = asArray(list);
    if (index instanceof Unknown) return new Unknown(Unknown.of(items).refs, true);
    if (items.length === 0) throw new EvalError('element() of an empty list');
    return items[((Number(index) % items.length) + items.length) % items.length];
  },
  coalesce: (values) => {
    for (const value of values) {
      if (value instanceof Unknown) return new Unknown(Unknown.of(...values.slice(values.indexOf(value))).refs, true);
      if (value !== null && value !== '') return value;
    }
    throw new EvalError('coalesce() with no non-empty argument');
  },
  coalescelist: (values) => {
    for (const value of values) {
      if (value instanceof Unknown) return value;
      if (Array.isArray(value) && value.length > 0) return value;
    }
    throw new EvalError('coalescelist() with no non-empty list');
  },
  one: ([list]) => {
    if (list instanceof Unknown) return list;
    const items = asArray(list);
    if (items.length > 1) throw new EvalError('one() of more than one element');
    return items.length === 0 ? null : items[0];
  },
  concat: (lists) => (lists.some((list) => list instanceof Unknown) ? Unknown.of(...lists) : lists.flatMap(asArray)),
  compact: ([list]) => (list instanceof Unknown ? list : asArray(list).filter((item) => item !== null && item !== '')),
  flatten: ([list]) => (list instanceof Unknown ? list : flat(list)),
  distinct: ([list]) =>
    list instanceof Unknown
      ? list
      : asArray(list).filter((item, i, all) => all.findIndex((other) => equal(other, item)) === i),
  tolist: ([list]) => (list instanceof Unknown ? list : asArray(list)),
  toset: ([list]) =>
    list instanceof Unknown ? list : asArray(list).filter((item, i, all) => all.findIndex((o) => equal(o, item)) === i),
  tomap: ([map]) => map,
  tostring: ([value]) => (value === null ? null : value instanceof Unknown ? value : String(value)),
  tonumber: ([value]) => (value instanceof Unknown ? value : value === null ? null : Number(value)),
  tobool: ([value]) => (value instanceof Unknown ? value : value === null ? null : truthy(value)),
  values: ([map]) => (map instanceof Unknown ? map : asArray(map)),
  keys: ([map]) =>
    map instanceof Unknown ? map : map && typeof map === 'object' ? Object.keys(map).sort() : Unknown.of(map),
  length: ([value]) =>
    value instanceof Unknown
      ? value
      : typeof value === 'string'
        ? [...value].length
        : value && typeof value === 'object'
          ? Array.isArray(value)
            ? value.length
            : Object.keys(value).length
          : 0,
  lookup: ([map, key, fallback]) => {
    if (map instanceof Unknown || key instanceof Unknown) return Unknown.of(map, key);
    if (map instanceof Instance) return map.get(String(key));
    if (map && typeof map === 'object' && String(key) in map) return (map as Record<string, unknown>)[String(key)];
    if (fallback !== undefined) return fallback;
    throw new EvalError(`lookup(): no key ${String(key)}`);
  },
  merge: (maps) => {
    if (maps.some((map) => map instanceof Unknown)) return Unknown.of(...maps);
    return Object.assign({}, ...maps.filter((map) => map && typeof map === 'object'));
  },
  contains: known(([list, value]) => asArray(list).some((item) => equal(item, value))),
  index: known(([list, value]) => asArray(list).findIndex((item) => equal(item, value))),
  slice: known(([list, start, end]) => asArray(list).slice(Number(start), Number(end))),
  reverse: known(([list]) => asArray(list).slice().reverse()),
  sort: known(([list]) => asArray(list).map(String).sort()),
  range: known((args) => {
    const [start, end, step] =
      args.length === 1 ? [0, Number(args[0]), 1] : [Number(args[0]), Number(args[1]), Number(args[2] ?? 1)];
    const out: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
    return out;
  }),
  zipmap: known(([keys, values]) =>
    Object.fromEntries(asArray(keys).map((key, i) => [String(key), asArray(values)[i]])),
  ),
  join: known(([separator, list]) => asArray(list).join(String(separator))),
  split: known(([separator, text]) => String(text).split(String(separator))),
  lower: known(([text]) => String(text).toLowerCase()),
  upper: known(([text]) => String(text).toUpperCase()),
  trimspace: known(([text]) => String(text).trim()),
  format: known(([spec, ...args]) => {
    let i = 0;
    return String(spec).replace(/%%|%[-+ 0#]*\d*(?:\.\d+)?[sdvqtf]/g, (token) =>
      token === '%%' ? '%' : String(args[i++]),
    );
  }),
  startswith: known(([text, prefix]) => String(text).startsWith(String(prefix))),
  endswith: known(([text, suffix]) => String(text).endsWith(String(suffix))),
  min: known((numbers) => Math.min(...numbers.map(Number))),
  max: known((numbers) => Math.max(...numbers.map(Number))),
  abs: known(([n]) => Math.abs(Number(n))),
  ceil: known(([n]) => Math.ceil(Number(n))),
  floor: known(([n]) => Math.floor(Number(n))),
  jsonencode: known(([value]) => JSON.stringify(value)),
  setunion: known((sets) => [...new Set(sets.flatMap(asArray))]),
};
