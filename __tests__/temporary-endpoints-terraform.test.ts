import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SSM_ENDPOINTS_SAMPLE_VARS } from '../stacks/temporary-endpoints-sample';
import { configWith, synthLab } from './helpers/synth';
import {
  createdTypes,
  describeWithTerraform,
  init,
  nullOutputs,
  plan,
  PlanOutcome,
  plannedValues,
  planUnits,
  tf,
} from './helpers/terraform';
import { diagnosticsOf, inParallel } from '../tools/terraform-cli';
import { OFFLINE_ACCESS_KEY, offlineEndpointsVars } from '../tools/review/sources/offline-app';

// Terraform's own verdict on the ssm-endpoints stack: offline plans with sample inputs, every
// validation rule with its message, and the preflight evaluated by `terraform test` against a
// mocked provider. These run in one go; the steps share two initialised stack folders.

/** What the review passes offline (a region, no lookups); the inputs after it win. */
const OFFLINE_VARS = offlineEndpointsVars(configWith({}));
const planOffline = (dir: string, vars: readonly (readonly [string, string])[], name: string) =>
  plan(dir, [...OFFLINE_VARS, ...vars], name);

const ALLOWED_TYPES = [
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_scheduler_schedule',
  'aws_scheduler_schedule_group',
  'aws_security_group',
  'aws_vpc_endpoint',
  'aws_vpc_security_group_ingress_rule',
  'terraform_data',
];

const CIDR_COMBINATION: [string, string][] = [
  ['region', 'ap-northeast-1'],
  ['vpc_id', 'vpc-0123456789abcdef0'],
  ['subnet_ids', '["subnet-0123456789abcdef0","subnet-0fedcba9876543210"]'],
  ['allowed_cidrs', '["10.20.0.0/16","192.168.1.0/24"]'],
  ['services', '["ssm","ssmmessages","ec2messages"]'],
  ['s3_gateway_route_table_ids', '["rtb-0123456789abcdef0"]'],
];

const BAD_FORMATS: [string, string][] = [
  ['region', 'tokyo'],
  ['vpc_id', 'vpc-123'],
  ['subnet_ids', '["subnet-0123456789abcdef0","subnet-0123456789abcdef0"]'],
  ['allowed_cidrs', '["10.0.0.1/24"]'],
  ['services', '["ssm","kms"]'],
  ['s3_gateway_route_table_ids', '["rt-1"]'],
  ['ttl', '5m'],
];
const BAD_FORMAT_MESSAGES = [
  'region must be empty (use the AWS settings) or a region name such as ap-northeast-1; got "tokyo".',
  'vpc_id must be a VPC id such as vpc-0123456789abcdef0; got "vpc-123".',
  'subnet_ids must list 1 to 16 distinct subnet ids such as subnet-0123456789abcdef0, at most one per Availability Zone (Interface endpoints refuse two subnets of the same AZ)',
  'allowed_cidrs must be IPv4 CIDR blocks with no host bits set, such as 10.0.2.0/24; got ["10.0.0.1/24"].',
  'services must be distinct names from ssm, ssmmessages, ec2messages, including ssm and ssmmessages; got ["ssm","kms"].',
  'route table ids such as rtb-0123456789abcdef0; got ["rt-1"].',
  'ttl must be empty (no expiry) or a whole number of minutes, hours or days such as 90m, 4h or 2d, from 15m to 7d; got "5m".',
];
// Separate from the above: a rule that refers to an invalid variable is not evaluated.
const BAD_SECURITY_GROUP: [string, string][] = [
  ['vpc_id', 'vpc-0123456789abcdef0'],
  ['subnet_ids', '["subnet-0123456789abcdef0"]'],
  ['allowed_security_group_ids', '["sg-xyz","sg-0123456789abcdef0"]'],
];
const BAD_SECURITY_GROUP_MESSAGE =
  'allowed_security_group_ids must be distinct security group ids such as sg-0123456789abcdef0; got ["sg-xyz","sg-0123456789abcdef0"].';
