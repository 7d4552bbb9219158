#!/usr/bin/env node
// Runs a TypeScript entry point (default: main.ts) by transpiling each .ts file with SWC as it is
// required: no type-checking here (`npm test` runs `npm run typecheck`), so a synth starts in milliseconds.
// Transpiled files are cached by content (node_modules/.cache), so an unchanged file costs a read:
// SWC itself is loaded only when something changed.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

// Source maps only for debugging (SSM_LAB_DEBUG=1 prints stack traces, then at the TypeScript
// lines): making and applying them costs about a third of a synth's time, for traces nobody sees.
const DEBUG = process.env.SSM_LAB_DEBUG === '1';
if (DEBUG) process.setSourceMapsEnabled(true);

const SWC_OPTIONS = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: DEBUG ? 'inline' : false,
  swcrc: false,
  configFile: false,
};
const CACHE_DIR = path.join(__dirname, '..', 'node_modules', '.cache', 'ssm-access-lab-swc');
// The SWC version and the options are part of every key: a new SWC or setting never reads old output.
const CACHE_SALT = `${require('@swc/core/package.json').version}\0${JSON.stringify(SWC_OPTIONS)}\0`;

let swc;
function transpile(source, filename) {
  const key = crypto.createHash('sha256').update(CACHE_SALT).update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    swc ??= require('@swc/core');
    const { code } = swc.transformSync(source, { ...SWC_OPTIONS, filename });
    try {
      // Write then rename: a concurrent run never reads half a file.
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      const partial = `${cached}.${process.pid}`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, cached);
    } catch {
      // A read-only tree runs uncached.
    }
    return code;
  }
}

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};

const entry = path.resolve(process.argv[2] || path.join(__dirname, '..', 'main.ts'));
// Node maps stack traces through source maps only for the modules it compiles itself.
if (!DEBUG && process.env.SSM_LAB_CODE_CACHE !== 'off') require('./code-cache').enableCodeCache(entry);
require(entry);
