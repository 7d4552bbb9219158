/** The verdict lines of one instance's block in the review's printed text (`  <address> (…)` then indented lines). */
export function blockOf(text: string, address: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${address} `));
  if (start < 0) throw new Error(`no block for ${address} in:\n${text}`);
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('    '));
  return lines.slice(start + 1, end).map((line) => line.trim());
}
