// Once per `jest` run, after every test file: removes what jest-global-setup.js made.
'use strict';
const fs = require('fs');

module.exports = function removeSharedSynthFolder() {
  const folder = process.env.JEST_SSM_LAB_SHARED_SYNTH;
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
};
