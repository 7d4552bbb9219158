import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NetworkModel } from '../tools/review/model/plan-model';
import { PlanJson, PlannedValues } from '../tools/terraform-json';
import { Reachability } from '../tools/review/rules/reachability';
import { stackCost } from '../tools/review/rules/prices';
import { ReviewResult, runReview } from '../tools/review/review';
import { configWith } from './helpers/synth';
import { describeReviewVariants } from './helpers/review-variants';
import { describeWithTerraform, init, nullOutputs, plan as planOne, plannedValues, tfEnv } from './helpers/terraform';
import { SSM_ENDPOINTS_SAMPLE_VARS } from '../stacks/temporary-endpoints-sample';
import { offlineEndpointsVars } from '../tools/review/sources/offline-app';
import { DOC_PAGES, readPage } from '../tools/docs';
import { reportDocument } from '../tools/review/render/json';
import { reportSchemaErrors } from './helpers/report-schema';

// The offline review of the default lab, end to end with the real Terraform and AWS provider:
// assertions on Terraform's own evaluated plans, on the verdicts, and on broken variants of them.

describeWithTerraform('npm run review (offline plan review)', () => {
  let result: ReviewResult;
  const progress: string[] = [];
  let outDir: string;

  beforeAll(async () => {
    outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-review-')), '.review');
    // A user's shell as it may be: each of these alone made every stack fail before the review
    // chose its own environment (a workspace, one shared data dir, an absent AWS profile, CLI args).
    const shell = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-shell-'));
    fs.writeFileSync(path.join(shell, 'aws-config'), '[profile other]\nregion = us-east-1\n');
    const userShell = {
      TF_WORKSPACE: 'staging',
      TF_DATA_DIR: path.join(shell, 'tf-data'),
      AWS_PROFILE: 'dev',
      AWS_CONFIG_FILE: path.join(shell, 'aws-config'),
      TF_CLI_ARGS_plan: '-var=not_declared=1',
      TF_VAR_ttl: 'soon',
    };
    result = await runReview({
      outDir,
      config: configWith(),
      progress: (line) => progress.push(line),
      env: { ...tfEnv(), ...userShell },
    });
  });

  const plan = (stack: string): PlanJson => result.plans[stack];
  const verdicts = (plans: Record<string, PlanJson> = result.plans) => {
    const model = new NetworkModel(plans, result.placeholders);
    const reach = new Reachability(model);
    const byName = new Map(reach.instances().map((instance) => [model.label(instance), instance]));
    return {
      reach,
      model,
      of: (name: string) => reach.sessionManager(byName.get(name)!),
      ssh: (name: string, client?: string) => reach.ssh(byName.get(name)!, client),
    };
  };
  /** A deep copy of the plans with one resource change edited or removed. */
  const variant = (
    stack: string,
    address: string,
    edit: ((after: Record<string, unknown>, unknown: Record<string, unknown>) => void) | 'remove',
  ): Record<string, PlanJson> => {
    const copy = JSON.parse(JSON.stringify(result.plans));
    const changes: {
      address: string;
      change: { after: Record<string, unknown>; after_unknown?: Record<string, unknown> };
    }[] = copy[stack].resource_changes;
    const at = changes.findIndex((change) => change.address === address);
    if (at < 0) throw new Error(`${stack} has no ${address}`);
    if (edit === 'remove') changes.splice(at, 1);
    else edit(changes[at].change.after, changes[at].change.after_unknown ?? {});
    return copy;
  };
  const addressOf = (stack: string, type: string, match: (after: PlannedValues) => boolean = () => true): string =>
    (plan(stack).resource_changes ?? []).find((change) => change.type === type && match(change.change.after ?? {}))!
      .address;

  test('GIVEN the default lab WHEN reviewed THEN all seven stacks are planned together (plan validates), one progress line each and one for the plan', () => {
    expect(result.outcomes.map((o) => [o.stack, o.ok])).toEqual([
      ['lab-eice', true],
      ['lab-network', true],
      ['lab-ssh', true],
      ['lab-ssm-endpoint', true],
      ['lab-ssm-nat', true],
      ['lab-ssm-public', true],
      ['ssm-endpoints', true],
    ]);
    expect(progress).toHaveLength(8);
    expect(progress[7]).toMatch(/^7 stacks planned together in \d+\.\d s \(one terraform init, plan and show\)$/);
    for (const stack of Object.keys(result.plans)) {
      expect(fs.existsSync(path.join(outDir, 'plans', `${stack}.json`))).toBe(true);
      expect(progress.some((line) => line.includes(stack) && line.includes('to create'))).toBe(true);
    }
  });

  test('GIVEN the plans of all seven stacks WHEN their outputs are read THEN none is null (cdktf-cli 0.21 cannot print one)', () => {
    for (const stack of Object.keys(result.plans)) expect([stack, nullOutputs(plan(stack))]).toEqual([stack, []]);
  });

  test('GIVEN the plans WHEN read THEN Terraform evaluated the lab as designed', () => {
    const vpcs = plannedValues(plan('lab-network'), 'aws_vpc.vpc2_vpc_3C30A18A');
    expect(vpcs[0]).toMatchObject({ cidr_block: '10.1.0.0/16', enable_dns_support: true, enable_dns_hostnames: true });
    expect(
      plannedValues(plan('lab-network'), addressOf('lab-network', 'aws_iam_role_policy_attachment'))[0].policy_arn,
    ).toBe('arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore');
    const endpointInstance = plan('lab-ssm-endpoint').resource_changes!.find((c) => c.type === 'aws_instance')!.change
      .after!;
    expect(endpointInstance).toMatchObject({
      ami: 'ami-0123456789abcdef0',
      instance_type: 't4g.nano',
      associate_public_ip_address: false,
      metadata_options: [expect.objectContaining({ http_tokens: 'required', http_put_response_hop_limit: 1 })],
      root_block_device: [expect.objectContaining({ encrypted: true, volume_type: 'gp3', volume_size: 8 })],
    });
    expect(endpointInstance.subnet_id).toMatch(/^subnet-[0-9a-f]{17}$/);
    const endpoints = plan('lab-ssm-endpoint')
      .resource_changes!.filter((c) => c.type === 'aws_vpc_endpoint')
      .map((c) => c.change.after!);
    expect(endpoints.map((e) => [e.service_name, e.private_dns_enabled, e.vpc_endpoint_type]).sort()).toEqual([
      ['com.amazonaws.ap-northeast-1.ssm', true, 'Interface'],
      ['com.amazonaws.ap-northeast-1.ssmmessages', true, 'Interface'],
    ]);
    const sshRule = plan('lab-ssh').resource_changes!.find(
      (c) => c.type === 'aws_vpc_security_group_ingress_rule' && c.change.after?.from_port === 22,
    )!.change.after!;
    expect(sshRule).toMatchObject({ from_port: 22, to_port: 22, cidr_ipv4: '203.0.113.0/24', ip_protocol: 'tcp' });
    const natRoute = plan('lab-ssm-nat').resource_changes!.find((c) => c.type === 'aws_route')!.change.after!;
    expect(natRoute.destination_cidr_block).toBe('0.0.0.0/0');
    expect(natRoute.route_table_id).toMatch(/^rtb-[0-9a-f]{17}$/);
    expect(plannedValues(plan('ssm-endpoints'), 'aws_vpc_endpoint.interface')).toHaveLength(2);
    const publicInstance = plan('lab-ssm-public').resource_changes!.find((c) => c.type === 'aws_instance')!.change
      .after!;
    expect(publicInstance).toMatchObject({
      associate_public_ip_address: true,
      iam_instance_profile: 'placeholder-session-manager-role_instance-profile_4DD63473',
      tags: { Name: 'ssm-lab-ssm-public', Scenario: 'ssm-internet-gateway', ForwardsTo: 'ssm-lab-target-vpc1:8080' },
    });
    expect(publicInstance.key_name).toBeUndefined();
    const publicEgress = plan('lab-ssm-public')
      .resource_changes!.filter((c) => c.type === 'aws_vpc_security_group_egress_rule')
      .map((c) => c.change.after!);
    expect(publicEgress).toEqual([
      expect.objectContaining({ ip_protocol: 'tcp', from_port: 8080, to_port: 8080, cidr_ipv4: null }),
      expect.objectContaining({ ip_protocol: 'tcp', from_port: 443, to_port: 443, cidr_ipv4: '0.0.0.0/0' }),
    ]);
    // Its one inbound rule is on the forwarding target's group (a placeholder id of lab-network), not its own.
    const ingress = plan('lab-ssm-public')
      .resource_changes!.filter((c) => c.type === 'aws_vpc_security_group_ingress_rule')
      .map((c) => c.change.after!);
    expect(ingress).toEqual([
      expect.objectContaining({ from_port: 8080, security_group_id: expect.stringMatching(/^sg-[0-9a-f]{17}$/) }),
    ]);
    // The target's address comes through lab-network's state and is printed, not hidden.
    const forward = plan('lab-ssm-public').output_changes!.forward_to_target_command;
    expect(forward.after_unknown).toBe(true);
    expect(
      plan('lab-network')
        .resource_changes!.filter((c) => c.type === 'aws_instance')
        .map((c) => c.change.after!.tags),
    ).toEqual([
      { Name: 'ssm-lab-target-vpc1', Scenario: 'forwarding-target' },
      { Name: 'ssm-lab-target-vpc2', Scenario: 'forwarding-target' },
    ]);
  });

  test('GIVEN the default lab WHEN reachability is computed THEN each scenario gets its expected verdict', () => {
    const { of, ssh } = verdicts();
    expect(of('ssm-lab-ssm-public').text).toBe(
      'Session Manager: reachable via internet gateway (public address; 0.0.0.0/0 → internet gateway; 443 out)',
    );
    expect(of('ssm-lab-ssm-nat').text).toBe(
      'Session Manager: reachable via NAT gateway (0.0.0.0/0 → NAT gateway in ssm-lab-vpc1-public → internet gateway; 443 out)',
    );
    expect(of('ssm-lab-ssm-endpoint').text).toBe(
      'Session Manager: reachable via VPC endpoints (ssm, ssmmessages with private DNS in ssm-lab-vpc2; endpoint SG allows 443 from the instance SG; instance SG allows 443 to it)',
    );
    expect(of('ssm-lab-ssh').text).toBe(
      'Session Manager: NOT reachable — no instance profile, so the SSM Agent has no Systems Manager role',
    );
    expect(ssh('ssm-lab-ssh').reachable).toBe(true);
    expect(ssh('ssm-lab-ssh', '203.0.113.99').text).toContain(
      'SSH: reachable from 203.0.113.99 (port 22 open from 203.0.113.0/24; public address; route to the internet gateway; key pair ssm-lab-ssh)',
    );
    for (const name of ['ssm-lab-ssm-public', 'ssm-lab-ssm-nat', 'ssm-lab-ssm-endpoint']) {
      expect(ssh(name).text).toBe('SSH: NOT reachable — no inbound rule opens port 22');
    }
    expect(ssh('ssm-lab-eice').text).toBe(
      'SSH: reachable via EC2 Instance Connect Endpoint (ssm-lab-ssh-eice in ssm-lab-vpc2; instance SG admits tcp/22 from the endpoint SG; endpoint SG sends tcp/22 to the instance; no key pair needed: the CLI pushes a one-minute key)',
    );
    expect(of('ssm-lab-eice').reachable).toBe(false);
  });

  test('GIVEN the default lab WHEN the forwarding hop is judged THEN all five instances reach their target, each through its own first hop', () => {
    const model = modelOf(result);
    const reach = new Reachability(model);
    const forwarding = Object.fromEntries(
      reach.instances().map((instance) => [model.label(instance), reach.forwarding(instance)?.text]),
    );
    const sameSubnet = (subnet: string) =>
      `same subnet ${subnet}; instance SG sends tcp/8080 to the target SG; target SG admits tcp/8080 from the instance SG`;
    const sameVpc =
      'same VPC ssm-lab-vpc1 (local route; ssm-lab-vpc1-public → ssm-lab-vpc1-private-1); instance SG sends tcp/8080 to the target SG; target SG admits tcp/8080 from the instance SG';
    expect(forwarding).toEqual({
      'ssm-lab-ssh': `Port forwarding to ssm-lab-target-vpc1:8080: reachable via SSH over the internet gateway, ssh -L (${sameVpc})`,
      'ssm-lab-ssm-public': `Port forwarding to ssm-lab-target-vpc1:8080: reachable via Session Manager over the internet gateway, document AWS-StartPortForwardingSessionToRemoteHost (${sameVpc})`,
      'ssm-lab-ssm-nat': `Port forwarding to ssm-lab-target-vpc1:8080: reachable via Session Manager over the NAT gateway, document AWS-StartPortForwardingSessionToRemoteHost (${sameSubnet('ssm-lab-vpc1-private-1')})`,
      'ssm-lab-ssm-endpoint': `Port forwarding to ssm-lab-target-vpc2:8080: reachable via Session Manager over the VPC endpoints, document AWS-StartPortForwardingSessionToRemoteHost (${sameSubnet('ssm-lab-vpc2-private-2')})`,
      'ssm-lab-eice': `Port forwarding to ssm-lab-target-vpc2:8080: reachable via the EC2 Instance Connect Endpoint, ssh -L over open-tunnel to the instance (${sameSubnet('ssm-lab-vpc2-private-2')})`,
    });
    expect(reach.forwardingTargets().map((target) => model.label(target))).toEqual([
      'ssm-lab-target-vpc1',
      'ssm-lab-target-vpc2',
    ]);
    expect(result.text).toContain(
      '    Port forwarding to ssm-lab-target-vpc1:8080: reachable via Session Manager over the NAT gateway',
    );
  });

  test("GIVEN the first hop cut WHEN the forwarding hop is judged THEN it is NOT reachable, with the first hop's reasons", () => {
    const plans = variant('lab-ssm-nat', addressOf('lab-ssm-nat', 'aws_route'), 'remove');
    const model = new NetworkModel(plans, result.placeholders);
    const reach = new Reachability(model);
    const nat = reach.instances().find((instance) => model.label(instance) === 'ssm-lab-ssm-nat')!;
    expect(reach.forwarding(nat)!.text).toBe(
      'Port forwarding to ssm-lab-target-vpc1:8080: NOT reachable — no first hop reaches the instance (Session Manager: ssm-lab-vpc1-private-1 has no default route (0.0.0.0/0) to the internet, and ssm-lab-vpc1 has no Session Manager endpoints; SSH: no inbound rule opens port 22)',
    );
  });

  const endpointIngress = () =>
    addressOf('lab-ssm-endpoint', 'aws_vpc_security_group_ingress_rule', (after) => after.from_port === 443);
  const endpointFor = (service: string) =>
    addressOf('lab-ssm-endpoint', 'aws_vpc_endpoint', (after) => String(after.service_name).endsWith(`.${service}`));
  const brokenVariants: [string, () => Record<string, PlanJson>, string, string][] = [
    [
      'no inbound 443 on the endpoint SG',
      () => variant('lab-ssm-endpoint', endpointIngress(), 'remove'),
      'ssm-lab-ssm-endpoint',
      "the ssm and ssmmessages endpoints' security group ssm-lab-endpoints allows no inbound 443 from the instance (neither from its security group nor from a range covering 10.1.3.0/24)",
    ],
    [
      'endpoint private DNS off',
      () => variant('lab-ssm-endpoint', endpointFor('ssm'), (after) => (after.private_dns_enabled = false)),
      'ssm-lab-ssm-endpoint',
      "the ssm endpoint's private DNS is off, so the public names are used; for ssm: ssm-lab-vpc2-private-2 has no default route (0.0.0.0/0) to the internet",
    ],
    [
      'VPC DNS hostnames off',
      () => variant('lab-network', 'aws_vpc.vpc2_vpc_3C30A18A', (after) => (after.enable_dns_hostnames = false)),
      'ssm-lab-ssm-endpoint',
      "the ssm and ssmmessages endpoints' private DNS does not apply (ssm-lab-vpc2 has DNS hostnames off), so the public names are used; ssm-lab-vpc2-private-2 has no default route (0.0.0.0/0) to the internet",
    ],
    [
      'ssmmessages endpoint missing',
      () => variant('lab-ssm-endpoint', endpointFor('ssmmessages'), 'remove'),
      'ssm-lab-ssm-endpoint',
      'for ssmmessages: no ssmmessages endpoint with private DNS in ssm-lab-vpc2, and ssm-lab-vpc2-private-2 has no default route (0.0.0.0/0) to the internet',
    ],
    [
      'NAT route removed',
      () => variant('lab-ssm-nat', addressOf('lab-ssm-nat', 'aws_route'), 'remove'),
      'ssm-lab-ssm-nat',
      'ssm-lab-vpc1-private-1 has no default route (0.0.0.0/0) to the internet, and ssm-lab-vpc1 has no Session Manager endpoints',
    ],
    [
      'NAT placed in a private subnet',
      () => {
        const privateSubnet = addressOf('lab-ssm-nat', 'aws_instance');
        const subnetId = plan('lab-ssm-nat').resource_changes!.find((c) => c.address === privateSubnet)!.change.after!
          .subnet_id;
        return variant(
          'lab-ssm-nat',
          addressOf('lab-ssm-nat', 'aws_nat_gateway'),
          (after) => (after.subnet_id = subnetId),
        );
      },
      'ssm-lab-ssm-nat',
      "the NAT gateway's subnet ssm-lab-vpc1-private-1 has no route to an internet gateway, and ssm-lab-vpc1 has no Session Manager endpoints",
    ],
    [
      'instance profile missing',
      () =>
        variant(
          'lab-ssm-public',
          addressOf('lab-ssm-public', 'aws_instance'),
          (after) => delete after.iam_instance_profile,
        ),
      'ssm-lab-ssm-public',
      'no instance profile, so the SSM Agent has no Systems Manager role',
    ],
    [
      'instance egress without 443',
      () =>
        variant(
          'lab-ssm-public',
          addressOf('lab-ssm-public', 'aws_vpc_security_group_egress_rule', (after) => after.from_port === 443),
          (after) => Object.assign(after, { from_port: 80, to_port: 80 }),
        ),
      'ssm-lab-ssm-public',
      'the instance security groups allow no outbound 443',
    ],
  ];

  test.each(brokenVariants)(
    'GIVEN %s WHEN reachability is computed THEN NOT reachable with the reason',
    (_, plans, instance, reason) => {
      const verdict = verdicts(plans()).of(instance);
      expect(verdict.reachable).toBe(false);
      expect(verdict.text).toBe(`Session Manager: NOT reachable — ${reason}`);
    },
  );

  test('GIVEN a Session Manager instance with the key pair WHEN checked THEN SSH is reachable through Session Manager, port 22 closed', () => {
    const sshKey = plan('lab-ssh').resource_changes!.find((c) => c.type === 'aws_instance')!.change.after!.key_name;
    expect(sshKey).toBe('placeholder-key-pair');
    const plans = variant('lab-ssm-endpoint', addressOf('lab-ssm-endpoint', 'aws_instance'), (after, unknown) => {
      after.key_name = sshKey;
      delete unknown.key_name; // known now, as it would be with SSM_LAB_SSH_OVER_SSM=true
    });
    expect(verdicts(plans).ssh('ssm-lab-ssm-endpoint').text).toBe(
      'SSH: reachable through Session Manager (AWS-StartSSHSession over Session Manager; port 22 stays closed; key pair ssm-lab-ssh)',
    );
    expect(verdicts().ssh('ssm-lab-ssm-endpoint').reachable).toBe(false);
  });

  test('GIVEN an SSH client outside the allowed CIDR WHEN checked THEN NOT reachable with the reason', () => {
    expect(verdicts().ssh('ssm-lab-ssh', '192.0.2.10').text).toBe(
      'SSH: NOT reachable — port 22 is open only to 203.0.113.0/24; 192.0.2.10 is not in it',
    );
  });

  test('GIVEN lab-ssm-nat WHEN costed THEN the total is the hand-computed sum', () => {
    // NAT 0.062 + its Elastic IP 0.005 + t4g.nano 0.0054 + 8 GiB gp3 at 0.096/GB-month over 730 h
    const expected = 0.062 + 0.005 + 0.0054 + (8 * 0.096) / 730;
    const cost = stackCost(modelOf(result), 'lab-ssm-nat', 'ap-northeast-1');
    expect(cost.knownUsdPerHour).toBeCloseTo(expected, 10);
    expect(cost.unknown).toEqual([]);
    // lab-network: the two forwarding targets, each a t4g.nano with 8 GiB gp3, and nothing else.
    expect(stackCost(modelOf(result), 'lab-network', 'ap-northeast-1').knownUsdPerHour).toBeCloseTo(
      2 * (0.0054 + (8 * 0.096) / 730),
      10,
    );
    expect(stackCost(modelOf(result), 'lab-ssm-endpoint', 'ap-northeast-1').knownUsdPerHour).toBeCloseTo(
      0.028 + 0.0054 + (8 * 0.096) / 730,
      10,
    );
    const unknownRegion = stackCost(modelOf(result), 'lab-ssm-nat', 'eu-west-3');
    expect(unknownRegion.knownUsdPerHour).toBe(0);
    expect(unknownRegion.unknown.length).toBe(4);
  });

  test('GIVEN the review WHEN written THEN the Markdown report has every section, the diagram file and the placeholder notice', () => {
    const report = fs.readFileSync(result.reportFile!, 'utf8');
    const diagram = fs.readFileSync(path.join(outDir, 'lab.mmd'), 'utf8');
    for (const heading of [
      '## Stacks',
      '## Instances',
      '### Reachability, computed from the plans',
      '## Cost per stack',
      '## NAT gateway vs VPC endpoints',
      '## Diagram',
    ]) {
      expect(report).toContain(heading);
    }
    expect(report).toContain('placeholder holding only lab-network');
    expect(report).toContain('```mermaid\n' + diagram.trimEnd() + '\n```');
    expect(diagram).toMatch(/^flowchart LR\n/);
    expect(diagram).toContain('ssm-lab-ssm-endpoint<br/>SSM ✓ via vpc-endpoints · SSH ✗');
    expect(report).toContain(
      '| `lab-ssm-nat` | aws_eip × 1, aws_instance × 1, aws_nat_gateway × 1, aws_route × 1, aws_security_group × 1, aws_vpc_security_group_egress_rule × 2, aws_vpc_security_group_ingress_rule × 1 | USD 0.0735 |',
    );
    expect(report).toContain('| `lab-network` | aws_default_security_group × 2');
    expect(report).toMatch(/\| `lab-network` \| [^|]*aws_instance × 2[^|]* \| USD 0\.0129 \|/);
    // The forwarding targets and the path comparison with its forwarding column.
    expect(report).toContain('### Forwarding targets');
    expect(report).toContain(
      '| ssm-lab-target-vpc1 | `lab-network` | ssm-lab-vpc1-private-1 | no | tcp/8080 SG ssm-lab-ssh-instance, tcp/8080 SG ssm-lab-ssm-nat-instance, tcp/8080 SG ssm-lab-ssm-public-instance | none | ssm-lab-ssh, ssm-lab-ssm-nat, ssm-lab-ssm-public |',
    );
    expect(report).toContain(
      '| path | stack | USD/h | shell | port forwarding | what forwarding costs | what AWS records of it |',
    );
    expect(report).toMatch(
      /\| Session Manager via NAT gateway \| `lab-ssm-nat` \| USD 0\.0735 \| `aws ssm start-session` \| `AWS-StartPortForwardingSession` \(a port on the instance\), `AWS-StartPortForwardingSessionToRemoteHost` \(the target\) \| no Session Manager charge; every forwarded byte crosses the NAT gateway: 0\.062 USD\/GB processed \| CloudTrail: StartSession/,
    );
    // What the far end costs: a t4g.nano and its 8 GiB gp3 volume, priced from the same table.
    expect(report).toContain(
      'The forwarding targets the paths reach: ssm-lab-target-vpc1 (`lab-network`) USD 0.0065/h, ssm-lab-target-vpc2 (`lab-network`) USD 0.0065/h.',
    );
    expect(report).toContain('- gp3 8 GiB root volume of ssm-lab-target-vpc2: USD 0.0011/h (730 h a month)');
    // Every hop in the diagram: through the Instance Connect Endpoint, and on to the target.
    expect(diagram).toMatch(
      /operator\(\["operator"\]\) -- "OpenTunnel" --> n_lab_eice_aws_ec2_instance_connect_endpoint_\w+\n {2}n_lab_eice_aws_ec2_instance_connect_endpoint_\w+ -- "tcp\/22" --> n_lab_eice_aws_instance_\w+/,
    );
    expect(diagram).not.toMatch(/operator\(\["operator"\]\) -- "tcp\/22" --> n_lab_eice/);
    for (const client of ['lab_ssh', 'lab_ssm_public', 'lab_ssm_nat'])
      expect(diagram).toMatch(
        new RegExp(
          `n_${client}_aws_instance_\\w+ -\\. "tcp/8080 forwarded" \\.-> n_lab_network_aws_instance_target_vpc1_`,
        ),
      );
    for (const client of ['lab_ssm_endpoint', 'lab_eice'])
      expect(diagram).toMatch(
        new RegExp(
          `n_${client}_aws_instance_\\w+ -\\. "tcp/8080 forwarded" \\.-> n_lab_network_aws_instance_target_vpc2_`,
        ),
      );
    expect(result.text).toContain('Endpoints are cheaper by USD 0.0390/h');
  });

  test("GIVEN the default app's review WHEN its diagram is compared with the README's THEN they are the same (else: npm run review, then copy .review/lab.mmd into the README's block)", () => {
    const readme = readPage('README.md');
    const block = /<!-- lab diagram: [^\n]* -->\n```mermaid\n([\s\S]*?)```\n<!-- end of lab diagram -->/.exec(readme);
    expect(block?.[1]).toBe(fs.readFileSync(path.join(outDir, 'lab.mmd'), 'utf8'));
  });

  test('GIVEN the diagrams WHEN Mermaid itself parses them THEN the report, lab.mmd and the docs render, and a broken one fails', () => {
    const check = (...files: string[]) =>
      spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'check-mermaid.mjs'), ...files], {
        encoding: 'utf8',
      });
    const docs = DOC_PAGES.filter((page) => readPage(page).includes('```mermaid')).map((page) =>
      path.join(__dirname, '..', page),
    );
    expect(docs).toEqual(expect.arrayContaining([path.join(__dirname, '..', 'README.md')]));
    const good = check(result.reportFile!, path.join(outDir, 'lab.mmd'), ...docs);
    expect(good.stderr).toBe('');
    expect(good.stdout).toContain(`${2 + docs.length} diagram(s) checked, 0 failed`);
    expect(good.status).toBe(0);
    const broken = path.join(outDir, 'broken.mmd');
    fs.writeFileSync(
      broken,
      fs.readFileSync(path.join(outDir, 'lab.mmd'), 'utf8').replace('flowchart LR', 'flowchart LR\n  a[unclosed -->'),
    );
    expect(check(broken).status).toBe(1);
  });

  test("GIVEN the review WHEN rendered as JSON THEN the document conforms to the schema, and holds the text's verdicts, stacks and policy checks", () => {
    const document = reportDocument(result.assessment!);
    expect(reportSchemaErrors(document)).toEqual([]);
    expect(document).toMatchObject({
      mode: 'offline',
      exitCode: 0,
      headlines: [],
      applyFailures: [],
      policyFindings: [],
    });
    const instances = document.instances as { name: string; after: { sessionManager: { text: string } } }[];
    expect(instances.map((instance) => instance.name).sort()).toEqual(
      result.assessment!.instances.map((i) => i.name).sort(),
    );
    for (const instance of instances) expect(result.text).toContain(`    ${instance.after.sessionManager.text}\n`);
    expect((document.stacks as unknown[]).length).toBe(7);
    expect((document.operatorAccess as { allowed: boolean }[]).every((access) => access.allowed)).toBe(true);
  });

  test('GIVEN the review WHEN its placeholders are listed THEN each stand-in is named once, and the placeholder state is where it says', () => {
    const listed = result.assessment!.placeholders.join('\n');
    expect(listed).toContain('ttl=4h) and preflight_lookups=false.');
    expect(listed.match(/region=/g)).toHaveLength(1);
    expect(listed).toContain('terraform.lab-network.tfstate in the review folder');
    expect(fs.existsSync(path.join(outDir, 'terraform.lab-network.tfstate'))).toBe(true);
    // In the report the list ends before the closing sentence (else Markdown joins them).
    const report = fs.readFileSync(result.reportFile!, 'utf8').split('\n');
    expect(report[report.findIndex((line) => line.startsWith('> Offline cannot know')) - 1]).toBe('>');
  });

  test('GIVEN the default lab (no session audit) WHEN instances are reviewed THEN no session is logged', () => {
    for (const instance of result.assessment!.instances) expect(instance.audit).toMatch(/^not logged/);
  });

  test('GIVEN review mode WHEN synthesized THEN only the review output carries mock credentials', () => {
    const reviewed = fs.readFileSync(path.join(outDir, 'cdktf.out', 'stacks', 'lab-network', 'cdk.tf.json'), 'utf8');
    expect(reviewed).toContain('skip_credentials_validation');
    expect(reviewed).toContain('mock-access-key-offline-review');
  });

  describe('GIVEN stacks planned alone, each in its own folder, as cdktf would', () => {
    /** The plan without what differs between any two runs: times, and the order of a set. */
    const comparable = (planJson: PlanJson) =>
      JSON.parse(JSON.stringify(planJson).replace(/"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/g, '"<time>"'), (key, value) =>
        key === 'relevant_attributes' ? [...value].map((item) => JSON.stringify(item)).sort() : value,
      );
    const alone: Record<string, PlanJson> = {};

    beforeAll(async () => {
      // One with lab-network's outputs through its state, one with --var inputs and outputs known at plan time.
      await Promise.all(
        ['lab-ssm-nat', 'ssm-endpoints'].map(async (stack) => {
          const dir = path.join(outDir, 'cdktf.out', 'stacks', stack);
          await init(dir, true);
          const vars =
            stack === 'ssm-endpoints' ? [...SSM_ENDPOINTS_SAMPLE_VARS, ...offlineEndpointsVars(configWith())] : [];
          const outcome = await planOne(dir, vars, 'alone');
          if (outcome.status !== 0) throw new Error(`${stack}: ${JSON.stringify(outcome.diagnostics)}`);
          alone[stack] = outcome.plan;
        }),
      );
    });

    test.each(['lab-ssm-nat', 'ssm-endpoints'])(
      'WHEN %s is compared with its part of the plan of all stacks together THEN the two are the same',
      (stack) => {
        expect(comparable(plan(stack))).toEqual(comparable(alone[stack]));
        expect(plan(stack).resource_changes!.length).toBeGreaterThan(0);
      },
    );
  });

  describeReviewVariants(() => ({ review: result, outDir }));
});

/** The model of the offline review's plans, as the assessment builds it. */
function modelOf(review: ReviewResult): NetworkModel {
  return new NetworkModel(review.plans, review.placeholders);
}
