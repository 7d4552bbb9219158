import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// npm run docs as a user types it.

const ROOT = path.resolve(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

describe('npm run docs', () => {
  test('GIVEN a stale copy of the README WHEN npm run docs runs on it THEN the sections are rewritten and the rest is kept', () => {
    const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-docs-')), 'README.md');
    const stale = README.replace(/(\| `SSMLAB-EC2-1` \| )IMDSv2 required/, '$1an outdated title');
    expect(stale).not.toBe(README);
    fs.writeFileSync(copy, stale);
    const result = spawnSync('npm', ['run', '--silent', 'docs', '--', copy], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('README.md: generated sections rewritten.\n');
    expect(fs.readFileSync(copy, 'utf8')).toBe(README);
  });
});
