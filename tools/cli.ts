/**
 * How every tool's entry point ends: its exit code, or one line on stderr and exit code 1 — with
 * the stack trace only under SSM_LAB_DEBUG=1, and never for an error the tool expected.
 */
import { AwsSettingsError } from './aws-errors';
import { debugging } from './variables';

export function runCli(name: string, main: () => Promise<number>, expected: (error: unknown) => boolean): void {
  // A reader that stops early (`| head`) is no failure of the tool.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  main().then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`ssm-access-lab ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
      if (!expected(error) && !(error instanceof AwsSettingsError) && debugging() && error instanceof Error)
        process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}
