# Interface endpoints shared from a hub VPC, as AWS's "centralize access using VPC interface
# endpoints" builds them: endpoints with private DNS off in a shared-services VPC, one Route 53
# private hosted zone per service name with an alias record to its endpoint, each zone associated
# with the spoke VPC; the spoke reaches the hub through a transit gateway (or a peering connection)
# and has no other way out. `broken` names the link to leave out or get wrong.

variable "name" {
  type = string
}

variable "broken" {
  type    = set(string)
  default = []
}

locals {
  broken   = var.broken
  zone     = "us-east-1a"
  services = toset(["ssm", "ssmmessages"])
  peered   = contains(var.broken, "peered")
  # How the endpoints' group admits the spoke: its range, or a reference to the instance's group.
  by_reference = contains(var.broken, "by-reference") || contains(var.broken, "referencing-on") || local.peered
}

# --- The shared-services VPC: the endpoints, private DNS off.

resource "aws_vpc" "hub" {
  cidr_block           = "10.2.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "${var.name}-hub" }
}

resource "aws_subnet" "hub" {
  vpc_id            = aws_vpc.hub.id
  cidr_block        = "10.2.0.0/24"
  availability_zone = local.zone
  tags              = { Name = "${var.name}-hub-endpoints" }
}

resource "aws_route_table" "hub" {
  vpc_id = aws_vpc.hub.id
  tags   = { Name = "${var.name}-hub" }
}

# The endpoints' replies to the spokes.
resource "aws_route" "hub_to_spokes" {
  count                     = contains(local.broken, "no-hub-return") ? 0 : 1
  route_table_id            = aws_route_table.hub.id
  destination_cidr_block    = "10.3.0.0/16"
  transit_gateway_id        = local.peered ? null : aws_ec2_transit_gateway.shared[0].id
  vpc_peering_connection_id = local.peered ? aws_vpc_peering_connection.spoke_hub[0].id : null
  depends_on                = [aws_ec2_transit_gateway_vpc_attachment.hub]
}

resource "aws_route_table_association" "hub" {
  subnet_id      = aws_subnet.hub.id
  route_table_id = aws_route_table.hub.id
}

resource "aws_security_group" "endpoints" {
  name   = "${var.name}-endpoints"
  vpc_id = aws_vpc.hub.id
  tags   = { Name = "${var.name}-endpoints" }
}

# Or a prefix list of the spokes' ranges: one of our own (holding the spoke, or another range), or
# one shared with the account (RAM), whose entries the plan does not hold.
locals {
  by_list     = contains(var.broken, "prefix-list") || contains(var.broken, "prefix-list-other")
  shared_list = contains(var.broken, "prefix-list-shared")
}

resource "aws_ec2_managed_prefix_list" "spokes" {
  count          = local.by_list ? 1 : 0
  name           = "${var.name}-spokes"
  address_family = "IPv4"
  max_entries    = 5
  entry {
    cidr        = contains(var.broken, "prefix-list-other") ? "10.9.0.0/16" : "10.3.0.0/16"
    description = "spoke"
  }
}

resource "aws_vpc_security_group_ingress_rule" "https_from_spokes" {
  security_group_id            = aws_security_group.endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  cidr_ipv4                    = local.by_reference || local.by_list || local.shared_list ? null : "10.0.0.0/8"
  referenced_security_group_id = local.by_reference ? aws_security_group.app.id : null
  prefix_list_id               = local.by_list ? aws_ec2_managed_prefix_list.spokes[0].id : local.shared_list ? "pl-0a1b2c3d4e5f60718" : null
}

resource "aws_vpc_endpoint" "shared" {
  for_each            = local.services
  vpc_id              = aws_vpc.hub.id
  service_name        = "com.amazonaws.us-east-1.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.hub.id]
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = false
  tags                = { Name = "${var.name}-${each.key}" }
}

# One private zone per service name, made with the hub's VPC and associated with the spoke.
resource "aws_route53_zone" "service" {
  for_each = local.services
  name     = "${each.key}.us-east-1.amazonaws.com"
  vpc {
    vpc_id = aws_vpc.hub.id
  }
  # The spoke's association is a resource of its own; the provider would undo it otherwise.
  lifecycle {
    ignore_changes = [vpc]
  }
}

resource "aws_route53_zone_association" "spoke" {
  for_each = contains(local.broken, "not-associated") ? toset([]) : local.services
  zone_id  = aws_route53_zone.service[each.key].zone_id
  vpc_id   = aws_vpc.spoke.id
}

