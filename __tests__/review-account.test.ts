import * as os from 'os';
import * as path from 'path';
import { accountEnvironment, explainFailure } from '../tools/review/sources/account';
import { needsInit } from '../tools/terraform-cli';
import { offlineEnvironment } from '../tools/review/sources/offline-app';
import { parseReviewArguments, wantsJson } from '../tools/review/arguments';
import { ReviewError } from '../tools/review/sources/common';

describe('review arguments', () => {
  test('GIVEN no arguments WHEN parsed THEN the offline review', () => {
    expect(parseReviewArguments([])).toEqual({
      account: false,
      endpointsArgs: [],
      stacks: undefined,
      refresh: true,
      format: 'text',
    });
  });

  test('GIVEN --account with ssm-endpoints inputs and stacks WHEN parsed THEN Terraform arguments, in both spellings', () => {
    const parsed = parseReviewArguments([
      '--account',
      '--var',
      'vpc_id=vpc-0123456789abcdef0',
      '--var=ttl=4h',
      '--var-file=endpoints.tfvars',
      '--stack',
      'lab-ssm-nat',
      '--refresh=false',
    ]);
    expect(parsed).toEqual({
      account: true,
      endpointsArgs: [
        '-var=vpc_id=vpc-0123456789abcdef0',
        '-var=ttl=4h',
        `-var-file=${path.resolve('endpoints.tfvars')}`,
      ],
      stacks: ['lab-ssm-nat'],
      refresh: false,
      format: 'text',
    });
  });

  test('GIVEN --format json in either spelling WHEN parsed THEN the JSON document is asked for, and the CLI knows it before any other argument is read', () => {
    expect(parseReviewArguments(['--plan', 'plan.json', '--format', 'json']).format).toBe('json');
    expect(parseReviewArguments(['--account', '--format=json']).format).toBe('json');
    expect(wantsJson(['--acount', '--format', 'json'])).toBe(true);
    expect(wantsJson(['--format=json'])).toBe(true);
    expect(wantsJson(['--format', 'text'])).toBe(false);
  });

  test('GIVEN --plan and a file WHEN parsed THEN the file is taken from where the command runs', () => {
    expect(parseReviewArguments(['--plan', 'plan.json']).planFile).toBe(path.resolve('plan.json'));
    expect(parseReviewArguments(['--plan=out/plan.json']).planFile).toBe(path.resolve('out/plan.json'));
  });

  test.each([
    [['--acount'], 'unknown argument "--acount": expected --account'],
    [['--format', 'yaml'], '--format yaml is invalid: expected --format json or --format text (the default)'],
    [['--format'], '--format needs a value, e.g. --format json'],
    [['--account', '--var', 'novalue'], '--var "novalue" is invalid: expected name=value'],
    [['--account', '--stack'], '--stack needs a value'],
    [['--account', '--refresh=maybe'], '--refresh=maybe is invalid'],
    [['--var', 'ttl=4h'], 'apply to the account review: add --account'],
    [['--plan'], '--plan needs a value, e.g. --plan plan.json (what terraform show -json <planfile> writes)'],
    [['--plan', 'plan.json', '--account'], '--plan reviews the file alone: it takes no --account'],
  ])('GIVEN %j WHEN parsed THEN one clear error', (argv, message) => {
    expect(() => parseReviewArguments(argv)).toThrow(ReviewError);
    expect(() => parseReviewArguments(argv)).toThrow(message);
  });
});

describe('when a stack folder needs terraform init', () => {
  // Terraform 1.11's own first lines when `plan` runs before `init` would have been needed.
  test.each([
    'Error: Inconsistent dependency lock file\n\nThe following dependency selections recorded in the lock file are',
    'Error: Backend initialization required, please run "terraform init"\n\nReason: Initial configuration of the requested backend "local"',
    'Error: Backend initialization required: please run "terraform init"\n\nReason: Backend configuration block has changed',
    'Error: Required plugins are not installed',
  ])('GIVEN %j WHEN plan fails THEN init runs first', (output) => {
    expect(needsInit(output)).toBe(true);
  });

  test('GIVEN a plan error of the configuration or of AWS WHEN plan fails THEN no init is tried', () => {
    expect(needsInit('Error: Unsupported argument\n\n  on cdk.tf.json line 12')).toBe(false);
    expect(needsInit('Error: No valid credential sources found')).toBe(false);
  });
});

