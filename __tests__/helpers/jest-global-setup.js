// Once per `jest` run, before any worker starts: a folder where the test files share the app
// synthesized without an outdir (helpers/synth.ts, synthLab). Workers inherit the variable;
// jest-global-teardown.js removes the folder, so nothing outlives the run that made it.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = function makeSharedSynthFolder() {
  process.env.JEST_SSM_LAB_SHARED_SYNTH = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-shared-synth-'));
};
