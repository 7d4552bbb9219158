import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stripVTControlCharacters } from 'util';
import { AccountExit } from '../tools/review/assessment/changes';
import { TerraformState } from '../tools/terraform-json';
import { describeWithEmulator, emulatorShell, ownEmulator, projectCopy } from './helpers/aws-emulator';
import { Ran, run } from './helpers/processes';
import { blockOf } from './helpers/review-text';

// A hub-and-spoke network applied to an implementation of the AWS APIs (moto) by the real
// Terraform — centralized egress through a transit gateway, from the hub-and-spoke configuration of
// review-plan-hub-and-spoke-terraform.test.ts, with Default Host Management turned on by its
// aws_ssm_service_setting — then reviewed as a user would: its state with
// `npm run review -- --plan`, and the endpoints' window over its spoke with `--account`, which reads
// the transit gateway, its tables and the egress VPC from the account. moto's differences, accounted
// for here (never in the product): it associates every VPC attachment with the gateway's default
// route table even where default association is off, and the AWS provider then waits without end for
// the association to go, so the site applied is the one on the default tables; and it takes a hosted
// zone created with a VPC for a public one (it wants PrivateZone, which AWS infers), so the shared
// endpoints' private zones are judged on plans only (the plan test); and it answers a transit
// gateway's static route with its attachment as one element where AWS's API has a list, so the SDK
// and the provider read the route as having none — a blackhole. The state is reviewed twice: as
// moto left it (the verdict then names that blackhole, as it would in AWS), and with the route's
// attachment put back as Terraform created it; the window reads the account, so it sees the
// blackhole too, and the endpoints open the spoke.

const ROOT = path.join(__dirname, '..');
const CONFIG = path.join(__dirname, 'terraform', 'hub-and-spoke');
const SITE = 'default-tables';

