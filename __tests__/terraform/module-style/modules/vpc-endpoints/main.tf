# A VPC-endpoints module in the style of the public one: endpoints by for_each over a map, the
# groups and subnets of each the module's own merged with the endpoint's, through conditionals.

variable "create" {
  type    = bool
  default = true
}

variable "vpc_id" {
  type = string
}

variable "endpoints" {
  type    = any
  default = {}
}

variable "security_group_ids" {
  type    = list(string)
  default = []
}

variable "subnet_ids" {
  type    = list(string)
  default = []
}

variable "region" {
  type    = string
  default = "us-east-1"
}

resource "aws_vpc_endpoint" "this" {
  for_each = { for k, v in var.endpoints : k => v if var.create && try(v.create, true) }

  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.${var.region}.${each.value.service}"
  vpc_endpoint_type = try(each.value.service_type, "Interface")

  security_group_ids  = try(each.value.service_type, "Interface") == "Interface" ? length(distinct(concat(var.security_group_ids, lookup(each.value, "security_group_ids", [])))) > 0 ? distinct(concat(var.security_group_ids, lookup(each.value, "security_group_ids", []))) : null : null
  subnet_ids          = try(each.value.service_type, "Interface") == "Interface" ? distinct(concat(var.subnet_ids, lookup(each.value, "subnet_ids", []))) : null
  private_dns_enabled = try(each.value.service_type, "Interface") == "Interface" ? try(each.value.private_dns_enabled, null) : null

  tags = { Name = each.key }
}

output "endpoints" {
  value = aws_vpc_endpoint.this
}
