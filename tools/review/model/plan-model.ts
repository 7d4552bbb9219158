import { ConfigurationEvaluator, ModuleConfig, PlannedInstance } from './hcl-evaluate';
import { ConfigExpression, ConfigModule, ConfigResource, PlanJson, PlannedValues } from '../../terraform-json';

/**
 * A network model built from `terraform show -json` plans of several stacks. Offline, many ids
 * are "known after apply"; links between resources are then taken from the plan's configuration
 * references, and cross-stack links from the placeholder ids of `lab-network`'s outputs.
 */

/** The resource name the VPC reader gives what it reads from an account (`aws_subnet.existing["subnet-…"]`). */
export const READ_FROM_ACCOUNT = 'existing';

/** The configuration's expressions evaluated against the plan's values (hcl-evaluate.ts). */
function evaluatorOf(modules: ReadonlyMap<string, ModuleConfig>, plan: PlanJson): ConfigurationEvaluator {
  const instances: PlannedInstance[] = [];
  const data = new Map<string, Record<string, unknown>>();
  for (const change of plan.resource_changes ?? []) {
    if (!change.change.after) continue;
    if (change.mode === 'data') {
      data.set(change.address, change.change.after as Record<string, unknown>);
      continue;
    }
    instances.push({
      address: change.address,
      index: change.index,
      after: change.change.after,
      afterUnknown: change.change.after_unknown ?? {},
    });
  }
  return new ConfigurationEvaluator(modules, instances, plan.variables ?? {}, data);
}

/** One planned resource instance. */
export interface Entity {
  /** `<stack>/<address>`, e.g. `lab-ssm-nat/aws_route.private-1-default-route`. */
  readonly id: string;
  readonly stack: string;
  readonly address: string;
  /** Address without the instance key. */
  readonly baseAddress: string;
  readonly type: string;
  readonly index?: string | number;
  /** Planned values; unknown ones are `undefined`. */
  readonly values: PlannedValues;
  /**
   * Attribute → addresses its configuration refers to, followed through module inputs and outputs
   * to the resources themselves: `module.vpc.aws_subnet.private` (every instance), or with a key
   * (`aws_subnet.public["a"]`) where the configuration names one.
   */
  readonly references: Record<string, string[]>;
  /**
   * Attributes whose references are candidates the configuration chooses among by a value known
   * only after apply (a condition, an index); without the configuration's files, every attribute
   * known only after apply is taken from the plan's references alone.
   */
  readonly alternatives?: ReadonlySet<string>;
  /** Whether the references come from evaluating the configuration's files (configuration.ts). */
  readonly evaluated?: boolean;
  /**
   * Without those files: attributes whose expression goes through a local value (the plan keeps
   * none), and the module instances (`module.sg["a"].`) whose local it is.
   */
  readonly throughLocals?: ReadonlyMap<string, readonly string[]>;
  readonly actions: string[];
}

/**
 * Attributes the AWS provider fills on every refresh with what is in force, whoever manages it:
 * a route table's `route` lists the routes `aws_route` resources add, a security group's
 * `ingress`/`egress` the rules of `aws_vpc_security_group_*_rule` and `aws_security_group_rule`, a
 * network ACL's the entries of `aws_network_acl_rule`, a role's `inline_policy` and
 * `managed_policy_arns` its `aws_iam_role_policy` and attachments. Such an attribute is the
 * resource's own where its configuration writes it (inline, or in a `dynamic` block the
 * configuration's files show) or where the plan creates the resource (nothing but its own blocks
 * can be in it then); otherwise it mirrors the separately managed resources, whose own planned
 * state says what is in force after the change.
 */
export const MIRRORED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_route_table: ['route'],
  aws_default_route_table: ['route'],
  aws_security_group: ['ingress', 'egress'],
  aws_default_security_group: ['ingress', 'egress'],
  aws_network_acl: ['ingress', 'egress'],
  aws_default_network_acl: ['ingress', 'egress'],
  aws_iam_role: ['inline_policy', 'managed_policy_arns'],
};

export class NetworkModel {
  private readonly byId = new Map<string, Entity>();
  private readonly byBase = new Map<string, Entity[]>();
  private readonly byValueIndex = new Map<string, Entity[]>();
  private readonly byType = new Map<string, Entity[]>();
  private readonly pointing = new Map<string, Map<string, Entity[]>>();

