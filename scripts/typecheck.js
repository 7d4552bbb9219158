#!/usr/bin/env node
// `npm run typecheck`: every TypeScript file of the project, checked once (no output is written).
// `tsc --build` keeps what it checked in a build-info file and, when no file of the project changed
// since, finishes in a fraction of a second instead of re-reading ~2,500 declaration files. It
// does not notice changes inside node_modules, so the build info lives there (npm ci starts it
// afresh) and is dropped whenever an npm install has rewritten node_modules/.package-lock.json.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { installStamp } = require('../bin/code-cache');

const ROOT = path.resolve(__dirname, '..');
const BUILD_INFO = path.join(
  ROOT,
  JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')).compilerOptions.tsBuildInfoFile,
);
const STAMP = `${BUILD_INFO}.install`;

const stamp = installStamp(path.join(ROOT, 'node_modules')) ?? 'none';
let checkedWith;
try {
  checkedWith = fs.readFileSync(STAMP, 'utf8');
} catch {
  checkedWith = undefined;
}
if (checkedWith !== stamp) {
  fs.rmSync(BUILD_INFO, { force: true });
  fs.mkdirSync(path.dirname(STAMP), { recursive: true });
  fs.writeFileSync(STAMP, stamp);
}
const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--build'], {
  cwd: ROOT,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
