// Jest's runtime, with V8's compiled code shared by the test files that one worker runs.
// Jest gives every test file a fresh module registry and compiles each module again for it
// (vm.compileFunction with a per-file import callback, which V8's own compilation cache never
// matches). cdktf, the provider bindings and the app are ~450 modules per file: compiling them
// was about a sixth of a unit file's time. Here the first file to load a module keeps V8's cached
// data, and later files load the compiled code from it (checked against the whole source: a
// changed module is compiled afresh). Modules still run anew for each file: isolation is Jest's.
'use strict';
const vm = require('vm');
const Runtime = require('jest-runtime').default;

/** Per module file: the source compiled, and V8's cached data for it. */
const compiledCode = new Map();

class CodeCachingRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    // Jest 30 compiles in its module executor (jest is pinned exactly; a move fails loudly here).
    const executor = this.executor;
    if (typeof executor?.compile !== 'function' || !Array.isArray(executor.injectedModuleParameters))
      throw new Error('jest-runtime changed: __tests__/helpers/jest-runtime.js finds no executor.compile');
    const compileAfresh = executor.compile.bind(executor);
    executor.compile = (scriptSource, filename) => {
      const vmContext = executor.environment.getVmContext();
      if (vmContext == null || executor.resolution.isCoreModule(filename)) return compileAfresh(scriptSource, filename);
      const cached = compiledCode.get(filename);
      const reusable = cached !== undefined && cached.source === scriptSource;
      let compiled;
      try {
        compiled = vm.compileFunction(scriptSource, executor.injectedModuleParameters, {
          filename,
          parsingContext: vmContext,
          cachedData: reusable ? cached.data : undefined,
          produceCachedData: !reusable,
          importModuleDynamically: (specifier, _function, importAttributes, phase) =>
            executor.dynamicImport(specifier, filename, vmContext, importAttributes, phase),
        });
      } catch {
        return compileAfresh(scriptSource, filename); // Jest's own messages for syntax errors
      }
      if (!reusable && compiled.cachedData)
        compiledCode.set(filename, { source: scriptSource, data: compiled.cachedData });
      return compiled;
    };
  }
}

module.exports = CodeCachingRuntime;