  /**
   * @param plans plan JSON per stack
   * @param placeholders placeholder value → entity id it stands for (`lab-network/aws_subnet.x`)
   * @param configurations per stack, the configuration's files the plan was made from
   *   (configuration.ts): its expressions are evaluated where the plan keeps only references
   */
  constructor(
    readonly plans: Readonly<Record<string, PlanJson>>,
    private readonly placeholders: ReadonlyMap<string, string> = new Map(),
    configurations: Readonly<Record<string, ReadonlyMap<string, ModuleConfig>>> = {},
  ) {
    for (const [stack, plan] of Object.entries(plans)) {
      const configuration = new ConfigurationIndex(plan.configuration?.root_module);
      const configured = plan.configuration?.root_module !== undefined;
      const evaluator = configurations[stack] ? evaluatorOf(configurations[stack], plan) : undefined;
      for (const change of plan.resource_changes ?? []) {
        // A deleted resource is gone after the plan; a replaced one (delete and create) is there, anew.
        if (change.mode !== 'managed' || !change.change.after) continue;
        const baseAddress = withoutKeys(change.address);
        const values = knownValues(change.change.after ?? {}, change.change.after_unknown ?? {});
        const resource = configuration.resource(baseAddress);
        // Without a configuration section nothing says who writes what: the values stand as planned.
        // A resource the plan creates holds in such a list only what its own (dynamic) blocks write.
        const evaluated = evaluator?.evaluate(change.address, change.index);
        if (configured && change.change.before)
          for (const attribute of MIRRORED_ATTRIBUTES[change.type] ?? [])
            if (!(attribute in (resource?.expressions ?? {})) && !evaluated?.written.has(attribute))
              delete (values as Record<string, unknown>)[attribute];
        const planReferences = configuration.referencesOf(change.address, change.index);
        const locals = throughLocals(planReferences);
        const references = evaluated ? { ...planReferences, ...evaluated.references } : planReferences;
        // An attribute the configuration evaluates to values alone names no resource.
        if (evaluated)
          for (const attribute of evaluated.written)
            if (!(attribute in evaluated.references) && !evaluated.failed.has(attribute)) delete references[attribute];
        const entity: Entity = {
          id: `${stack}/${change.address}`,
          stack,
          address: change.address,
          baseAddress,
          type: change.type,
          index: change.index,
          values,
          references,
          alternatives: evaluated?.alternatives,
          evaluated: evaluated !== undefined,
          // Where the files were evaluated, only an attribute the evaluator could not follow falls back.
          throughLocals: evaluated ? onlyAttributes(locals, evaluated.failed) : locals,
          actions: change.change.actions,
        };
        this.byId.set(entity.id, entity);
        const key = `${stack}/${baseAddress}`;
        this.byBase.set(key, [...(this.byBase.get(key) ?? []), entity]);
        for (const literal of identifyingValues(entity))
          this.byValueIndex.set(literal, [...(this.byValueIndex.get(literal) ?? []), entity]);
      }
    }
    // Every link through a local is taken now, whichever verdict asks first: each names its guess.
    this.built = true;
    for (const entity of this.byId.values())
      for (const attribute of entity.throughLocals?.keys() ?? []) this.targets(entity, attribute);
  }

  all(type?: string): Entity[] {
    if (type === undefined) return [...this.byId.values()];
    let ofType = this.byType.get(type);
    if (!ofType) {
      ofType = [...this.byId.values()].filter((entity) => entity.type === type);
      this.byType.set(type, ofType);
    }
    return [...ofType];
  }

  get(id: string): Entity | undefined {
    return this.byId.get(id);
  }

  /**
   * The entities an attribute points to: by known value (a placeholder or another entity's id),
   * else by the configuration's references.
   */
  targets(entity: Entity, attribute: string): Entity[] {
    // The model does not change once built: each link is followed once (a review asks the same
    // subnet's VPC, the same group's rules, for every instance).
    const key = `${entity.id}\u0000${attribute}`;
    let found = this.followed.get(key);
    if (!found) {
      found = this.follow(entity, attribute);
      if (this.built) this.followed.set(key, found);
    }
    return [...found];
  }

  private readonly followed = new Map<string, Entity[]>();
  private built = false;

