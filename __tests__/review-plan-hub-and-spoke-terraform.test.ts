import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyFailures } from '../tools/review/rules/apply-checks';
import { reviewPlanFile } from '../tools/review/review';
import { planBlocks } from './helpers/review-text';
import { NetworkModel } from '../tools/review/model/plan-model';
import { PlanJson } from '../tools/terraform-json';
import { describeWithTerraform, init, tf, tfEnv } from './helpers/terraform';
import { Ran, run } from './helpers/processes';
import { blockOf } from './helpers/review-text';

// `npm run review -- --plan` on the networks enterprises run, as AWS's guides build them
// (__tests__/terraform/hub-and-spoke, our own code): centralized egress through a transit gateway
// — a spoke whose default route is the transit gateway, route tables of the gateway by explicit
// association and propagation or by its default table, an egress VPC with a NAT gateway — with
// every link of both directions missing or wrong in turn, a spoke sent to a peering connection
// instead, and Default Host Management Configuration off, on, and with a role Systems Manager may
// not assume. Planned by the real Terraform; the expected verdicts are AWS's rules applied by hand.

const ROOT = path.join(__dirname, '..');
const CONFIG = path.join(__dirname, 'terraform', 'hub-and-spoke');

const app = (site: string, name = 'app') => `module.site["${site}"].aws_instance.${name}`;
const NOT = 'Session Manager: NOT reachable — ';
const NO_ENDPOINTS_IN = (vpc: string) => `, and ${vpc} has no Session Manager endpoints`;
const NO_ENDPOINTS = (site: string) => NO_ENDPOINTS_IN(`${site}-spoke`);

/** Each broken site's Session Manager verdict for its instance with a profile, as AWS's rules give it. */
const BROKEN: readonly (readonly [string, string])[] = [
  ['no-spoke-route', 'no-spoke-route-spoke-private has no default route (0.0.0.0/0) to the internet'],
  [
    'no-attachment',
    'no-attachment-spoke-private sends 0.0.0.0/0 to transit gateway no-attachment-hub, but no-attachment-spoke has no attachment to it',
  ],
  [
    'wrong-az',
    'transit gateway attachment wrong-az-spoke-attachment has no subnet in us-east-1a, so traffic from wrong-az-spoke-private does not enter the transit gateway',
  ],
  [
    'no-association',
    'no-association-spoke-private sends 0.0.0.0/0 to transit gateway no-association-hub, but its attachment no-association-spoke-attachment is associated with no route table (default association off, no association)',
  ],
  [
    'no-static',
    'no-static-spoke-private sends 0.0.0.0/0 to transit gateway no-static-hub, whose transit gateway route table no-static-spokes has no route to 0.0.0.0/0',
  ],
  [
    'blackhole',
    'blackhole-spoke-private sends 0.0.0.0/0 to transit gateway blackhole-hub, whose transit gateway route table blackhole-spokes drops 0.0.0.0/0 (a blackhole route)',
  ],
  [
    'igw-exit',
    "transit gateway route table igw-exit-spokes sends 0.0.0.0/0 to attachment igw-exit-egress-attachment of igw-exit-egress, whose subnet igw-exit-egress-tgw routes it to an internet gateway, which does not translate igw-exit-spoke's private addresses (a NAT gateway must)",
  ],
  [
    'no-return-route',
    "the NAT gateway's subnet no-return-route-egress-public has no route back to no-return-route-spoke-private (10.1.0.0/24) through no-return-route-hub, so the replies are lost",
  ],
  [
    'no-propagation',
    "the egress attachment's route table (transit gateway route table no-propagation-egress) has no route to no-propagation-spoke-private's range (10.1.0.0/24) (no propagation from no-propagation-spoke's attachment, no static route), so the replies are lost",
  ],
  [
    'default-no-propagation',
    "the egress attachment's route table (the default route table of default-no-propagation-hub) sends default-no-propagation-spoke-private's range (10.1.0.0/24) to default-no-propagation-egress-attachment, not to default-no-propagation-spoke's attachment, so the replies are lost",
  ],
  [
    'peered',
    'peered-spoke-private sends 0.0.0.0/0 to peering connection module.site["peered"].aws_vpc_peering_connection.spoke_egress[0], and VPC peering carries nothing on to the internet (no edge-to-edge routing through the peer\'s NAT or internet gateway)',
  ],
];

