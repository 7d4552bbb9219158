// Writes a `terraform show -json` plan of a hub-and-spoke network the way the Transit Gateways
// guide builds "centralized outbound routing to the internet", for the --hub bench: one transit
// gateway with a route table for the spokes (0.0.0.0/0 to the egress attachment) and one for the
// egress VPC (a propagation from every spoke), an egress VPC with its NAT gateway and the way back
// to the spokes, and N/20 spokes from a `module "spoke"` called with for_each — each a VPC, a
// private subnet and an attachment subnet, a route table sending 0.0.0.0/0 to the transit gateway,
// its attachment, association and propagation, a security group, and 20 instances by count. Ids
// are unknown, as in a plan that creates everything: every link is followed through the
// configuration's references, across the module boundary.
//   node scripts/hub-and-spoke-plan.js 10000 > plan.json
'use strict';
const { planWriter } = require('./generated-plan');

const PER_SPOKE = 20;
const ZONE = 'us-east-1a';

/** Spoke `i`'s /20 (10.1.0.0/20, 10.1.16.0/20, …): clear of the egress VPC's 10.0.0.0/16. */
function spokeCidr(i, third = 0) {
  return `10.${1 + Math.floor(i / 16)}.${(i % 16) * 16 + third}.0`;
}

function hubAndSpokePlan(instances) {
  const spokes = Math.max(1, Math.ceil(instances / PER_SPOKE));
  const { changes, change, ref, configured } = planWriter();

  // --- The hub: the transit gateway, its two tables, the egress VPC.
  change('aws_ec2_transit_gateway.hub', 'aws_ec2_transit_gateway', {
    default_route_table_association: 'disable',
    default_route_table_propagation: 'disable',
    tags: { Name: 'hub' },
  });
  for (const table of ['spokes', 'egress'])
    change(`aws_ec2_transit_gateway_route_table.${table}`, 'aws_ec2_transit_gateway_route_table', {
      tags: { Name: table },
    });
  change('aws_vpc.egress', 'aws_vpc', {
    cidr_block: '10.0.0.0/16',
    enable_dns_support: true,
    enable_dns_hostnames: true,
    tags: { Name: 'egress' },
  });
  change('aws_subnet.egress_public', 'aws_subnet', {
    cidr_block: '10.0.0.0/24',
    availability_zone: ZONE,
    tags: { Name: 'egress-public' },
  });
  change('aws_subnet.egress_tgw', 'aws_subnet', {
    cidr_block: '10.0.1.0/24',
    availability_zone: ZONE,
    tags: { Name: 'egress-tgw' },
  });
  change('aws_internet_gateway.egress', 'aws_internet_gateway', { tags: { Name: 'egress' } });
  change('aws_eip.nat', 'aws_eip', { domain: 'vpc', tags: { Name: 'nat' } });
  change('aws_nat_gateway.egress', 'aws_nat_gateway', { connectivity_type: 'public', tags: { Name: 'nat' } });
  change('aws_route_table.egress_public', 'aws_route_table', { tags: { Name: 'egress-public' } });
  change('aws_route_table.egress_tgw', 'aws_route_table', { tags: { Name: 'egress-tgw' } });
  change('aws_route.egress_internet', 'aws_route', { destination_cidr_block: '0.0.0.0/0' });
  change('aws_route.egress_return', 'aws_route', { destination_cidr_block: '10.0.0.0/8' });
  change('aws_route.egress_nat', 'aws_route', { destination_cidr_block: '0.0.0.0/0' });
  for (const tier of ['public', 'tgw'])
    change(`aws_route_table_association.egress_${tier}`, 'aws_route_table_association', {});
  change('aws_ec2_transit_gateway_vpc_attachment.egress', 'aws_ec2_transit_gateway_vpc_attachment', {
    transit_gateway_default_route_table_association: false,
    transit_gateway_default_route_table_propagation: false,
    tags: { Name: 'egress' },
  });
  change(
    'aws_ec2_transit_gateway_route_table_association.egress',
    'aws_ec2_transit_gateway_route_table_association',
    {},
  );
  change('aws_ec2_transit_gateway_route.spokes_default', 'aws_ec2_transit_gateway_route', {
    destination_cidr_block: '0.0.0.0/0',
    blackhole: false,
  });
  change('aws_iam_role.app', 'aws_iam_role', {
    name: 'app',
    assume_role_policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ec2.amazonaws.com' } }],
    }),
  });
  change('aws_iam_role_policy_attachment.core', 'aws_iam_role_policy_attachment', {
    role: 'app',
    policy_arn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
  });
  change('aws_iam_instance_profile.app', 'aws_iam_instance_profile', { name: 'app', role: 'app' });

  // --- The spokes.
  for (let s = 0; s < spokes; s++) {
    const m = `module.spoke["s${s}"]`;
    change(`${m}.aws_vpc.this`, 'aws_vpc', {
      cidr_block: `${spokeCidr(s)}/20`,
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags: { Name: `s${s}` },
    });
    change(`${m}.aws_subnet.private`, 'aws_subnet', {
      cidr_block: `${spokeCidr(s)}/24`,
      availability_zone: ZONE,
      tags: { Name: `s${s}-private` },
    });
    change(`${m}.aws_subnet.tgw`, 'aws_subnet', {
      cidr_block: `${spokeCidr(s, 1)}/24`,
      availability_zone: ZONE,
      tags: { Name: `s${s}-tgw` },
    });
    change(`${m}.aws_route_table.this`, 'aws_route_table', { tags: { Name: `s${s}` } });
    change(`${m}.aws_route.default`, 'aws_route', { destination_cidr_block: '0.0.0.0/0' });
    change(`${m}.aws_route_table_association.this`, 'aws_route_table_association', {});
    change(`${m}.aws_ec2_transit_gateway_vpc_attachment.this`, 'aws_ec2_transit_gateway_vpc_attachment', {
      transit_gateway_default_route_table_association: false,
      transit_gateway_default_route_table_propagation: false,
      tags: { Name: `s${s}` },
    });
    change(
      `${m}.aws_ec2_transit_gateway_route_table_association.this`,
      'aws_ec2_transit_gateway_route_table_association',
      {},
    );
    change(
      `${m}.aws_ec2_transit_gateway_route_table_propagation.this`,
      'aws_ec2_transit_gateway_route_table_propagation',
      {},
    );
    change(`${m}.aws_security_group.this`, 'aws_security_group', { tags: { Name: `s${s}-app` } });
    change(`${m}.aws_vpc_security_group_egress_rule.https`, 'aws_vpc_security_group_egress_rule', {
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
      cidr_ipv4: '0.0.0.0/0',
    });
    const count = Math.min(PER_SPOKE, instances - s * PER_SPOKE);
    for (let n = 0; n < count; n++)
      change(
        `${m}.aws_instance.app[${n}]`,
        'aws_instance',
        {
          instance_type: 't3.micro',
          associate_public_ip_address: false,
          iam_instance_profile: 'app',
          metadata_options: [{ http_tokens: 'required' }],
          tags: { Name: `s${s}-app-${n}` },
        },
        { id: true, subnet_id: true, vpc_security_group_ids: true },
      );
  }

  const vpc = ref('aws_vpc.this.id', 'aws_vpc.this');
  const spokeModule = {
    resources: [
      configured('aws_vpc', 'this'),
      configured('aws_subnet', 'private', { vpc_id: vpc }),
      configured('aws_subnet', 'tgw', { vpc_id: vpc }),
      configured('aws_route_table', 'this', { vpc_id: vpc }),
      configured('aws_route', 'default', {
        route_table_id: ref('aws_route_table.this.id', 'aws_route_table.this'),
        transit_gateway_id: ref('var.transit_gateway_id'),
      }),
      configured('aws_route_table_association', 'this', {
        subnet_id: ref('aws_subnet.private.id', 'aws_subnet.private'),
        route_table_id: ref('aws_route_table.this.id', 'aws_route_table.this'),
      }),
      configured('aws_ec2_transit_gateway_vpc_attachment', 'this', {
        transit_gateway_id: ref('var.transit_gateway_id'),
        vpc_id: vpc,
        subnet_ids: ref('aws_subnet.tgw.id', 'aws_subnet.tgw'),
      }),
      configured('aws_ec2_transit_gateway_route_table_association', 'this', {
        transit_gateway_attachment_id: ref(
          'aws_ec2_transit_gateway_vpc_attachment.this.id',
          'aws_ec2_transit_gateway_vpc_attachment.this',
        ),
        transit_gateway_route_table_id: ref('var.spokes_table_id'),
      }),
      configured('aws_ec2_transit_gateway_route_table_propagation', 'this', {
        transit_gateway_attachment_id: ref(
          'aws_ec2_transit_gateway_vpc_attachment.this.id',
          'aws_ec2_transit_gateway_vpc_attachment.this',
        ),
        transit_gateway_route_table_id: ref('var.egress_table_id'),
      }),
      configured('aws_security_group', 'this', { vpc_id: vpc }),
      configured('aws_vpc_security_group_egress_rule', 'https', {
        security_group_id: ref('aws_security_group.this.id', 'aws_security_group.this'),
      }),
      configured('aws_instance', 'app', {
        subnet_id: ref('aws_subnet.private.id', 'aws_subnet.private'),
        vpc_security_group_ids: ref('aws_security_group.this.id', 'aws_security_group.this'),
        iam_instance_profile: ref('var.profile'),
      }),
    ],
  };
  const tgw = ref('aws_ec2_transit_gateway.hub.id', 'aws_ec2_transit_gateway.hub');
  const egressVpc = ref('aws_vpc.egress.id', 'aws_vpc.egress');
  const table = (name) =>
    ref(`aws_ec2_transit_gateway_route_table.${name}.id`, `aws_ec2_transit_gateway_route_table.${name}`);
  const attachment = ref(
    'aws_ec2_transit_gateway_vpc_attachment.egress.id',
    'aws_ec2_transit_gateway_vpc_attachment.egress',
  );
  const rootResources = [
    configured('aws_ec2_transit_gateway', 'hub'),
    configured('aws_ec2_transit_gateway_route_table', 'spokes', { transit_gateway_id: tgw }),
    configured('aws_ec2_transit_gateway_route_table', 'egress', { transit_gateway_id: tgw }),
    configured('aws_vpc', 'egress'),
    configured('aws_subnet', 'egress_public', { vpc_id: egressVpc }),
    configured('aws_subnet', 'egress_tgw', { vpc_id: egressVpc }),
    configured('aws_internet_gateway', 'egress', { vpc_id: egressVpc }),
    configured('aws_eip', 'nat'),
    configured('aws_nat_gateway', 'egress', {
      allocation_id: ref('aws_eip.nat.id', 'aws_eip.nat'),
      subnet_id: ref('aws_subnet.egress_public.id', 'aws_subnet.egress_public'),
    }),
    configured('aws_route_table', 'egress_public', { vpc_id: egressVpc }),
    configured('aws_route_table', 'egress_tgw', { vpc_id: egressVpc }),
    configured('aws_route', 'egress_internet', {
      route_table_id: ref('aws_route_table.egress_public.id', 'aws_route_table.egress_public'),
      gateway_id: ref('aws_internet_gateway.egress.id', 'aws_internet_gateway.egress'),
    }),
    configured('aws_route', 'egress_return', {
      route_table_id: ref('aws_route_table.egress_public.id', 'aws_route_table.egress_public'),
      transit_gateway_id: tgw,
    }),
    configured('aws_route', 'egress_nat', {
      route_table_id: ref('aws_route_table.egress_tgw.id', 'aws_route_table.egress_tgw'),
      nat_gateway_id: ref('aws_nat_gateway.egress.id', 'aws_nat_gateway.egress'),
    }),
    ...['public', 'tgw'].map((tier) =>
      configured('aws_route_table_association', `egress_${tier}`, {
        subnet_id: ref(`aws_subnet.egress_${tier}.id`, `aws_subnet.egress_${tier}`),
        route_table_id: ref(`aws_route_table.egress_${tier}.id`, `aws_route_table.egress_${tier}`),
      }),
    ),
    configured('aws_ec2_transit_gateway_vpc_attachment', 'egress', {
      transit_gateway_id: tgw,
      vpc_id: egressVpc,
      subnet_ids: ref('aws_subnet.egress_tgw.id', 'aws_subnet.egress_tgw'),
    }),
    configured('aws_ec2_transit_gateway_route_table_association', 'egress', {
      transit_gateway_attachment_id: attachment,
      transit_gateway_route_table_id: table('egress'),
    }),
    configured('aws_ec2_transit_gateway_route', 'spokes_default', {
      transit_gateway_attachment_id: attachment,
      transit_gateway_route_table_id: table('spokes'),
    }),
    configured('aws_iam_role', 'app'),
    configured('aws_iam_role_policy_attachment', 'core', { role: ref('aws_iam_role.app.name', 'aws_iam_role.app') }),
    configured('aws_iam_instance_profile', 'app', { role: ref('aws_iam_role.app.name', 'aws_iam_role.app') }),
  ];
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    resource_changes: changes,
    configuration: {
      root_module: {
        resources: rootResources,
        module_calls: {
          spoke: {
            source: './modules/spoke',
            expressions: {
              transit_gateway_id: tgw,
              spokes_table_id: table('spokes'),
              egress_table_id: table('egress'),
              profile: ref('aws_iam_instance_profile.app.name', 'aws_iam_instance_profile.app'),
            },
            module: spokeModule,
          },
        },
      },
    },
  };
}

module.exports = { hubAndSpokePlan, PER_SPOKE };

if (require.main === module) {
  const instances = Number(process.argv[2] ?? 1000);
  process.stdout.write(JSON.stringify(hubAndSpokePlan(instances)));
}