const BAD_COMBINATION: [string, string][] = [
  ['vpc_id', 'vpc-0123456789abcdef0'],
  ['subnet_ids', '[]'],
  ['ttl', '2w'],
];
const BAD_COMBINATION_MESSAGES = [
  "Name who may connect: at least one of allowed_security_group_ids (the instances' security groups) or allowed_cidrs; both are empty.",
  'subnet_ids must list 1 to 16 distinct subnet ids',
  'got "2w".',
];

interface ExpiredWindow {
  readonly stateDeadline: string;
  readonly redeploy: PlanOutcome;
  readonly renewed: PlanOutcome;
  readonly destroy: { status: number; stderr: string };
}

const PAST_DEADLINE = '2020-01-01T00:00:00Z';

/** A Terraform state file, as far as this test edits it. */
interface TerraformState {
  serial: number;
  resources: {
    type: string;
    name: string;
    instances: { attributes: { input: { value: string }; output: { value: string } } }[];
  }[];
}

/**
 * A window whose deadline has passed, the way the real Terraform leaves it: the deadline applied
 * (the only resource that needs no AWS), then moved into the past in the state file, as it is once
 * the clock passes it. Then a re-deploy with the same inputs, one with a new ttl, and a destroy.
 */
async function expiredWindow(root: string, stackJson: string): Promise<ExpiredWindow> {
  // Three levels down, so the stack's relative state path (../../../terraform.….tfstate) stays inside this folder.
  const base = path.join(root, 'expired');
  const dir = path.join(base, 'x', 'stacks', 'ssm-endpoints');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), stackJson);
  await init(dir, true);
  const vars = [...OFFLINE_VARS, ...SSM_ENDPOINTS_SAMPLE_VARS].map(([name, value]) => `-var=${name}=${value}`);
  const applied = await tf(
    ['apply', '-input=false', '-auto-approve', '-lock=false', '-target=terraform_data.deadline', ...vars],
    dir,
  );
  if (applied.status !== 0) throw new Error(`terraform apply failed:\n${applied.stderr}`);
  const stateFile = path.join(base, 'terraform.ssm-endpoints.tfstate');
  const state: TerraformState = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  const attributes = state.resources.find((r) => r.type === 'terraform_data' && r.name === 'deadline')!.instances[0]
    .attributes;
  const stateDeadline = attributes.output.value;
  attributes.input.value = PAST_DEADLINE;
  attributes.output.value = PAST_DEADLINE;
  state.serial += 1;
  fs.writeFileSync(stateFile, JSON.stringify(state));
  const redeploy = await planOffline(dir, SSM_ENDPOINTS_SAMPLE_VARS, 'redeploy');
  const renewed = await planOffline(
    dir,
    SSM_ENDPOINTS_SAMPLE_VARS.map(([name, value]) => [name, name === 'ttl' ? '240m' : value] as const),
    'renewed',
  );
  const destroy = await tf(['plan', '-destroy', '-input=false', '-lock=false', ...vars], dir);
  return { stateDeadline, redeploy, renewed, destroy };
}

interface TestRunResult {
  readonly status: Record<string, string>;
  readonly diagnostics: Record<string, { severity: string; detail: string }[]>;
}

/** Top-level `run "…" { … }` blocks of an HCL file. */
function runBlocks(hcl: string): string[] {
  return hcl.match(/^run "[^"]+" \{[\s\S]*?^\}$/gm) ?? [];
}

/**
 * Writes the test files (mock-aws.hcl + preflight runs in one file, each message run in a file
 * of its own) next to the stack and runs them all in one `terraform test`.
 */
async function terraformTest(stackDir: string): Promise<TestRunResult> {
  const source = (file: string) => fs.readFileSync(path.join(__dirname, 'terraform', file), 'utf8');
  const testsDir = path.join(stackDir, 'tests');
  fs.mkdirSync(testsDir, { recursive: true });
  const head = source('mock-aws.hcl');
  fs.writeFileSync(
    path.join(testsDir, 'preflight.tftest.hcl'),
    `${head}\n${runBlocks(source('preflight.runs.hcl')).join('\n\n')}\n`,
  );
  for (const block of runBlocks(source('messages.runs.hcl'))) {
    const name = /^run "([^"]+)"/.exec(block)![1];
    fs.writeFileSync(path.join(testsDir, `message-${name}.tftest.hcl`), `${head}\n${block}\n`);
  }
  const result = await tf(['test', '-json'], stackDir);
  const status: Record<string, string> = {};
  const diagnostics: Record<string, { severity: string; detail: string }[]> = {};
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const message = JSON.parse(line);
    if (message.type === 'test_run' && message.test_run.progress === 'complete')
      status[message.test_run.run] = message.test_run.status;
    if (message.type === 'diagnostic' && message['@testrun']) {
      (diagnostics[message['@testrun']] ??= []).push({
        severity: message.diagnostic.severity,
        detail: message.diagnostic.detail,
      });
    }
  }
  return { status, diagnostics };
}

