import * as fs from 'fs';
import * as path from 'path';
import { parseReviewArguments } from '../tools/review/arguments';
import { parseStatusArguments } from '../tools/status/arguments';
import { parseLeftoverArguments } from '../tools/leftovers/arguments';
import { CdktfCommand, cdktfRefusal, stacksOf } from './helpers/cdktf-cli';
import { configWith, synthLab } from './helpers/synth';
import { DOC_PAGES, readPage } from '../tools/docs';

// Every cdktf command the documentation (README and docs/) tells a user to run, checked against cdktf-cli 0.21's own
// stack-selection rules (its cli-core helpers, the code `cdktf deploy|destroy` runs) and the stacks
// and dependencies the app really declares. readme-commands.e2e.test.ts runs the real CLI.

const ROOT = path.resolve(__dirname, '..');
/**
 * `npx cdktf <verb> …` commands of a Markdown text: whole commands in code blocks (joined across
 * `\` continuations, `> ` quote marks removed) and inline code spans that name at least one stack.
 */
export function cdktfCommands(markdown: string): CdktfCommand[] {
  const commands: CdktfCommand[] = [];
  const parse = (text: string) => {
    const match = /^(?:npx )?cdktf (deploy|destroy|diff|output)((?:\s+\S+)*)/.exec(text.trim());
    if (!match) return;
    const words = match[2].trim().split(/\s+/).filter(Boolean);
    // The command ends at a comment or a shell operator (`cdktf deploy a && npm run status`).
    const end = words.findIndex((word) => word.startsWith('#') || ['&&', '||', ';', '|'].includes(word));
    const args = end < 0 ? words : words.slice(0, end);
    commands.push({
      line: text.trim(),
      verb: match[1] as CdktfCommand['verb'],
      stacks: args.filter((word) => !word.startsWith('-')),
      flags: args.filter((word) => word.startsWith('-')),
    });
  };
  let inBlock = false;
  let pending = '';
  for (const raw of markdown.split('\n')) {
    const line = raw.replace(/^>\s?/, '');
    if (/^\s*```/.test(line)) {
      inBlock = !inBlock;
      continue;
    }
    if (inBlock) {
      const joined = pending + line;
      if (joined.trimEnd().endsWith('\\')) {
        pending = `${joined.trimEnd().slice(0, -1)} `;
        continue;
      }
      pending = '';
      if (/^\s*(npx )?cdktf (deploy|destroy|diff|output)\b/.test(joined)) parse(joined);
      continue;
    }
    for (const span of line.matchAll(/`((?:npx )?cdktf (?:deploy|destroy|diff|output) [A-Za-z0-9_ *.-]+)`/g))
      parse(span[1]);
  }
  return commands;
}

describe('the cdktf commands of the documentation (the README and every docs page)', () => {
  const readme = DOC_PAGES.map((page) => readPage(page)).join('\n');
  // The default app, and the app with the optional session audit (SSM_LAB_SESSION_AUDIT=true): a
  // command that names lab-session-audit is meant for the second, every other for the first.
  const stacks = stacksOf(synthLab());
  const auditStacks = stacksOf(synthLab(configWith({ SSM_LAB_SESSION_AUDIT: 'true' })));
  const appFor = (command: CdktfCommand) => (command.stacks.includes('lab-session-audit') ? auditStacks : stacks);
  const commands = cdktfCommands(readme);

  test('GIVEN the documentation WHEN read THEN it documents deploy and destroy of every stack, the optional ones included', () => {
    for (const verb of ['deploy', 'destroy'] as const) {
      const named = new Set(commands.filter((c) => c.verb === verb).flatMap((c) => c.stacks));
      expect([...named].sort()).toEqual(auditStacks.map((s) => s.name).sort());
    }
  });

  test.each(cdktfCommands(readme).map((c) => [c.line, c]))(
    'GIVEN `%s` WHEN cdktf selects its stacks (in the app it is meant for) THEN it runs',
    (_, command) => {
      expect(command.flags.filter((flag) => flag.startsWith('--ignore-missing'))).toEqual([]);
      expect(cdktfRefusal(command, appFor(command))).toBeUndefined();
    },
  );

  test('GIVEN the session audit on WHEN the default teardown is used THEN cdktf refuses it, so the documentation gives the audit its own', () => {
    const teardown = cdktfCommands(
      '`npx cdktf destroy lab-ssh lab-ssm-public lab-ssm-nat lab-ssm-endpoint lab-eice lab-network`',
    )[0];
    expect(cdktfRefusal(teardown, auditStacks)).toContain('not included in the stacks to run: lab-session-audit');
    expect(readme).toContain(
      'npx cdktf destroy lab-ssh lab-ssm-public lab-ssm-nat lab-ssm-endpoint lab-eice lab-session-audit lab-network',
    );
  });

  test('GIVEN the rule WHEN applied to the commands the documentation used to give THEN each is refused as cdktf refused it', () => {
    const refusal = (line: string) => cdktfRefusal(cdktfCommands(`\`${line}\``)[0], stacks);
    expect(refusal('npx cdktf destroy lab-network')).toContain(
      'The following dependant stacks are not included in the stacks to run: lab-eice, lab-ssh, lab-ssm-endpoint, lab-ssm-nat, lab-ssm-public',
    );
    expect(refusal('npx cdktf deploy lab-ssm-public')).toContain(
      'The following dependencies are not included in the stacks to run: lab-network',
    );
    expect(refusal('npx cdktf deploy lab-netwrok')).toContain('Could not find stack');
    expect(refusal('npx cdktf destroy lab-ssm-nat')).toBeUndefined();
  });

  test('GIVEN continuation lines, quotes and comments WHEN extracted THEN each command is whole', () => {
    const text = [
      '```sh',
      'npx cdktf deploy ssm-endpoints \\',
      "  --var='ttl=4h'   # a comment",
      '```',
      '> ```sh',
      '> npx cdktf destroy a b',
      '> ```',
      'Run `cdktf deploy` or `cdktf diff lab-ssh`.',
      '```sh',
      'npx cdktf deploy lab-network lab-ssm-nat && npm run status -- --wait 5m',
      '```',
    ].join('\n');
    expect(cdktfCommands(text).map(({ verb, stacks, flags }) => ({ verb, stacks, flags }))).toEqual([
      { verb: 'deploy', stacks: ['ssm-endpoints'], flags: ["--var='ttl=4h'"] },
      { verb: 'destroy', stacks: ['a', 'b'], flags: [] },
      { verb: 'diff', stacks: ['lab-ssh'], flags: [] },
      { verb: 'deploy', stacks: ['lab-network', 'lab-ssm-nat'], flags: [] },
    ]);
  });
});

