/**
 * The Terraform JSON formats every tool reads, in one place below them all: what
 * `terraform show -json` prints for a plan (its resource changes, planned values and
 * configuration) and for a state, and a state file as Terraform writes it (format 4), with the
 * few operations on them the tools share (the plan seen from before it, a change's kind, a
 * state read as a plan that changes nothing). Types and pure functions only: no I/O.
 */

/** A rule block as the plan shows it: inline security group rules and network ACL entries. */
export interface PlannedRuleBlock {
  readonly protocol?: string;
  readonly from_port?: number;
  readonly to_port?: number;
  readonly cidr_blocks?: readonly string[];
  readonly ipv6_cidr_blocks?: readonly string[];
  readonly security_groups?: readonly string[];
  readonly prefix_list_ids?: readonly string[];
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

export interface ConfigResource {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly expressions?: Readonly<Record<string, ConfigExpression>>;
  /** What `for_each` iterates: `each.value` in the expressions stands for one of its elements. */
  readonly for_each_expression?: ConfigExpression;
}

/** A module's configuration: its resources, the modules it calls and what it outputs. */
export interface ConfigModule {
  readonly resources?: readonly ConfigResource[];
  readonly module_calls?: Readonly<
    Record<
      string,
      {
        readonly source?: string;
        /** The module's inputs, as the caller writes them. */
        readonly expressions?: Readonly<Record<string, ConfigExpression>>;
        readonly module?: ConfigModule;
      }
    >
  >;
  readonly outputs?: Readonly<Record<string, { readonly expression?: ConfigExpression }>>;
}

/** What `terraform show -json <plan>` prints (the parts the model reads). */
export interface PlanJson {
  readonly format_version?: string;
  readonly timestamp?: string;
  readonly resource_changes?: ResourceChange[];
  readonly configuration?: { root_module?: ConfigModule };
  /** The root module's input variables as planned (`-var`, `-var-file`, defaults). */
  readonly variables?: Readonly<Record<string, { readonly value?: unknown }>>;
  /** What the state held when the plan was made (the deployed stack). */
  readonly prior_state?: {
    readonly values?: {
      readonly outputs?: Readonly<Record<string, { readonly value?: unknown }>>;
      /** The resources and data sources the state held, data sources read for this plan among them. */
      readonly root_module?: unknown;
    };
  };
  readonly planned_values?: { readonly outputs?: Readonly<Record<string, { readonly value?: unknown }>> };
  readonly output_changes?: Readonly<
    Record<string, { readonly actions: string[]; readonly after?: unknown; readonly after_unknown?: unknown }>
  >;
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
      .map((change) => ({ ...change, change: unchangedChange(change.change.before!) })),
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

/** A state file as Terraform writes it (format version 4): local files, S3 objects, the combined root's. */
export interface TerraformState {
  readonly version?: number;
  readonly terraform_version?: string;
  readonly serial?: number;
  readonly lineage?: string;
  readonly outputs?: Readonly<
    Record<string, { readonly value?: unknown; readonly type?: unknown; readonly sensitive?: boolean }>
  >;
  readonly resources?: readonly StateResource[];
  readonly check_results?: unknown;
}

/** One resource of a state file, with its instances' attributes. */
export interface StateResource {
  readonly module?: string;
  readonly mode?: string;
  readonly type?: string;
  readonly name?: string;
  readonly provider?: string;
  readonly instances?: readonly {
    readonly attributes?: Readonly<Record<string, unknown>>;
    readonly [key: string]: unknown;
  }[];
  readonly [key: string]: unknown;
}

/** What `terraform show -json` prints for a state: the values of every module, no changes. */
export interface StateValuesModule {
  readonly address?: string;
  readonly resources?: readonly {
    readonly address: string;
    readonly mode: 'managed' | 'data';
    readonly type: string;
    readonly name: string;
    readonly index?: string | number;
    readonly values?: PlannedValues;
  }[];
  readonly child_modules?: readonly StateValuesModule[];
}

/** The change of a resource the plan leaves as it is: these values before and after. */
export function unchangedChange(values: PlannedValues): ResourceChange['change'] {
  return { actions: ['no-op'], before: values, after: values, after_unknown: {} };
}

/** Whether a change's actions change anything (neither a no-op nor a data source read). */
export function isChanging(actions: readonly string[]): boolean {
  return actions.some((action) => action !== 'no-op' && action !== 'read');
}

/** A state (as `terraform show -json` prints it) as a plan that changes nothing: every managed resource as it stands. */
export function stateAsPlan(root: StateValuesModule | undefined): PlanJson {
  const changes: ResourceChange[] = [];
  const visit = (module: StateValuesModule) => {
    for (const resource of module.resources ?? []) {
      if (resource.mode !== 'managed') continue;
      changes.push({
        address: resource.address,
        mode: 'managed',
        type: resource.type,
        name: resource.name,
        index: resource.index,
        change: unchangedChange(resource.values ?? {}),
      });
    }
    for (const child of module.child_modules ?? []) visit(child);
  };
  if (root) visit(root);
  return { format_version: '1.2', resource_changes: changes };
}

/** A stack as cdktf synthesizes it (`cdk.tf.json`, Terraform's JSON configuration syntax): the parts the tools read. */
export interface SynthesizedStack {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly output?: Readonly<Record<string, { readonly value: unknown; readonly sensitive?: boolean }>>;
  readonly provider?: Readonly<Record<string, readonly Readonly<Record<string, unknown>>[]>>;
}
