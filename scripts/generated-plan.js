// Writes a `terraform show -json` plan the way a large configuration's looks, for the --plan bench:
// N instances in N/20 VPCs, each VPC from a `module "vpc"` called with for_each (public and private
// subnets by count, an internet gateway, a NAT gateway with its Elastic IP, route tables and their
// associations), the instances from a `module "app"` with count, each in its VPC's private subnet
// with its own security group (an aws_vpc_security_group_egress_rule for 443), one shared role and
// instance profile. Ids are unknown, as in a plan that creates everything: every link is followed
// through the configuration's references, across the module boundary.
//   node scripts/generated-plan.js 1000 > plan.json
'use strict';

const PER_VPC = 20;

/**
 * What a generated plan is written with: `change` adds a resource the plan creates (its module,
 * name and index read from the address; `unknown` the attributes known only after apply) to
 * `changes`; `ref` is an expression's references; `configured` a resource of a module's
 * configuration with the expressions written.
 */
function planWriter() {
  const changes = [];
  const change = (address, type, after, unknown = { id: true }) => {
    const name = address
      .replace(/\[[^\]]*\]/g, '')
      .split('.')
      .pop();
    const module = /^(.*)\.[^.]+\.[^.]+$/.exec(address.replace(/\[[^\]]*\]$/, ''));
    const index = /\[("?)([^\]"]*)\1\]$/.exec(address);
    changes.push({
      address,
      ...(module ? { module_address: module[1] } : {}),
      mode: 'managed',
      type,
      name,
      ...(index ? { index: index[1] ? index[2] : Number(index[2]) } : {}),
      change: { actions: ['create'], before: null, after, after_unknown: unknown },
    });
  };
  const ref = (...references) => ({ references });
  const configured = (type, name, expressions = {}) => ({
    address: `${type}.${name}`,
    mode: 'managed',
    type,
    name,
    expressions,
  });
  return { changes, change, ref, configured };
}