  private follow(entity: Entity, attribute: string): Entity[] {
    const value = entity.values[attribute];
    // Known to be none (a conditional that chose null): nothing, whatever the expression mentions.
    // A known empty list still follows the references: a state refreshed from an API that leaves a
    // list out (moto's instances list no security groups) is no configuration that named none.
    if (attribute in entity.values && (value === null || value === '')) return [];
    const found: Entity[] = [];
    const literals = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
    const named = NAMED_BY[attribute];
    for (const literal of literals)
      if (typeof literal === 'string')
        found.push(...this.byValue(literal).filter((match) => named === undefined || match.type === named));
    if (found.length > 0) return unique(found);
    // Unknown, or a known value (a name) that is no id: follow the configuration's references.
    for (const address of entity.references[attribute] ?? []) {
      const keyed = this.byId.get(`${entity.stack}/${address}`);
      if (keyed) found.push(keyed);
      else
        found.push(
          ...(this.byBase.get(`${entity.stack}/${withoutKeys(address)}`) ?? []).filter((candidate) =>
            addressMatches(address, candidate.address),
          ),
        );
    }
    // What the configuration's references lead to, of the type the attribute takes.
    const wanted = REFERENCED_TYPES.find(([pattern]) => pattern.test(attribute))?.[1];
    const typed = unique(wanted ? found.filter((candidate) => wanted.includes(candidate.type)) : found);
    if (typed.length > 0 || !wanted || !entity.throughLocals?.has(attribute) || value !== undefined) return typed;
    return this.sameModuleCandidates(entity, attribute, wanted);
  }

  /** `<entity id> <attribute>` → what a link through a local was taken to be. */
  private readonly guessed = new Map<string, { entity: Entity; attribute: string; candidates: Entity[] }>();

  /**
   * A link the plan cannot show because its expression goes through a local (the plan JSON keeps
   * none) and the configuration's files were not read: the resources of the type it takes in the
   * module instance whose local it is, which that local usually names. Remembered, so the verdict
   * says so.
   */
  private sameModuleCandidates(entity: Entity, attribute: string, wanted: readonly string[]): Entity[] {
    const key = `${entity.id} ${attribute}`;
    const known = this.guessed.get(key);
    if (known) return known.candidates;
    const scopes = entity.throughLocals?.get(attribute) ?? [];
    const candidates = wanted
      .flatMap((type) => this.all(type))
      .filter(
        (candidate) =>
          candidate.stack === entity.stack &&
          scopes.some(
            (scope) =>
              candidate.address.startsWith(scope) && !candidate.address.slice(scope.length).startsWith('module.'),
          ),
      );
    this.guessed.set(key, { entity, attribute, candidates });
    return candidates;
  }

  /**
   * What the links of these entities taken through a local (without the configuration's files)
   * assumed: one line per attribute and what it was taken to be.
   */
  guessesAbout(entities: readonly Entity[]): string[] {
    const byTarget = new Map<string, string[]>();
    for (const entity of new Set(entities))
      for (const attribute of entity.throughLocals?.keys() ?? []) {
        const candidates = this.guessed.get(`${entity.id} ${attribute}`)?.candidates ?? [];
        if (candidates.length === 0) continue;
        const target = `${attribute} ${candidates.map((candidate) => candidate.address).join(', ')}`;
        byTarget.set(target, [...(byTarget.get(target) ?? []), entity.address]);
      }
    return [...byTarget].map(([target, sources]) => {
      const [attribute, ...rest] = target.split(' ');
      const taken = rest.join(' ');
      const several = taken.includes(', ');
      return `the ${attribute} of ${sources.join(', ')} ${sources.length > 1 ? 'go' : 'goes'} through a local the plan does not keep: taken to be ${several ? `one of ${taken}` : taken}, the ${several ? 'resources' : 'only one'} of its type in the local's module (give the configuration's folder with --config to follow the local)`;
    });
  }

  /** The entities a known value stands for: a placeholder, an id, or the name others refer to it by. */
  byValue(literal: string): Entity[] {
    const placeholder = this.placeholders.get(literal);
    if (placeholder && this.byId.has(placeholder)) return [this.byId.get(placeholder)!];
    return this.byValueIndex.get(literal) ?? [];
  }

  /** First target, or undefined. */
  target(entity: Entity, attribute: string): Entity | undefined {
    return this.targets(entity, attribute)[0];
  }

  /** Entities of `type` whose `attribute` points at `to`. */
  pointingAt(type: string, attribute: string, to: Entity): Entity[] {
    // Indexed once per type and attribute: a review asks this for every instance, subnet and group.
    const key = `${type} ${attribute}`;
    let index = this.pointing.get(key);
    if (!index) {
      index = new Map();
      for (const entity of this.all(type))
        for (const target of this.targets(entity, attribute))
          index.set(target.id, [...(index.get(target.id) ?? []), entity]);
      this.pointing.set(key, index);
    }
    return [...(index.get(to.id) ?? [])];
  }

