/**
 * A "deployed" stack for tests without AWS: the state Terraform would hold after applying a plan,
 * built from that plan. Values known at plan time are kept; values AWS would assign (ids, ARNs,
 * owners) get stable made-up ones, and attributes that refer to another resource get that
 * resource's made-up value, so the next `terraform plan -refresh=false` sees a consistent lab.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import { PlanJson } from '../../tools/terraform-json';

const ACCOUNT = '123456789012';
const ID_PREFIX: Record<string, string> = {
  aws_vpc: 'vpc',
  aws_subnet: 'subnet',
  aws_route_table: 'rtb',
  aws_route_table_association: 'rtbassoc',
  aws_internet_gateway: 'igw',
  aws_nat_gateway: 'nat',
  aws_eip: 'eipalloc',
  aws_security_group: 'sg',
  aws_default_security_group: 'sg',
  aws_vpc_security_group_ingress_rule: 'sgr',
  aws_vpc_security_group_egress_rule: 'sgr',
  aws_instance: 'i',
  aws_vpc_endpoint: 'vpce',
  aws_key_pair: 'key',
  aws_network_acl: 'acl',
};

type Values = Record<string, unknown>;

const hex = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 17);

/** What the provider's schema says of each resource type: its version and its attributes' types. */
export type ResourceSchemas = Readonly<
  Record<string, { readonly version: number; readonly types: Readonly<Record<string, unknown>> }>
>;

/** The value AWS would assign to a computed attribute nobody configured. */
function assigned(type: string, address: string, attribute: string, values: Values, attributeType: unknown): unknown {
  const kind = Array.isArray(attributeType) ? attributeType[0] : attributeType;
  if (kind === 'list' || kind === 'set') return [];
  if (kind === 'map' || kind === 'object') return attribute === 'tags_all' ? (values.tags ?? {}) : {};
  if (kind === 'bool') return false;
  if (kind === 'number') return 0;
  if (attribute === 'id') {
    if (type === 'aws_iam_role' || type === 'aws_iam_instance_profile') return values.name;
    if (type === 'aws_route') return `r-${hex(address)}`;
    return `${ID_PREFIX[type] ?? type.replace(/^aws_/, '')}-${hex(address)}`;
  }
  // name_prefix / key_name_prefix: AWS appends a unique suffix (Terraform's is 26 characters).
  const prefix = values[`${attribute}_prefix`];
  if (typeof prefix === 'string') return `${prefix}${hex(address).padEnd(26, '0')}`;
  if (attribute === 'arn') return `arn:aws:${type.replace(/^aws_/, '')}:ap-northeast-1:${ACCOUNT}:${hex(address)}`;
  if (attribute === 'owner_id') return ACCOUNT;
  if (attribute === 'unique_id') return `AROA${hex(address).toUpperCase()}`;
  if (attribute.endsWith('_id')) return `${attribute.replace(/_id$/, '')}-${hex(`${address}.${attribute}`)}`;
  return null;
}

/** Subnet id → CIDR of every state written so far (lab-network's first: the scenarios' subnets are there). */
const SUBNET_CIDRS = new Map<string, string>();

/** A host address inside `cidr` (an IPv4 /16–/28), chosen by `seed`; 10.255.x.y when the subnet is unknown. */
function addressIn(cidr: string | undefined, seed: string): string {
  const [base, bits] = (cidr ?? '10.255.0.0/16').split('/');
  const size = 2 ** (32 - Number(bits));
  // AWS keeps the first four addresses and the last one of a subnet.
  const offset = 4 + (parseInt(hex(seed).slice(0, 6), 16) % (size - 5));
  const start = base.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const address = start + offset;
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join('.');
}

interface StateResource {
  mode: 'managed';
  type: string;
  name: string;
  provider: string;
  instances: { index_key?: string | number; schema_version: number; attributes: Values; sensitive_attributes: [] }[];
}

/**
 * Writes the state that applying `plan` (a `terraform show -json` of a plan that creates the
 * stack) would leave, with `outputs` resolved, to `stateFile`.
 * @param stackJson the stack's synthesized `cdk.tf.json` (for its outputs)
 * @param schemas from {@link resourceSchemasOf}
 */
