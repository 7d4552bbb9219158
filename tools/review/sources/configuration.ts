/**
 * The configuration a plan was made from, read from its folder (the plan file's, or `--config`):
 * its `.tf` and `.tf.json` files and those of every module it calls (where `terraform init` put
 * them, `.terraform/modules/modules.json`, or a local `./` source). The files are parsed by
 * HashiCorp's HCL parser (`@cdktn/hcl2json`: hcl2json compiled to WebAssembly); nothing runs
 * Terraform. The plan JSON keeps only an expression's references; this keeps the expressions
 * whole, so the review can follow locals, dynamic blocks, `try`, `element` and conditionals.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ModuleConfig, Raw } from '../model/hcl-evaluate';
import type { ConfigurationStatus, TerraformConfiguration } from '../model/terraform-configuration';
import { ConfigModule } from '../../terraform-json';
import { ReviewError } from './common';

interface ModulesManifest {
  readonly Modules?: readonly { readonly Key: string; readonly Source?: string; readonly Dir: string }[];
}

type Parse = (filename: string, contents: string) => Promise<Record<string, unknown>>;
let parser: Parse | undefined;
function hclParse(): Parse {
  // Loaded only when a configuration is read: the parser is WebAssembly, about 0.1 s to start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  parser ??= (require('@cdktn/hcl2json') as { parse: Parse }).parse;
  return parser;
}

const configFiles = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.tf') || name.endsWith('.tf.json'))
    .sort();

/**
 * Reads the configuration in `dir` and its modules. With `required` (`--config`), a folder that
 * is missing, has no configuration or does not parse is a {@link ReviewError}; beside a plan file,
 * a folder without `.tf` files is simply absent.
 */
export async function readConfiguration(dir: string, required: boolean): Promise<TerraformConfiguration | undefined> {
  const option = required ? `--config ${dir}` : `the configuration beside the plan (${dir})`;
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    stat = undefined;
  }
  if (!stat?.isDirectory()) {
    if (!required) return undefined;
    throw new ReviewError(`--config ${dir}: no such folder; expected the folder the plan was made in (its .tf files)`);
  }
  if (configFiles(dir).length === 0) {
    if (!required) return undefined;
    throw new ReviewError(`--config ${dir} holds no .tf or .tf.json file; expected the folder terraform plan ran in`);
  }
  const manifest = readManifest(dir);
  const modules = new Map<string, ModuleConfig>();
  const missing: string[] = [];
  const visit = async (moduleDir: string, scope: string, key: string) => {
    const module = await readModule(moduleDir, option);
    modules.set(scope, module.config);
    for (const [name, call] of Object.entries(module.calls)) {
      const childKey = key ? `${key}.${name}` : name;
      const source = typeof call.source === 'string' ? call.source : '';
      const recorded = manifest.get(childKey);
      const childDir = recorded
        ? path.resolve(dir, recorded)
        : /^\.\.?\//.test(source)
          ? path.resolve(moduleDir, source)
          : undefined;
      if (!childDir || !fs.existsSync(childDir) || configFiles(childDir).length === 0) {
        missing.push(`module.${childKey.split('.').join('.module.')} (${source || 'no source'})`);
        continue;
      }
      await visit(childDir, `${scope}module.${name}.`, childKey);
    }
  };
  await visit(dir, '', '');
  return { dir, modules, missing };
}

function readManifest(dir: string): Map<string, string> {
  try {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(dir, '.terraform', 'modules', 'modules.json'), 'utf8'),
    ) as ModulesManifest;
    return new Map((manifest.Modules ?? []).map((entry) => [entry.Key, entry.Dir]));
  } catch {
    return new Map();
  }
}

/** One module folder: its files merged as Terraform merges them. */
async function readModule(
  dir: string,
  option: string,
): Promise<{ config: ModuleConfig; calls: Record<string, Record<string, Raw>> }> {
  const parse = hclParse();
  const locals: Record<string, Raw> = {};
  const variables: Record<string, { default?: Raw }> = {};
  const outputs: Record<string, Raw> = {};
  const calls: Record<string, Record<string, Raw>> = {};
  const resources: Record<string, Record<string, Raw>> = {};
  for (const name of configFiles(dir)) {
    const file = path.join(dir, name);
    const text = fs.readFileSync(file, 'utf8');
    let json: Record<string, unknown>;
    try {
      json = name.endsWith('.json') ? (JSON.parse(text) as Record<string, unknown>) : await parse(name, text);
    } catch (error) {
      throw new ReviewError(
        `${option}: ${path.relative(process.cwd(), file) || file} does not parse (${String(
          (error as Error).message ?? error,
        )
          .replace(/\s+/g, ' ')
          .slice(0, 300)}); expected Terraform's configuration language`,
      );
    }
    for (const block of blocks(json.locals)) Object.assign(locals, block);
    for (const [varName, body] of Object.entries(record(json.variable))) {
      const declared = blocks(body)[0] ?? {};
      variables[varName] = 'default' in declared ? { default: literal(declared.default) } : {};
    }
    for (const [outName, body] of Object.entries(record(json.output))) outputs[outName] = blocks(body)[0]?.value;
    for (const [callName, body] of Object.entries(record(json.module))) calls[callName] = blocks(body)[0] ?? {};
    for (const [type, named] of Object.entries(record(json.resource)))
      for (const [resourceName, body] of Object.entries(record(named)))
        resources[`${type}.${resourceName}`] = blocks(body)[0] ?? {};
  }
  return { config: { dir, locals, variables, outputs, moduleCalls: calls, resources }, calls };
}

