import * as fs from 'fs';
import * as path from 'path';
import { CdktfManifest, synthLab } from './synth';

// cdktf-cli 0.21's own stack-selection rules (its cli-core helpers, the code `cdktf deploy|destroy`
// runs), and the CLI itself, for the tests of the README's cdktf commands.

const ROOT = path.resolve(__dirname, '..', '..');
/** The cdktf CLI that `npx cdktf` runs, with no network check and no user settings. */
export const CDKTF_CLI = path.join(ROOT, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf');
export const CLI_ENV = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  CHECKPOINT_DISABLE: '1',
  CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1',
  CI: '1',
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdktfRules = require('@cdktf/cli-core/src/lib/helpers/stack-helpers') as {
  getMultipleStacks(stacks: SynthesizedStack[], patterns: string[], action: string): SynthesizedStack[];
  getSingleStack(stacks: SynthesizedStack[], name: string, action: string): SynthesizedStack;
  checkIfAllDependenciesAreIncluded(stacksToRun: SynthesizedStack[]): void;
  checkIfAllDependantsAreIncluded(stacksToRun: SynthesizedStack[], all: SynthesizedStack[]): void;
};

/** A cdktf command as the README writes it. */
export interface CdktfCommand {
  readonly line: string;
  readonly verb: 'deploy' | 'destroy' | 'diff' | 'output';
  readonly stacks: string[];
  readonly flags: string[];
}

export interface SynthesizedStack {
  readonly name: string;
  readonly dependencies: string[];
}

/** The stacks and dependencies of a synthesized app, from its manifest (what cdktf reads). */
export function stacksOf(lab: ReturnType<typeof synthLab>): SynthesizedStack[] {
  const manifest: CdktfManifest = JSON.parse(fs.readFileSync(path.join(lab.outdir, 'manifest.json'), 'utf8'));
  return Object.entries(manifest.stacks).map(([name, stack]) => ({ name, dependencies: stack.dependencies }));
}

/** cdktf's refusal of a command, in cdktf's own words, or undefined when cdktf would run it. */
export function cdktfRefusal(command: CdktfCommand, all: SynthesizedStack[]): string | undefined {
  try {
    if (command.verb === 'diff') {
      if (command.stacks.length !== 1) return 'cdktf diff takes exactly one stack';
      cdktfRules.getSingleStack(all, command.stacks[0], 'diff');
      return undefined;
    }
    const chosen = cdktfRules.getMultipleStacks(all, command.stacks, command.verb);
    if (command.flags.includes('--ignore-missing-stack-dependencies')) return undefined;
    if (command.verb === 'deploy') cdktfRules.checkIfAllDependenciesAreIncluded(chosen);
    if (command.verb === 'destroy') cdktfRules.checkIfAllDependantsAreIncluded(chosen, all);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
