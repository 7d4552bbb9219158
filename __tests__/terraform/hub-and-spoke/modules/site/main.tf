# One hub-and-spoke site: an egress VPC, a transit gateway with a route table for the spokes and
# one for the egress VPC, and a spoke with an instance that reaches Systems Manager through them —
# unless `broken` names the link to leave out or get wrong.

variable "name" {
  type = string
}

variable "broken" {
  type    = set(string)
  default = []
}

# The transit gateway's own default route table, associated and propagated by default (the
# simplest hub), instead of a table for the spokes and one for the egress VPC.
variable "default_tables" {
  type    = bool
  default = false
}

locals {
  broken = var.broken
  zone   = "us-east-1a"
}

# --- The egress VPC: public subnet with the NAT gateway, a subnet for the transit gateway attachment.

resource "aws_vpc" "egress" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "${var.name}-egress" }
}

resource "aws_internet_gateway" "egress" {
  vpc_id = aws_vpc.egress.id
  tags   = { Name = "${var.name}-igw" }
}

resource "aws_subnet" "egress_public" {
  vpc_id            = aws_vpc.egress.id
  cidr_block        = "10.0.0.0/24"
  availability_zone = local.zone
  tags              = { Name = "${var.name}-egress-public" }
}

resource "aws_subnet" "egress_tgw" {
  vpc_id            = aws_vpc.egress.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = local.zone
  tags              = { Name = "${var.name}-egress-tgw" }
}

resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "${var.name}-nat" }
}

resource "aws_nat_gateway" "egress" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.egress_public.id
  tags          = { Name = "${var.name}-nat" }
}

resource "aws_route_table" "egress_public" {
  vpc_id = aws_vpc.egress.id
  tags   = { Name = "${var.name}-egress-public" }
}

resource "aws_route" "egress_public_internet" {
  route_table_id         = aws_route_table.egress_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.egress.id
}

# The way back: the NAT gateway's replies to the spokes follow its subnet's table.
resource "aws_route" "egress_public_return" {
  count                  = contains(local.broken, "no-return-route") ? 0 : 1
  route_table_id         = aws_route_table.egress_public.id
  destination_cidr_block = "10.0.0.0/8"
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.egress]
}

resource "aws_route_table_association" "egress_public" {
  subnet_id      = aws_subnet.egress_public.id
  route_table_id = aws_route_table.egress_public.id
}

resource "aws_route_table" "egress_tgw" {
  vpc_id = aws_vpc.egress.id
  tags   = { Name = "${var.name}-egress-tgw" }
}

resource "aws_route" "egress_tgw_default" {
  route_table_id         = aws_route_table.egress_tgw.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = contains(local.broken, "igw-exit") ? null : aws_nat_gateway.egress.id
  gateway_id             = contains(local.broken, "igw-exit") ? aws_internet_gateway.egress.id : null
}

resource "aws_route_table_association" "egress_tgw" {
  subnet_id      = aws_subnet.egress_tgw.id
  route_table_id = aws_route_table.egress_tgw.id
}

# --- The transit gateway: no default tables; one for the spokes, one for the egress VPC.

resource "aws_ec2_transit_gateway" "hub" {
  default_route_table_association = var.default_tables ? "enable" : "disable"
  default_route_table_propagation = var.default_tables ? "enable" : "disable"
  tags                            = { Name = "${var.name}-hub" }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "egress" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.egress.id
  subnet_ids                                      = [aws_subnet.egress_tgw.id]
  transit_gateway_default_route_table_association = var.default_tables
  transit_gateway_default_route_table_propagation = var.default_tables
  tags                                            = { Name = "${var.name}-egress-attachment" }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "spoke" {
  count                                           = contains(local.broken, "no-attachment") ? 0 : 1
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.spoke.id
  subnet_ids                                      = [contains(local.broken, "wrong-az") ? aws_subnet.spoke_tgw_b.id : aws_subnet.spoke_tgw.id]
  transit_gateway_default_route_table_association = var.default_tables
  transit_gateway_default_route_table_propagation = var.default_tables && !contains(local.broken, "no-default-propagation")
  tags                                            = { Name = "${var.name}-spoke-attachment" }
}

resource "aws_ec2_transit_gateway_route_table" "spokes" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  tags               = { Name = "${var.name}-spokes" }
}

resource "aws_ec2_transit_gateway_route_table" "egress" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  tags               = { Name = "${var.name}-egress" }
}

resource "aws_ec2_transit_gateway_route_table_association" "spoke" {
  count                          = var.default_tables || contains(local.broken, "no-association") || contains(local.broken, "no-attachment") ? 0 : 1
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.spoke[0].id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route_table_association" "egress" {
  count                          = var.default_tables ? 0 : 1
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.egress.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.egress.id
}

resource "aws_ec2_transit_gateway_route" "spokes_default" {
  count                          = contains(local.broken, "no-static") ? 0 : 1
  destination_cidr_block         = "0.0.0.0/0"
  transit_gateway_route_table_id = var.default_tables ? aws_ec2_transit_gateway.hub.association_default_route_table_id : aws_ec2_transit_gateway_route_table.spokes.id
  transit_gateway_attachment_id  = contains(local.broken, "blackhole") ? null : aws_ec2_transit_gateway_vpc_attachment.egress.id
  blackhole                      = contains(local.broken, "blackhole")
}