  /** A readable name: the Name tag, else the address. */
  label(entity: Entity | undefined): string {
    if (!entity) return '(unknown)';
    if (entity.values.tags?.Name) return entity.values.tags.Name;
    // What the account calls a resource read from it (a subnet-…, a vpc-…), not the reader's address.
    if (entity.baseAddress === `${entity.type}.${READ_FROM_ACCOUNT}` && typeof entity.index === 'string')
      return entity.index;
    return entity.address;
  }
}

/** Drops unknown attributes (true in after_unknown) so they read as undefined. */
function knownValues(after: PlannedValues, unknown: Readonly<Record<string, unknown>>): PlannedValues {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    if (unknown[key] === true) continue;
    values[key] = value;
  }
  return values;
}

/**
 * The types an attribute's reference can lead to, where a configuration's references say less than
 * the value would (`module.vpc[each.key]` names every output of the module).
 */
const REFERENCED_TYPES: readonly (readonly [RegExp, readonly string[]])[] = [
  [/^subnet_ids?$/, ['aws_subnet', 'aws_default_subnet']],
  [/^vpc_id$/, ['aws_vpc', 'aws_default_vpc']],
  [
    /^(vpc_)?security_group_ids?$|^security_groups$|^referenced_security_group_id$|^source_security_group_id$/,
    ['aws_security_group', 'aws_default_security_group'],
  ],
  [/^route_table_id$/, ['aws_route_table', 'aws_default_route_table']],
  [/^iam_instance_profile$/, ['aws_iam_instance_profile']],
  [/^nat_gateway_id$/, ['aws_nat_gateway']],
  [/^instance(_id)?$/, ['aws_instance']],
  [/^network_interface(_id)?$/, ['aws_network_interface']],
];

/** Attributes that hold a name rather than an id, and the type whose name it is. */
const NAMED_BY: Readonly<Record<string, string>> = {
  iam_instance_profile: 'aws_iam_instance_profile',
  key_name: 'aws_key_pair',
  // A profile's role, an attachment's, an inline policy's: the role's name.
  role: 'aws_iam_role',
  roles: 'aws_iam_role',
};

/**
 * The values other resources name an entity by: its id, and the name an attribute takes instead
 * of an id (a key pair's `key_name`, an instance profile's or a role's `name`).
 */
function identifyingValues(entity: Entity): string[] {
  const values = [entity.values.id];
  if (entity.type === 'aws_key_pair') values.push(entity.values.key_name);
  if (entity.type === 'aws_iam_instance_profile' || entity.type === 'aws_iam_role')
    values.push(entity.values.name as string | undefined);
  // A group's name: what `security_groups` of an instance in a default VPC names it by.
  if (entity.type === 'aws_security_group') values.push(entity.values.name as string | undefined);
  return [...new Set(values.filter((value): value is string => typeof value === 'string' && value !== ''))];
}

/** An address without its instance keys: `module.a["x"].aws_subnet.b[0]` → `module.a.aws_subnet.b`. */
export function withoutKeys(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|\d+)\]/g, '');
}

/** The instance key written after an address, in Terraform's form: `[0]`, `["a"]`. */
function keySuffix(index: string | number | undefined): string {
  return index === undefined ? '' : typeof index === 'number' ? `[${index}]` : `[${JSON.stringify(index)}]`;
}

/** References Terraform lists that name no resource (its own symbols, inputs the caller gives). */
const NOT_RESOURCES = /^(data|local|each|count|path|terraform|self)\./;

/** One module call on an address's path, with the instance key it has there (`["a"]`, `[0]`, or none). */
interface ModuleStep {
  readonly name: string;
  readonly key: string;
}

const KEY = String.raw`\[(?:"(?:[^"\\]|\\.)*"|\d+)\]`;

/** The module calls an address sits in: `module.a["x"].module.b.aws_vpc.c` → a["x"], b. */
function moduleSteps(address: string): ModuleStep[] {
  const steps: ModuleStep[] = [];
  const pattern = new RegExp(String.raw`^module\.([^.[]+)((?:${KEY})?)\.`);
  let rest = address;
  for (let match = pattern.exec(rest); match; match = pattern.exec(rest)) {
    steps.push({ name: match[1], key: match[2] });
    rest = rest.slice(match[0].length);
  }
  return steps;
}

