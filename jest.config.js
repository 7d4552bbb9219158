/** Jest with SWC: transpile only; `tsc --noEmit` type-checks once before the suite (see npm test). */
module.exports = {
  testEnvironment: 'node',
  // Jest's default on a 2-core machine is one worker; the suites are independent, so use both cores.
  maxWorkers: 2,
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  // After the environment: Jest installs source-map-support between setupFiles and these.
  setupFilesAfterEnv: ['<rootDir>/__tests__/helpers/fast-stack-traces.js'],
};
