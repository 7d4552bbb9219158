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
import { TerraformState } from './terraform-json';

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

/**
 * Attributes that hold the id of the resource itself or of something AWS created with it. Other
 * `*_id` attributes (`vpc_id`, `subnet_id`) refer to other resources and hold nothing.
 */
const OWN_IDENTIFIERS = new Set([
  'id',
  'arn',
  'name',
  'key_name',
  'allocation_id',
  // Interfaces AWS made for the resource: an instance's, a NAT gateway's.
  'primary_network_interface_id',
  'network_interface_id',
]);
/** In nested blocks: what the block created (`root_block_device[0].volume_id`, an interface). */
const CREATED_IN_BLOCK = new Set(['id', 'arn', 'volume_id', 'network_interface_id']);

/**
 * Every id and ARN a state holds, nested ones included: a resource holds the ids of what AWS
 * created with it (an instance's root volume in `root_block_device[0].volume_id`, its network
 * interface in `primary_network_interface_id`, an endpoint's in `network_interface_ids`).
 */
export function heldIdentifiers(state: TerraformState | undefined): Set<string> {
  const held = new Set<string>();
  const collect = (value: unknown, key: string, nested: boolean): void => {
    if (typeof value === 'string') {
      if (value !== '' && (nested ? CREATED_IN_BLOCK : OWN_IDENTIFIERS).has(key)) held.add(value);
    } else if (Array.isArray(value)) {
      // A list of ids the resource created (`network_interface_ids`), or nested blocks.
      for (const item of value)
        if (key === 'network_interface_ids') collect(item, 'id', false);
        else if (typeof item === 'object') collect(item, key, true);
    } else if (typeof value === 'object' && value !== null) {
      for (const [name, inner] of Object.entries(value)) collect(inner, name, nested);
    }
  };
  for (const resource of state?.resources ?? []) {
    if (resource.mode !== undefined && resource.mode !== 'managed') continue;
    for (const instance of resource.instances ?? []) collect(instance.attributes ?? {}, '', false);
  }
  return held;
}
