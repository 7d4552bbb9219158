variable "name" { type = string }
variable "cidr" { type = string }
variable "public_subnets" { type = map(string) }
variable "private_subnets" { type = map(string) }
variable "nat" { type = bool }
variable "endpoints" {
  type    = list(string)
  default = []
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = var.name }
}

resource "aws_subnet" "public" {
  for_each                = var.public_subnets
  vpc_id                  = aws_vpc.this.id
  cidr_block              = each.value
  map_public_ip_on_launch = true
  tags                    = { Name = "${var.name}-public-${each.key}" }
}

resource "aws_subnet" "private" {
  for_each   = var.private_subnets
  vpc_id     = aws_vpc.this.id
  cidr_block = each.value
  tags       = { Name = "${var.name}-private-${each.key}" }
}

resource "aws_internet_gateway" "this" {
  count  = length(var.public_subnets) > 0 ? 1 : 0
  vpc_id = aws_vpc.this.id
  tags   = { Name = var.name }
}

# Inline route: the public subnets' way out.
resource "aws_route_table" "public" {
  count  = length(var.public_subnets) > 0 ? 1 : 0
  vpc_id = aws_vpc.this.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this[0].id
  }
  tags = { Name = "${var.name}-public" }
}

resource "aws_route_table_association" "public" {
  for_each       = aws_subnet.public
  subnet_id      = each.value.id
  route_table_id = aws_route_table.public[0].id
}

resource "aws_eip" "nat" {
  count  = var.nat ? 1 : 0
  domain = "vpc"
}

resource "aws_nat_gateway" "this" {
  count         = var.nat ? 1 : 0
  allocation_id = aws_eip.nat[0].id
  subnet_id     = values(aws_subnet.public)[0].id
  tags          = { Name = "${var.name}-nat" }
}

# The private subnets keep the VPC's main route table; a separate aws_route gives it the NAT.
resource "aws_default_route_table" "main" {
  default_route_table_id = aws_vpc.this.default_route_table_id
  tags                   = { Name = "${var.name}-main" }
}

resource "aws_route" "nat" {
  count                  = var.nat ? 1 : 0
  route_table_id         = aws_default_route_table.main.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[0].id
}

module "endpoints" {
  source     = "./endpoints"
  count      = length(var.endpoints) > 0 ? 1 : 0
  vpc_id     = aws_vpc.this.id
  vpc_cidr   = var.cidr
  subnet_ids = [for subnet in aws_subnet.private : subnet.id]
  services   = var.endpoints
}

output "vpc_id" { value = aws_vpc.this.id }
output "public_subnet_ids" { value = [for subnet in aws_subnet.public : subnet.id] }
output "private_subnet_ids" { value = [for subnet in aws_subnet.private : subnet.id] }
