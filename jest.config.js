// Jest with SWC: transpile only; `npm run typecheck` type-checks once before the suite (see npm test).
'use strict';

/** Files that run the real Terraform, or commands as processes (the app, the npm scripts, cdktf). */
const END_TO_END = ['<rootDir>/__tests__/**/*terraform*.test.ts', '<rootDir>/__tests__/**/*.e2e.test.ts'];

/** What both projects share. */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  // After the environment: Jest installs source-map-support between setupFiles and these.
  setupFilesAfterEnv: ['<rootDir>/__tests__/helpers/jest-setup.js'],
};

module.exports = {
  // One folder per run where the test files share the app they synthesize (helpers/synth.ts).
  globalSetup: '<rootDir>/__tests__/helpers/jest-global-setup.js',
  globalTeardown: '<rootDir>/__tests__/helpers/jest-global-teardown.js',
  // Jest's default on a 2-core machine is one worker; the files are independent. Three: the
  // emulator tier's files mostly wait (the AWS provider polls moto every few seconds), and a third
  // worker keeps both cores busy while one of them waits.
  maxWorkers: 3,
  projects: [
    // npm run test:unit: in process, milliseconds each.
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['terraform[^/]*\\.test\\.ts$', '\\.e2e\\.test\\.ts$'],
    },
    // npm run test:e2e: the real Terraform and commands as processes, with a longer timeout.
    {
      ...common,
      displayName: 'e2e',
      testMatch: END_TO_END,
      setupFilesAfterEnv: [...common.setupFilesAfterEnv, '<rootDir>/__tests__/helpers/jest-e2e-setup.js'],
    },
  ],
};
