#!/usr/bin/env node
// Parses every Mermaid diagram in the given files (```mermaid blocks of Markdown, or whole .mmd
// files) with Mermaid itself, so a diagram that would not render fails a test.
// Usage: node scripts/check-mermaid.mjs README.md .review/lab.mmd
import fs from 'fs';
import { createRequire } from 'module';
import vm from 'vm';

const require = createRequire(import.meta.url);
// Mermaid expects a browser (its sanitizer needs a DOM); a happy-dom window is enough for parsing.
const { Window } = require('happy-dom');
const window = new Window();
globalThis.window = window;
globalThis.document = window.document;
globalThis.DOMParser = window.DOMParser;
globalThis.Element = window.Element;
Object.defineProperty(globalThis, 'navigator', { value: window.navigator, configurable: true });
// Mermaid's own one-file build (@mermaid-js/tiny: every diagram type but mindmap and architecture,
// no dependencies): a browser script, so it runs as one, in the global scope, and sets globalThis.mermaid.
const tiny = require.resolve('@mermaid-js/tiny');
vm.runInThisContext(fs.readFileSync(tiny, 'utf8'), { filename: tiny });
const { mermaid } = globalThis;
mermaid.initialize({ startOnLoad: false });

let failures = 0;
let diagrams = 0;
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, 'utf8');
  const blocks = file.endsWith('.md')
    ? [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((match) => match[1])
    : [text];
  for (const [index, block] of blocks.entries()) {
    diagrams += 1;
    try {
      await mermaid.parse(block);
    } catch (error) {
      failures += 1;
      console.error(
        `${file}: diagram ${index + 1} does not parse: ${String(error?.message ?? error)
          .split('\n')
          .slice(0, 4)
          .join(' ')}`,
      );
    }
  }
}
console.log(`${diagrams} diagram(s) checked, ${failures} failed`);
await window.happyDOM.close();
process.exit(failures > 0 || diagrams === 0 ? 1 : 0);
