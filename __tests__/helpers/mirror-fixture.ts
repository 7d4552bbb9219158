// A lab whose role gets its permissions from an inline policy (the managed attachment left out)
// and whose private subnet 1 has a network ACL with its entries as aws_network_acl_rule resources:
// the refresh mirrors the default lab lacks. The emulator tier deploys it from a project copy
// (whose main.ts calls this) and reviews changes to it in process.
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { NetworkAcl } from '@cdktf/provider-aws/lib/network-acl';
import { NetworkAclRule } from '@cdktf/provider-aws/lib/network-acl-rule';
import { TerraformResource } from 'cdktf';
import type { LabStacks } from '../../stacks';
import { SESSION_MANAGER_ACTIONS } from '../../tools/review/rules/agent-role';
import { PRIVATE_SUBNET_1 } from '../../stacks/network-stack';

export function addMirrorFixture(stacks: LabStacks): void {
  const network = stacks.network;
  for (const node of network.node.findAll())
    if (node instanceof TerraformResource && node.terraformResourceType === 'aws_iam_role_policy_attachment')
      node.addOverride('count', 0);
  new IamRolePolicy(network, 'fixture-inline-ssm', {
    role: network.sessionManagerRole.role.name,
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
  const acl = new NetworkAcl(network, 'fixture-acl', {
    vpcId: network.vpc1.vpc.id,
    subnetIds: [network.vpc1.subnet(PRIVATE_SUBNET_1).subnet.id],
    tags: { Name: 'fixture-acl' },
  });
  for (const [id, egress] of [
    ['fixture-acl-out', true],
    ['fixture-acl-in', false],
  ] as const)
    new NetworkAclRule(network, id, {
      networkAclId: acl.id,
      ruleNumber: 100,
      egress,
      ruleAction: 'allow',
      protocol: '-1',
      cidrBlock: '0.0.0.0/0',
    });
}
