# A security-group module in the style of the public one: the group by name or name prefix, its
# id through a local, every rule a resource of its own by for_each over a map.

variable "create" {
  type    = bool
  default = true
}

variable "use_name_prefix" {
  type    = bool
  default = true
}

variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "ingress_rules" {
  type    = any
  default = {}
}

variable "egress_rules" {
  type    = any
  default = {}
}

locals {
  this_sg_id = var.create ? concat(aws_security_group.this.*.id, aws_security_group.this_name_prefix.*.id, [""])[0] : null
}

resource "aws_security_group" "this" {
  count = var.create && !var.use_name_prefix ? 1 : 0

  name   = var.name
  vpc_id = var.vpc_id
  tags   = { Name = var.name }
}

resource "aws_security_group" "this_name_prefix" {
  count = var.create && var.use_name_prefix ? 1 : 0

  name_prefix = "${var.name}-"
  vpc_id      = var.vpc_id
  tags        = { Name = var.name }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group_rule" "ingress" {
  for_each = var.create ? var.ingress_rules : {}

  security_group_id        = local.this_sg_id
  type                     = "ingress"
  from_port                = each.value.from_port
  to_port                  = each.value.to_port
  protocol                 = each.value.protocol
  cidr_blocks              = lookup(each.value, "cidr_blocks", null)
  source_security_group_id = lookup(each.value, "source_security_group_id", null)
}

resource "aws_security_group_rule" "egress" {
  for_each = var.create ? var.egress_rules : {}

  security_group_id = local.this_sg_id
  type              = "egress"
  from_port         = each.value.from_port
  to_port           = each.value.to_port
  protocol          = each.value.protocol
  cidr_blocks       = lookup(each.value, "cidr_blocks", null)
}

output "security_group_id" {
  value = local.this_sg_id
}
