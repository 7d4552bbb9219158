/**
 * What `npm run status` is given: the lab's configuration, where its states are, the AWS clients
 * and how long to wait. Below status.ts and window.ts, which both take it.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { LabConfig } from '../../lib/config';

export interface StatusClients {
  readonly ec2: Pick<EC2Client, 'send'>;
  readonly ssm: Pick<SSMClient, 'send'>;
  readonly s3: Pick<S3Client, 'send'>;
  /**
   * For the window of `ssm-endpoints`: the instances' roles and policies.
   * @default an IAM client for the endpoints' region
   */
  readonly iam?: Pick<IAMClient, 'send'>;
}

export interface StatusOptions {
  readonly config: LabConfig;
  /** Where local state files are (the app's folder). */
  readonly projectDir: string;
  readonly clients: StatusClients;
  /** Keep polling this long (milliseconds) until everything is as expected. @default 0 (check once) */
  readonly waitMs?: number;
  /** Progress lines while waiting. */
  readonly progress?: (line: string) => void;
  /** For tests: the clock and the pause between polls. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}
