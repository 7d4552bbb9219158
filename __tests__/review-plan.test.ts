import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { configurationFor } from '../tools/review/sources/configuration';
import { readPlanFile } from '../tools/review/sources/plan-file';
import { reviewPlan, reviewPlanFile } from '../tools/review/review';
import { planBlocks } from './helpers/review-text';

// The --plan source: what it accepts, what it refuses with one line, and a state read as it stands.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-plan-file-'));
const write = (name: string, content: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};

/** A managed resource as terraform show -json lists it in a state. */
const resource = (address: string, type: string, values: Record<string, unknown>) => ({
  address,
  mode: 'managed',
  type,
  name: address.split('.').pop(),
  values,
});

describe('readPlanFile', () => {
  test.each([
    [
      'missing.json',
      undefined,
      /^--plan \S+missing\.json: cannot read it \(ENOENT\); expected the file terraform show -json wrote$/,
    ],
    [
      'text.txt',
      'Terraform will perform the following actions:',
      /^--plan \S+text\.txt is not JSON \(.+\); expected what terraform show -json <planfile> writes \(terraform show without -json writes text\)$/,
    ],
    [
      'other.json',
      '{"Version": "2012-10-17", "Statement": []}',
      /^--plan \S+other\.json is JSON but not a Terraform plan or state \(it has no format_version\); expected what terraform show -json writes$/,
    ],
    [
      'future.json',
      '{"format_version": "2.0", "resource_changes": []}',
      /^--plan \S+future\.json has format_version 2\.0, which the review does not read; expected 1\.x \(terraform show -json of Terraform 1\.0 or later\)$/,
    ],
    [
      'neither.json',
      '{"format_version": "1.2", "outputs": {}}',
      /^--plan \S+neither\.json is JSON with a format_version but neither a plan \(resource_changes\) nor a state \(values\)/,
    ],
  ])('GIVEN %s WHEN read THEN one line names the file and what is expected', (name, content, message) => {
    const file = content === undefined ? path.join(dir, name) : write(name, content);
    expect(() => readPlanFile(file)).toThrow(message);
  });

  test('GIVEN a plan without instances WHEN reviewed THEN it says there is nothing to judge', () => {
    const file = write(
      'no-instances.json',
      JSON.stringify({
        format_version: '1.2',
        resource_changes: [
          {
            address: 'aws_vpc.a',
            mode: 'managed',
            type: 'aws_vpc',
            name: 'a',
            change: { actions: ['create'], after: {} },
          },
        ],
      }),
    );
    expect(() => reviewPlanFile(file)).toThrow(
      /^--plan \S+no-instances\.json holds no aws_instance that exists after the plan: the review judges how instances are reached, so there is nothing to judge$/,
    );
  });

  test('GIVEN a state (terraform show -json without a plan) WHEN read THEN every managed resource of every module stands as it is, linked by its ids', () => {
    const file = write(
      'state.json',
      JSON.stringify({
        format_version: '1.0',
        terraform_version: '1.11.4',
        values: {
          root_module: {
            resources: [
              resource('aws_instance.web', 'aws_instance', {
                id: 'i-0a',
                subnet_id: 'subnet-0a',
                vpc_security_group_ids: ['sg-0a'],
                associate_public_ip_address: true,
                key_name: 'k',
                tags: { Name: 'web' },
              }),
            ],
            child_modules: [
              {
                address: 'module.net',
                resources: [
                  resource('module.net.aws_vpc.this', 'aws_vpc', { id: 'vpc-0a', cidr_block: '10.0.0.0/16' }),
                  resource('module.net.aws_subnet.a', 'aws_subnet', {
                    id: 'subnet-0a',
                    vpc_id: 'vpc-0a',
                    cidr_block: '10.0.1.0/24',
                  }),
                  resource('module.net.aws_internet_gateway.this', 'aws_internet_gateway', {
                    id: 'igw-0a',
                    vpc_id: 'vpc-0a',
                  }),
                  resource('module.net.aws_route_table.public', 'aws_route_table', {
                    id: 'rtb-0a',
                    vpc_id: 'vpc-0a',
                    route: [{ cidr_block: '0.0.0.0/0', gateway_id: 'igw-0a' }],
                  }),
                  resource('module.net.aws_route_table_association.a', 'aws_route_table_association', {
                    id: 'rtbassoc-0a',
                    subnet_id: 'subnet-0a',
                    route_table_id: 'rtb-0a',
                  }),
                  resource('module.net.aws_security_group.web', 'aws_security_group', {
                    id: 'sg-0a',
                    vpc_id: 'vpc-0a',
                    ingress: [{ protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['198.51.100.0/24'] }],
                    egress: [],
                  }),
                ],
              },
            ],
          },
        },
      }),
    );
    expect(readPlanFile(file).kind).toBe('state');
    const review = reviewPlanFile(file);
    expect(planBlocks(review)).toEqual([
      {
        address: 'aws_instance.web',
        name: 'web',
        action: 'unchanged',
        lines: [
          'Session Manager: NOT reachable — no instance profile, so the SSM Agent has no Systems Manager role (Default Host Management Configuration would manage it if the account turned it on: off by default, and not set in this plan); the instance security groups allow no outbound 443',
          'SSH: reachable from 198.51.100.0/24 (port 22 open from 198.51.100.0/24; public address; route to the internet gateway; existing key pair k)',
        ],
        assumptions: [],
      },
    ]);
    expect(review.text).toContain(
      'Plan review of state.json (a state, judged as it stands; no AWS account, no Terraform run)',
    );
    expect(review.exitCode).toBe(0);
  });

  test('GIVEN a state whose instance has no public address of its own but an Elastic IP on its primary interface WHEN judged THEN SSH reaches it over that address', () => {
    const file = write(
      'eni-eip.json',
      JSON.stringify({
        format_version: '1.0',
        values: {
          root_module: {
            resources: [
              resource('aws_vpc.this', 'aws_vpc', { id: 'vpc-1', cidr_block: '10.0.0.0/16' }),
              resource('aws_subnet.a', 'aws_subnet', { id: 'subnet-1', vpc_id: 'vpc-1', cidr_block: '10.0.1.0/24' }),
              resource('aws_internet_gateway.this', 'aws_internet_gateway', { id: 'igw-1', vpc_id: 'vpc-1' }),
              resource('aws_route_table.public', 'aws_route_table', {
                id: 'rtb-1',
                vpc_id: 'vpc-1',
                route: [{ cidr_block: '0.0.0.0/0', gateway_id: 'igw-1' }],
              }),
              resource('aws_route_table_association.a', 'aws_route_table_association', {
                id: 'rtbassoc-1',
                subnet_id: 'subnet-1',
                route_table_id: 'rtb-1',
              }),
              resource('aws_security_group.ssh', 'aws_security_group', {
                id: 'sg-1',
                vpc_id: 'vpc-1',
                ingress: [{ protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['198.51.100.0/24'] }],
              }),
              resource('aws_instance.web', 'aws_instance', {
                id: 'i-1',
                subnet_id: 'subnet-1',
                vpc_security_group_ids: ['sg-1'],
                associate_public_ip_address: false,
                primary_network_interface_id: 'eni-1',
                key_name: 'k',
              }),
              resource('aws_eip.web', 'aws_eip', { id: 'eipalloc-1', network_interface: 'eni-1' }),
            ],
          },
        },
      }),
    );
    const [web] = planBlocks(reviewPlanFile(file));
    expect(web.lines[1]).toBe(
      'SSH: reachable from 198.51.100.0/24 (port 22 open from 198.51.100.0/24; public address; route to the internet gateway; existing key pair k)',
    );
  });
});