const configScope = (steps: readonly ModuleStep[]) => steps.map((step) => `module.${step.name}.`).join('');
const instanceScope = (steps: readonly ModuleStep[]) => steps.map((step) => `module.${step.name}${step.key}.`).join('');

/**
 * The configuration of every module of a plan, read so that a reference inside a module leads to
 * the resources it stands for: `var.x` to the caller's expression for input x, `module.m.out` to
 * module m's expression for output out, each followed again in its own module. Module instances
 * keep their keys: a reference inside `module.app["a"]` leads to resources of that instance, and
 * `module.vpc[each.key]` in a call made with for_each to the instance of the same key.
 */
class ConfigurationIndex {
  private readonly resources = new Map<string, ConfigResource>();
  private readonly modules = new Map<string, ConfigModule>();

  constructor(root: ConfigModule | undefined) {
    const visit = (module: ConfigModule, scope: string) => {
      this.modules.set(scope, module);
      for (const resource of module.resources ?? [])
        if (resource.mode === 'managed') this.resources.set(`${scope}${resource.address}`, resource);
      for (const [name, call] of Object.entries(module.module_calls ?? {}))
        if (call.module) visit(call.module, `${scope}module.${name}.`);
    };
    if (root) visit(root, '');
  }

  resource(baseAddress: string): ConfigResource | undefined {
    return this.resources.get(baseAddress);
  }

  /** `attribute → addresses` for one resource instance (its key picks the element `each.value` is). */
  referencesOf(address: string, index: string | number | undefined): Record<string, string[]> {
    const resource = this.resources.get(withoutKeys(address));
    if (!resource) return {};
    const steps = moduleSteps(address);
    const result: Record<string, string[]> = {};
    for (const [attribute, expression] of Object.entries(resource.expressions ?? {})) {
      const collected = new Set<string>();
      const references = referenceStrings(expression);
      for (const reference of references) {
        if (/^each\.(value|key)/.test(reference)) {
          // for_each over resources: the element with this instance's key.
          const iterated = referenceStrings(resource.for_each_expression);
          for (const next of iterated)
            for (const found of this.resolve(steps, next, iterated, 0))
              collected.add(index !== undefined && !/\]$/.test(found) ? `${found}${keySuffix(index)}` : found);
          continue;
        }
        // A key still pending is this resource's own (`module.vpc[each.key]` in a resource made with for_each).
        for (const found of this.resolve(steps, reference, references, 0))
          collected.add(fillKey(found, keySuffix(index)));
      }
      // `aws_x.y[0]` and `aws_x.y` are both listed for one expression: the keyed one says more.
      const addresses = [...collected].filter(
        (found) => /\]$/.test(found) || ![...collected].some((other) => other.startsWith(`${found}[`)),
      );
      if (addresses.length > 0) result[attribute] = addresses;
    }
    return result;
  }

  /**
   * The resource addresses a reference made in the module instance `steps` leads to; `siblings`
   * are the other references of the same expression (Terraform lists `module.vpc` and `each.key`
   * for `module.vpc[each.key].out`, without the output's name).
   */
  private resolve(
    steps: readonly ModuleStep[],
    reference: string,
    siblings: readonly string[],
    depth: number,
  ): string[] {
    if (depth > 32) return [];
    // A local value: the plan keeps none, so the module instance it lives in is all that is known.
    if (reference.startsWith('local.')) return [`${LOCAL_IN}${instanceScope(steps)}`];
    if (NOT_RESOURCES.test(reference)) return [];
    if (reference.startsWith('var.')) {
      if (steps.length === 0) return [];
      const name = /^var\.([^.[]+)/.exec(reference)![1];
      const parent = steps.slice(0, -1);
      const call = steps[steps.length - 1];
      const input = this.modules.get(configScope(parent))?.module_calls?.[call.name]?.expressions?.[name];
      const next = referenceStrings(input);
      // In the caller, each.key (or count.index) is this module instance's key.
      return next.flatMap((ref) => this.resolve(parent, ref, next, depth + 1).map((found) => fillKey(found, call.key)));
    }
    if (reference.startsWith('module.')) {
      const match = new RegExp(String.raw`^module\.([^.[]+)((?:${KEY})?)(?:\.([^.[]+))?`).exec(reference)!;
      const [, name, staticKey, output] = match;
      // A bare `module.m` beside `module.m.out`: the specific one says it.
      if (
        !output &&
        siblings.some((other) => other.startsWith(`module.${name}.`) || other.startsWith(`module.${name}[`))
      )
        return [];
      const dynamicKey = siblings.some((other) => other === 'each.key' || other.startsWith('count.index'));
      const key = staticKey || (dynamicKey ? PENDING_KEY : '');
      const callee = [...steps, { name, key }];
      const outputs = this.modules.get(configScope(callee))?.outputs ?? {};
      return (output ? [output] : Object.keys(outputs)).flatMap((out) => {
        const next = referenceStrings(outputs[out]?.expression);
        return next.flatMap((ref) => this.resolve(callee, ref, next, depth + 1));
      });
    }
    const match = new RegExp(String.raw`^([a-z0-9_]+)\.([^.[]+)((?:${KEY})?)`).exec(reference);
    if (!match) return [];
    // `aws_x.y[count.index]` (Terraform lists `aws_x.y` and `count.index`): the instance of the same key.
    const keyedLikeThis =
      !match[3] && siblings.some((other) => other.startsWith('count.index') || other === 'each.key');
    return [`${instanceScope(steps)}${match[1]}.${match[2]}${match[3] || (keyedLikeThis ? PENDING_KEY : '')}`];
  }
}

