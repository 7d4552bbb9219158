#!/usr/bin/env node
// Runs a TypeScript entry point (default: main.ts) by transpiling each .ts file with SWC as it is
// required: no type-checking here (`npm test` runs tsc --noEmit), so a synth starts in milliseconds.
'use strict';
const fs = require('fs');
const path = require('path');
const { transformSync } = require('@swc/core');

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

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...SWC_OPTIONS, filename });
  module._compile(code, filename);
};

require(path.resolve(process.argv[2] || path.join(__dirname, '..', 'main.ts')));