resource "aws_route53_record" "service" {
  # `no-record`: the ssmmessages zone holds no record; `wrong-record`: it aliases the ssm endpoint.
  # Indexed by each.value, as public configurations write it: the plan alone cannot tell which.
  for_each = contains(local.broken, "no-record") ? toset(["ssm"]) : local.services
  zone_id  = aws_route53_zone.service[each.key].zone_id
  name     = "${each.key}.us-east-1.amazonaws.com"
  type     = "A"
  alias {
    name                   = aws_vpc_endpoint.shared[contains(local.broken, "wrong-record") ? "ssm" : each.value].dns_entry[0].dns_name
    zone_id                = aws_vpc_endpoint.shared[contains(local.broken, "wrong-record") ? "ssm" : each.value].dns_entry[0].hosted_zone_id
    evaluate_target_health = false
  }
}

# --- The link: a transit gateway with its default table (or a peering connection).

resource "aws_ec2_transit_gateway" "shared" {
  count                              = local.peered ? 0 : 1
  security_group_referencing_support = contains(local.broken, "referencing-on") ? "enable" : "disable"
  tags                               = { Name = "${var.name}-tgw" }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "hub" {
  count                                           = local.peered ? 0 : 1
  transit_gateway_id                              = aws_ec2_transit_gateway.shared[0].id
  vpc_id                                          = aws_vpc.hub.id
  subnet_ids                                      = [aws_subnet.hub.id]
  transit_gateway_default_route_table_propagation = !contains(local.broken, "no-hub-propagation")
  tags                                            = { Name = "${var.name}-hub-attachment" }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "spoke" {
  count              = local.peered ? 0 : 1
  transit_gateway_id = aws_ec2_transit_gateway.shared[0].id
  vpc_id             = aws_vpc.spoke.id
  subnet_ids         = [aws_subnet.spoke.id]
  tags               = { Name = "${var.name}-spoke-attachment" }
}

resource "aws_vpc_peering_connection" "spoke_hub" {
  count       = local.peered ? 1 : 0
  vpc_id      = aws_vpc.spoke.id
  peer_vpc_id = aws_vpc.hub.id
  auto_accept = true
}

# --- The spoke: no internet route, only the hub.

resource "aws_vpc" "spoke" {
  cidr_block           = "10.3.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = !contains(local.broken, "no-dns-hostnames")
  tags                 = { Name = "${var.name}-spoke" }
}

resource "aws_subnet" "spoke" {
  vpc_id            = aws_vpc.spoke.id
  cidr_block        = "10.3.0.0/24"
  availability_zone = local.zone
  tags              = { Name = "${var.name}-spoke-private" }
}

resource "aws_route_table" "spoke" {
  vpc_id = aws_vpc.spoke.id
  tags   = { Name = "${var.name}-spoke" }
}

resource "aws_route" "spoke_to_hub" {
  count                     = contains(local.broken, "no-spoke-route") ? 0 : 1
  route_table_id            = aws_route_table.spoke.id
  destination_cidr_block    = "10.2.0.0/16"
  transit_gateway_id        = local.peered ? null : aws_ec2_transit_gateway.shared[0].id
  vpc_peering_connection_id = local.peered ? aws_vpc_peering_connection.spoke_hub[0].id : null
  depends_on                = [aws_ec2_transit_gateway_vpc_attachment.spoke]
}

resource "aws_route_table_association" "spoke" {
  subnet_id      = aws_subnet.spoke.id
  route_table_id = aws_route_table.spoke.id
}

resource "aws_security_group" "app" {
  name   = "${var.name}-app"
  vpc_id = aws_vpc.spoke.id
  tags   = { Name = "${var.name}-app" }
}

resource "aws_vpc_security_group_egress_rule" "https_to_hub" {
  security_group_id            = aws_security_group.app.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  cidr_ipv4                    = contains(local.broken, "egress-by-reference") ? null : "10.2.0.0/16"
  referenced_security_group_id = contains(local.broken, "egress-by-reference") ? aws_security_group.endpoints.id : null
}

resource "aws_iam_role" "app" {
  name = "${var.name}-shared-app"
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
  name = "${var.name}-shared-app"
  role = aws_iam_role.app.name
}

resource "aws_instance" "app" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.spoke.id
  vpc_security_group_ids = [aws_security_group.app.id]
  iam_instance_profile   = aws_iam_instance_profile.app.name
  metadata_options {
    http_tokens = "required"
  }
  tags = { Name = "${var.name}-app" }
}

# `own-endpoint`: the spoke also has an ssm endpoint of its own with private DNS, whose name the
# shared zone's association would claim a second time in the spoke (AWS refuses it).
resource "aws_vpc_endpoint" "own_ssm" {
  count               = contains(local.broken, "own-endpoint") ? 1 : 0
  vpc_id              = aws_vpc.spoke.id
  service_name        = "com.amazonaws.us-east-1.ssm"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.spoke.id]
  private_dns_enabled = true
  tags                = { Name = "${var.name}-own-ssm" }
}
