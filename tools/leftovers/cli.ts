/** Entry point of `npm run leftovers [-- --delete [--yes]]` (run through bin/app.js). */
import * as path from 'path';
import * as readline from 'readline';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { KMSClient } from '@aws-sdk/client-kms';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { loadConfig } from '../../lib/config';
import { checkAwsProfile } from '../aws-errors';
import { runCli } from '../cli';
import { TOOL_VARIABLE_NAMES } from '../variables';
import { parseLeftoverArguments } from './arguments';
import { synthesizedNames } from './names';
import { deleteLeftovers, findLeftovers, LeftoverError, leftoversExitCode, leftoversText } from './leftovers';

// The pinned SDK supports Node 20; its notice about later releases would bury the listing.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function confirm(count: number): Promise<boolean> {
  if (!process.stdin.isTTY) throw new LeftoverError('--delete asks before deleting; without a terminal, add --yes');
  const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await new Promise<string>((resolve) =>
    prompt.question(`Delete these ${count} resource(s)? Type yes: `, resolve),
  );
  prompt.close();
  return answer.trim() === 'yes';
}

async function main(): Promise<number> {
  const args = parseLeftoverArguments(process.argv.slice(3));
  const config = loadConfig(process.env, { otherVariables: TOOL_VARIABLE_NAMES });
  checkAwsProfile(process.env, 'npm run leftovers');
  const clients = {
    tagging: new ResourceGroupsTaggingAPIClient({ region: config.region }),
    iam: new IAMClient({ region: config.region }),
    ec2: new EC2Client({ region: config.region }),
    scheduler: new SchedulerClient({ region: config.region }),
    s3: new S3Client({ region: config.stateBackend?.region ?? config.region }),
    kms: new KMSClient({ region: config.region }),
  };
  const options = { config, projectDir: path.join(__dirname, '..', '..'), clients };
  const listing = await findLeftovers(options, synthesizedNames(config));
  process.stdout.write(leftoversText(config, listing));
  const { leftovers } = listing;
  if (leftovers.length === 0 || !args.delete) return leftoversExitCode(listing);
  if (!args.yes && !(await confirm(leftovers.length))) {
    process.stdout.write('Nothing deleted.\n');
    return 2;
  }
  for (const line of await deleteLeftovers(options, leftovers)) process.stdout.write(`  ${line}\n`);
  const after = await findLeftovers(options, {});
  process.stdout.write(
    after.leftovers.length === 0 && after.unchecked.length === 0
      ? 'Nothing left over now.\n'
      : leftoversText(config, after),
  );
  return leftoversExitCode(after);
}

runCli('leftovers', main, (error) => error instanceof LeftoverError);
