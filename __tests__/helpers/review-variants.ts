import * as fs from 'fs';
import * as path from 'path';
import { applyFailures } from '../../tools/review/rules/apply-checks';
import { SESSION_MANAGER_ACTIONS } from '../../tools/review/rules/agent-role';
import { NetworkModel } from '../../tools/review/model/plan-model';
import { PlanJson } from '../../tools/terraform-json';
import { Reachability, Verdict } from '../../tools/review/rules/reachability';
import { planPolicies } from '../../tools/review/rules/policies';
import { policyFindingLine } from '../../tools/review/render/words';
import { renderMarkdown } from '../../tools/review/render/markdown';
import { assess } from '../../tools/review/assessment/assess';
import { ReviewResult } from '../../tools/review/review';
import { inlineAclEntry } from './synth';
import { planUnits } from './terraform';

// Broken (and repaired) variants of the lab, each planned by the real Terraform and AWS provider:
// the review's model of AWS's rules must give the verdict AWS would. The variants edit the
// synthesized JSON of one stack; every other stack keeps the review's own plan. Run inside the
// review's suite (review-terraform.test.ts), so they reuse its synthesized stacks.

/** A synthesized stack as a variant edits it: every body a mutable map. */
interface Json {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
  [key: string]: unknown;
}
type Edit = (json: Json) => void;
/** A variant: the stack it edits and how; optionally a second stack and its edit, planned beside it. */
type Variant = [string, Edit] | [string, Edit, [string, Edit]];

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
function idOf(json: Json, type: string, prefix: string): string {
  const ids = Object.keys(json.resource?.[type] ?? {}).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}
const ref = (json: Json, type: string, prefix: string, attribute = 'id') =>
  `\${${type}.${idOf(json, type, prefix)}.${attribute}}`;
const add = (json: Json, type: string, id: string, body: Record<string, unknown>) =>
  ((json.resource[type] ??= {})[id] = body);
const remoteOutput = (json: Json, name: string) => {
  const remote = Object.keys(json.data.terraform_remote_state)[0];
  return `\${data.terraform_remote_state.${remote}.outputs.${Object.keys(JSON.parse(fs.readFileSync(NETWORK_JSON, 'utf8')).output).find((o) => o.includes(name))}}`;
};
let NETWORK_JSON = '';

const naclRule = (
  acl: string,
  number: number,
  egress: boolean,
  action: 'allow' | 'deny',
  protocol: string,
  cidr: string,
  from: number,
  to: number,
) => ({
  network_acl_id: `\${aws_network_acl.${acl}.id}`,
  rule_number: number,
  egress,
  rule_action: action,
  protocol,
  cidr_block: cidr,
  from_port: from,
  to_port: to,
});

/** The lab-ssm-endpoint instance's forwarding hop pointed at VPC 1's target (tag and both rules). */
const forwardToVpc1Target: Edit = (j) => {
  const instance = j.resource.aws_instance[idOf(j, 'aws_instance', 'instance')];
  (instance.tags as Record<string, string>).ForwardsTo = 'ssm-lab-target-vpc1:8080';
  const target = remoteOutput(j, 'aws_security_grouptarget-vpc1');
  j.resource.aws_vpc_security_group_egress_rule[
    idOf(j, 'aws_vpc_security_group_egress_rule', 'instance_egress-8080')
  ].referenced_security_group_id = target;
  j.resource.aws_vpc_security_group_ingress_rule['forwarding-target-ingress'].security_group_id = target;
};

