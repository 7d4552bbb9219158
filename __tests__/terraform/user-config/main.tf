# A configuration the project did not synthesize, written the way teams write theirs: nested
# modules, count and for_each, every security-group rule style, an Elastic IP, the default group.
# The review's --plan tests plan it with the real Terraform (no data source: it plans offline) and
# break it with `-var 'broken=[…]'`.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "mock-access-key"
  secret_key                  = "mock-secret-key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

variable "broken" {
  description = "What to break: nat, endpoints, egress, policy, eip, ssh-acl"
  type        = set(string)
  default     = []
}

locals {
  ami = "ami-0123456789abcdef0"
}

module "core" {
  source          = "./modules/network"
  name            = "core"
  cidr            = "10.20.0.0/16"
  public_subnets  = { a = "10.20.0.0/24" }
  private_subnets = { a = "10.20.10.0/24", b = "10.20.11.0/24" }
  nat             = !contains(var.broken, "nat")
}

module "isolated" {
  source          = "./modules/network"
  name            = "isolated"
  cidr            = "10.30.0.0/16"
  public_subnets  = {}
  private_subnets = { a = "10.30.1.0/24" }
  nat             = false
  endpoints       = contains(var.broken, "endpoints") ? [] : ["ssm", "ssmmessages", "ec2messages"]
}

module "role" {
  source      = "./modules/ssm-role"
  name        = "team-ssm"
  attach_core = !contains(var.broken, "policy")
}

# Two application servers behind the NAT gateway.
module "app" {
  source         = "./modules/instances"
  name           = "app"
  instance_count = 2
  ami            = local.ami
  vpc_id         = module.core.vpc_id
  subnet_id      = element(module.core.private_subnet_ids, 0)
  profile        = module.role.profile_name
  https_egress   = !contains(var.broken, "egress")
}

# A server in a VPC with no way out but its interface endpoints.
module "vault" {
  source         = "./modules/instances"
  name           = "vault"
  instance_count = 1
  ami            = local.ami
  vpc_id         = module.isolated.vpc_id
  subnet_id      = module.isolated.private_subnet_ids[0]
  profile        = module.role.profile_name
  https_egress   = true
}

# A bastion: SSH from one range, its only public address an Elastic IP.
resource "aws_security_group" "bastion" {
  name_prefix = "bastion-"
  vpc_id      = module.core.vpc_id
  tags        = { Name = "bastion" }
}

resource "aws_security_group_rule" "bastion_ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.bastion.id
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  # `ssh-prefix-list`: the offices' ranges as a managed prefix list instead.
  cidr_blocks     = contains(var.broken, "ssh-prefix-list") ? null : ["203.0.113.0/24"]
  prefix_list_ids = contains(var.broken, "ssh-prefix-list") ? [aws_ec2_managed_prefix_list.offices[0].id] : null
}

resource "aws_ec2_managed_prefix_list" "offices" {
  count          = contains(var.broken, "ssh-prefix-list") ? 1 : 0
  name           = "offices"
  address_family = "IPv4"
  max_entries    = 4
  entry {
    cidr        = "203.0.113.0/24"
    description = "head office"
  }
  entry {
    cidr        = "198.51.100.0/24"
    description = "branch"
  }
}

resource "aws_instance" "bastion" {
  ami                         = local.ami
  instance_type               = "t3.micro"
  subnet_id                   = module.core.public_subnet_ids[0]
  associate_public_ip_address = false
  vpc_security_group_ids      = [aws_security_group.bastion.id]
  key_name                    = "team-key"
  metadata_options {
    http_tokens = "required"
  }
  tags = { Name = "bastion" }
}

# The bastion's subnet with a network ACL that lets everything through but SSH from the bastion's range.
resource "aws_network_acl" "bastion_subnet" {
  count      = contains(var.broken, "ssh-acl") ? 1 : 0
  vpc_id     = module.core.vpc_id
  subnet_ids = [module.core.public_subnet_ids[0]]
  ingress {
    rule_no    = 90
    action     = "deny"
    protocol   = "tcp"
    from_port  = 22
    to_port    = 22
    cidr_block = "203.0.113.0/24"
  }
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
  tags = { Name = "bastion-subnet" }
}

resource "aws_eip" "bastion" {
  count    = contains(var.broken, "eip") ? 0 : 1
  domain   = "vpc"
  instance = aws_instance.bastion.id
}

# A public address where no route leads to an internet gateway, and no security group given: the
# VPC's default group applies.
resource "aws_instance" "stray" {
  ami                         = local.ami
  instance_type               = "t3.micro"
  subnet_id                   = module.isolated.private_subnet_ids[0]
  associate_public_ip_address = true
  iam_instance_profile        = module.role.profile_name
  metadata_options {
    http_tokens = "required"
  }
  tags = { Name = "stray" }
}

# Placed by AWS: no subnet_id, so a default subnet of the region's default VPC, which the
# configuration adopts to give the instance's group a VPC.
resource "aws_default_vpc" "this" {
  tags = { Name = "default" }
}

resource "aws_security_group" "web" {
  name_prefix = "web-"
  vpc_id      = aws_default_vpc.this.id
  tags        = { Name = "web" }
  ingress {
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["198.51.100.0/24"]
  }
}

resource "aws_instance" "web_default" {
  ami                    = local.ami
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.web.id]
  key_name               = "team-key"
  metadata_options {
    http_tokens = "required"
  }
  tags = { Name = "web-default" }
}
