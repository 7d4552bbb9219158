/**
 * A network model built from `terraform show -json` plans of several stacks. Offline, many ids
 * are "known after apply"; links between resources are then taken from the plan's configuration
 * references, and cross-stack links from the placeholder ids of `lab-network`'s outputs.
 */

/** A rule block as the plan shows it: inline security group rules and network ACL entries. */
export interface PlannedRuleBlock {
  readonly protocol?: string;
  readonly from_port?: number;
  readonly to_port?: number;
  readonly cidr_blocks?: readonly string[];
  readonly ipv6_cidr_blocks?: readonly string[];
  readonly security_groups?: readonly string[];
  readonly self?: boolean;
  readonly description?: string;
  /** Network ACL entries. */
  readonly rule_no?: number;
  readonly action?: string;
  readonly cidr_block?: string;
  readonly ipv6_cidr_block?: string;
}

/** A route block of an aws_route_table. */
export interface PlannedRouteBlock {
  readonly cidr_block?: string;
  readonly gateway_id?: string;
  readonly nat_gateway_id?: string;
  readonly vpc_endpoint_id?: string;
  readonly [attribute: string]: unknown;
}

/**
 * A resource's planned arguments, as the AWS provider's schema names them: the ones the review
 * reads, typed; any other attribute is there too, as unknown.
 */
export interface PlannedValues {
  readonly id?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly cidr_block?: string;
  readonly enable_dns_support?: boolean;
  readonly enable_dns_hostnames?: boolean;
  readonly key_name?: string;
  readonly instance_type?: string;
  readonly associate_public_ip_address?: boolean;
  readonly root_block_device?: readonly {
    readonly volume_size?: number;
    readonly volume_type?: string;
    readonly encrypted?: boolean;
  }[];
  readonly service_name?: string;
  readonly vpc_endpoint_type?: string;
  readonly private_dns_enabled?: boolean;
  readonly subnet_ids?: readonly string[];
  readonly connectivity_type?: string;
  readonly destination_cidr_block?: string;
  readonly route?: readonly PlannedRouteBlock[];
  readonly ingress?: readonly PlannedRuleBlock[];
  readonly egress?: readonly PlannedRuleBlock[] | boolean;
  readonly ip_protocol?: string;
  readonly from_port?: number;
  readonly to_port?: number;
  readonly cidr_ipv4?: string;
  readonly cidr_ipv6?: string;
  readonly rule_number?: number;
  readonly rule_action?: string;
  readonly protocol?: string;
  readonly policy?: string;
  readonly policy_arn?: string;
  readonly assume_role_policy?: string;
  readonly inline_policy?: readonly { readonly name?: string; readonly policy?: string }[];
  readonly managed_policy_arns?: readonly string[];
  readonly subnet_id?: string;
  readonly target?: readonly { readonly arn?: string; readonly role_arn?: string; readonly input?: string }[];
  readonly [attribute: string]: unknown;
}