resource "aws_ec2_transit_gateway_route_table_propagation" "spoke" {
  count                          = var.default_tables || contains(local.broken, "no-propagation") || contains(local.broken, "no-attachment") ? 0 : 1
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.spoke[0].id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.egress.id
}

# --- The spoke: a private subnet whose only way out is the transit gateway.

resource "aws_vpc" "spoke" {
  cidr_block           = "10.1.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "${var.name}-spoke" }
}

resource "aws_subnet" "spoke_private" {
  vpc_id            = aws_vpc.spoke.id
  cidr_block        = "10.1.0.0/24"
  availability_zone = local.zone
  tags              = { Name = "${var.name}-spoke-private" }
}

resource "aws_subnet" "spoke_tgw" {
  vpc_id            = aws_vpc.spoke.id
  cidr_block        = "10.1.1.0/24"
  availability_zone = local.zone
  tags              = { Name = "${var.name}-spoke-tgw-a" }
}

resource "aws_subnet" "spoke_tgw_b" {
  vpc_id            = aws_vpc.spoke.id
  cidr_block        = "10.1.2.0/24"
  availability_zone = "us-east-1b"
  tags              = { Name = "${var.name}-spoke-tgw-b" }
}

resource "aws_vpc_peering_connection" "spoke_egress" {
  count       = contains(local.broken, "peered") ? 1 : 0
  vpc_id      = aws_vpc.spoke.id
  peer_vpc_id = aws_vpc.egress.id
  auto_accept = true
}

resource "aws_route_table" "spoke" {
  vpc_id = aws_vpc.spoke.id
  tags   = { Name = "${var.name}-spoke-private" }
}

resource "aws_route" "spoke_default" {
  count                     = contains(local.broken, "no-spoke-route") ? 0 : 1
  route_table_id            = aws_route_table.spoke.id
  destination_cidr_block    = "0.0.0.0/0"
  transit_gateway_id        = contains(local.broken, "peered") ? null : aws_ec2_transit_gateway.hub.id
  vpc_peering_connection_id = contains(local.broken, "peered") ? aws_vpc_peering_connection.spoke_egress[0].id : null
}

resource "aws_route_table_association" "spoke" {
  subnet_id      = aws_subnet.spoke_private.id
  route_table_id = aws_route_table.spoke.id
}

resource "aws_security_group" "app" {
  name   = "${var.name}-app"
  vpc_id = aws_vpc.spoke.id
  tags   = { Name = "${var.name}-app" }
}

# Port forwarding from the app to a private service in the egress VPC, across the transit gateway.
resource "aws_vpc_security_group_egress_rule" "to_service" {
  security_group_id = aws_security_group.app.id
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
  cidr_ipv4         = "10.0.0.0/24"
}

resource "aws_security_group" "service" {
  name   = "${var.name}-service"
  vpc_id = aws_vpc.egress.id
  tags   = { Name = "${var.name}-service" }
}

resource "aws_vpc_security_group_ingress_rule" "from_spoke" {
  security_group_id = aws_security_group.service.id
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
  cidr_ipv4         = "10.1.0.0/24"
}

resource "aws_instance" "service" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.egress_public.id
  vpc_security_group_ids = [aws_security_group.service.id]
  metadata_options {
    http_tokens = "required"
  }
  tags = { Name = "${var.name}-service", Scenario = "forwarding-target" }
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.app.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_iam_role" "app" {
  name = "${var.name}-app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "core" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "app" {
  name = "${var.name}-app"
  role = aws_iam_role.app.name
}

resource "aws_instance" "app" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.spoke_private.id
  vpc_security_group_ids = [aws_security_group.app.id]
  iam_instance_profile   = aws_iam_instance_profile.app.name
  metadata_options {
    http_tokens = "required"
  }
  tags = { Name = "${var.name}-app", ForwardsTo = "${var.name}-service:8080" }
}

# No instance profile: Systems Manager manages it only through Default Host Management.
resource "aws_instance" "bare" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.spoke_private.id
  vpc_security_group_ids = [aws_security_group.app.id]
  metadata_options {
    http_tokens = "required"
  }
  tags = { Name = "${var.name}-bare" }
}

# Two more with a profile: one whose role is allowed nothing (the agent cannot report with it, so it
# falls back to Default Host Management), one allowed UpdateInstanceInformation alone (the agent
# keeps it, and its sessions fail for want of the channel actions).
resource "aws_iam_role" "weak" {
  for_each = toset(["weak", "half"])
  name     = "${var.name}-${each.key}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "half" {
  role = aws_iam_role.weak["half"].name
  name = "report-only"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ssm:UpdateInstanceInformation", Resource = "*" }]
  })
}

resource "aws_iam_instance_profile" "weak" {
  for_each = aws_iam_role.weak
  name     = each.value.name
  role     = each.value.name
}

resource "aws_instance" "weak" {
  for_each               = aws_iam_instance_profile.weak
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.spoke_private.id
  vpc_security_group_ids = [aws_security_group.app.id]
  iam_instance_profile   = each.value.name
  metadata_options {
    http_tokens = "required"
  }
  tags = { Name = "${var.name}-${each.key}" }
}