describe('Terraform failures in one line', () => {
  test.each([
    [
      'Error: No valid credential sources found\n\nPlease see https://…',
      /^AWS credentials are missing, expired or invalid: sign in again/,
    ],
    [
      'Error: validating provider credentials: ... ExpiredToken: The security token included in the request is expired',
      /^AWS credentials/,
    ],
    [
      'Error: Unable to find remote state\n  with data.terraform_remote_state.x',
      /^deploy lab-network first: its state has no outputs yet/,
    ],
    [
      'Error: Unsupported attribute\n  data.terraform_remote_state.x.outputs is object with no attributes\nThis object does not have an attribute named "vpc"',
      /^deploy lab-network first/,
    ],
    [
      'Error: Error loading state: AccessDenied: Access Denied',
      /^the state backend refused: Error loading state: AccessDenied: Access Denied — check SSM_LAB_STATE_BUCKET/,
    ],
  ])('GIVEN %j WHEN explained THEN %j', (output, expected) => {
    expect(explainFailure(output, 'lab-network')).toMatch(expected);
  });

  test('GIVEN an error of no known kind WHEN explained THEN nothing is guessed', () => {
    expect(explainFailure('Error: Invalid count argument', 'lab-network')).toBeUndefined();
  });
});

describe('the environment each review runs Terraform in', () => {
  // A made-up user's shell: paths under a scratch folder, so none is a path of this machine.
  const home = path.join(os.tmpdir(), 'ssm-lab-made-up-home');
  const shell: NodeJS.ProcessEnv = {
    PATH: path.join(home, 'bin'),
    HOME: home,
    HTTPS_PROXY: 'http://proxy.example:3128',
    TF_CLI_CONFIG_FILE: path.join(home, '.terraformrc'),
    TF_PLUGIN_CACHE_DIR: path.join(home, '.terraform.d', 'plugin-cache'),
    AWS_PROFILE: 'dev',
    AWS_CONFIG_FILE: path.join(home, 'elsewhere', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'elsewhere', 'credentials'),
    AWS_ENDPOINT_URL_EC2: 'http://localhost:4566',
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    TF_WORKSPACE: 'staging',
    TF_DATA_DIR: path.join(home, 'one-data-dir'),
    TF_CLI_ARGS: '-no-color',
    TF_CLI_ARGS_plan: '-refresh=false',
    TF_VAR_ttl: '4h',
  };

  test('GIVEN a full shell WHEN the offline review runs Terraform THEN no AWS or Terraform setting of the shell reaches it; the user’s own tooling does', () => {
    expect(Object.keys(offlineEnvironment(shell)).sort()).toEqual([
      'HOME',
      'HTTPS_PROXY',
      'PATH',
      'TF_CLI_CONFIG_FILE',
      'TF_PLUGIN_CACHE_DIR',
    ]);
  });

  test('GIVEN the same shell WHEN the account review runs THEN the AWS settings stay, and each Terraform setting it sets aside gets one line', () => {
    const { env, notices } = accountEnvironment(shell);
    expect(env.AWS_PROFILE).toBe('dev');
    expect(env.AWS_CONFIG_FILE).toBe(shell.AWS_CONFIG_FILE);
    expect(env.TF_WORKSPACE).toBeUndefined();
    expect(env.TF_DATA_DIR).toBeUndefined();
    expect(env.TF_CLI_ARGS_plan).toBeUndefined();
    expect(notices[0]).toBe(
      "TF_WORKSPACE=staging is not used: the lab's stacks keep their state in the default workspace (SSM_LAB_NAME tells labs apart), so the review reads that.",
    );
    expect(notices).toHaveLength(4);
    expect(accountEnvironment({ TF_WORKSPACE: 'default' }).notices).toEqual([]);
  });
});