function generatedPlan(instances) {
  const vpcs = Math.max(1, Math.ceil(instances / PER_VPC));
  const { changes, change, ref, configured } = planWriter();
  for (let v = 0; v < vpcs; v++) {
    const m = `module.vpc["v${v}"]`;
    const cidr = `10.${v}.0.0/16`;
    change(`${m}.aws_vpc.this`, 'aws_vpc', {
      cidr_block: cidr,
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags: { Name: `v${v}` },
    });
    change(`${m}.aws_subnet.public[0]`, 'aws_subnet', { cidr_block: `10.${v}.0.0/24`, tags: { Name: `v${v}-public` } });
    change(`${m}.aws_subnet.private[0]`, 'aws_subnet', {
      cidr_block: `10.${v}.1.0/24`,
      tags: { Name: `v${v}-private` },
    });
    change(`${m}.aws_internet_gateway.this`, 'aws_internet_gateway', { tags: { Name: `v${v}` } });
    change(`${m}.aws_eip.nat`, 'aws_eip', { domain: 'vpc', tags: { Name: `v${v}-nat` } });
    change(`${m}.aws_nat_gateway.this`, 'aws_nat_gateway', {
      connectivity_type: 'public',
      tags: { Name: `v${v}-nat` },
    });
    change(`${m}.aws_route_table.public`, 'aws_route_table', { tags: { Name: `v${v}-public` } });
    change(`${m}.aws_route_table.private`, 'aws_route_table', { tags: { Name: `v${v}-private` } });
    change(`${m}.aws_route.public_default`, 'aws_route', { destination_cidr_block: '0.0.0.0/0' });
    change(`${m}.aws_route.private_default`, 'aws_route', { destination_cidr_block: '0.0.0.0/0' });
    change(`${m}.aws_route_table_association.public[0]`, 'aws_route_table_association', {});
    change(`${m}.aws_route_table_association.private[0]`, 'aws_route_table_association', {});
  }
  change('module.iam.aws_iam_role.this', 'aws_iam_role', {
    name: 'app',
    assume_role_policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ec2.amazonaws.com' } }],
    }),
  });
  change('module.iam.aws_iam_role_policy_attachment.core', 'aws_iam_role_policy_attachment', {
    role: 'app',
    policy_arn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
  });
  change('module.iam.aws_iam_instance_profile.this', 'aws_iam_instance_profile', { name: 'app', role: 'app' });
  for (let i = 0; i < instances; i++) {
    const m = `module.app["v${Math.floor(i / PER_VPC)}"]`;
    const n = i % PER_VPC;
    change(`${m}.aws_security_group.this[${n}]`, 'aws_security_group', { tags: { Name: `app-${i}` } });
    change(`${m}.aws_vpc_security_group_egress_rule.https[${n}]`, 'aws_vpc_security_group_egress_rule', {
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
      cidr_ipv4: '0.0.0.0/0',
    });
    change(
      `${m}.aws_instance.this[${n}]`,
      'aws_instance',
      {
        instance_type: 't3.micro',
        associate_public_ip_address: false,
        iam_instance_profile: 'app',
        metadata_options: [{ http_tokens: 'required' }],
        tags: { Name: `app-${i}` },
      },
      { id: true, subnet_id: true, vpc_security_group_ids: true },
    );
  }
  const vpcModule = {
    resources: [
      configured('aws_vpc', 'this'),
      ...['public', 'private'].map((tier) =>
        configured('aws_subnet', tier, { vpc_id: ref('aws_vpc.this.id', 'aws_vpc.this') }),
      ),
      configured('aws_internet_gateway', 'this', { vpc_id: ref('aws_vpc.this.id', 'aws_vpc.this') }),
      configured('aws_eip', 'nat'),
      configured('aws_nat_gateway', 'this', {
        allocation_id: ref('aws_eip.nat.id', 'aws_eip.nat'),
        subnet_id: ref('aws_subnet.public[0].id', 'aws_subnet.public[0]', 'aws_subnet.public'),
      }),
      ...['public', 'private'].map((tier) =>
        configured('aws_route_table', tier, { vpc_id: ref('aws_vpc.this.id', 'aws_vpc.this') }),
      ),
      configured('aws_route', 'public_default', {
        route_table_id: ref('aws_route_table.public.id', 'aws_route_table.public'),
        gateway_id: ref('aws_internet_gateway.this.id', 'aws_internet_gateway.this'),
      }),
      configured('aws_route', 'private_default', {
        route_table_id: ref('aws_route_table.private.id', 'aws_route_table.private'),
        nat_gateway_id: ref('aws_nat_gateway.this.id', 'aws_nat_gateway.this'),
      }),
      ...['public', 'private'].map((tier) =>
        configured('aws_route_table_association', tier, {
          subnet_id: ref(`aws_subnet.${tier}[0].id`, `aws_subnet.${tier}[0]`, `aws_subnet.${tier}`),
          route_table_id: ref(`aws_route_table.${tier}.id`, `aws_route_table.${tier}`),
        }),
      ),
    ],
    outputs: {
      vpc_id: { expression: ref('aws_vpc.this.id', 'aws_vpc.this') },
      private_subnet_id: { expression: ref('aws_subnet.private[0].id', 'aws_subnet.private[0]', 'aws_subnet.private') },
    },
  };
  const appModule = {
    resources: [
      configured('aws_security_group', 'this', { vpc_id: ref('var.vpc_id') }),
      configured('aws_vpc_security_group_egress_rule', 'https', {
        security_group_id: ref('aws_security_group.this', 'count.index'),
      }),
      configured('aws_instance', 'this', {
        subnet_id: ref('var.subnet_id'),
        vpc_security_group_ids: ref('aws_security_group.this', 'count.index'),
        iam_instance_profile: ref('var.profile'),
      }),
    ],
  };
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    resource_changes: changes,
    configuration: {
      root_module: {
        module_calls: {
          vpc: { source: './modules/vpc', module: vpcModule },
          iam: {
            source: './modules/iam',
            module: {
              resources: [
                configured('aws_iam_role', 'this'),
                configured('aws_iam_role_policy_attachment', 'core', {
                  role: ref('aws_iam_role.this.name', 'aws_iam_role.this'),
                }),
                configured('aws_iam_instance_profile', 'this', {
                  role: ref('aws_iam_role.this.name', 'aws_iam_role.this'),
                }),
              ],
              outputs: {
                profile: { expression: ref('aws_iam_instance_profile.this.name', 'aws_iam_instance_profile.this') },
              },
            },
          },
          app: {
            source: './modules/app',
            expressions: {
              vpc_id: ref('module.vpc', 'each.key'),
              subnet_id: ref('module.vpc', 'each.key'),
              profile: ref('module.iam.profile', 'module.iam'),
            },
            module: appModule,
          },
        },
      },
    },
  };
}

