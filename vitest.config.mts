// Vitest: transpile only (esbuild); `npm run typecheck` type-checks once before the suite (see npm test).
import { defineConfig } from 'vitest/config';

/** Files that run the real Terraform, or commands as processes (the app, the npm scripts, cdktf). */
const END_TO_END = ['__tests__/**/*terraform*.test.ts', '__tests__/**/*.e2e.test.ts'];

export default defineConfig({
  test: {
    globals: true,
    // Child processes (each file's Terraform and CLI runs), one per core. Files run one after
    // another in each, sharing loaded modules: cdktf and the provider bindings load once per
    // process, not once per file (19.7 → 11.6 s for the unit files). So a file gives back what it
    // changes globally (mocked AWS clients, fake timers) when it ends.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1, isolate: false } },
    setupFiles: ['__tests__/helpers/fast-stack-traces.js'],
    snapshotFormat: { escapeString: false, printBasicPrototype: false },
    projects: [
      // npm run test:unit: in process, milliseconds each.
      { extends: true, test: { name: 'unit', include: ['__tests__/**/*.test.ts'], exclude: END_TO_END } },
      // npm run test:e2e: a Terraform plan takes seconds, a review of five stacks a minute.
      { extends: true, test: { name: 'e2e', include: END_TO_END, testTimeout: 240_000, hookTimeout: 240_000 } },
    ],
  },
});
