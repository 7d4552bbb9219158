import * as fs from 'fs';
import * as path from 'path';

// What `npm ci` checks against the Node it runs on, read from the lockfile: every locked package's
// `engines.node`. A package that refuses a Node line package.json's `engines` names is an EBADENGINE
// warning (and possibly a crash) for the users on that line: the pinned AWS SDK's next line, which
// announces node >=22, is the one expected; moving to it fails here until engines drops Node 20.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const engines = require('../scripts/engines.js') as {
  lockedEngines(lockfile?: unknown): { location: string; name: string; version: string; range: string }[];
  refusing(nodeVersion: string, packages?: ReturnType<typeof engines.lockedEngines>): string[];
  narrowerThan(line: string, packages: ReturnType<typeof engines.lockedEngines>): string[];
};

const ROOT = path.resolve(__dirname, '..');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const LINES: string[] = PACKAGE.engines.node.split(' || ');
const AWS_SDK = /^@aws-sdk\/|^@smithy\/|^@aws-crypto\//;

describe("the dependencies' Node engines", () => {
  const locked = engines.lockedEngines();

  test('GIVEN the lockfile WHEN npm ci checks engines on this Node THEN no package refuses it', () => {
    expect(locked.length).toBeGreaterThan(100);
    expect(engines.refusing(process.versions.node)).toEqual([]);
  });

  test.each(LINES)(
    'GIVEN the engines line %s WHEN every locked package is compared THEN each accepts all of it',
    (line) => {
      expect(engines.narrowerThan(line, locked)).toEqual([]);
    },
  );

  test('GIVEN the pinned AWS SDK WHEN its packages are read THEN each client is pinned exactly and each SDK package is installed once', () => {
    const clients = Object.entries(PACKAGE.dependencies as Record<string, string>).filter(([name]) =>
      name.startsWith('@aws-sdk/client-'),
    );
    expect(clients.length).toBeGreaterThan(0);
    // Exact pins: a range would let npm take the next line's releases in a fresh lock.
    for (const [name, version] of clients) expect(`${name}@${version}`).toMatch(/@\d+\.\d+\.\d+$/);
    const sdk = locked.filter(({ name }) => AWS_SDK.test(name));
    expect(sdk.map(({ location }) => location)).toContain('node_modules/@aws-sdk/core');
    // One copy of each SDK package: two would mean two clients built on different cores.
    const locations = sdk.map(({ location }) => location);
    expect(locations.filter((location) => location.split('node_modules/').length > 2)).toEqual([]);
  });

  test.each([
    ['the SDK line after January 2027', { name: '@aws-sdk/core', range: '>=22.0.0' }, '20.20.2', '^20.19.0', 1],
    ['a patch-level floor', { name: 'eslint', range: '^20.19.0 || >=22' }, '20.18.0', '^20', 1],
    ['an open range', { name: '@smithy/types', range: '>=18.0.0' }, '20.0.0', '^20', 0],
  ])('GIVEN %s WHEN checked THEN npm ci warns exactly when the range refuses', (_case, pkg, version, line, count) => {
    const packages = [{ location: `node_modules/${pkg.name}`, version: '1.0.0', ...pkg }];
    expect(engines.refusing(version, packages)).toHaveLength(count);
    expect(engines.narrowerThan(line, packages)).toHaveLength(count);
  });
});
