/** Jest with SWC: transpile only; `tsc --noEmit` type-checks once before the suite (see npm test). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