describeWithTerraform('npm run review -- --plan on hub-and-spoke networks', () => {
  const reviewed: Record<string, Ran> = {};
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-hub-and-spoke-'));
    fs.cpSync(CONFIG, dir, { recursive: true });
    await init(dir);
    // Default Host Management is one setting per account: one plan per value.
    for (const dhmc of ['off', 'on', 'untrusted']) {
      const planned = await tf(
        ['plan', '-input=false', '-lock=false', `-var=dhmc=${dhmc}`, `-out=${dhmc}.tfplan`],
        dir,
      );
      if (planned.status !== 0) throw new Error(`terraform plan failed:\n${planned.stderr}`);
      fs.writeFileSync(path.join(dir, `${dhmc}.json`), (await tf(['show', '-json', `${dhmc}.tfplan`], dir)).stdout);
    }
    const review = (dhmc: string) =>
      run('npm', ['run', '--silent', 'review', '--', '--plan', path.join(dir, `${dhmc}.json`)], ROOT, {
        ...tfEnv(),
        SSM_LAB_REVIEW_DIR: path.join(dir, `.review-${dhmc}`),
      });
    [reviewed.off, reviewed.on, reviewed.untrusted] = await Promise.all(['off', 'on', 'untrusted'].map(review));
  }, 240_000);

  test('GIVEN centralized egress built as the guide builds it, by explicit tables or the default one WHEN reviewed THEN Session Manager goes out through the transit gateway and the NAT gateway, and back', () => {
    expect(reviewed.off.stderr).toBe('');
    expect(reviewed.off.status).toBe(0);
    expect(blockOf(reviewed.off.stdout, app('good'))).toEqual([
      'Session Manager: reachable via NAT gateway (0.0.0.0/0 → transit gateway good-hub (transit gateway route table good-spokes) → good-egress → NAT gateway in good-egress-public → internet gateway, and back the same way; 443 out)',
      'SSH: NOT reachable — no inbound rule opens port 22',
      'Port forwarding to good-service:8080: reachable via Session Manager over the NAT gateway, document AWS-StartPortForwardingSessionToRemoteHost (transit gateway good-hub routes both ways (transit gateway route table good-spokes; back by transit gateway route table good-egress); instance SG sends tcp/8080 to 10.0.0.0/24; target SG admits tcp/8080 from 10.1.0.0/24 (covers the instance))',
    ]);
    expect(blockOf(reviewed.off.stdout, app('default-tables'))[0]).toBe(
      'Session Manager: reachable via NAT gateway (0.0.0.0/0 → transit gateway default-tables-hub (the default route table of default-tables-hub) → default-tables-egress → NAT gateway in default-tables-egress-public → internet gateway, and back the same way; 443 out)',
    );
  });

  test.each(BROKEN)(
    'GIVEN the site %s, one link of either direction missing or wrong WHEN reviewed THEN Session Manager is NOT reachable, and the reason names that link',
    (site, reason) => {
      expect(blockOf(reviewed.off.stdout, app(site))[0]).toBe(`${NOT}${reason}${NO_ENDPOINTS(site)}`);
    },
  );

  test("GIVEN port forwarding from the spoke to a service in the egress VPC WHEN a transit gateway table does not send the instance's addresses back to its attachment THEN the forwarding hop is cut for that reason too", () => {
    expect(blockOf(reviewed.off.stdout, app('no-propagation'))[2]).toMatch(
      /; the instance is in no-propagation-spoke and the target in no-propagation-egress, and transit gateway no-propagation-hub does not join them \(transit gateway route table no-propagation-egress has no route to the instance's addresses\)$/,
    );
    expect(blockOf(reviewed.off.stdout, app('default-no-propagation'))[2]).toMatch(
      /transit gateway default-no-propagation-hub does not join them \(the default route table of default-no-propagation-hub sends the instance's addresses to default-no-propagation-egress-attachment, not to default-no-propagation-spoke's attachment\)$/,
    );
  });

  test('GIVEN no Default Host Management setting in the plan WHEN an instance has no profile THEN it stays NOT reachable, as AWS’s default gives, and the reason says what the setting would do', () => {
    expect(blockOf(reviewed.off.stdout, app('good', 'bare'))[0]).toBe(
      `${NOT}no instance profile, so the SSM Agent has no Systems Manager role (Default Host Management Configuration would manage it if the account turned it on: off by default, and not set in this plan)`,
    );
  });

  test('GIVEN Default Host Management on with a role Systems Manager may assume WHEN an instance has no profile THEN it is managed, with the agent version assumed; the instance with a profile keeps its own', () => {
    expect(blockOf(reviewed.on.stdout, app('good', 'bare'))[0]).toBe(
      "Session Manager: reachable via NAT gateway (0.0.0.0/0 → transit gateway good-hub (transit gateway route table good-spokes) → good-egress → NAT gateway in good-egress-public → internet gateway, and back the same way; 443 out; Default Host Management Configuration's role aws_iam_role.dhmc[0] carries the agent (no usable instance profile); assuming the SSM Agent is 3.2.582.0 or later, as Default Host Management requires (Amazon Linux 2023 ships a later one))",
    );
    expect(blockOf(reviewed.on.stdout, app('good'))[0]).toBe(blockOf(reviewed.off.stdout, app('good'))[0]);
  });

  test("GIVEN profiles whose roles lack the agent's calls WHEN Default Host Management is on THEN the agent falls back from the one that cannot report (UpdateInstanceInformation), and keeps the one that can, which stays NOT", () => {
    const weak = app('good', 'weak["weak"]');
    const half = app('good', 'weak["half"]');
    const lacksAll =
      'the role module.site["good"].aws_iam_role.weak["weak"] is not allowed ssm:UpdateInstanceInformation, ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel';
    const lacksChannels =
      'the role module.site["good"].aws_iam_role.weak["half"] is not allowed ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel';
    expect(blockOf(reviewed.off.stdout, weak)[0]).toBe(
      `${NOT}${lacksAll} (Default Host Management Configuration would manage it if the account turned it on: off by default, and not set in this plan)`,
    );
    expect(blockOf(reviewed.on.stdout, weak)[0]).toMatch(
      /^Session Manager: reachable via NAT gateway \(.*; Default Host Management Configuration's role aws_iam_role\.dhmc\[0\] carries the agent \(no usable instance profile\); assuming the SSM Agent is 3\.2\.582\.0 or later/,
    );
    // No hint, and no fallback: the agent reports with this profile, then its sessions fail.
    expect(blockOf(reviewed.off.stdout, half)[0]).toBe(`${NOT}${lacksChannels}`);
    expect(blockOf(reviewed.on.stdout, half)[0]).toBe(`${NOT}${lacksChannels}`);
  });

  test('GIVEN Default Host Management naming a role only EC2 may assume WHEN an instance has no profile THEN it is NOT reachable, the trust named', () => {
    expect(blockOf(reviewed.untrusted.stdout, app('good', 'bare'))[0]).toBe(
      `${NOT}no instance profile, so the SSM Agent has no Systems Manager role, and Default Host Management Configuration's role aws_iam_role.dhmc[0] does not trust ssm.amazonaws.com (its trust policy has no Allow of sts:AssumeRole for Systems Manager), so Default Host Management cannot use it`,
    );
  });

  // Interface endpoints shared from a hub VPC through private hosted zones (module "shared").
  const shared = (site: string) => `module.shared["${site}"].aws_instance.app`;
  const SHARED_BROKEN: readonly (readonly [string, string])[] = [
    [
      'shared-by-reference',
      `${NOT}the ssm and ssmmessages endpoints' security group shared-by-reference-endpoints admits 443 from the instance only by a reference to its security group, and transit gateway shared-by-reference-tgw has security group referencing off (security_group_referencing_support = "disable", off by default), so a reference to a group across it does not work (a rule by the instance's range would)`,
    ],
    [
      'shared-egress-ref',
      `${NOT}the instance security groups send 443 to the ssm and ssmmessages endpoints only by a reference to its security group shared-egress-ref-endpoints, and across transit gateway shared-egress-ref-tgw a security group reference works only in inbound rules (a rule by the endpoint subnets' range would)`,
    ],
    [
      'shared-not-associated',
      `${NOT}the private hosted zones for the ssm and ssmmessages endpoints' names are not associated with shared-not-associated-spoke, so the public names are used; shared-not-associated-spoke-private has no default route (0.0.0.0/0) to the internet${NO_ENDPOINTS('shared-not-associated')}`,
    ],
    [
      'shared-no-record',
      `${NOT}for ssmmessages: the private hosted zone ssmmessages.us-east-1.amazonaws.com is associated with shared-no-record-spoke but holds no record for ssmmessages.us-east-1.amazonaws.com, so the name does not resolve (a private zone does not fall back to public DNS)`,
    ],
    [
      'shared-wrong-record',
      `${NOT}for ssmmessages: the private hosted zone ssmmessages.us-east-1.amazonaws.com answers ssmmessages.us-east-1.amazonaws.com with shared-wrong-record-ssm, an endpoint of com.amazonaws.us-east-1.ssm, not of ssmmessages`,
    ],
    [
      'shared-no-hostnames',
      `${NOT}the private hosted zones of the ssm and ssmmessages endpoints do not apply (shared-no-hostnames-spoke has DNS hostnames off; private hosted zones need DNS support and DNS hostnames on), so the public names are used; shared-no-hostnames-spoke-private has no default route (0.0.0.0/0) to the internet`,
    ],
    [
      'shared-no-spoke-route',
      `${NOT}the instance is in shared-no-spoke-route-spoke and the ssm and ssmmessages endpoints' subnet shared-no-spoke-route-hub-endpoints in shared-no-spoke-route-hub, and no route joins them (shared-no-spoke-route-spoke-private has no route to the ssm and ssmmessages endpoints' addresses; a VPC peering connection or a transit gateway with routes both ways would)`,
    ],
    [
      'shared-no-hub-return',
      `${NOT}the instance is in shared-no-hub-return-spoke and the ssm and ssmmessages endpoints' subnet shared-no-hub-return-hub-endpoints in shared-no-hub-return-hub, and no route joins them (shared-no-hub-return-hub-endpoints has no route to the instance's addresses; a VPC peering connection or a transit gateway with routes both ways would)`,
    ],
    [
      'shared-no-propagation',
      `${NOT}the instance is in shared-no-propagation-spoke and the ssm and ssmmessages endpoints' subnet shared-no-propagation-hub-endpoints in shared-no-propagation-hub, and transit gateway shared-no-propagation-tgw does not join them (the default route table of shared-no-propagation-tgw has no route to the ssm and ssmmessages endpoints' addresses)`,
    ],
    [
      'shared-list-other',
      `${NOT}the ssm and ssmmessages endpoints' security group shared-list-other-endpoints allows no inbound 443 from the instance (neither from its security group nor from a range covering 10.3.0.0/24)`,
    ],
  ];

  test('GIVEN the endpoints admitting the spoke by a managed prefix list WHEN the list is in the plan THEN its entries are the rule’s ranges; WHEN it is not (shared with the account) THEN it is assumed to hold the spoke, and the verdict says so', () => {
    expect(blockOf(reviewed.off.stdout, shared('shared-prefix-list'))[0]).toContain(
      'endpoint SG allows 443 from 10.3.0.0/16 (an entry of prefix list shared-prefix-list-spokes) (covers the instance)',
    );
    expect(blockOf(reviewed.off.stdout, shared('shared-prefix-list'))[0]).toMatch(
      /^Session Manager: reachable via VPC endpoints/,
    );
    expect(blockOf(reviewed.off.stdout, shared('shared-list-unknown'))[0]).toMatch(
      /^Session Manager: reachable via VPC endpoints \(.*endpoint SG allows 443 from prefix list pl-0a1b2c3d4e5f60718 \(its entries are not in the plans: assumed to hold the instance's address\)/,
    );
  });

  test('GIVEN endpoints shared from a hub VPC through private hosted zones associated with the spoke WHEN reviewed THEN Session Manager goes to them across the transit gateway (or peering), a group reference counting only where the link carries it', () => {
    const sites = (site: string) =>
      `the ssm endpoint ${site}-ssm in ${site}-hub (private hosted zone ssm.us-east-1.amazonaws.com), the ssmmessages endpoint ${site}-ssmmessages in ${site}-hub (private hosted zone ssmmessages.us-east-1.amazonaws.com)`;
    expect(blockOf(reviewed.off.stdout, shared('shared-good'))[0]).toBe(
      `Session Manager: reachable via VPC endpoints (${sites('shared-good')}; transit gateway shared-good-tgw routes both ways (the default route table of shared-good-tgw; back by the default route table of shared-good-tgw); endpoint SG allows 443 from 10.0.0.0/8 (covers the instance); instance SG allows 443 to 10.2.0.0/16 (covers the endpoint subnets))`,
    );
    // Security group referencing turned on for the transit gateway: the inbound reference works.
    expect(blockOf(reviewed.off.stdout, shared('shared-referencing-on'))[0]).toBe(
      `Session Manager: reachable via VPC endpoints (${sites('shared-referencing-on')}; transit gateway shared-referencing-on-tgw routes both ways (the default route table of shared-referencing-on-tgw; back by the default route table of shared-referencing-on-tgw); endpoint SG allows 443 from the instance SG; instance SG allows 443 to 10.2.0.0/16 (covers the endpoint subnets))`,
    );
    // A peering connection in one Region carries the reference.
    expect(blockOf(reviewed.off.stdout, shared('shared-peered'))[0]).toBe(
      `Session Manager: reachable via VPC endpoints (${sites('shared-peered')}; peering connection module.shared["shared-peered"].aws_vpc_peering_connection.spoke_hub[0] routes both ways; endpoint SG allows 443 from the instance SG; instance SG allows 443 to 10.2.0.0/16 (covers the endpoint subnets))`,
    );
  });

  test.each(SHARED_BROKEN)(
    'GIVEN shared endpoints with one link missing or wrong (%s) WHEN reviewed THEN Session Manager is NOT reachable, the link named',
    (site, verdict) => {
      expect(blockOf(reviewed.off.stdout, shared(site))[0]).toBe(verdict);
    },
  );

  test('GIVEN egress through an AWS Network Firewall or a Gateway Load Balancer endpoint WHEN reviewed THEN the route is followed through the firewall’s subnet, its rules named as an assumption; WHEN that subnet has no way on THEN NOT, the subnet named', () => {
    const firewall = (site: string) => blockOf(reviewed.off.stdout, `module.firewall["${site}"].aws_instance.app`)[0];
    expect(firewall('fw-network-firewall')).toBe(
      "Session Manager: reachable via NAT gateway (0.0.0.0/0 → NAT gateway in fw-network-firewall-public → internet gateway; 443 out; through AWS Network Firewall fw-network-firewall-firewall: assuming the firewall's rules pass 443 and its replies (they are not judged))",
    );
    expect(firewall('fw-gwlb')).toBe(
      "Session Manager: reachable via NAT gateway (0.0.0.0/0 → NAT gateway in fw-gwlb-public → internet gateway; 443 out; through Gateway Load Balancer endpoint fw-gwlb-gwlbe: assuming the firewall's rules pass 443 and its replies (they are not judged))",
    );
    expect(firewall('fw-no-exit')).toBe(
      `${NOT}the NAT gateway's subnet fw-no-exit-public sends 0.0.0.0/0 through fw-no-exit-firewall, and the firewall's subnet fw-no-exit-firewall has no default route to an internet gateway${NO_ENDPOINTS_IN('fw-no-exit')}`,
    );
    expect(firewall('fw-gwlb-no-exit')).toBe(
      `${NOT}fw-gwlb-no-exit-private sends 0.0.0.0/0 through fw-gwlb-no-exit-gwlbe, and the firewall's subnet fw-gwlb-no-exit-firewall has no default route to an internet or NAT gateway${NO_ENDPOINTS_IN('fw-gwlb-no-exit')}`,
    );
  });

  test('GIVEN the reviewed plan WHEN its diagram is drawn THEN each transit gateway is a node joined to the VPCs it attaches, a spoke’s subnet says where its default route goes, and the instances’ 443 goes to the gateway, or to the shared endpoint', () => {
    const diagram = fs.readFileSync(path.join(dir, '.review-off', 'plan', 'diagram.mmd'), 'utf8');
    expect(diagram).toContain('{{"transit gateway good-hub"}}');
    expect(diagram).toContain(
      'n__module_site__good___aws_ec2_transit_gateway_hub --- n__module_site__good___aws_vpc_spoke',
    );
    expect(diagram).toContain('good-spoke-private 10.1.0.0/24 — 0.0.0.0/0 → transit gateway');
    expect(diagram).toContain('fw-network-firewall-public 10.4.1.0/24 — 0.0.0.0/0 → firewall → IGW');
    expect(diagram).toContain(
      'n__module_site__good___aws_instance_app -- "443" --> n__module_site__good___aws_ec2_transit_gateway_hub',
    );
    expect(diagram).toContain(
      'n__module_shared__shared_good___aws_instance_app -- "443" --> n__module_shared__shared_good___aws_vpc_endpoint_shared__ssm__',
    );
  });

  test('GIVEN the same plan WHEN what AWS would refuse at apply is checked THEN a group reference across a transit gateway counts only with referencing on and inbound, and a shared zone associated where an endpoint’s private DNS answers the name is refused', () => {
    const plan = JSON.parse(fs.readFileSync(path.join(dir, 'off.json'), 'utf8')) as PlanJson;
    const failures = applyFailures(new NetworkModel({ plan }));
    const of = (site: string) =>
      failures.filter((failure) => failure.resource.startsWith(`plan/module.shared["${site}"]`));
    expect(of('shared-referencing-on')).toEqual([]);
    expect(of('shared-peered')).toEqual([]);
    expect(of('shared-by-reference')).toEqual([
      {
        resource: 'plan/module.shared["shared-by-reference"].aws_vpc_security_group_ingress_rule.https_from_spokes',
        problem: expect.stringMatching(
          /and the two VPCs are not peered nor attached to a transit gateway with security group referencing on: AWS refuses a security-group reference across VPCs$/,
        ),
      },
    ]);
    expect(of('shared-egress-ref')).toEqual([
      {
        resource: 'plan/module.shared["shared-egress-ref"].aws_vpc_security_group_egress_rule.https_to_hub',
        problem: expect.stringContaining('(a transit gateway carries references in inbound rules only)'),
      },
    ]);
    expect(of('shared-own-endpoint')).toEqual([
      {
        resource: 'plan/module.shared["shared-own-endpoint"].aws_route53_zone_association.spoke["ssm"]',
        problem:
          'private hosted zone ssm.us-east-1.amazonaws.com is associated with shared-own-endpoint-spoke, where the private DNS of shared-own-endpoint-own-ssm already answers that name: AWS refuses a second zone of one name in a VPC (ConflictingDomainExists)',
      },
    ]);
    expect(of('shared-good')).toEqual([]);
  });

  test('GIVEN the plan alone, without the files WHEN a record made by for_each aliases one of the endpoints the plan cannot tell apart THEN the endpoint of the record’s service is taken, and the verdict says so', () => {
    const alone = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-hub-and-spoke-alone-'));
    fs.copyFileSync(path.join(dir, 'off.json'), path.join(alone, 'off.json'));
    const review = reviewPlanFile(path.join(alone, 'off.json'));
    const verdict = planBlocks(review).find((block) => block.address === shared('shared-good'))!.lines[0];
    expect(verdict).toMatch(
      /^Session Manager: reachable via VPC endpoints \(the ssm endpoint shared-good-ssm in shared-good-hub/,
    );
    expect(verdict).toContain(
      'assuming the record module.shared["shared-good"].aws_route53_record.service["ssm"] names one of 2 endpoints the plan alone cannot tell apart (shared-good-ssm, shared-good-ssmmessages): taken to be shared-good-ssm, the one of ssm',
    );
  });
});
