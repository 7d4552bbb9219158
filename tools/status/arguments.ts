/** The command line of `npm run status`. */
import { StatusError } from './status';

/** `90s`, `5m`, `1h` → milliseconds; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(s|m|h)$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
}

/** The command line: `--wait <duration>` or nothing. */
export function parseStatusArguments(argv: readonly string[]): { waitMs: number } {
  let waitMs = 0;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--wait=')
      ? ['--wait', argv[i].slice('--wait='.length)]
      : [argv[i], undefined];
    if (flag !== '--wait')
      throw new StatusError(`unknown argument "${argv[i]}": expected --wait <duration>, e.g. --wait 5m`);
    const text = inline ?? argv[++i] ?? '';
    const parsed = parseDuration(text);
    if (parsed === undefined || parsed > 3_600_000) {
      throw new StatusError(`--wait "${text}" is invalid: expected a duration such as 90s, 5m or 1h (at most 1h)`);
    }
    waitMs = parsed;
  }
  return { waitMs };
}
