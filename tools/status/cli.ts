/** Entry point of `npm run status [-- --wait 5m]` (run through bin/app.js). */
import * as path from 'path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { loadConfig } from '../../lib/config';
import { runCli } from '../cli';
import { TOOL_VARIABLE_NAMES } from '../variables';
import { parseStatusArguments } from './arguments';
import { checkAwsProfile } from '../aws-errors';
import { checkStatus, StatusError } from './status';

// The pinned SDK supports the Node 20 this project runs on; its notice about later releases
// needing Node 22 would only bury the status lines (see the README's Development section).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<number> {
  const { waitMs } = parseStatusArguments(process.argv.slice(3));
  const config = loadConfig(process.env, { otherVariables: TOOL_VARIABLE_NAMES });
  checkAwsProfile(process.env, 'npm run status');
  const clients = {
    ec2: new EC2Client({ region: config.region }),
    ssm: new SSMClient({ region: config.region }),
    s3: new S3Client({ region: config.stateBackend?.region ?? config.region }),
    iam: new IAMClient({ region: config.region }),
  };
  const result = await checkStatus({
    config,
    projectDir: path.join(__dirname, '..', '..'),
    clients,
    waitMs,
    progress: (line) => process.stdout.write(`  ${line}\n`),
  });
  process.stdout.write(result.text);
  return result.exitCode;
}

runCli('status', main, (error) => error instanceof StatusError);