describeWithTerraform('ssm-endpoints with Terraform', () => {
  let sample: PlanOutcome;
  let cidrs: PlanOutcome;
  let badFormats: PlanOutcome;
  let badCombination: PlanOutcome;
  let badSecurityGroup: PlanOutcome;
  let tests: TestRunResult;
  let offlineJson: string;
  let normalJson: string;
  let expired: ExpiredWindow;

  beforeAll(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-endpoints-tf-'));
    const config = configWith({ SSM_LAB_AMI_ID: 'ami-0123456789abcdef0' });
    const offline = synthLab(config, path.join(root, 'offline'), { offlineReview: true });
    const normal = synthLab(config, path.join(root, 'normal'));
    offlineJson = offline.raw['ssm-endpoints'];
    normalJson = normal.raw['ssm-endpoints'];
    const offlineDir = path.join(offline.outdir, 'stacks', 'ssm-endpoints');
    const normalDir = path.join(normal.outdir, 'stacks', 'ssm-endpoints');
    await init(normalDir);
    // The stack as a module of one root per group (each Terraform run costs seconds): the valid
    // inputs in one plan, the invalid ones in another, each failure traced to its inputs.
    const offlineUnit = (name: string, vars: readonly (readonly [string, string])[]) => ({
      name,
      dir: offlineDir,
      vars: [...OFFLINE_VARS, ...vars],
    });
    const stacksDir = path.dirname(offlineDir);
    const steps: (() => Promise<void>)[] = [
      async () =>
        void ({ sample, cidrs } = await planUnits(
          [offlineUnit('sample', SSM_ENDPOINTS_SAMPLE_VARS), offlineUnit('cidrs', CIDR_COMBINATION)],
          path.join(stacksDir, '.valid'),
        )),
      async () =>
        void ({
          'bad-formats': badFormats,
          'bad-combination': badCombination,
          'bad-security-group': badSecurityGroup,
        } = await planUnits(
          [
            offlineUnit('bad-formats', BAD_FORMATS),
            offlineUnit('bad-combination', BAD_COMBINATION),
            offlineUnit('bad-security-group', BAD_SECURITY_GROUP),
          ],
          path.join(stacksDir, '.invalid'),
        )),
      async () => void (tests = await terraformTest(normalDir)),
      async () => void (expired = await expiredWindow(root, offlineJson)),
    ];
    await inParallel(steps, 2, (step) => step());
  });

  describe('GIVEN the README sample inputs (SG source, default services, no S3, 4h ttl) WHEN planned offline', () => {
    test('THEN the plan succeeds and creates only the listed resource types', () => {
      expect(sample.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(Object.keys(createdTypes(sample.plan)).every((type) => ALLOWED_TYPES.includes(type))).toBe(true);
      expect(createdTypes(sample.plan)).toEqual({
        aws_iam_role: 1,
        aws_iam_role_policy: 1,
        aws_scheduler_schedule: 2,
        aws_scheduler_schedule_group: 1,
        aws_security_group: 1,
        aws_vpc_endpoint: 2,
        aws_vpc_security_group_ingress_rule: 1,
        terraform_data: 1,
      });
    });

    test('THEN ssm and ssmmessages get Interface endpoints with private DNS in the given subnet', () => {
      const endpoints = plannedValues(sample.plan, 'aws_vpc_endpoint.interface');
      expect(endpoints.map((e) => e.index).sort()).toEqual(['ssm', 'ssmmessages']);
      for (const endpoint of endpoints) {
        expect(endpoint).toMatchObject({
          service_name: `com.amazonaws.ap-northeast-1.${endpoint.index}`,
          vpc_endpoint_type: 'Interface',
          private_dns_enabled: true,
          vpc_id: 'vpc-0123456789abcdef0',
          subnet_ids: ['subnet-0123456789abcdef0'],
        });
      }
    });

    test('THEN the endpoint SG admits 443 from the instance SG only', () => {
      expect(plannedValues(sample.plan, 'aws_vpc_security_group_ingress_rule.https_from_security_group')).toEqual([
        expect.objectContaining({
          index: 'sg-0123456789abcdef0',
          referenced_security_group_id: 'sg-0123456789abcdef0',
          from_port: 443,
          to_port: 443,
          ip_protocol: 'tcp',
          cidr_ipv4: null,
        }),
      ]);
      expect(plannedValues(sample.plan, 'aws_vpc_security_group_ingress_rule.https_from_cidr')).toEqual([]);
      expect(plannedValues(sample.plan, 'aws_vpc_endpoint.s3_gateway')).toEqual([]);
    });

    test('THEN the deadline is 4h after the plan, and one-time schedules call DeleteVpcEndpoints and remove their group', () => {
      const [deadline] = plannedValues(sample.plan, 'terraform_data.deadline');
      const planned = Date.parse(sample.plan.timestamp!);
      expect(Date.parse(String(deadline.input)) - planned).toBeGreaterThanOrEqual(4 * 3600_000 - 1000);
      expect(Date.parse(String(deadline.input)) - planned).toBeLessThanOrEqual(4 * 3600_000);
      expect(deadline.input).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const [deleteEndpoints] = plannedValues(sample.plan, 'aws_scheduler_schedule.delete_endpoints');
      expect(deleteEndpoints.target?.[0].arn).toBe('arn:aws:scheduler:::aws-sdk:ec2:deleteVpcEndpoints');
      expect(deleteEndpoints.schedule_expression_timezone).toBe('UTC');
      expect(deleteEndpoints.flexible_time_window).toEqual([{ mode: 'OFF', maximum_window_in_minutes: null }]);
      const [cleanup] = plannedValues(sample.plan, 'aws_scheduler_schedule.delete_expiry_schedules');
      expect(cleanup.target?.[0].arn).toBe('arn:aws:scheduler:::aws-sdk:scheduler:deleteScheduleGroup');
    });
  });

  describe('GIVEN CIDR sources, ec2messages, an S3 gateway and no ttl WHEN planned offline', () => {
    test('THEN three Interface endpoints, the S3 gateway endpoint and CIDR rules, and nothing for expiry', () => {
      expect(cidrs.status).toBe(0);
      expect(createdTypes(cidrs.plan)).toEqual({
        aws_security_group: 1,
        aws_vpc_endpoint: 4,
        aws_vpc_security_group_ingress_rule: 2,
      });
      expect(
        plannedValues(cidrs.plan, 'aws_vpc_endpoint.interface')
          .map((e) => e.service_name)
          .sort(),
      ).toEqual([
        'com.amazonaws.ap-northeast-1.ec2messages',
        'com.amazonaws.ap-northeast-1.ssm',
        'com.amazonaws.ap-northeast-1.ssmmessages',
      ]);
      expect(plannedValues(cidrs.plan, 'aws_vpc_endpoint.s3_gateway')).toEqual([
        expect.objectContaining({
          service_name: 'com.amazonaws.ap-northeast-1.s3',
          vpc_endpoint_type: 'Gateway',
          route_table_ids: ['rtb-0123456789abcdef0'],
        }),
      ]);
      expect(
        plannedValues(cidrs.plan, 'aws_vpc_security_group_ingress_rule.https_from_cidr').map((r) => [
          r.cidr_ipv4,
          r.from_port,
        ]),
      ).toEqual([
        ['10.20.0.0/16', 443],
        ['192.168.1.0/24', 443],
      ]);
      expect(cidrs.plan.planned_values?.outputs?.expires_at.value).toBe(
        'never: run npx cdktf destroy ssm-endpoints when done',
      );
      const tags = plannedValues(cidrs.plan, 'aws_security_group.endpoints')[0].tags;
      expect(tags).toEqual({ Name: 'ssm-lab-temporary-endpoints' });
      expect(
        plannedValues(cidrs.plan, 'aws_vpc_endpoint.interface')
          .map((e) => e.tags?.Name)
          .sort(),
      ).toEqual(['ssm-lab-temporary-ec2messages', 'ssm-lab-temporary-ssm', 'ssm-lab-temporary-ssmmessages']);
    });
  });

  test('GIVEN the sample inputs (no S3 gateway) and the CIDR inputs (with one) WHEN planned THEN no output is null', () => {
    expect(sample.plan.output_changes!.s3_gateway_endpoint_id).toMatchObject({ after: '' });
    expect(nullOutputs(sample.plan)).toEqual([]);
    expect(nullOutputs(cidrs.plan)).toEqual([]);
    expect(Object.keys(sample.plan.output_changes!).sort()).toEqual(Object.keys(JSON.parse(offlineJson).output).sort());
    expect(
      nullOutputs({
        output_changes: {
          a: { actions: ['create'], after: null, after_unknown: false },
          b: { actions: ['create'], after: null, after_unknown: true },
        },
      }),
    ).toEqual(['a']);
  });

  describe('GIVEN a window whose deadline has passed (state written by Terraform, deadline moved into the past)', () => {
    test('THEN the first apply had fixed a deadline in the future', () => {
      expect(Date.parse(expired.stateDeadline)).toBeGreaterThan(Date.now());
    });

    test('WHEN deployed again with the same inputs THEN the plan stops before creating any endpoint, saying how to start a new window', () => {
      expect(expired.redeploy.status).not.toBe(0);
      const errors = expired.redeploy.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) {
        expect(error.summary).toBe('Resource precondition failed');
        expect(error.detail).toContain(`This ssm-endpoints window ended at ${PAST_DEADLINE} (ttl 4h)`);
        expect(error.detail).toContain('npx cdktf destroy ssm-endpoints');
      }
    });

    test('WHEN deployed with a new ttl THEN a new window starts from now, with schedules in the future', () => {
      expect(expired.renewed.status).toBe(0);
      const [deadline] = plannedValues(expired.renewed.plan, 'terraform_data.deadline');
      expect(Date.parse(String(deadline.input)) - Date.parse(expired.renewed.plan.timestamp!)).toBeGreaterThanOrEqual(
        240 * 60_000 - 1000,
      );
      const change = expired.renewed.plan.resource_changes!.find((c) => c.address === 'terraform_data.deadline[0]');
      // Replaced (the order follows create_before_destroy, which the endpoint security group passes on).
      expect([...(change?.change.actions ?? [])].sort()).toEqual(['create', 'delete']);
    });

    test('WHEN destroyed THEN the deadline does not block the destroy', () => {
      expect(expired.destroy.stderr).toBe('');
      expect(expired.destroy.status).toBe(0);
    });
  });

  test('GIVEN a malformed value for every variable WHEN planned THEN Terraform rejects each with its message', () => {
    expect(badFormats.status).not.toBe(0);
    const details = badFormats.diagnostics.filter((d) => d.severity === 'error').map((d) => d.detail);
    for (const message of BAD_FORMAT_MESSAGES)
      expect(details.filter((detail) => detail.includes(message))).toHaveLength(1);
    expect(details).toHaveLength(BAD_FORMAT_MESSAGES.length);
    expect(badFormats.diagnostics.every((d) => d.summary === 'Invalid value for variable')).toBe(true);
  });

  test('GIVEN a malformed security group id WHEN planned THEN Terraform rejects it with its message', () => {
    expect(badSecurityGroup.status).not.toBe(0);
    expect(badSecurityGroup.diagnostics.map((d) => d.detail)).toEqual([
      expect.stringContaining(BAD_SECURITY_GROUP_MESSAGE),
    ]);
  });

  test('GIVEN no source, no subnet and an unknown ttl unit WHEN planned THEN each is rejected with its message', () => {
    expect(badCombination.status).not.toBe(0);
    const details = badCombination.diagnostics.filter((d) => d.severity === 'error').map((d) => d.detail);
    for (const message of BAD_COMBINATION_MESSAGES)
      expect(details.some((detail) => detail.includes(message))).toBe(true);
  });

  test('GIVEN a mocked provider WHEN terraform test runs the preflight THEN every case behaves as designed', () => {
    expect(tests.status).toMatchObject({
      a_ready_vpc_passes: 'pass',
      dns_hostnames_off_stops_the_plan: 'pass',
      dns_support_off_stops_the_plan: 'pass',
      two_subnets_of_one_az_stop_the_plan: 'pass',
      a_subnet_outside_the_vpc_warns: 'pass',
      an_existing_private_dns_endpoint_stops_the_plan: 'pass',
      another_labs_endpoints_stop_the_plan: 'pass',
      an_endpoint_without_private_dns_does_not_conflict: 'pass',
      our_own_endpoints_on_a_replan_pass: 'pass',
      no_lookups_when_switched_off: 'pass',
      a_world_open_cidr_is_refused: 'pass',
      two_halves_of_the_internet_are_refused: 'pass',
      a_private_slash_8_is_accepted: 'pass',
    });
  });

  test('GIVEN preflight findings WHEN planned THEN warnings and errors say what is wrong and what to do', () => {
    // `terraform test` fails a run on a failed check; `terraform plan` only warns (see the preflight runs).
    expect(tests.status).toMatchObject({
      subnet_outside_the_vpc: 'error',
      existing_private_dns_endpoint: 'error',
      two_subnets_of_one_az: 'error',
      dns_hostnames_off: 'error',
    });
    expect(tests.diagnostics.subnet_outside_the_vpc).toEqual([
      expect.objectContaining({
        detail: expect.stringContaining(
          'These subnets are not in VPC vpc-0123456789abcdef0: subnet-0123456789abcdef0 (in vpc-0fedcba9876543210)',
        ),
      }),
    ]);
    expect(tests.diagnostics.existing_private_dns_endpoint).toEqual([
      expect.objectContaining({
        severity: 'error',
        detail: expect.stringContaining(
          'already has Interface endpoints with private DNS for com.amazonaws.ap-northeast-1.ssm (vpce-0123456789abcdef0); AWS refuses a second one',
        ),
      }),
    ]);
    expect(tests.diagnostics.existing_private_dns_endpoint[0].detail).toContain('Fix: use the existing endpoints');
    expect(tests.diagnostics.two_subnets_of_one_az).toEqual([
      expect.objectContaining({
        severity: 'error',
        detail: expect.stringContaining('at most one subnet per Availability Zone'),
      }),
    ]);
    const [dns] = tests.diagnostics.dns_hostnames_off;
    expect(dns.detail).toContain('must have both DNS support and DNS hostnames on');
    expect(dns.detail).toContain('Now: DNS support true, DNS hostnames false');
    expect(dns.detail).toContain('aws ec2 modify-vpc-attribute --vpc-id vpc-0123456789abcdef0 --enable-dns-hostnames');
  });

  test('GIVEN the offline synth WHEN compared with the deploy synth THEN only the provider differs: mock credentials and skip settings', () => {
    const offline = JSON.parse(offlineJson);
    const normal = JSON.parse(normalJson);
    expect(offline.provider.aws[0]).toMatchObject({
      access_key: OFFLINE_ACCESS_KEY,
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
    });
    expect(normal.provider.aws[0]).not.toHaveProperty('access_key');
    expect(normal.variable.preflight_lookups.default).toBe(true);
    const { provider: _offlineProvider, ...offlineRest } = offline;
    const { provider: _normalProvider, ...normalRest } = normal;
    expect(offlineRest).toEqual(normalRest);
  });

  test('GIVEN the test sources WHEN split THEN every run block is found', () => {
    const preflightRuns = runBlocks(fs.readFileSync(path.join(__dirname, 'terraform', 'preflight.runs.hcl'), 'utf8'));
    expect(preflightRuns).toHaveLength(Object.keys(tests.status).length - 4);
    expect(runBlocks('run "a" {\n  x = 1\n}\n\nrun "b" {\n}\n')).toEqual(['run "a" {\n  x = 1\n}', 'run "b" {\n}']);
  });

  test('GIVEN diagnostics in JSON lines WHEN parsed THEN only diagnostics are kept', () => {
    expect(
      diagnosticsOf(
        '{"type":"diagnostic","diagnostic":{"severity":"error","summary":"s","detail":"d"}}\n{"type":"log"}\nplain',
      ),
    ).toEqual([{ severity: 'error', summary: 's', detail: 'd' }]);
  });
});
