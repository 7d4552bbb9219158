/** The command line of `npm run review`. */
import * as path from 'path';
import { ReviewError } from './sources/common';

export interface ReviewArguments {
  readonly account: boolean;
  /** `-var=…` / `-var-file=…` for Terraform. */
  readonly endpointsArgs: readonly string[];
  readonly stacks?: readonly string[];
  /** false: `terraform plan -refresh=false`. */
  readonly refresh: boolean;
  /** `--plan <file>`: review that `terraform show -json` file instead of the lab. */
  readonly planFile?: string;
  /** `--config <dir>`: the folder the plan was made in, when the plan file is elsewhere. */
  readonly configDir?: string;
  /** `--format json`: the JSON document on stdout (progress on stderr) instead of the text. */
  readonly format: ReviewFormat;
}

/** What the review prints on stdout. */
export type ReviewFormat = 'text' | 'json';
const FORMATS: readonly ReviewFormat[] = ['text', 'json'];

/** Whether the command line asks for JSON, read before anything else so that even a bad argument gets a JSON error. */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.some((arg, i) => arg === '--format=json' || (arg === '--format' && argv[i + 1] === 'json'));
}

/** What each option's value looks like, for the error that says one is missing. */
const EXAMPLE_VALUES: Readonly<Record<string, string>> = {
  '--var': '--var vpc_id=vpc-0123456789abcdef0',
  '--var-file': '--var-file=endpoints.tfvars',
  '--plan': '--plan plan.json (what terraform show -json <planfile> writes)',
  '--config': '--config ./infra (the folder terraform plan ran in)',
  '--format': '--format json',
};

/** Parses the command line; throws {@link ReviewError} naming the argument and what is expected. */
export function parseReviewArguments(argv: readonly string[]): ReviewArguments {
  let account = false;
  const endpointsArgs: string[] = [];
  const stacks: string[] = [];
  let refresh = true;
  let planFile: string | undefined;
  let configDir: string | undefined;
  let format: ReviewFormat = 'text';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.includes('=') && arg.startsWith('--')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => {
      const given = inline ?? argv[++i];
      if (given === undefined || given === '')
        throw new ReviewError(`${flag} needs a value, e.g. ${EXAMPLE_VALUES[flag] ?? '--stack lab-ssm-nat'}`);
      return given;
    };
    switch (flag) {
      case '--account':
        account = true;
        break;
      case '--var': {
        const pair = value();
        if (!/^[A-Za-z_][A-Za-z0-9_-]*=/.test(pair))
          throw new ReviewError(
            `--var "${pair}" is invalid: expected name=value, e.g. --var vpc_id=vpc-0123456789abcdef0`,
          );
        endpointsArgs.push(`-var=${pair}`);
        break;
      }
      case '--var-file':
        endpointsArgs.push(`-var-file=${path.resolve(value())}`);
        break;
      case '--stack':
        stacks.push(value());
        break;
      case '--plan':
        planFile = path.resolve(value());
        break;
      case '--config':
        configDir = path.resolve(value());
        break;
      case '--format': {
        const given = value();
        if (!FORMATS.includes(given as ReviewFormat))
          throw new ReviewError(`--format ${given} is invalid: expected --format json or --format text (the default)`);
        format = given as ReviewFormat;
        break;
      }
      case '--refresh': {
        const given = value();
        if (given !== 'true' && given !== 'false') {
          throw new ReviewError(
            `--refresh=${given} is invalid: expected --refresh=false (plan without refreshing the state) or --refresh=true`,
          );
        }
        refresh = given === 'true';
        break;
      }
      default:
        throw new ReviewError(
          `unknown argument "${arg}": expected --account, --var name=value, --var-file=path, --stack name, --refresh=false, --plan file, --config dir or --format json`,
        );
    }
  }
  if (!account && (endpointsArgs.length > 0 || stacks.length > 0 || !refresh)) {
    throw new ReviewError(
      '--var, --var-file, --stack and --refresh apply to the account review: add --account (the offline review plans every stack with sample inputs)',
    );
  }
  if (planFile !== undefined && (account || endpointsArgs.length > 0 || stacks.length > 0 || !refresh))
    throw new ReviewError(
      '--plan reviews the file alone: it takes no --account, --var, --var-file, --stack or --refresh (plan your configuration with Terraform first)',
    );
  if (configDir !== undefined && planFile === undefined)
    throw new ReviewError('--config names the folder of the plan given with --plan: add --plan plan.json');
  return {
    account,
    endpointsArgs,
    stacks: stacks.length > 0 ? stacks : undefined,
    refresh,
    planFile,
    configDir,
    format,
  };
}