export function writeDeployedState(
  plan: PlanJson,
  stackJson: { output?: Record<string, { value: unknown; sensitive?: boolean }> },
  schemas: ResourceSchemas,
  stateFile: string,
): void {
  const changes = (plan.resource_changes ?? []).filter((change) => change.mode === 'managed' && change.change.after);
  const expressions = new Map<string, Record<string, { references?: string[] }>>();
  for (const resource of plan.configuration?.root_module?.resources ?? []) {
    expressions.set(resource.address, (resource.expressions ?? {}) as Record<string, { references?: string[] }>);
  }
  const filled = new Map<string, Values>();
  const byBase = new Map<string, Values>();
  // First what AWS assigns, then what refers to it (two passes settle references to references).
  for (const change of changes) {
    const values: Values = { ...(change.change.after as Values) };
    const unknown = (change.change.after_unknown ?? {}) as Record<string, unknown>;
    // Names first: an IAM role's id is its name.
    const ordered = Object.entries(unknown).sort(
      ([a], [b]) => Number(!a.endsWith('name')) - Number(!b.endsWith('name')),
    );
    for (const [attribute, isUnknown] of ordered) {
      if (isUnknown === true) {
        values[attribute] = assigned(
          change.type,
          change.address,
          attribute,
          values,
          schemas[change.type]?.types[attribute],
        );
      }
    }
    filled.set(change.address, values);
    byBase.set(`${change.type}.${change.name}`, values);
  }
  for (let pass = 0; pass < 2; pass++) {
    for (const change of changes) {
      const values = filled.get(change.address)!;
      const unknown = (change.change.after_unknown ?? {}) as Record<string, unknown>;
      const configured = expressions.get(`${change.type}.${change.name}`) ?? {};
      for (const [attribute, isUnknown] of Object.entries(unknown)) {
        const references = (configured[attribute]?.references ?? []).filter((ref) =>
          /^aws_[a-z0-9_]+\.[^.]+\.[a-z_]+$/.test(ref),
        );
        if (references.length === 0) continue;
        const resolve = (ref: string) => {
          const [type, name, attr] = ref.split('.');
          return byBase.get(`${type}.${name}`)?.[attr];
        };
        const attributeType = schemas[change.type]?.types[attribute];
        const collection = Array.isArray(attributeType) && ['list', 'set'].includes(String(attributeType[0]));
        if (collection || Array.isArray(isUnknown)) values[attribute] = references.map(resolve);
        else if (isUnknown === true) values[attribute] = resolve(references[0]) ?? values[attribute];
      }
    }
  }
  // AWS gives every instance a private address in its subnet (and outputs build on it).
  for (const change of changes) {
    const values = filled.get(change.address)!;
    if (change.type === 'aws_subnet' && typeof values.cidr_block === 'string')
      SUBNET_CIDRS.set(String(values.id), values.cidr_block);
  }
  for (const change of changes) {
    const values = filled.get(change.address)!;
    if (change.type === 'aws_instance' && values.private_ip == null)
      values.private_ip = addressIn(SUBNET_CIDRS.get(String(values.subnet_id)), change.address);
  }
  const resources = new Map<string, StateResource>();
  for (const change of changes) {
    const key = `${change.type}.${change.name}`;
    const resource = resources.get(key) ?? {
      mode: 'managed' as const,
      type: change.type,
      name: change.name,
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [],
    };
    resource.instances.push({
      ...(change.index === undefined ? {} : { index_key: change.index }),
      schema_version: schemas[change.type]?.version ?? 0,
      attributes: filled.get(change.address)!,
      sensitive_attributes: [],
    });
    resources.set(key, resource);
  }
  const outputs: Record<string, { value: unknown; type: string; sensitive: boolean }> = {};
  for (const [name, output] of Object.entries(stackJson.output ?? {})) {
    const known = plan.planned_values?.outputs?.[name]?.value;
    const reference = /^\$\{(aws_[a-z0-9_]+)\.([^.]+)\.([a-z_]+)\}$/.exec(String(output.value));
    const value = known ?? (reference ? byBase.get(`${reference[1]}.${reference[2]}`)?.[reference[3]] : undefined);
    if (typeof value === 'string') outputs[name] = { value, type: 'string', sensitive: output.sensitive === true };
  }
  const state = {
    version: 4,
    terraform_version: '1.11.4',
    serial: 1,
    lineage: `test-${hex(stateFile)}`,
    outputs,
    resources: [...resources.values()],
    check_results: null,
  };
  fs.writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

/** The AWS provider's resource schemas, from `terraform providers schema -json` output. */
export function resourceSchemasOf(schemaJson: string): ResourceSchemas {
  type Schema = {
    version: number;
    block: { attributes?: Record<string, { type?: unknown }>; block_types?: Record<string, unknown> };
  };
  const schemas = JSON.parse(schemaJson).provider_schemas as Record<
    string,
    { resource_schemas: Record<string, Schema> }
  >;
  const aws = Object.entries(schemas).find(([source]) => source.endsWith('hashicorp/aws'))![1];
  return Object.fromEntries(
    Object.entries(aws.resource_schemas).map(([type, schema]) => [
      type,
      {
        version: schema.version,
        types: {
          ...Object.fromEntries(
            Object.entries(schema.block.attributes ?? {}).map(([name, attribute]) => [name, attribute.type]),
          ),
          // Nested blocks are lists or sets in state.
          ...Object.fromEntries(Object.keys(schema.block.block_types ?? {}).map((name) => [name, 'list'])),
        },
      },
    ]),
  );
}
