#!/usr/bin/env node
// Parses every Mermaid diagram in the given files (```mermaid blocks of Markdown, or whole .mmd
// files) with Mermaid itself, so a diagram that would not render fails a test.
// Usage: node scripts/check-mermaid.mjs README.md .review/lab.mmd
import fs from 'fs';
import { JSDOM } from 'jsdom';

// Mermaid expects a browser; a jsdom window is enough for parsing.
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
globalThis.Element = dom.window.Element;
Object.defineProperty(globalThis, 'navigator', { value: dom.window.navigator, configurable: true });
const { default: mermaid } = await import('mermaid');
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
process.exit(failures > 0 || diagrams === 0 ? 1 : 0);
