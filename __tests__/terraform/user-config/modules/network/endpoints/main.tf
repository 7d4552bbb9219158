variable "vpc_id" { type = string }
variable "vpc_cidr" { type = string }
variable "subnet_ids" { type = list(string) }
variable "services" { type = list(string) }

resource "aws_security_group" "endpoints" {
  name_prefix = "endpoints-"
  vpc_id      = var.vpc_id
  tags        = { Name = "endpoints" }
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.endpoints.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr
}

resource "aws_vpc_endpoint" "this" {
  for_each            = toset(var.services)
  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.us-east-1.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = var.subnet_ids
  security_group_ids  = [aws_security_group.endpoints.id]
  tags                = { Name = each.key }
}