/** A block's bodies: HCL's parser gives a list; JSON syntax allows one object too. */
function blocks(value: unknown): Record<string, Raw>[] {
  if (Array.isArray(value)) return value.filter((item) => item && typeof item === 'object') as Record<string, Raw>[];
  return value && typeof value === 'object' ? [value as Record<string, Raw>] : [];
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A variable's default is a literal: a string in it is text, not a template. */
function literal(value: Raw): Raw {
  if (typeof value === 'string') return value.replace(/\$\{/g, '$${');
  if (Array.isArray(value)) return value.map(literal);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, literal(item)]));
  return value;
}

/**
 * Whether the configuration is the one the plan was made from: every module and managed resource
 * the plan's configuration lists is in the files and no other, and every reference the plan
 * records for an attribute is written there. Returns the first difference, or undefined.
 */
export function differenceFromPlan(
  configuration: TerraformConfiguration,
  planRoot: ConfigModule | undefined,
): string | undefined {
  if (!planRoot) return undefined;
  const check = (planModule: ConfigModule, scope: string): string | undefined => {
    const module = configuration.modules.get(scope);
    if (!module) return undefined; // a module whose source is not on disk: nothing to compare
    const planned = new Set((planModule.resources ?? []).filter((r) => r.mode === 'managed').map((r) => r.address));
    const written = new Set(Object.keys(module.resources));
    for (const address of planned)
      if (!written.has(address)) return `the plan has ${scope}${address}, which the files do not`;
    for (const address of written)
      if (!planned.has(address)) return `the files have ${scope}${address}, which the plan does not`;
    for (const resource of planModule.resources ?? []) {
      if (resource.mode !== 'managed') continue;
      const body = module.resources[resource.address];
      for (const [attribute, expression] of Object.entries(resource.expressions ?? {})) {
        const text = JSON.stringify(body[attribute] ?? body.dynamic ?? null);
        const references = referencesIn(expression).filter((reference) => !/^(each|count)\./.test(reference));
        const absent = references.find((reference) => !text.includes(reference.replace(/\[.*$/, '')));
        if (absent) return `${scope}${resource.address}.${attribute} refers to ${absent} in the plan, not in the files`;
        // And the other way: a file edited after the plan may name a resource or module the plan's expression does not.
        if (body[attribute] === undefined) continue;
        const planned = referencesIn(expression);
        const added = resourceReferencesIn(JSON.stringify(body[attribute])).find(
          (reference) =>
            !planned.some(
              (known) => known === reference || known.startsWith(`${reference}.`) || known.startsWith(`${reference}[`),
            ),
        );
        if (added) return `${scope}${resource.address}.${attribute} refers to ${added} in the files, not in the plan`;
      }
    }
    for (const [name, call] of Object.entries(planModule.module_calls ?? {})) {
      if (!(name in module.moduleCalls)) return `the plan calls ${scope}module.${name}, which the files do not`;
      if (call.module) {
        const found = check(call.module, `${scope}module.${name}.`);
        if (found) return found;
      }
    }
    return undefined;
  };
  return check(planRoot, '');
}

/** The resources, data sources and modules an attribute's interpolations name (`aws_x.y`, `data.aws_x.y`, `module.m`). */
function resourceReferencesIn(text: string): string[] {
  const found = new Set<string>();
  for (const [, inside] of text.matchAll(/\$\{((?:[^{}]|\{[^{}]*\})*)\}/g))
    for (const [reference] of inside.matchAll(
      /(?<![\w.])(?:module\.[A-Za-z0-9_-]+|data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|aws_[a-z0-9_]+\.[A-Za-z_][A-Za-z0-9_-]*)/g,
    ))
      found.add(reference);
  return [...found];
}

function referencesIn(expression: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const { references } = value as { references?: unknown };
      if (Array.isArray(references)) for (const r of references) if (typeof r === 'string') found.push(r);
      for (const [key, item] of Object.entries(value)) if (key !== 'references') walk(item);
    }
  };
  walk(expression);
  return found;
}

/** Reads the configuration for a plan and checks it against the plan's own record of it. */
export async function configurationFor(
  planFile: string,
  planRoot: ConfigModule | undefined,
  configDir: string | undefined,
): Promise<ConfigurationStatus> {
  const dir = configDir ?? path.dirname(planFile);
  const configuration = await readConfiguration(dir, configDir !== undefined);
  if (!configuration) return { kind: 'absent', dir };
  const why = differenceFromPlan(configuration, planRoot);
  if (why) return { kind: 'stale', dir, why };
  return { kind: 'read', configuration };
}