/** The bench's generated plan of `instances`, written beside the configuration's files it was made from. */
function generatedBesideItsFiles(instances: number): { configured: string; file: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { generatedPlan, writeGeneratedConfiguration } = require('../scripts/generated-plan');
  const configured = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-generated-config-'));
  writeGeneratedConfiguration(instances, configured);
  const file = path.join(configured, 'plan.json');
  fs.writeFileSync(file, JSON.stringify(generatedPlan(instances)));
  return { configured, file };
}

describe('the configuration beside a plan', () => {
  test("GIVEN the bench's generated plan beside the files it was made from WHEN reviewed THEN the files are read, not stale, and every verdict is the one the plan alone gives, without its assumptions", async () => {
    const { file } = generatedBesideItsFiles(50);
    const read = readPlanFile(file);
    const status = await configurationFor(file, read.plan.configuration?.root_module, undefined);
    expect(status.kind).toBe('read');
    const withFiles = reviewPlan(file, read, status);
    const alone = reviewPlan(file, read);
    expect(planBlocks(withFiles).map((block) => block.lines)).toEqual(planBlocks(alone).map((block) => block.lines));
    expect(planBlocks(withFiles)).toHaveLength(50);
    expect(
      planBlocks(withFiles).every((block) => block.lines[0].startsWith('Session Manager: reachable via NAT gateway')),
    ).toBe(true);
    expect(planBlocks(withFiles).flatMap((block) => block.assumptions)).toEqual([]);
    expect(planBlocks(alone)[0].assumptions).not.toEqual([]);
  });
});

