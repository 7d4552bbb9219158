/**
 * npm's engine check, read from the lockfile: `npm ci` warns (EBADENGINE) for every installed package
 * whose `engines.node` does not accept the Node running it, and package-lock.json records each
 * package's `engines`. Used by the dependency tests (the machine's Node, and every line `engines`
 * names for the pinned AWS SDK) and by scripts/node-versions.js (each line's own binary).
 */
'use strict';
const fs = require('fs');
const path = require('path');
const semver = require('semver');

const ROOT = path.resolve(__dirname, '..');

/** Every locked package with an `engines.node` range: its install path, name, version and range. */
function lockedEngines(lockfile = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'))) {
  return Object.entries(lockfile.packages ?? {})
    .filter(([location, entry]) => location !== '' && typeof entry.engines?.node === 'string')
    .map(([location, entry]) => ({
      location,
      name: entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length),
      version: entry.version,
      range: entry.engines.node,
    }));
}

/** The packages whose range refuses this Node version (npm ci's EBADENGINE warnings), as text lines. */
function refusing(nodeVersion, packages = lockedEngines()) {
  return packages
    .filter(({ range }) => !semver.satisfies(nodeVersion, range, { includePrerelease: true }))
    .map(({ name, version, range }) => `${name}@${version} needs node ${range}`);
}

/** The packages whose range leaves out part of a line we claim (a `^22` of package.json's engines). */
function narrowerThan(line, packages) {
  return packages
    .filter(({ range }) => !semver.subset(line, range))
    .map(({ name, version, range }) => `${name}@${version} needs node ${range}, narrower than ${line}`);
}

module.exports = { lockedEngines, refusing, narrowerThan };
