# One site: a VPC, the application's group, the endpoints' group (inline rules by a dynamic block),
# the Session Manager endpoints and the instances, each from its module.

variable "name" {
  type = string
}

variable "instances" {
  description = "Instances by name: which private subnet (by position) and which policies their role gets"
  type        = any
}

variable "private_dns" {
  type    = bool
  default = true
}

variable "app_egress" {
  description = "The application group's egress rules; null for HTTPS to the VPC"
  type        = any
  default     = null
}

variable "acl_egress" {
  type = any
}

locals {
  cidr          = "10.0.0.0/16"
  default_egress = { https = { from_port = 443, to_port = 443, protocol = "tcp", cidr_blocks = [local.cidr] } }
}

module "vpc" {
  source = "../vpc"

  name                       = var.name
  cidr                       = local.cidr
  azs                        = ["us-east-1a", "us-east-1b"]
  private_subnets            = ["10.0.1.0/24", "10.0.2.0/24"]
  public_subnets             = ["10.0.101.0/24"]
  enable_nat_gateway         = false
  default_network_acl_egress = var.acl_egress
}

module "app_sg" {
  source = "../security-group"

  name         = "${var.name}-app"
  vpc_id       = module.vpc.vpc_id
  egress_rules = var.app_egress != null ? var.app_egress : local.default_egress
}

resource "aws_security_group" "endpoints" {
  name_prefix = "${var.name}-endpoints-"
  vpc_id      = module.vpc.vpc_id

  dynamic "ingress" {
    for_each = toset(module.vpc.private_subnets_cidr_blocks)
    content {
      description = "HTTPS from ${ingress.value}"
      from_port   = 443
      to_port     = 443
      protocol    = "tcp"
      cidr_blocks = [ingress.value]
    }
  }

  tags = { Name = "${var.name}-endpoints" }
}

module "endpoints" {
  source = "../vpc-endpoints"

  vpc_id             = module.vpc.vpc_id
  security_group_ids = [aws_security_group.endpoints.id]
  subnet_ids         = module.vpc.private_subnets
  endpoints = {
    for service in ["ssm", "ssmmessages", "ec2messages"] : service => {
      service             = service
      private_dns_enabled = var.private_dns
    }
  }
}

module "instance" {
  for_each = var.instances
  source   = "../ec2-instance"

  name                        = "${var.name}-${each.key}"
  ami                         = "ami-0123456789abcdef0"
  subnet_id                   = element(module.vpc.private_subnets, each.value.subnet)
  vpc_security_group_ids      = [module.app_sg.security_group_id]
  create_iam_instance_profile = true
  iam_role_policies           = each.value.policies
}

output "instance_ids" {
  value = { for name, m in module.instance : name => m.id }
}