function onlyAttributes<T>(
  map: ReadonlyMap<string, T> | undefined,
  keep: ReadonlySet<string>,
): Map<string, T> | undefined {
  const kept = new Map([...(map ?? [])].filter(([attribute]) => keep.has(attribute)));
  return kept.size > 0 ? kept : undefined;
}

/** Marks a reference that ends at a local of the module instance that follows it. */
const LOCAL_IN = '\u0001local:';

/** Takes the local markers out of an entity's references: attribute → the module instances whose locals they are. */
function throughLocals(references: Record<string, string[]>): ReadonlyMap<string, readonly string[]> | undefined {
  const found = new Map<string, string[]>();
  for (const [attribute, addresses] of Object.entries(references)) {
    const scopes = addresses.filter((address) => address.startsWith(LOCAL_IN)).map((a) => a.slice(LOCAL_IN.length));
    if (scopes.length === 0) continue;
    found.set(attribute, [...new Set(scopes)]);
    const rest = addresses.filter((address) => !address.startsWith(LOCAL_IN));
    if (rest.length > 0) references[attribute] = rest;
    else delete references[attribute];
  }
  return found.size > 0 ? found : undefined;
}

/** Stands for the key of the module instance a reference came from, until the caller's key is known. */
const PENDING_KEY = '[\u0000]';

/** The pending key of an address filled with the module instance's key (or dropped: any instance). */
function fillKey(address: string, key: string): string {
  return address.split(PENDING_KEY).join(key);
}

/**
 * Whether an entity's address is one a reference names: equal, or one of its instances; a module
 * whose key the configuration leaves open (`module.vpc` without one) matches every instance.
 */
export function addressMatches(reference: string, address: string): boolean {
  let compiled = ADDRESS_PATTERNS.get(reference);
  if (!compiled) {
    compiled = addressPattern(reference);
    ADDRESS_PATTERNS.set(reference, compiled);
  }
  return compiled.test(address);
}

const ADDRESS_PATTERNS = new Map<string, RegExp>();

function addressPattern(reference: string): RegExp {
  let pattern = '';
  let rest = reference;
  const step = new RegExp(String.raw`^module\.([^.[]+)((?:${KEY})?)\.`);
  for (let match = step.exec(rest); match; match = step.exec(rest)) {
    pattern += `module\\.${escapeRegex(match[1])}${match[2] ? escapeRegex(match[2]) : `(?:${KEY})?`}\\.`;
    rest = rest.slice(match[0].length);
  }
  pattern += `${escapeRegex(rest)}${/\]$/.test(rest) ? '' : `(?:${KEY})?`}`;
  return new RegExp(`^${pattern}$`);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every reference string of an expression (top level and nested blocks). */
function referenceStrings(expression: ConfigExpression): string[] {
  const found: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const { references } = value as { references?: unknown };
    if (Array.isArray(references)) for (const r of references) if (typeof r === 'string') found.push(r);
    for (const [key, item] of Object.entries(value)) if (key !== 'references') walk(item);
  };
  walk(expression);
  return found;
}

function unique(entities: Entity[]): Entity[] {
  return [...new Map(entities.map((entity) => [entity.id, entity])).values()];
}