/** One resource change of `terraform show -json`. */
export interface ResourceChange {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly change: {
    readonly actions: string[];
    /** What is deployed now (null for a resource the plan creates). */
    readonly before?: PlannedValues | null;
    readonly after: PlannedValues | null;
    /** Attribute → true when known only after apply (nested like the values). */
    readonly after_unknown?: Readonly<Record<string, unknown>>;
    /** For a replacement: the paths of the attributes whose change forces it. */
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
  /** Why Terraform plans this action, when it says (`replace_because_cannot_update`, …). */
  readonly action_reason?: string;
}

/** A configuration expression: references and/or a constant, possibly nested in blocks. */
export type ConfigExpression = unknown;

interface ConfigResource {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly expressions?: Readonly<Record<string, ConfigExpression>>;
}

/** What `terraform show -json <plan>` prints (the parts the model reads). */
export interface PlanJson {
  readonly format_version?: string;
  readonly timestamp?: string;
  readonly resource_changes?: ResourceChange[];
  readonly configuration?: { root_module?: { resources?: ConfigResource[] } };
  /** What the state held when the plan was made (the deployed stack). */
  readonly prior_state?: {
    readonly values?: { readonly outputs?: Readonly<Record<string, { readonly value?: unknown }>> };
  };
  readonly planned_values?: { readonly outputs?: Readonly<Record<string, { readonly value?: unknown }>> };
  readonly output_changes?: Readonly<
    Record<string, { readonly actions: string[]; readonly after?: unknown; readonly after_unknown?: unknown }>
  >;
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
  /** Attribute → addresses (`type.name`) its configuration refers to. */
  readonly references: Record<string, string[]>;
  readonly actions: string[];
}

/**
 * Attributes the AWS provider fills on every refresh with what is in force, whoever manages it:
 * a route table's `route` lists the routes `aws_route` resources add, a security group's
 * `ingress`/`egress` the rules of `aws_vpc_security_group_*_rule` and `aws_security_group_rule`, a
 * network ACL's the entries of `aws_network_acl_rule`, a role's `inline_policy` and
 * `managed_policy_arns` its `aws_iam_role_policy` and attachments. Such an attribute is the
 * resource's own only where its configuration writes it; otherwise it mirrors the separately
 * managed resources, whose own planned state says what is in force after the change.
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

  /**
   * @param plans plan JSON per stack
   * @param placeholders placeholder value → entity id it stands for (`lab-network/aws_subnet.x`)
   */
  constructor(
    readonly plans: Readonly<Record<string, PlanJson>>,
    private readonly placeholders: ReadonlyMap<string, string> = new Map(),
  ) {
    for (const [stack, plan] of Object.entries(plans)) {
      const expressions = new Map<string, Readonly<Record<string, ConfigExpression>>>();
      for (const resource of plan.configuration?.root_module?.resources ?? []) {
        if (resource.mode === 'managed') expressions.set(resource.address, resource.expressions ?? {});
      }
      const configured = plan.configuration?.root_module?.resources !== undefined;
      for (const change of plan.resource_changes ?? []) {
        // A deleted resource is gone after the plan; a replaced one (delete and create) is there, anew.
        if (change.mode !== 'managed' || !change.change.after) continue;
        const baseAddress = `${change.type}.${change.name}`;
        const values = knownValues(change.change.after ?? {}, change.change.after_unknown ?? {});
        // Without a configuration section nothing says who writes what: the values stand as planned.
        if (configured) {
          const written = expressions.get(baseAddress) ?? {};
          for (const attribute of MIRRORED_ATTRIBUTES[change.type] ?? [])
            if (!(attribute in written)) delete (values as Record<string, unknown>)[attribute];
        }
        const entity: Entity = {
          id: `${stack}/${change.address}`,
          stack,
          address: change.address,
          baseAddress,
          type: change.type,
          index: change.index,
          values,
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
function knownValues(after: PlannedValues, unknown: Readonly<Record<string, unknown>>): PlannedValues {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    if (unknown[key] === true) continue;
    values[key] = value;
  }
  return values;
}

/** `attribute → [type.name, …]` of managed resources the expressions refer to (top level and nested blocks). */
function referencesOf(expressions: Readonly<Record<string, ConfigExpression>>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [attribute, expression] of Object.entries(expressions)) {
    const collected = new Set<string>();
    collect(expression, collected);
    if (collected.size > 0) result[attribute] = [...collected];
  }
  return result;
}

function collect(expression: ConfigExpression, into: Set<string>): void {
  if (Array.isArray(expression)) {
    for (const item of expression) collect(item, into);
    return;
  }
  if (!expression || typeof expression !== 'object') return;
  const { references } = expression as { references?: unknown };
  for (const reference of Array.isArray(references)
    ? references.filter((r): r is string => typeof r === 'string')
    : []) {
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

/**
 * The plan seen from before it is applied: every resource the state holds now, with its current
 * values (all known), and none of those the plan would create. Built on the same configuration,
 * so the model links resources the same way.
 */
export function priorPlan(plan: PlanJson): PlanJson {
  return {
    ...plan,
    resource_changes: (plan.resource_changes ?? [])
      .filter((change) => change.change.before)
      .map((change) => ({
        ...change,
        change: {
          actions: ['no-op'],
          before: change.change.before,
          after: change.change.before ?? null,
          after_unknown: {},
        },
      })),
  };
}

/** What a resource change does, in the words of a plan summary. */
export type ChangeKind = 'create' | 'update' | 'replace' | 'delete' | 'unchanged' | 'read';

export function changeKind(actions: readonly string[]): ChangeKind {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  if (actions.includes('create')) return 'create';
  if (actions.includes('delete')) return 'delete';
  if (actions.includes('update')) return 'update';
  if (actions.includes('read')) return 'read';
  return 'unchanged';
}