/**
 * The configuration's files that plan was made from (what `--plan` reads beside it): the same
 * modules, with the VPCs and the applications by for_each and each application's instances by
 * count. Written into `dir`.
 */
function writeGeneratedConfiguration(instances, dir) {
  const vpcs = Math.max(1, Math.ceil(instances / PER_VPC));
  const keys = Array.from({ length: vpcs }, (_, v) => `"v${v}"`).join(', ');
  const last = instances - (vpcs - 1) * PER_VPC;
  const files = {
    'main.tf': `locals {
  vpcs      = toset([${keys}])
  instances = { for key in local.vpcs : key => key == "v${vpcs - 1}" ? ${last} : ${PER_VPC} }
}

module "vpc" {
  source   = "./modules/vpc"
  for_each = local.vpcs
}

module "iam" {
  source = "./modules/iam"
}

module "app" {
  source    = "./modules/app"
  for_each  = local.vpcs
  vpc_id    = module.vpc[each.key].vpc_id
  subnet_id = module.vpc[each.key].private_subnet_id
  profile   = module.iam.profile
  instances = local.instances[each.key]
}
`,
    'modules/vpc/main.tf': `resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "public" {
  count  = 1
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "private" {
  count  = 1
  vpc_id = aws_vpc.this.id
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "this" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
}

resource "aws_route" "public_default" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route" "private_default" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count          = 1
  subnet_id      = aws_subnet.public[0].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "private" {
  count          = 1
  subnet_id      = aws_subnet.private[0].id
  route_table_id = aws_route_table.private.id
}

output "vpc_id" {
  value = aws_vpc.this.id
}

output "private_subnet_id" {
  value = aws_subnet.private[0].id
}
`,
    'modules/iam/main.tf': `resource "aws_iam_role" "this" {
  name = "app"
}

resource "aws_iam_role_policy_attachment" "core" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "this" {
  name = "app"
  role = aws_iam_role.this.name
}

output "profile" {
  value = aws_iam_instance_profile.this.name
}
`,
    'modules/app/main.tf': `variable "vpc_id" {}
variable "subnet_id" {}
variable "profile" {}
variable "instances" {}

resource "aws_security_group" "this" {
  count  = var.instances
  vpc_id = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "https" {
  count             = var.instances
  security_group_id = aws_security_group.this[count.index].id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_instance" "this" {
  count                  = var.instances
  subnet_id              = var.subnet_id
  vpc_security_group_ids = [aws_security_group.this[count.index].id]
  iam_instance_profile   = var.profile
}
`,
  };
  for (const [name, text] of Object.entries(files)) {
    const file = require('path').join(dir, name);
    require('fs').mkdirSync(require('path').dirname(file), { recursive: true });
    require('fs').writeFileSync(file, text);
  }
}

module.exports = { generatedPlan, writeGeneratedConfiguration, planWriter, PER_VPC };

if (require.main === module) {
  const instances = Number(process.argv[2]);
  if (!Number.isInteger(instances) || instances < 1) {
    console.error('generated-plan: expected a number of instances, e.g. node scripts/generated-plan.js 1000');
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify(generatedPlan(instances))}\n`);
}
