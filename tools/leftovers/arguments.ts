/** The command line of `npm run leftovers`. */
import { LeftoverError } from './leftovers';

/** The command line: `--delete` and `--yes`. */
export function parseLeftoverArguments(argv: readonly string[]): { delete: boolean; yes: boolean } {
  const known = new Set(['--delete', '--yes']);
  for (const arg of argv) {
    if (!known.has(arg)) throw new LeftoverError(`unknown argument "${arg}": expected --delete, optionally with --yes`);
  }
  if (argv.includes('--yes') && !argv.includes('--delete')) throw new LeftoverError('--yes only applies to --delete');
  return { delete: argv.includes('--delete'), yes: argv.includes('--yes') };
}
