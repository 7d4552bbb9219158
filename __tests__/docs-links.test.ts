import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DOC_PAGES } from '../tools/docs';

// Every relative link and anchor of every page resolves as GitHub resolves it, and every page is
// reachable from the README.

const ROOT = path.resolve(__dirname, '..');

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
function anchorOf(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The lines outside fenced code blocks. */
function prose(text: string): string[] {
  let fenced = false;
  return text.split('\n').filter((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** A page's anchors, numbered as GitHub numbers repeated headings (`x`, `x-1`, …). */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of prose(text)) {
    const heading = /^#{1,6} (.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = anchorOf(heading);
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return anchors;
}

/** Relative links of a page's prose (inline code left out), as written. */
function linksOf(text: string): string[] {
  return prose(text)
    .map((line) => line.replace(/`[^`]*`/g, ''))
    .flatMap((line) => [...line.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]))
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** What is wrong with each link of `page` (relative to `root`): a missing file or anchor. */
function brokenLinks(page: string, root = ROOT): string[] {
  const text = fs.readFileSync(path.join(root, page), 'utf8');
  const problems: string[] = [];
  for (const link of linksOf(text)) {
    const [file, anchor] = link.split('#');
    const target = file === '' ? path.join(root, page) : path.resolve(path.dirname(path.join(root, page)), file);
    if (!fs.existsSync(target)) {
      problems.push(`${page}: ${link} — no file ${path.relative(root, target)}`);
      continue;
    }
    if (anchor !== undefined && !anchorsOf(fs.readFileSync(target, 'utf8')).has(anchor))
      problems.push(`${page}: ${link} — ${path.relative(root, target)} has no heading #${anchor}`);
  }
  return problems;
}

describe('the documentation links', () => {
  test('GIVEN every page WHEN its relative links and anchors are followed THEN each reaches a file and a heading', () => {
    expect(DOC_PAGES.flatMap((page) => brokenLinks(page))).toEqual([]);
  });

  test('GIVEN the README WHEN its links are followed page to page THEN every docs page is reached, and every page in docs/ is one of them', () => {
    const reached = new Set<string>(['README.md']);
    const queue = ['README.md'];
    while (queue.length > 0) {
      const page = queue.shift()!;
      for (const link of linksOf(fs.readFileSync(path.join(ROOT, page), 'utf8'))) {
        const file = link.split('#')[0];
        if (!file.endsWith('.md')) continue;
        const target = path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, page)), file));
        if (!reached.has(target)) {
          reached.add(target);
          queue.push(target);
        }
      }
    }
    expect(DOC_PAGES.filter((page) => !reached.has(page))).toEqual([]);
    const inFolder = fs
      .readdirSync(path.join(ROOT, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`);
    expect(inFolder.filter((page) => !(DOC_PAGES as readonly string[]).includes(page))).toEqual([]);
  });

  test('GIVEN headings as GitHub writes their anchors WHEN computed THEN punctuation goes and spaces become hyphens', () => {
    expect(anchorOf('`lab-ssh` — SSH over the internet (the baseline)')).toBe(
      'lab-ssh--ssh-over-the-internet-the-baseline',
    );
    expect(anchorOf('Temporary endpoints for an existing VPC: `ssm-endpoints`')).toBe(
      'temporary-endpoints-for-an-existing-vpc-ssm-endpoints',
    );
    expect(anchorOf('Is it online? `npm run status`')).toBe('is-it-online-npm-run-status');
  });

  test('GIVEN a page with a link to a missing heading and a missing file WHEN checked THEN both are named', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-links-'));
    fs.mkdirSync(path.join(root, 'docs'));
    fs.writeFileSync(path.join(root, 'docs', 'a.md'), '# A\n\n## Real heading\n');
    fs.writeFileSync(
      path.join(root, 'README.md'),
      '# R\n\n[ok](docs/a.md#real-heading) [bad](docs/a.md#no-such) [gone](docs/b.md) `[code](x.md)`\n',
    );
    expect(brokenLinks('README.md', root)).toEqual([
      'README.md: docs/a.md#no-such — docs/a.md has no heading #no-such',
      'README.md: docs/b.md — no file docs/b.md',
    ]);
  });
});
