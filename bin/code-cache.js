// A V8 code cache and a module-resolution cache for every CommonJS module a run loads (Node 20
// has no module.enableCompileCache, which came in Node 22). A synth loads ~440 modules (6 MB,
// mostly @cdktf/provider-aws): compiling them was a fifth of its time, and finding their files
// (~850 lookups, each a walk of stat calls) another tenth.
//
// One file per entry point under node_modules/.cache/ssm-access-lab-v8/, holding
// - per module the SHA-1 of its source and V8's cached data: a module whose source changed (any
//   byte: V8 itself only compares lengths) is compiled afresh;
// - where each bare or node_modules request resolved to, valid only while node_modules is the same
//   install (npm rewrites node_modules/.package-lock.json on every install). Relative requests
//   between the project's own files are always resolved by Node.
// The file is rewritten once, at exit, when anything was new. Writes go to a temporary file renamed
// into place, so a concurrent run never reads half a file; a read-only tree simply runs uncached.
'use strict';
const crypto = require('crypto');
const { Buffer } = require('buffer');
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');

const NODE_MODULES = path.join(__dirname, '..', 'node_modules');
const CACHE_DIR = path.join(NODE_MODULES, '.cache', 'ssm-access-lab-v8');
/** The layout of the cache file; a file of another layout is ignored and rewritten. */
const FORMAT = 1;

/** Identifies the install: any npm install or ci rewrites node_modules/.package-lock.json. */
function installStamp(nodeModules) {
  try {
    const stat = fs.statSync(path.join(nodeModules, '.package-lock.json'));
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
  } catch {
    return undefined;
  }
}

/**
 * Starts caching for a run of `entry`: call before the entry point is required. The options exist
 * for the tests (a made-up install); the app uses the defaults.
 */
function enableCodeCache(entry, { nodeModules = NODE_MODULES, cacheDir = CACHE_DIR } = {}) {
  const key = crypto
    .createHash('sha1')
    .update(`${process.version}\0${process.arch}\0${process.execArgv.join(' ')}\0${path.resolve(entry)}`)
    .digest('hex')
    .slice(0, 16);
  const cacheFile = path.join(cacheDir, `${key}.bin`);
  const stamp = installStamp(nodeModules);
  let index = {};
  let resolved = {};
  let blob = Buffer.alloc(0);
  try {
    const raw = fs.readFileSync(cacheFile);
    const headLength = raw.readUInt32LE(0);
    const head = JSON.parse(raw.subarray(4, 4 + headLength).toString('utf8'));
    if (head.format === FORMAT) {
      index = head.modules;
      if (stamp !== undefined && head.stamp === stamp) resolved = head.resolved;
      blob = raw.subarray(4 + headLength);
    }
  } catch {
    // no cache yet, or an unreadable one: this run writes a new one
  }

  let stale = false;
  const resolvedNow = {};
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveWithCache(request, parent, isMain, options) {
    const cacheable =
      stamp !== undefined &&
      !isMain &&
      options === undefined &&
      parent?.path !== undefined &&
      (!request.startsWith('.') || parent.path.includes(`${path.sep}node_modules${path.sep}`));
    if (!cacheable) return resolveFilename.call(this, request, parent, isMain, options);
    const key = `${parent.path}\0${request}`;
    let filename = resolved[key];
    if (filename === undefined) {
      filename = resolveFilename.call(this, request, parent, isMain, options);
      stale = true;
    }
    resolvedNow[key] = filename;
    return filename;
  };

  const compiled = [];
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename) {
    return compileModule(this, content, filename);
  };
  const compileModule = (module, content, filename) => {
    // A shebang line cannot follow the module wrapper; such files (CLIs) take Node's own path.
    if (content.startsWith('#!')) return compile.call(module, content, filename);
    const hash = crypto.createHash('sha1').update(content).digest('base64');
    const entryOfModule = index[filename];
    const cachedData =
      entryOfModule && entryOfModule[0] === hash
        ? blob.subarray(entryOfModule[1], entryOfModule[1] + entryOfModule[2])
        : undefined;
    const script = new vm.Script(Module.wrap(content), {
      filename,
      cachedData,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (cachedData === undefined || script.cachedDataRejected) stale = true;
    compiled.push([filename, hash, script]);
    const require = (id) => module.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
    require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(module.exports, module.exports, require, module, filename, path.dirname(filename));
  };

  process.on('exit', () => {
    if (!stale) return;
    try {
      // Made at exit, so the functions this run compiled lazily are in the cache too.
      const parts = [];
      const newIndex = {};
      let offset = 0;
      for (const [filename, hash, script] of compiled) {
        const data = script.createCachedData();
        newIndex[filename] = [hash, offset, data.length];
        offset += data.length;
        parts.push(data);
      }
      const head = Buffer.from(JSON.stringify({ format: FORMAT, stamp, resolved: resolvedNow, modules: newIndex }));
      const length = Buffer.alloc(4);
      length.writeUInt32LE(head.length);
      fs.mkdirSync(cacheDir, { recursive: true });
      const partial = `${cacheFile}.${process.pid}`;
      fs.writeFileSync(partial, Buffer.concat([length, head, ...parts]));
      fs.renameSync(partial, cacheFile);
    } catch {
      // a read-only tree runs uncached
    }
  });
}

module.exports = { enableCodeCache, installStamp, CACHE_DIR };