describeWithEmulator('a hub-and-spoke network applied on the emulator, then reviewed as it stands', () => {
  let endpoint: { url: string; stop: () => void };
  let shell: NodeJS.ProcessEnv;
  let config: string;
  let applied: Ran;
  let state: TerraformState;
  const terraform = (...args: string[]) => run('terraform', args, config, shell);
  afterAll(() => endpoint?.stop());

  beforeAll(async () => {
    endpoint = await ownEmulator();
    // The configuration's region, us-east-1.
    shell = emulatorShell({ AWS_ENDPOINT_URL: endpoint.url, AWS_REGION: 'us-east-1' });
    config = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-hub-emulated-'));
    fs.cpSync(CONFIG, config, { recursive: true });
    await terraform('init', '-input=false', '-no-color');
    // With Default Host Management on: the configuration's aws_ssm_service_setting names its role.
    applied = await terraform(
      'apply',
      '-auto-approve',
      '-input=false',
      '-no-color',
      `-var=only=["${SITE}"]`,
      '-var=dhmc=on',
    );
    if (applied.status !== 0) return;
    state = JSON.parse(fs.readFileSync(path.join(config, 'terraform.tfstate'), 'utf8')) as TerraformState;
  }, 300_000);

  /** The id of a resource of the applied site, from the state. */
  const idOf = (type: string, name: string): string => {
    const resource = (state.resources ?? []).find(
      (r) => r.module === `module.site["${SITE}"]` && r.type === type && r.name === name,
    );
    const id = resource?.instances?.[0]?.attributes?.id;
    if (typeof id !== 'string') throw new Error(`no ${type}.${name} in the state`);
    return id;
  };

  test('GIVEN the site applied WHEN its state is reviewed with --plan THEN the transit gateway is followed from the spoke: through its default table to the egress VPC’s NAT gateway and back, or to the blackhole moto reports', async () => {
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    const shown = JSON.parse((await terraform('show', '-json')).stdout);
    const review = async (name: string, state: unknown) => {
      fs.writeFileSync(path.join(config, `${name}.json`), JSON.stringify(state));
      return run('npm', ['run', '--silent', 'review', '--', '--plan', path.join(config, `${name}.json`)], ROOT, {
        ...shell,
        SSM_LAB_REVIEW_DIR: path.join(config, '.review', name),
      });
    };
    const app = `module.site["${SITE}"].aws_instance.app`;
    const asLeft = await review('state', shown);
    expect(asLeft.stderr).toBe('');
    expect(asLeft.stdout).toContain('(a state, judged as it stands; no AWS account, no Terraform run)');
    expect(blockOf(asLeft.stdout, app)[0]).toBe(
      `Session Manager: NOT reachable — ${SITE}-spoke-private sends 0.0.0.0/0 to transit gateway ${SITE}-hub, whose default route table of ${SITE}-hub drops 0.0.0.0/0 (a blackhole route), and ${SITE}-spoke has no Session Manager endpoints`,
    );
    // The static route as Terraform created it: 0.0.0.0/0 to the egress VPC's attachment.
    const site = shown.values.root_module.child_modules.find(
      (module: { address: string }) => module.address === `module.site["${SITE}"]`,
    );
    const resources = site.resources as { address: string; values: Record<string, unknown> }[];
    const route = resources.find((r) => r.address.includes('aws_ec2_transit_gateway_route.spokes_default'))!;
    const egress = resources.find((r) => r.address.endsWith('aws_ec2_transit_gateway_vpc_attachment.egress'))!;
    expect(route.values.blackhole).toBe(true); // moto's read-back, as the header says
    Object.assign(route.values, { blackhole: false, transit_gateway_attachment_id: egress.values.id });
    const repaired = await review('repaired', shown);
    expect(blockOf(repaired.stdout, app)[0]).toBe(
      `Session Manager: reachable via NAT gateway (0.0.0.0/0 → transit gateway ${SITE}-hub (the default route table of ${SITE}-hub) → ${SITE}-egress → NAT gateway in ${SITE}-egress-public → internet gateway, and back the same way; 443 out)`,
    );
    // The applied aws_ssm_service_setting in the state: the instance without a profile is managed through its role.
    expect(blockOf(repaired.stdout, `module.site["${SITE}"].aws_instance.bare`)[0]).toMatch(
      /^Session Manager: reachable via NAT gateway \(.*; Default Host Management Configuration's role aws_iam_role\.dhmc\[0\] carries the agent \(no usable instance profile\)/,
    );
    expect(repaired.status).toBe(0);
  });

  test('GIVEN the endpoints planned for the spoke WHEN the window is reviewed with --account THEN the transit gateway, its tables and the egress VPC are read from the account, and the endpoints open the spoke, to the instance without a profile too through Default Host Management', async () => {
    const project = projectCopy();
    const vars = [
      '--var=region=us-east-1',
      `--var=vpc_id=${idOf('aws_vpc', 'spoke')}`,
      `--var=subnet_ids=["${idOf('aws_subnet', 'spoke_private')}"]`,
      `--var=allowed_security_group_ids=["${idOf('aws_security_group', 'app')}"]`,
      '--var=ttl=4h',
    ];
    const review = await run(
      'npm',
      ['run', '--silent', 'review', '--', '--account', '--stack', 'ssm-endpoints', ...vars],
      project,
      shell,
    );
    const out = stripVTControlCharacters(review.stdout);
    const app = idOf('aws_instance', 'app');
    const spoke = idOf('aws_vpc', 'spoke');
    const line = (id: string) =>
      out.split('\n').find((text) => text.startsWith(`    ${id} (`)) ?? `(no line for ${id})`;
    expect(out).toContain(`✓ ${spoke}: read 4 instance(s) and their network`);
    expect(line(app)).toBe(`    ${app} (${SITE}-app): NOT reachable → reachable`);
    // Now: the spoke's default route followed into the transit gateway's table, read from the account.
    expect(out).toContain(
      `      now: Session Manager: NOT reachable — ${SITE}-spoke-private sends 0.0.0.0/0 to transit gateway ${SITE}-hub, whose transit gateway route table tgw-rtb-`,
    );
    expect(out).toContain(' drops 0.0.0.0/0 (a blackhole route)');
    // The instance with a profile, and through Default Host Management the one without and the one
    // whose role cannot report (the agent falls back); the role that can report but not open a
    // channel is kept, and stays NOT.
    const opens = out.split('\n').find((text) => text.includes('ssm-endpoints opens Session Manager to ')) ?? '';
    expect(opens).toContain(`ssm-endpoints opens Session Manager to 3 of 4 instance(s) in ${spoke}: `);
    expect(opens).toContain(`${app} (${SITE}-app)`);
    const named = (name: string) =>
      out.split('\n').find((text) => text.startsWith('    i-') && text.includes(` (${name}): `)) ??
      `(no line for ${name})`;
    expect(named(`${SITE}-weak`)).toContain('NOT reachable → reachable');
    expect(named(`${SITE}-half`)).toContain('NOT reachable → NOT reachable');
    // The setting Terraform applied, read back (ssm:GetServiceSetting) with the role it names: the
    // instance without a profile is managed through it once the endpoints are there.
    expect(out).toContain(
      'Default Host Management Configuration: on, role dhmc-instance-management (it manages the instances without a usable instance profile)',
    );
    const bare = idOf('aws_instance', 'bare');
    expect(line(bare)).toBe(`    ${bare} (${SITE}-bare): NOT reachable → reachable`);
    expect(out).toContain(
      "Default Host Management Configuration's role dhmc-instance-management carries the agent (no usable instance profile)",
    );
    expect(review.status).toBe(AccountExit.OK);
  });
});
