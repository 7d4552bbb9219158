/**
 * `npm run docs [-- <project folder>]`: rewrites the generated sections of the README and of every
 * docs/ page from the code, and says which pages changed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from './cli';
import { DOC_PAGES, GENERATED_SECTIONS, withGeneratedSections } from './docs';

async function main(): Promise<number> {
  const root = path.resolve(process.argv[3] ?? path.join(__dirname, '..'));
  const rewritten: string[] = [];
  for (const page of DOC_PAGES.filter((candidate) => GENERATED_SECTIONS[candidate])) {
    const file = path.join(root, page);
    const before = fs.readFileSync(file, 'utf8');
    const after = withGeneratedSections(page, before);
    if (after !== before) {
      fs.writeFileSync(file, after);
      rewritten.push(page);
    }
  }
  process.stdout.write(
    rewritten.length === 0
      ? 'docs: generated sections are up to date.\n'
      : `docs: generated sections rewritten in ${rewritten.join(', ')}.\n`,
  );
  return 0;
}

// A page without its markers, or one that cannot be read: one line, exit 1.
runCli('docs', main, () => true);