const VARIANTS: Record<string, Variant> = {
  // NACLs: a deny before the allow on private subnet 1; a correct ACL on the public subnet; VPC 2's
  // default ACL managed with no rules (instance and endpoints share a subnet: NACLs do not apply).
  nacls: [
    'lab-network',
    (n) => {
      add(n, 'aws_network_acl', 'private1', {
        vpc_id: ref(n, 'aws_vpc', 'vpc1_'),
        subnet_ids: [ref(n, 'aws_subnet', 'vpc1_private-1')],
        tags: { Name: 'acl-private-1' },
      });
      add(
        n,
        'aws_network_acl_rule',
        'p1_out_deny_443',
        naclRule('private1', 100, true, 'deny', 'tcp', '0.0.0.0/0', 443, 443),
      );
      add(n, 'aws_network_acl_rule', 'p1_out_all', naclRule('private1', 200, true, 'allow', '-1', '0.0.0.0/0', 0, 0));
      add(n, 'aws_network_acl_rule', 'p1_in_all', naclRule('private1', 100, false, 'allow', '-1', '0.0.0.0/0', 0, 0));
      add(n, 'aws_network_acl', 'public', {
        vpc_id: ref(n, 'aws_vpc', 'vpc1_'),
        subnet_ids: [ref(n, 'aws_subnet', 'vpc1_public')],
        tags: { Name: 'acl-public' },
      });
      add(
        n,
        'aws_network_acl_rule',
        'pub_out_443',
        naclRule('public', 100, true, 'allow', 'tcp', '0.0.0.0/0', 443, 443),
      );
      add(
        n,
        'aws_network_acl_rule',
        'pub_in_replies',
        naclRule('public', 100, false, 'allow', 'tcp', '0.0.0.0/0', 1024, 65535),
      );
      add(n, 'aws_default_network_acl', 'vpc2', {
        default_network_acl_id: ref(n, 'aws_vpc', 'vpc2_', 'default_network_acl_id'),
        tags: { Name: 'acl-vpc2-default' },
      });
    },
  ],
  // Routes written inline; the role's permissions from an inline policy; replies blocked on private
  // subnet 1 (inline ACL rules); DNS support off in VPC 2.
  inline: [
    'lab-network',
    (n) => {
      delete n.resource.aws_route[idOf(n, 'aws_route', 'vpc1_public-default-route')];
      const route = { cidr_block: '0.0.0.0/0', gateway_id: ref(n, 'aws_internet_gateway', 'vpc1_') };
      const blank = [
        'carrier_gateway_id',
        'core_network_arn',
        'destination_prefix_list_id',
        'egress_only_gateway_id',
        'ipv6_cidr_block',
        'local_gateway_id',
        'nat_gateway_id',
        'network_interface_id',
        'transit_gateway_id',
        'vpc_endpoint_id',
        'vpc_peering_connection_id',
      ];
      n.resource.aws_route_table[idOf(n, 'aws_route_table', 'vpc1_public')].route = [
        { ...Object.fromEntries(blank.map((k) => [k, null])), ...route },
      ];
      delete n.resource.aws_iam_role_policy_attachment[
        idOf(n, 'aws_iam_role_policy_attachment', 'session-manager-role')
      ];
      add(n, 'aws_iam_role_policy', 'session_manager_inline', {
        role: ref(n, 'aws_iam_role', 'session-manager-role'),
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: [...SESSION_MANAGER_ACTIONS],
              Resource: '*',
            },
          ],
        }),
      });
      add(n, 'aws_network_acl', 'private1', {
        vpc_id: ref(n, 'aws_vpc', 'vpc1_'),
        subnet_ids: [ref(n, 'aws_subnet', 'vpc1_private-1')],
        egress: [inlineAclEntry(100, 'allow', 'tcp', 443, 443)],
        ingress: [inlineAclEntry(100, 'allow', 'tcp', 1024, 2000)],
        tags: { Name: 'acl-private-1-no-replies' },
      });
      n.resource.aws_vpc[idOf(n, 'aws_vpc', 'vpc2_')].enable_dns_support = false;
    },
  ],
  untrusted: [
    'lab-network',
    (n) => {
      const role = n.resource.aws_iam_role[idOf(n, 'aws_iam_role', 'session-manager-role')];
      role.assume_role_policy = String(role.assume_role_policy).replace('ec2.amazonaws.com', 'lambda.amazonaws.com');
    },
  ],
  'missing-actions': [
    'lab-network',
    (n) => {
      delete n.resource.aws_iam_role_policy_attachment[
        idOf(n, 'aws_iam_role_policy_attachment', 'session-manager-role')
      ];
      add(n, 'aws_iam_role_policy', 'partial', {
        role: ref(n, 'aws_iam_role', 'session-manager-role'),
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['ssm:UpdateInstanceInformation', 'ssmmessages:*'], Resource: '*' },
            { Effect: 'Deny', Action: 'ssmmessages:Open*', Resource: '*' },
          ],
        }),
      });
    },
  ],
  // Endpoints with private DNS in VPC 1, whose DNS hostnames are off, next to the NAT path; their
  // subnets share an AZ, and their security group sits in VPC 2 and references the NAT instance's.
  'nat-with-endpoints': [
    'lab-ssm-nat',
    (j) => {
      add(j, 'aws_security_group', 'wrong_vpc', {
        name: 'wrong-vpc',
        description: 'endpoint SG in the other VPC',
        vpc_id: remoteOutput(j, 'aws_vpcvpc2'),
        tags: { Name: 'wrong-vpc' },
      });
      add(j, 'aws_vpc_security_group_ingress_rule', 'from_nat_instance', {
        security_group_id: '${aws_security_group.wrong_vpc.id}',
        referenced_security_group_id: ref(j, 'aws_security_group', 'instance_'),
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
        description: 'https',
      });
      for (const service of ['ssm', 'ssmmessages']) {
        add(j, 'aws_vpc_endpoint', service, {
          vpc_id: remoteOutput(j, 'aws_vpcvpc1'),
          service_name: `com.amazonaws.ap-northeast-1.${service}`,
          vpc_endpoint_type: 'Interface',
          private_dns_enabled: true,
          subnet_ids: [remoteOutput(j, 'aws_subnetvpc1_private-1'), remoteOutput(j, 'aws_subnetvpc1_public')],
          security_group_ids: ['${aws_security_group.wrong_vpc.id}'],
          tags: { Name: `vpc1-${service}` },
        });
      }
    },
  ],
  // The metadata service turned off: the agent has no way to the role's credentials.
  'imds-off': [
    'lab-ssm-public',
    (j) => {
      const instance = j.resource.aws_instance[idOf(j, 'aws_instance', 'instance')];
      (instance.metadata_options as Record<string, unknown>).http_endpoint = 'disabled';
    },
  ],
  // The instance's 443 egress written inline in its security group instead of as a rule resource.
  'inline-egress': [
    'lab-ssm-public',
    (j) => {
      delete j.resource.aws_vpc_security_group_egress_rule[
        idOf(j, 'aws_vpc_security_group_egress_rule', 'instance_https-egress')
      ];
      j.resource.aws_security_group[idOf(j, 'aws_security_group', 'instance')].egress = [
        {
          description: 'https out',
          protocol: 'tcp',
          from_port: 443,
          to_port: 443,
          cidr_blocks: ['0.0.0.0/0'],
          ipv6_cidr_blocks: [],
          prefix_list_ids: [],
          security_groups: [],
          self: false,
        },
      ];
    },
  ],
  // The same egress as an aws_security_group_rule (the older rule resource).
  'security-group-rule': [
    'lab-ssm-nat',
    (j) => {
      delete j.resource.aws_vpc_security_group_egress_rule[
        idOf(j, 'aws_vpc_security_group_egress_rule', 'instance_https-egress')
      ];
      add(j, 'aws_security_group_rule', 'https_out', {
        type: 'egress',
        security_group_id: ref(j, 'aws_security_group', 'instance'),
        protocol: '6',
        from_port: 443,
        to_port: 443,
        cidr_blocks: ['0.0.0.0/0'],
      });
    },
  ],
  // The instance kept stopped by an aws_ec2_instance_state resource.
  stopped: [
    'lab-ssm-nat',
    (j) => {
      add(j, 'aws_ec2_instance_state', 'stopped', {
        instance_id: ref(j, 'aws_instance', 'instance'),
        state: 'stopped',
      });
    },
  ],
  // The ssm endpoint's policy denies the agent's registration call.
  'endpoint-policy': [
    'lab-ssm-endpoint',
    (j) => {
      j.resource.aws_vpc_endpoint[idOf(j, 'aws_vpc_endpoint', 'endpoints_ssm-')].policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
          { Effect: 'Deny', Principal: '*', Action: 'ssm:UpdateInstance*', Resource: '*' },
        ],
      });
    },
  ],
  // EC2 Instance Connect Endpoint: its SG sends nothing to the instance (the reference missing).
  'eice-no-egress': [
    'lab-eice',
    (j) => {
      delete j.resource.aws_vpc_security_group_egress_rule[
        idOf(j, 'aws_vpc_security_group_egress_rule', 'instance-connect-endpoint')
      ];
    },
  ],
  // preserve_client_ip = true, while the instance SG admits only the endpoint's SG (which admits it either way).
  'eice-preserve-client-ip': [
    'lab-eice',
    (j) => {
      j.resource.aws_ec2_instance_connect_endpoint[
        idOf(j, 'aws_ec2_instance_connect_endpoint', 'instance-connect-endpoint')
      ].preserve_client_ip = true;
    },
  ],
  // The endpoint in a subnet of its own, and an ACL on the instance's subnet that lets tcp/22 in
  // but no replies out.
  'eice-acl-no-replies': [
    'lab-eice',
    (j) => {
      add(j, 'aws_subnet', 'eice', {
        vpc_id: remoteOutput(j, 'aws_vpcvpc2'),
        cidr_block: '10.1.4.0/24',
        availability_zone: 'ap-northeast-1c',
        tags: { Name: 'eice-subnet' },
      });
      j.resource.aws_ec2_instance_connect_endpoint[
        idOf(j, 'aws_ec2_instance_connect_endpoint', 'instance-connect-endpoint')
      ].subnet_id = '${aws_subnet.eice.id}';
      add(j, 'aws_network_acl', 'instance', {
        vpc_id: remoteOutput(j, 'aws_vpcvpc2'),
        subnet_ids: [remoteOutput(j, 'aws_subnetvpc2_private-2')],
        ingress: [inlineAclEntry(100, 'allow', 'tcp', 22, 22)],
        egress: [inlineAclEntry(100, 'allow', 'tcp', 443, 443)],
        tags: { Name: 'acl-no-ssh-replies' },
      });
    },
  ],
  // Port forwarding: the target's SG admits another group than the NAT instance's.
  'forwarding-other-group': [
    'lab-ssm-nat',
    (j) => {
      add(j, 'aws_security_group', 'someone_else', {
        name_prefix: 'someone-else-',
        description: 'another client',
        vpc_id: remoteOutput(j, 'aws_vpcvpc1'),
        tags: { Name: 'someone-else' },
      });
      j.resource.aws_vpc_security_group_ingress_rule['forwarding-target-ingress'].referenced_security_group_id =
        '${aws_security_group.someone_else.id}';
    },
  ],
  // Port forwarding: the public instance's egress sends 9090, not the target's 8080.
  'forwarding-egress-port': [
    'lab-ssm-public',
    (j) => {
      const rule =
        j.resource.aws_vpc_security_group_egress_rule[
          idOf(j, 'aws_vpc_security_group_egress_rule', 'instance_egress-8080')
        ];
      rule.from_port = 9090;
      rule.to_port = 9090;
    },
  ],
  // Port forwarding: private subnet 1 (the VPC 1 target's) denies tcp/8080 in from the VPC before
  // allowing all: it stops the hop from the public subnet, not from inside its own subnet.
  'forwarding-target-acl': [
    'lab-network',
    (n) => {
      add(n, 'aws_network_acl', 'target1', {
        vpc_id: ref(n, 'aws_vpc', 'vpc1_'),
        subnet_ids: [ref(n, 'aws_subnet', 'vpc1_private-1')],
        ingress: [
          inlineAclEntry(100, 'deny', 'tcp', 8080, 8080, '10.0.0.0/16'),
          inlineAclEntry(200, 'allow', '-1', 0, 0),
        ],
        egress: [inlineAclEntry(100, 'allow', '-1', 0, 0)],
        tags: { Name: 'acl-target-no-8080' },
      });
    },
  ],
  // Port forwarding: the endpoint instance's hop pointed at VPC 1's target, with no route between the VPCs.
  'forwarding-other-vpc': ['lab-ssm-endpoint', forwardToVpc1Target],
  // The same, with a peering connection and routes both ways in lab-network.
  'forwarding-peered': [
    'lab-ssm-endpoint',
    forwardToVpc1Target,
    [
      'lab-network',
      (n) => {
        add(n, 'aws_vpc_peering_connection', 'vpc2_vpc1', {
          vpc_id: ref(n, 'aws_vpc', 'vpc2_'),
          peer_vpc_id: ref(n, 'aws_vpc', 'vpc1_'),
          auto_accept: true,
          tags: { Name: 'peering-vpc2-vpc1' },
        });
        add(n, 'aws_route', 'vpc2_to_vpc1', {
          route_table_id: ref(n, 'aws_route_table', 'vpc2_private-2'),
          destination_cidr_block: '10.0.0.0/16',
          vpc_peering_connection_id: '${aws_vpc_peering_connection.vpc2_vpc1.id}',
        });
        add(n, 'aws_route', 'vpc1_to_vpc2', {
          route_table_id: ref(n, 'aws_route_table', 'vpc1_private-1'),
          destination_cidr_block: '10.1.0.0/16',
          vpc_peering_connection_id: '${aws_vpc_peering_connection.vpc2_vpc1.id}',
        });
      },
    ],
  ],
  // A role policy with a misspelt action, an unknown condition key and an operator that does not
  // fit its key: IAM takes all three; the review lists each.
  'policy-findings': [
    'lab-network',
    (n) => {
      add(n, 'aws_iam_role_policy', 'typos', {
        role: ref(n, 'aws_iam_role', 'session-manager-role'),
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Sid: 'Typo', Effect: 'Allow', Action: 'ssm:GetParamter', Resource: '*' },
            {
              Sid: 'Keys',
              Effect: 'Allow',
              Action: 'ssm:GetParameter',
              Resource: '*',
              Condition: { StringEquals: { 'ssm:NoSuchKey': 'true' }, NumericEquals: { 'aws:SourceVpc': '1' } },
            },
          ],
        }),
      });
    },
  ],
  // A permissions boundary (customer managed) that leaves out the agent's Open*Channel calls.
  boundary: [
    'lab-network',
    (n) => {
      add(n, 'aws_iam_policy', 'boundary', {
        name: 'lab-boundary',
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['ssm:UpdateInstanceInformation', 'ssmmessages:Create*'],
              Resource: '*',
            },
          ],
        }),
        tags: { Name: 'lab-boundary' },
      });
      n.resource.aws_iam_role[idOf(n, 'aws_iam_role', 'session-manager-role')].permissions_boundary =
        '${aws_iam_policy.boundary.arn}';
    },
  ],
  // The permissions in an inline policy whose Allow has a condition and a NotResource, next to a
  // Deny with a condition: the plan cannot decide either condition, so the verdict says what it assumed.
  conditional: [
    'lab-network',
    (n) => {
      delete n.resource.aws_iam_role_policy_attachment[
        idOf(n, 'aws_iam_role_policy_attachment', 'session-manager-role')
      ];
      add(n, 'aws_iam_role_policy', 'conditional', {
        name: 'agent-conditional',
        role: ref(n, 'aws_iam_role', 'session-manager-role'),
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AgentInTheLab',
              Effect: 'Allow',
              Action: [...SESSION_MANAGER_ACTIONS],
              NotResource: 'arn:aws:s3:::*',
              Condition: { StringEquals: { 'aws:ResourceTag/Project': 'ssm-access-lab' } },
            },
            {
              Sid: 'OnlyThroughAws',
              Effect: 'Deny',
              Action: 'ssm:*',
              Resource: '*',
              Condition: { Bool: { 'aws:ViaAWSService': 'false' } },
            },
          ],
        }),
      });
    },
  ],
  'endpoint-sg-by-range': [
    'lab-ssm-endpoint',
    (j) => {
      const rule =
        j.resource.aws_vpc_security_group_ingress_rule[Object.keys(j.resource.aws_vpc_security_group_ingress_rule)[0]];
      delete rule.referenced_security_group_id;
      rule.cidr_ipv4 = '10.1.3.0/24';
    },
  ],
};

