# Egress inspected by a firewall, as AWS's Network Firewall and Gateway Load Balancer guides deploy
# it in one VPC: `network-firewall` puts an AWS Network Firewall between the NAT gateway's subnet
# and the internet gateway (the gateway's edge route table sends the replies back through it);
# `gwlb` sends the private subnet to a Gateway Load Balancer endpoint whose subnet goes on to the
# NAT gateway. `broken` = ["no-exit"] leaves the firewall's subnet without its default route.

variable "name" {
  type = string
}

variable "design" {
  type = string
}

variable "broken" {
  type    = set(string)
  default = []
}

locals {
  zone = "us-east-1a"
  nfw  = var.design == "network-firewall"
}

resource "aws_vpc" "this" {
  cidr_block           = "10.4.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = var.name }
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-igw" }
}

resource "aws_subnet" "firewall" {
  vpc_id            = aws_vpc.this.id
  cidr_block        = "10.4.0.0/28"
  availability_zone = local.zone
  tags              = { Name = "${var.name}-firewall" }
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.this.id
  cidr_block        = "10.4.1.0/24"
  availability_zone = local.zone
  tags              = { Name = "${var.name}-public" }
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.this.id
  cidr_block        = "10.4.2.0/24"
  availability_zone = local.zone
  tags              = { Name = "${var.name}-private" }
}

resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "${var.name}-nat" }
}

resource "aws_nat_gateway" "this" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
  tags          = { Name = "${var.name}-nat" }
}

# --- The firewall: AWS Network Firewall, or a Gateway Load Balancer endpoint to an appliance fleet.

resource "aws_networkfirewall_rule_group" "https" {
  count    = local.nfw ? 1 : 0
  name     = "${var.name}-https"
  type     = "STATEFUL"
  capacity = 10
  rule_group {
    rules_source {
      stateful_rule {
        action = "PASS"
        header {
          protocol         = "TCP"
          source           = "10.4.0.0/16"
          source_port      = "ANY"
          destination      = "ANY"
          destination_port = "443"
          direction        = "FORWARD"
        }
        rule_option {
          keyword  = "sid"
          settings = ["1"]
        }
      }
    }
  }
}

resource "aws_networkfirewall_firewall_policy" "this" {
  count = local.nfw ? 1 : 0
  name  = "${var.name}-policy"
  firewall_policy {
    stateless_default_actions          = ["aws:forward_to_sfe"]
    stateless_fragment_default_actions = ["aws:forward_to_sfe"]
    stateful_rule_group_reference {
      resource_arn = aws_networkfirewall_rule_group.https[0].arn
    }
  }
}

resource "aws_networkfirewall_firewall" "this" {
  count               = local.nfw ? 1 : 0
  name                = "${var.name}-firewall"
  firewall_policy_arn = aws_networkfirewall_firewall_policy.this[0].arn
  vpc_id              = aws_vpc.this.id
  subnet_mapping {
    subnet_id = aws_subnet.firewall.id
  }
  tags = { Name = "${var.name}-firewall" }
}

resource "aws_vpc_endpoint" "gwlb" {
  count             = local.nfw ? 0 : 1
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
  vpc_endpoint_type = "GatewayLoadBalancer"
  subnet_ids        = [aws_subnet.firewall.id]
  tags              = { Name = "${var.name}-gwlbe" }
}

locals {
  # The firewall's endpoint in the zone (one zone here).
  firewall_endpoint = local.nfw ? tolist(aws_networkfirewall_firewall.this[0].firewall_status[0].sync_states)[0].attachment[0].endpoint_id : aws_vpc_endpoint.gwlb[0].id
}

# --- Routes. Network Firewall: private → NAT → firewall → internet gateway.
#     Gateway Load Balancer: private → endpoint → NAT → internet gateway.

resource "aws_route_table" "firewall" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-firewall" }
}

resource "aws_route" "firewall_out" {
  count                  = contains(var.broken, "no-exit") ? 0 : 1
  route_table_id         = aws_route_table.firewall.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = local.nfw ? aws_internet_gateway.this.id : null
  nat_gateway_id         = local.nfw ? null : aws_nat_gateway.this.id
}

resource "aws_route_table_association" "firewall" {
  subnet_id      = aws_subnet.firewall.id
  route_table_id = aws_route_table.firewall.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-public" }
}

resource "aws_route" "public_out" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  vpc_endpoint_id        = local.nfw ? local.firewall_endpoint : null
  gateway_id             = local.nfw ? null : aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-private" }
}

resource "aws_route" "private_out" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = local.nfw ? aws_nat_gateway.this.id : null
  vpc_endpoint_id        = local.nfw ? null : local.firewall_endpoint
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

# The internet gateway's edge table: replies to the public subnet go back through the firewall.
resource "aws_route_table" "edge" {
  count  = local.nfw ? 1 : 0
  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-edge" }
}

resource "aws_route" "edge_return" {
  count                  = local.nfw ? 1 : 0
  route_table_id         = aws_route_table.edge[0].id
  destination_cidr_block = aws_subnet.public.cidr_block
  vpc_endpoint_id        = local.firewall_endpoint
}

resource "aws_route_table_association" "edge" {
  count          = local.nfw ? 1 : 0
  gateway_id     = aws_internet_gateway.this.id
  route_table_id = aws_route_table.edge[0].id
}

# --- The instance: private, with the Session Manager role.

resource "aws_security_group" "app" {
  name   = "${var.name}-app"
  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-app" }
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
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.app.id]
  iam_instance_profile   = aws_iam_instance_profile.app.name
  metadata_options {
    http_tokens = "required"
  }
  tags = { Name = "${var.name}-app" }
}
