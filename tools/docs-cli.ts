/** `npm run docs [-- <readme>]`: rewrites the README's generated sections from the code. */
import * as fs from 'fs';
import * as path from 'path';
import { withGeneratedSections } from './docs';

const readmePath = path.resolve(process.argv[3] ?? path.join(__dirname, '..', 'README.md'));
const before = fs.readFileSync(readmePath, 'utf8');
const after = withGeneratedSections(before);
if (after !== before) fs.writeFileSync(readmePath, after);
process.stdout.write(
  `${path.basename(readmePath)}: ${after === before ? 'generated sections are up to date' : 'generated sections rewritten'}.\n`,
);