/** The variant tests, given the finished review of the default lab and the folder it wrote. */
export function describeReviewVariants(reviewed: () => { review: ReviewResult; outDir: string }): void {
  describe('the review model on variants Terraform plans', () => {
    let review: ReviewResult;
    const plans: Record<string, PlanJson> = {};
    const failures: Record<string, string> = {};

    beforeAll(async () => {
      const { outDir } = reviewed();
      review = reviewed().review;
      const stacksDir = path.join(outDir, 'cdktf.out', 'stacks');
      NETWORK_JSON = path.join(stacksDir, 'lab-network', 'cdk.tf.json');
      const edits = Object.entries(VARIANTS).flatMap(([name, [stack, edit, also]]) => [
        { name, stack, edit },
        ...(also ? [{ name: `${name}-with-${also[0]}`, stack: also[0], edit: also[1] }] : []),
      ]);
      const units = edits.map(({ name, stack, edit }) => {
        // A sibling folder of the stacks: same depth, so relative state paths hold.
        const dir = path.join(stacksDir, `${stack}--${name}`);
        fs.mkdirSync(dir);
        const json: Json = JSON.parse(fs.readFileSync(path.join(stacksDir, stack, 'cdk.tf.json'), 'utf8'));
        edit(json);
        for (const [type, group] of Object.entries(json.resource))
          if (Object.keys(group).length === 0) delete json.resource[type];
        fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(json, null, 2));
        return { name, dir };
      });
      // All variants in one Terraform plan (each provider start costs seconds).
      for (const [name, outcome] of Object.entries(await planUnits(units, path.join(stacksDir, '.variants')))) {
        if (outcome.status === 0) plans[name] = outcome.plan;
        else failures[name] = outcome.diagnostics.map((d) => `${d.summary}: ${d.detail}`).join('\n');
      }
    });

    /** Verdicts with one stack's plan replaced by the variant's. */
    const withVariant = (name: string) => {
      const [stack, , also] = VARIANTS[name];
      const second = also ? `${name}-with-${also[0]}` : undefined;
      for (const unit of [name, second].filter((u): u is string => u !== undefined))
        if (failures[unit]) throw new Error(`terraform refused variant ${unit}:\n${failures[unit]}`);
      const model = new NetworkModel(
        { ...review.plans, [stack]: plans[name], ...(also ? { [also[0]]: plans[second!] } : {}) },
        review.placeholders,
      );
      const reach = new Reachability(model);
      const byName = new Map(reach.instances().map((instance) => [model.label(instance), instance]));
      return {
        model,
        ssm: (instance: string): Verdict => reach.sessionManager(byName.get(instance)!),
        sshOf: (instance: string): Verdict => reach.ssh(byName.get(instance)!),
        forwardingOf: (instance: string): Verdict => reach.forwarding(byName.get(instance)!)!,
      };
    };

    test('GIVEN every variant WHEN Terraform plans it THEN the plan succeeds (the variants are real configurations)', () => {
      expect(failures).toEqual({});
      expect(Object.keys(plans).sort()).toEqual(
        Object.entries(VARIANTS)
          .flatMap(([name, [, , also]]) => [name, ...(also ? [`${name}-with-${also[0]}`] : [])])
          .sort(),
      );
    });

    test('GIVEN a NACL that denies 443 out before allowing all WHEN judged THEN the NAT instance is cut, naming the rule', () => {
      const { ssm } = withVariant('nacls');
      expect(ssm('ssm-lab-ssm-nat').text).toBe(
        'Session Manager: NOT reachable — in ssm-lab-vpc1-private-1, network ACL acl-private-1 rule 100 denies outbound tcp 443 (0.0.0.0/0) before any allow, and ssm-lab-vpc1 has no Session Manager endpoints',
      );
    });

    test('GIVEN a NACL allowing 443 out and the replies in WHEN judged THEN the public instance stays reachable', () => {
      expect(withVariant('nacls').ssm('ssm-lab-ssm-public').text).toBe(
        'Session Manager: reachable via internet gateway (public address; 0.0.0.0/0 → internet gateway; 443 out)',
      );
    });

    test('GIVEN a managed default NACL with no rules WHEN instance and endpoints share the subnet THEN the endpoint path is unaffected', () => {
      expect(withVariant('nacls').ssm('ssm-lab-ssm-endpoint').reachable).toBe(true);
    });

    test('GIVEN a NACL without the ephemeral replies WHEN judged THEN the NAT instance is cut, naming the missing range', () => {
      expect(withVariant('inline').ssm('ssm-lab-ssm-nat').text).toBe(
        'Session Manager: NOT reachable — in ssm-lab-vpc1-private-1, network ACL acl-private-1-no-replies allows no inbound tcp 32768-60999, and ssm-lab-vpc1 has no Session Manager endpoints',
      );
    });

    test('GIVEN the default route written inline and the permissions in an inline policy WHEN judged THEN the public instance is reachable', () => {
      const { model, ssm } = withVariant('inline');
      expect(model.all('aws_route').filter((route) => route.stack === 'lab-network')).toEqual([]);
      expect(ssm('ssm-lab-ssm-public').text).toBe(
        'Session Manager: reachable via internet gateway (public address; 0.0.0.0/0 → internet gateway; 443 out)',
      );
    });

    test('GIVEN DNS support off in VPC 2 WHEN judged THEN the endpoint instance cannot resolve, and the private-DNS endpoints would fail at apply', () => {
      const { model, ssm } = withVariant('inline');
      expect(ssm('ssm-lab-ssm-endpoint').text).toBe(
        'Session Manager: NOT reachable — ssm-lab-vpc2 has DNS support off, so the instance cannot resolve any Systems Manager endpoint name (neither public nor private DNS)',
      );
      const problems = applyFailures(model).map((f) => f.problem);
      expect(problems.filter((p) => p.includes('which has DNS support off'))).toHaveLength(2);
    });

    test('GIVEN a role EC2 may not assume WHEN judged THEN every Session Manager instance is cut, saying why', () => {
      const { ssm } = withVariant('untrusted');
      for (const instance of ['ssm-lab-ssm-public', 'ssm-lab-ssm-nat', 'ssm-lab-ssm-endpoint']) {
        expect(ssm(instance).text).toBe(
          'Session Manager: NOT reachable — the role ssm-lab-instance does not trust ec2.amazonaws.com (its trust policy has no Allow of sts:AssumeRole for the EC2 service), so the instance cannot use it',
        );
      }
    });

    test('GIVEN a policy that allows ssmmessages:* but denies ssmmessages:Open* WHEN judged THEN the missing actions are named', () => {
      expect(withVariant('missing-actions').ssm('ssm-lab-ssm-public').text).toBe(
        'Session Manager: NOT reachable — the role ssm-lab-instance is not allowed ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel',
      );
    });

    test('GIVEN private-DNS endpoints in a VPC with DNS hostnames off next to a NAT path WHEN judged THEN the NAT path carries the session, and the reason says so', () => {
      const verdict = withVariant('nat-with-endpoints').ssm('ssm-lab-ssm-nat');
      expect(verdict.reachable).toBe(true);
      expect(verdict.text).toBe(
        "Session Manager: reachable via NAT gateway (the ssm and ssmmessages endpoints' private DNS does not apply (ssm-lab-vpc1 has DNS hostnames off), so the public names are used; 0.0.0.0/0 → NAT gateway in ssm-lab-vpc1-public → internet gateway; 443 out)",
      );
      expect(verdict.text).not.toMatch(/NOT|no route|allows no/);
    });

    test('GIVEN that variant WHEN checked for apply THEN every refusal AWS would give is listed, for every endpoint', () => {
      const failuresFound = applyFailures(withVariant('nat-with-endpoints').model);
      const about = (resource: string) => failuresFound.filter((f) => f.resource === resource).map((f) => f.problem);
      for (const service of ['ssm', 'ssmmessages']) {
        const problems = about(`lab-ssm-nat/aws_vpc_endpoint.${service}`);
        expect(problems).toEqual([
          expect.stringContaining(
            'which has DNS hostnames off: AWS refuses it ("Enabling private DNS requires both enableDnsSupport and enableDnsHostnames',
          ),
          'subnets ssm-lab-vpc1-private-1, ssm-lab-vpc1-public are both in ap-northeast-1a: an Interface endpoint takes at most one subnet per Availability Zone',
          "security group wrong-vpc belongs to ssm-lab-vpc2, not to the endpoint's ssm-lab-vpc1",
        ]);
      }
      expect(about('lab-ssm-nat/aws_vpc_security_group_ingress_rule.from_nat_instance')).toEqual([
        expect.stringContaining(
          'and the two VPCs are not peered nor attached to a transit gateway with security group referencing on: AWS refuses a security-group reference across VPCs',
        ),
      ]);
      expect(applyFailures(new NetworkModel(review.plans, review.placeholders))).toEqual([]);
    });

    test('GIVEN the metadata service off WHEN judged THEN the instance is cut: the agent gets no credentials', () => {
      expect(withVariant('imds-off').ssm('ssm-lab-ssm-public').text).toBe(
        'Session Manager: NOT reachable — its instance metadata service is off (metadata_options http_endpoint = "disabled"), and the SSM Agent takes the role\'s credentials from it',
      );
    });

    test('GIVEN the 443 egress written inline in the security group WHEN judged THEN the public instance is reachable', () => {
      expect(withVariant('inline-egress').ssm('ssm-lab-ssm-public').text).toBe(
        'Session Manager: reachable via internet gateway (public address; 0.0.0.0/0 → internet gateway; 443 out)',
      );
    });

    test('GIVEN the 443 egress as an aws_security_group_rule (protocol "6") WHEN judged THEN the NAT instance is reachable', () => {
      expect(withVariant('security-group-rule').ssm('ssm-lab-ssm-nat').text).toBe(
        'Session Manager: reachable via NAT gateway (0.0.0.0/0 → NAT gateway in ssm-lab-vpc1-public → internet gateway; 443 out)',
      );
    });

    test('GIVEN the instance kept stopped WHEN judged THEN it is cut, saying why', () => {
      expect(withVariant('stopped').ssm('ssm-lab-ssm-nat').text).toBe(
        'Session Manager: NOT reachable — the instance is stopped (aws_ec2_instance_state.stopped sets its state to "stopped")',
      );
    });

    test('GIVEN an ssm endpoint policy that denies the agent registration WHEN judged THEN the endpoint instance is cut, naming the action', () => {
      expect(withVariant('endpoint-policy').ssm('ssm-lab-ssm-endpoint').text).toBe(
        "Session Manager: NOT reachable — the ssm endpoint's policy does not allow ssm:UpdateInstanceInformation (a request through an endpoint needs its policy's Allow too)",
      );
    });

    test('GIVEN the EC2 Instance Connect Endpoint SG sending nothing to the instance WHEN judged THEN SSH is cut, saying so', () => {
      expect(withVariant('eice-no-egress').sshOf('ssm-lab-eice').text).toBe(
        "SSH: NOT reachable — the EC2 Instance Connect Endpoint ssm-lab-ssh-eice's security group sends no tcp/22 to the instance (neither to its security group nor to a range covering its subnet)",
      );
    });

    test('GIVEN preserve_client_ip = true and only the SG reference WHEN judged THEN SSH still goes through: a rule referencing the endpoint\'s group admits it either way (AWS, "Security groups for EC2 Instance Connect Endpoint")', () => {
      expect(withVariant('eice-preserve-client-ip').sshOf('ssm-lab-eice').text).toBe(
        'SSH: reachable via EC2 Instance Connect Endpoint (ssm-lab-ssh-eice in ssm-lab-vpc2; instance SG admits tcp/22 from the endpoint SG; endpoint SG sends tcp/22 to the instance; no key pair needed: the CLI pushes a one-minute key)',
      );
    });

    test('GIVEN an ACL on the instance subnet without the replies WHEN the endpoint sits in another subnet THEN SSH is cut, naming the ACL', () => {
      expect(withVariant('eice-acl-no-replies').sshOf('ssm-lab-eice').text).toBe(
        'SSH: NOT reachable — between the EC2 Instance Connect Endpoint ssm-lab-ssh-eice and the instance, network ACL acl-no-ssh-replies allows no outbound tcp 1024-65535',
      );
    });

    test('GIVEN the target SG admitting another group WHEN judged THEN forwarding from the NAT instance is cut, naming the group', () => {
      expect(withVariant('forwarding-other-group').forwardingOf('ssm-lab-ssm-nat').text).toBe(
        "Port forwarding to ssm-lab-target-vpc1:8080: NOT reachable — the target's security group ssm-lab-target-vpc1-instance admits no tcp/8080 from the instance (neither from its security group nor from a range covering it)",
      );
      // The other clients of the same target keep their own rules.
      expect(withVariant('forwarding-other-group').forwardingOf('ssm-lab-ssm-public').reachable).toBe(true);
    });

    test("GIVEN the instance's egress sending another port WHEN judged THEN forwarding is cut, naming the port", () => {
      expect(withVariant('forwarding-egress-port').forwardingOf('ssm-lab-ssm-public').text).toBe(
        'Port forwarding to ssm-lab-target-vpc1:8080: NOT reachable — the instance security groups send no tcp/8080 to the target (neither to its security group ssm-lab-target-vpc1-instance nor to a range covering it)',
      );
    });

    test("GIVEN an ACL on the target's subnet denying tcp/8080 WHEN judged THEN the hop from another subnet is cut and the one inside the subnet is not", () => {
      const { forwardingOf } = withVariant('forwarding-target-acl');
      expect(forwardingOf('ssm-lab-ssm-public').text).toBe(
        'Port forwarding to ssm-lab-target-vpc1:8080: NOT reachable — in ssm-lab-vpc1-private-1, network ACL acl-target-no-8080 rule 100 denies inbound tcp 8080 (10.0.0.0/16) before any allow',
      );
      expect(forwardingOf('ssm-lab-ssh').reachable).toBe(false);
      expect(forwardingOf('ssm-lab-ssm-nat').text).toMatch(
        /^Port forwarding to ssm-lab-target-vpc1:8080: reachable via Session Manager over the NAT gateway.*same subnet ssm-lab-vpc1-private-1/,
      );
    });

    test('GIVEN the target in the other VPC with no route between them WHEN judged THEN forwarding is cut, saying so', () => {
      expect(withVariant('forwarding-other-vpc').forwardingOf('ssm-lab-ssm-endpoint').text).toBe(
        "Port forwarding to ssm-lab-target-vpc1:8080: NOT reachable — the instance is in ssm-lab-vpc2 and the target in ssm-lab-vpc1, and no route joins them (ssm-lab-vpc2-private-2 has no route to the target's addresses; ssm-lab-vpc1-private-1 sends the instance's addresses to ssm-lab-nat, which joins no VPCs; a VPC peering connection or a transit gateway with routes both ways would)",
      );
    });

    test('GIVEN the same with a peering connection and routes both ways WHEN judged THEN forwarding is reachable through the peering', () => {
      expect(withVariant('forwarding-peered').forwardingOf('ssm-lab-ssm-endpoint').text).toBe(
        'Port forwarding to ssm-lab-target-vpc1:8080: reachable via Session Manager over the VPC endpoints, document AWS-StartPortForwardingSessionToRemoteHost (peering connection peering-vpc2-vpc1 routes both ways; instance SG sends tcp/8080 to the target SG; target SG admits tcp/8080 from the instance SG)',
      );
    });

    test('GIVEN a role policy with a misspelt action, an unknown key and a mismatched operator WHEN the review reads the plan THEN each is listed, and the report says so', () => {
      const { model } = withVariant('policy-findings');
      expect(planPolicies(model).findings.map((finding) => policyFindingLine(finding))).toEqual([
        '`lab-network/aws_iam_role_policy.typos` policy, statement "Typo": unknown action ssm:GetParamter (did you mean ssm:GetParameter?)',
        '`lab-network/aws_iam_role_policy.typos` policy, statement "Keys": NumericEquals does not fit aws:SourceVpc, a String key (use a String operator (StringEquals, StringLike, …) or an ARN operator (ArnEquals, ArnLike, …))',
        '`lab-network/aws_iam_role_policy.typos` policy, statement "Keys": unknown condition key ssm:NoSuchKey (use a global key (aws:…) or one of ssm\'s keys)',
      ]);
      expect(renderMarkdown(assess({ ...review, mode: 'offline', plans: model.plans }))).toContain(
        '3 finding(s) in the',
      );
      expect(planPolicies(new NetworkModel(review.plans, review.placeholders)).findings).toEqual([]);
    });

    test('GIVEN a permissions boundary without the Open*Channel calls WHEN judged THEN every Session Manager instance is cut by the boundary', () => {
      expect(withVariant('boundary').ssm('ssm-lab-ssm-nat').text).toBe(
        "Session Manager: NOT reachable — the role ssm-lab-instance's permissions boundary lab-boundary does not allow ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel (a boundary caps what the role's policies grant)",
      );
    });

    test('GIVEN an Allow with a condition and a NotResource and a Deny with a condition WHEN judged THEN reachable, naming what it assumed', () => {
      expect(withVariant('conditional').ssm('ssm-lab-ssm-public').text).toBe(
        'Session Manager: reachable via internet gateway (public address; 0.0.0.0/0 → internet gateway; 443 out; assuming the condition of the Deny in statement "OnlyThroughAws" of inline policy agent-conditional (Bool) does not match; assuming the condition of statement "AgentInTheLab" of inline policy agent-conditional (StringEquals) holds)',
      );
    });

    test('GIVEN the endpoint SG admitting the instance subnet by range WHEN judged THEN the reason says so', () => {
      expect(withVariant('endpoint-sg-by-range').ssm('ssm-lab-ssm-endpoint').text).toBe(
        'Session Manager: reachable via VPC endpoints (ssm, ssmmessages with private DNS in ssm-lab-vpc2; endpoint SG allows 443 from 10.1.3.0/24 (covers the instance); instance SG allows 443 to it)',
      );
    });
  });
}