describe('files edited after the plan', () => {
  test('GIVEN the files beside a plan name a resource in an attribute the plan’s expression does not WHEN reviewed THEN the files are stale, said with the attribute and the name, and the plan alone is read', async () => {
    const { configured, file } = generatedBesideItsFiles(20);
    // After the plan, the instances get a second group: a file the plan was not made from.
    const app = path.join(configured, 'modules', 'app', 'main.tf');
    fs.writeFileSync(
      app,
      fs
        .readFileSync(app, 'utf8')
        .replace(
          'vpc_security_group_ids = [aws_security_group.this[count.index].id]',
          'vpc_security_group_ids = [aws_security_group.this[count.index].id, aws_security_group.shared.id]',
        ),
    );
    const read = readPlanFile(file);
    const status = await configurationFor(file, read.plan.configuration?.root_module, undefined);
    expect(status).toEqual({
      kind: 'stale',
      dir: configured,
      why: 'module.app.aws_instance.this.vpc_security_group_ids refers to aws_security_group.shared in the files, not in the plan',
    });
  });
});

describe("the bench's hub-and-spoke plan", () => {
  test('GIVEN the generated hub-and-spoke plan (spokes of 20 instances on one transit gateway, egress centralized) WHEN reviewed THEN every instance goes out through the gateway and back; WHEN one spoke propagates nowhere THEN only its instances lose the way back, the table named', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { hubAndSpokePlan } = require('../scripts/hub-and-spoke-plan');
    const plan = hubAndSpokePlan(60);
    const through =
      'Session Manager: reachable via NAT gateway (0.0.0.0/0 → transit gateway hub (transit gateway route table spokes) → egress → NAT gateway in egress-public → internet gateway, and back the same way; 443 out)';
    const whole = planBlocks(reviewPlanFile(write('hub.json', JSON.stringify(plan))));
    expect(whole).toHaveLength(60);
    expect(whole.every((block) => block.lines[0] === through)).toBe(true);
    // The second spoke's propagation into the egress table removed: its replies have no way back.
    plan.resource_changes = plan.resource_changes.filter(
      (change: { address: string }) =>
        change.address !== 'module.spoke["s1"].aws_ec2_transit_gateway_route_table_propagation.this',
    );
    const cut = planBlocks(reviewPlanFile(write('hub-cut.json', JSON.stringify(plan))));
    const s1 = cut.filter((block) => block.address.startsWith('module.spoke["s1"]'));
    expect(s1).toHaveLength(20);
    expect(s1[0].lines[0]).toBe(
      "Session Manager: NOT reachable — the egress attachment's route table (transit gateway route table egress) has no route to s1-private's range (10.1.16.0/24) (no propagation from s1's attachment, no static route), so the replies are lost, and s1 has no Session Manager endpoints",
    );
    expect(cut.filter((block) => block.lines[0] === through)).toHaveLength(40);
  });
});
