/**
 * A network model built from `terraform show -json` plans of several stacks. Offline, many ids
 * are "known after apply"; links between resources are then taken from the plan's configuration
 * references, and cross-stack links from the placeholder ids of `lab-network`'s outputs.
 */

/** What `terraform show -json <plan>` prints (the parts the model reads). */
export interface PlanJson {
  readonly format_version?: string;
  readonly timestamp?: string;
  readonly resource_changes?: ResourceChange[];
  readonly configuration?: { root_module?: { resources?: ConfigResource[] } };
  readonly planned_values?: any;
}

interface ResourceChange {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly change: { actions: string[]; after: any; after_unknown?: any };
}

interface ConfigResource {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly expressions?: Record<string, any>;
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
  readonly values: Record<string, any>;
  /** Attribute → addresses (`type.name`) its configuration refers to. */
  readonly references: Record<string, string[]>;
  readonly actions: string[];
}

export class NetworkModel {
  private readonly byId = new Map<string, Entity>();
  private readonly byBase = new Map<string, Entity[]>();

  /**
   * @param plans plan JSON per stack
   * @param placeholders placeholder value → entity id it stands for (`lab-network/aws_subnet.x`)
   */
  constructor(
    readonly plans: Readonly<Record<string, PlanJson>>,
    private readonly placeholders: ReadonlyMap<string, string> = new Map(),
  ) {
    for (const [stack, plan] of Object.entries(plans)) {
      const expressions = new Map<string, Record<string, any>>();
      for (const resource of plan.configuration?.root_module?.resources ?? []) {
        if (resource.mode === 'managed') expressions.set(resource.address, resource.expressions ?? {});
      }
      for (const change of plan.resource_changes ?? []) {
        if (change.mode !== 'managed' || change.change.actions.includes('delete')) continue;
        const baseAddress = `${change.type}.${change.name}`;
        const entity: Entity = {
          id: `${stack}/${change.address}`,
          stack,
          address: change.address,
          baseAddress,
          type: change.type,
          index: change.index,
          values: knownValues(change.change.after ?? {}, change.change.after_unknown ?? {}),
          references: referencesOf(expressions.get(baseAddress) ?? {}),
          actions: change.change.actions,
        };
        this.byId.set(entity.id, entity);
        const key = `${stack}/${baseAddress}`;
        this.byBase.set(key, [...(this.byBase.get(key) ?? []), entity]);
      }
    }
  }

  all(type?: string): Entity[] {
    return [...this.byId.values()].filter((entity) => type === undefined || entity.type === type);
  }

  get(id: string): Entity | undefined {
    return this.byId.get(id);
  }

  /**
   * The entities an attribute points to: by known value (a placeholder or another entity's id),
   * else by the configuration's references.
   */
  targets(entity: Entity, attribute: string): Entity[] {
    const value = entity.values[attribute];
    const found: Entity[] = [];
    const literals = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
    for (const literal of literals) if (typeof literal === 'string') found.push(...this.byValue(literal));
    if (found.length > 0) return unique(found);
    // Unknown, or a known value (a name) that is no id: follow the configuration's references.
    for (const address of entity.references[attribute] ?? []) {
      found.push(...(this.byBase.get(`${entity.stack}/${address}`) ?? []));
    }
    return unique(found);
  }

  /** The entities a known value stands for: a placeholder, an id, or a key pair's name. */
  byValue(literal: string): Entity[] {
    const placeholder = this.placeholders.get(literal);
    if (placeholder && this.byId.has(placeholder)) return [this.byId.get(placeholder)!];
    return this.all().filter(
      (other) => other.values.id === literal || (other.type === 'aws_key_pair' && other.values.key_name === literal),
    );
  }

  /** First target, or undefined. */
  target(entity: Entity, attribute: string): Entity | undefined {
    return this.targets(entity, attribute)[0];
  }

  /** Entities of `type` whose `attribute` points at `to`. */
  pointingAt(type: string, attribute: string, to: Entity): Entity[] {
    return this.all(type).filter((entity) => this.targets(entity, attribute).some((target) => target.id === to.id));
  }

  /** A readable name: the Name tag, else the address. */
  label(entity: Entity | undefined): string {
    if (!entity) return '(unknown)';
    return entity.values.tags?.Name ?? entity.address;
  }
}

/** Drops unknown attributes (true in after_unknown) so they read as undefined. */
function knownValues(after: Record<string, any>, unknown: Record<string, any>): Record<string, any> {
  const values: Record<string, any> = {};
  for (const [key, value] of Object.entries(after)) {
    if (unknown[key] === true) continue;
    values[key] = value;
  }
  return values;
}

/** `attribute → [type.name, …]` of managed resources the expressions refer to (top level and nested blocks). */
function referencesOf(expressions: Record<string, any>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [attribute, expression] of Object.entries(expressions)) {
    const collected = new Set<string>();
    collect(expression, collected);
    if (collected.size > 0) result[attribute] = [...collected];
  }
  return result;
}

function collect(expression: any, into: Set<string>): void {
  if (Array.isArray(expression)) {
    for (const item of expression) collect(item, into);
    return;
  }
  if (!expression || typeof expression !== 'object') return;
  for (const reference of expression.references ?? []) {
    const match = /^([a-z0-9_]+)\.([^.[\]]+)/.exec(reference);
    if (match && !reference.startsWith('data.') && !reference.startsWith('var.') && !reference.startsWith('local.')) {
      into.add(`${match[1]}.${match[2]}`);
    }
  }
  for (const [key, value] of Object.entries(expression)) if (key !== 'references') collect(value, into);
}

function unique(entities: Entity[]): Entity[] {
  return [...new Map(entities.map((entity) => [entity.id, entity])).values()];
}
