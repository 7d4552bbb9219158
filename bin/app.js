#!/usr/bin/env node
// Runs a TypeScript entry point (default: main.ts) by transpiling each .ts file with SWC as it is
// required: no type-checking here (`npm test` runs tsc --noEmit), so a synth starts in milliseconds.
'use strict';
const fs = require('fs');
const path = require('path');
const { transformSync } = require('@swc/core');

const SWC_OPTIONS = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
  swcrc: false,
  configFile: false,
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...SWC_OPTIONS, filename });
  module._compile(code, filename);
};

require(path.resolve(process.argv[2] || path.join(__dirname, '..', 'main.ts')));