describe('the npm commands of the documentation and the example workflow', () => {
  const sources = [
    ...DOC_PAGES.map((page) => readPage(page)),
    fs.readFileSync(path.join(ROOT, 'docs', 'examples', 'account-review.github-actions.yml'), 'utf8'),
  ].join('\n');
  /** `npm run <script> -- <args>` lines (code blocks, workflow steps and inline spans), comments dropped. */
  const npmCommands = (script: string) =>
    [...sources.matchAll(new RegExp(`npm run ${script}(?: -- ([^\\n\`#&|]*))?`, 'g'))].map((m) =>
      (m[1] ?? '').trim().split(/\s+/).filter(Boolean),
    );

  test('GIVEN every npm run review command WHEN parsed by the review itself THEN it is accepted, and the account mode is documented', () => {
    const commands = npmCommands('review');
    expect(commands.filter((argv) => argv.includes('--account')).length).toBeGreaterThanOrEqual(4);
    for (const argv of commands) expect(() => parseReviewArguments(argv)).not.toThrow();
  });

  test('GIVEN every npm run status command WHEN parsed by status itself THEN it is accepted, --wait included', () => {
    const commands = npmCommands('status');
    expect(commands.some((argv) => argv.includes('--wait'))).toBe(true);
    for (const argv of commands) expect(() => parseStatusArguments(argv)).not.toThrow();
  });

  test('GIVEN every npm run leftovers command WHEN parsed by leftovers itself THEN it is accepted, and the teardown ends with the listing', () => {
    const commands = npmCommands('leftovers');
    expect(commands.some((argv) => argv.includes('--delete'))).toBe(true);
    for (const argv of commands) expect(() => parseLeftoverArguments(argv)).not.toThrow();
    expect(sources).toMatch(
      /npx cdktf destroy lab-ssh lab-ssm-public lab-ssm-nat lab-ssm-endpoint lab-eice lab-network\n> npm run leftovers\n/,
    );
  });

  test('GIVEN every npm run command the documentation names WHEN looked up THEN package.json has that script', () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts);
    const named = [...new Set([...sources.matchAll(/npm run (?:--silent )?([\w:-]*\w)/g)].map((m) => m[1]))];
    expect(named).toEqual(
      expect.arrayContaining(['review', 'status', 'leftovers', 'test:node-versions', 'test:cdktn']),
    );
    expect(named.filter((script) => !scripts.includes(script))).toEqual([]);
  });

  test('GIVEN the parsers WHEN given a wrong command THEN they refuse it (the check above can fail)', () => {
    expect(() => parseReviewArguments(['--acount'])).toThrow();
    expect(() => parseStatusArguments(['--wait', 'soon'])).toThrow();
  });

  test('GIVEN the example workflow WHEN read THEN it posts the report the review writes and gates on the documented exit codes', () => {
    const workflow = fs.readFileSync(path.join(ROOT, 'docs', 'examples', 'account-review.github-actions.yml'), 'utf8');
    expect(workflow).toContain('id-token: write');
    expect(workflow).toContain('--body-file .review/account/report.md');
    expect(workflow).toMatch(/2\) echo .*exit 2/);
  });
});
