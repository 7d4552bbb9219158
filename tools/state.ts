/**
 * Reads a deployed stack's Terraform state the way `cdktf deploy` wrote it: the local file in the
 * app's folder, or the object in the S3 backend of team use. For the tools that ask AWS about what
 * is deployed (`status`, `leftovers`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LabConfig } from '../lib/config';
import { localStateFileName } from '../stacks/lab-stack';

export interface TerraformState {
  readonly outputs?: Readonly<Record<string, { readonly value?: unknown }>>;
  readonly resources?: readonly {
    readonly mode?: string;
    readonly type?: string;
    readonly name?: string;
    readonly instances?: readonly { readonly attributes?: Readonly<Record<string, unknown>> }[];
  }[];
}

export interface StateSource {
  readonly config: LabConfig;
  /** Where local state files are (the app's folder). */
  readonly projectDir: string;
  readonly s3: Pick<S3Client, 'send'>;
}

/** The stack's state, or undefined when there is none (never deployed, or destroyed and removed). */
export async function readStackState(source: StateSource, stack: string): Promise<TerraformState | undefined> {
  const { config } = source;
  let text: string | undefined;
  if (config.stateBackend) {
    const { bucket, keyPrefix } = config.stateBackend;
    try {
      const object = await source.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: `${keyPrefix}/${config.labName}/${stack}.tfstate` }),
      );
      text = await object.Body?.transformToString();
    } catch (error) {
      if ((error as { name?: string })?.name === 'NoSuchKey') return undefined;
      throw error;
    }
  } else {
    const file = path.join(source.projectDir, localStateFileName(config, stack));
    if (!fs.existsSync(file)) return undefined;
    text = fs.readFileSync(file, 'utf8');
  }
  return JSON.parse(text ?? '{}') as TerraformState;
}

/** Attribute names that hold an identifier of something AWS created, at any depth. */
const IDENTIFIER_KEY = /^(id|arn|name|key_name|allocation_id)$|_(id|arn)$/;

/**
 * Every id and ARN a state holds, nested ones included: a resource holds ids of what it created
 * with it (an instance's root volume in `root_block_device[0].volume_id`, its network interface in
 * `primary_network_interface_id`, an endpoint's interfaces in `network_interface_ids`).
 */
export function heldIdentifiers(state: TerraformState | undefined): Set<string> {
  const held = new Set<string>();
  const collect = (value: unknown, key: string): void => {
    if (typeof value === 'string') {
      if (value !== '' && IDENTIFIER_KEY.test(key)) held.add(value);
    } else if (Array.isArray(value)) {
      // A list of ids (`network_interface_ids`) or of nested blocks.
      for (const item of value) collect(item, key.endsWith('_ids') ? key.slice(0, -1) : key);
    } else if (typeof value === 'object' && value !== null) {
      for (const [name, inner] of Object.entries(value)) collect(inner, name);
    }
  };
  for (const resource of state?.resources ?? []) {
    if (resource.mode !== undefined && resource.mode !== 'managed') continue;
    for (const instance of resource.instances ?? []) collect(instance.attributes ?? {}, '');
  }
  return held;
}
