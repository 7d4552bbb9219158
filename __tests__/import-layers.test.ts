import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

// The code's layers as its imports follow them (types included): no file imports a file that
// imports it, however long the way round, and in tools/review/ no layer imports one above it —
// terraform-json below everything, then model/, then sources/ and rules/ (apart from each other),
// then assessment/, then render/, then the pipeline and the command line.

const ROOT = path.join(__dirname, '..');

/** Every TypeScript file of the project outside the tests, with the project files it imports. */
function importGraph(): Map<string, string[]> {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file && !file.startsWith('__tests__/') && !file.endsWith('.d.ts'))
    .filter((file) => fs.existsSync(path.join(ROOT, file)));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const imports = new Set<string>();
    for (const match of source.matchAll(/(?:from\s*|require\(|import\()['"](\.[^'"]+)['"]/g)) {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]));
      const target = [`${base}.ts`, `${base}/index.ts`].find((candidate) => known.has(candidate));
      if (target) imports.add(target);
    }
    graph.set(file, [...imports]);
  }
  return graph;
}

/** The strongly connected groups of more than one file (Tarjan): each is an import circle. */
function circles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter++);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1) found.push(group.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

/** A review file's layer: higher numbers may import lower ones, never the reverse. */
function layerOf(file: string): { rank: number; name: string } | undefined {
  if (file === 'tools/terraform-json.ts') return { rank: 0, name: 'terraform-json' };
  if (!file.startsWith('tools/review/')) return undefined;
  const folder = file.split('/')[2];
  const ranks: Record<string, number> = { model: 1, sources: 2, rules: 2, assessment: 3, render: 4 };
  return folder in ranks ? { rank: ranks[folder], name: folder } : { rank: 5, name: 'pipeline' };
}

describe('imports', () => {
  const graph = importGraph();

  test('GIVEN the project files WHEN their imports are followed THEN no file imports one that imports it back', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(circles(graph)).toEqual([]);
  });

  test('GIVEN tools/review WHEN its imports are read THEN no layer imports one above it, and sources and rules do not import each other', () => {
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      const from = layerOf(file);
      for (const target of imports) {
        const to = layerOf(target);
        if (!from || !to) continue;
        if (to.rank > from.rank || (from.rank === 2 && to.rank === 2 && from.name !== to.name))
          wrong.push(`${file} (${from.name}) imports ${target} (${to.name})`);
      }
    }
    expect(wrong).toEqual([]);
    // Nothing below the tools imports them: lib/ and stacks/ stand on their own.
    const upward = [...graph].flatMap(([file, imports]) =>
      /^(lib|stacks)\//.test(file)
        ? imports.filter((target) => target.startsWith('tools/')).map((t) => `${file} → ${t}`)
        : [],
    );
    expect(upward).toEqual([]);
  });

  test('GIVEN a circle WHEN the check meets one THEN it names it (the check is not vacuous)', () => {
    const graphWithCircle = new Map(graph);
    graphWithCircle.set('tools/terraform-json.ts', ['tools/review/review.ts']);
    expect(circles(graphWithCircle).length).toBeGreaterThan(0);
  });
});
