# A VPC module in the style of the public one: everything behind `create_vpc`, ids through locals
# with try(), subnets and tables by count and element(), a managed default network ACL whose rules
# are dynamic blocks.

variable "create_vpc" {
  type    = bool
  default = true
}

variable "name" {
  type = string
}

variable "cidr" {
  type = string
}

variable "secondary_cidr_blocks" {
  type    = list(string)
  default = []
}

variable "azs" {
  type = list(string)
}

variable "private_subnets" {
  type    = list(string)
  default = []
}

variable "public_subnets" {
  type    = list(string)
  default = []
}

variable "enable_nat_gateway" {
  type    = bool
  default = false
}

variable "single_nat_gateway" {
  type    = bool
  default = true
}

variable "manage_default_network_acl" {
  type    = bool
  default = true
}

variable "default_network_acl_ingress" {
  type = list(map(string))
  default = [
    { rule_no = 100, action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
  ]
}

variable "default_network_acl_egress" {
  type = list(map(string))
  default = [
    { rule_no = 100, action = "allow", from_port = 0, to_port = 0, protocol = "-1", cidr_block = "0.0.0.0/0" },
  ]
}

variable "tags" {
  type    = map(string)
  default = {}
}

locals {
  len_public_subnets  = length(var.public_subnets)
  len_private_subnets = length(var.private_subnets)
  create_vpc          = var.create_vpc
  # The VPC's id, or the association's once a secondary range is added (it waits for the range).
  vpc_id = try(aws_vpc_ipv4_cidr_block_association.this[0].vpc_id, aws_vpc.this[0].id, "")
  nat_gateway_count = var.single_nat_gateway ? 1 : local.len_private_subnets
}

resource "aws_vpc" "this" {
  count = local.create_vpc ? 1 : 0

  cidr_block           = var.cidr
  enable_dns_hostnames = true
  enable_dns_support   = true
  tags                 = merge({ Name = var.name }, var.tags)
}

resource "aws_vpc_ipv4_cidr_block_association" "this" {
  count = local.create_vpc && length(var.secondary_cidr_blocks) > 0 ? length(var.secondary_cidr_blocks) : 0

  vpc_id     = aws_vpc.this[0].id
  cidr_block = element(var.secondary_cidr_blocks, count.index)
}

resource "aws_subnet" "public" {
  count = local.create_vpc && local.len_public_subnets > 0 ? local.len_public_subnets : 0

  vpc_id                  = local.vpc_id
  cidr_block              = element(concat(var.public_subnets, [""]), count.index)
  availability_zone       = length(regexall("^[a-z]{2}-", element(var.azs, count.index))) > 0 ? element(var.azs, count.index) : null
  map_public_ip_on_launch = true
  tags                    = merge({ Name = format("${var.name}-public-%s", element(var.azs, count.index)) }, var.tags)
}

resource "aws_subnet" "private" {
  count = local.create_vpc && local.len_private_subnets > 0 ? local.len_private_subnets : 0

  vpc_id            = local.vpc_id
  cidr_block        = element(concat(var.private_subnets, [""]), count.index)
  availability_zone = length(regexall("^[a-z]{2}-", element(var.azs, count.index))) > 0 ? element(var.azs, count.index) : null
  tags              = merge({ Name = format("${var.name}-private-%s", element(var.azs, count.index)) }, var.tags)
}

resource "aws_internet_gateway" "this" {
  count = local.create_vpc && local.len_public_subnets > 0 ? 1 : 0

  vpc_id = local.vpc_id
  tags   = merge({ Name = var.name }, var.tags)
}

resource "aws_route_table" "public" {
  count = local.create_vpc && local.len_public_subnets > 0 ? 1 : 0

  vpc_id = local.vpc_id
  tags   = merge({ Name = "${var.name}-public" }, var.tags)
}

resource "aws_route" "public_internet_gateway" {
  count = local.create_vpc && local.len_public_subnets > 0 ? 1 : 0

  route_table_id         = aws_route_table.public[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route_table_association" "public" {
  count = local.create_vpc && local.len_public_subnets > 0 ? local.len_public_subnets : 0

  subnet_id      = element(aws_subnet.public[*].id, count.index)
  route_table_id = aws_route_table.public[0].id
}

resource "aws_eip" "nat" {
  count = local.create_vpc && var.enable_nat_gateway ? local.nat_gateway_count : 0

  domain = "vpc"
  tags   = merge({ Name = format("${var.name}-%s", element(var.azs, count.index)) }, var.tags)
}

resource "aws_nat_gateway" "this" {
  count = local.create_vpc && var.enable_nat_gateway ? local.nat_gateway_count : 0

  allocation_id = element(aws_eip.nat[*].id, var.single_nat_gateway ? 0 : count.index)
  subnet_id     = element(aws_subnet.public[*].id, var.single_nat_gateway ? 0 : count.index)
  tags          = merge({ Name = format("${var.name}-%s", element(var.azs, count.index)) }, var.tags)
}

resource "aws_route_table" "private" {
  count = local.create_vpc && local.len_private_subnets > 0 ? (var.single_nat_gateway ? 1 : local.len_private_subnets) : 0

  vpc_id = local.vpc_id
  tags   = merge({ Name = var.single_nat_gateway ? "${var.name}-private" : format("${var.name}-private-%s", element(var.azs, count.index)) }, var.tags)
}

resource "aws_route" "private_nat_gateway" {
  count = local.create_vpc && var.enable_nat_gateway ? local.nat_gateway_count : 0

  route_table_id         = element(aws_route_table.private[*].id, count.index)
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = element(aws_nat_gateway.this[*].id, count.index)
}

resource "aws_route_table_association" "private" {
  count = local.create_vpc && local.len_private_subnets > 0 ? local.len_private_subnets : 0

  subnet_id      = element(aws_subnet.private[*].id, count.index)
  route_table_id = element(aws_route_table.private[*].id, var.single_nat_gateway ? 0 : count.index)
}

resource "aws_default_network_acl" "this" {
  count = local.create_vpc && var.manage_default_network_acl ? 1 : 0

  default_network_acl_id = aws_vpc.this[0].default_network_acl_id

  dynamic "ingress" {
    for_each = var.default_network_acl_ingress
    content {
      action     = ingress.value.action
      cidr_block = lookup(ingress.value, "cidr_block", null)
      from_port  = ingress.value.from_port
      protocol   = ingress.value.protocol
      rule_no    = ingress.value.rule_no
      to_port    = ingress.value.to_port
    }
  }

  dynamic "egress" {
    for_each = var.default_network_acl_egress
    content {
      action     = egress.value.action
      cidr_block = lookup(egress.value, "cidr_block", null)
      from_port  = egress.value.from_port
      protocol   = egress.value.protocol
      rule_no    = egress.value.rule_no
      to_port    = egress.value.to_port
    }
  }

  tags = merge({ Name = "${var.name}-default" }, var.tags)

  lifecycle {
    ignore_changes = [subnet_ids]
  }
}

output "vpc_id" {
  value = try(aws_vpc.this[0].id, null)
}

output "private_subnets" {
  value = aws_subnet.private[*].id
}

output "private_subnets_cidr_blocks" {
  value = compact(aws_subnet.private[*].cidr_block)
}

output "public_subnets" {
  value = aws_subnet.public[*].id
}
