# An EC2-instance module in the style of the public one: everything behind `create`, the instance
# profile made from a role whose policies come by ARN in a map, the profile chosen by a conditional.

variable "create" {
  type    = bool
  default = true
}

variable "name" {
  type = string
}

variable "ami" {
  type = string
}

variable "instance_type" {
  type    = string
  default = "t3.micro"
}

variable "subnet_id" {
  type    = string
  default = null
}

variable "vpc_security_group_ids" {
  type    = list(string)
  default = null
}

variable "iam_instance_profile" {
  type    = string
  default = null
}

variable "create_iam_instance_profile" {
  type    = bool
  default = false
}

variable "iam_role_name" {
  type    = string
  default = null
}

variable "iam_role_policies" {
  type    = map(string)
  default = {}
}

locals {
  create        = var.create
  iam_role_name = try(coalesce(var.iam_role_name, var.name), "")
}

data "aws_iam_policy_document" "assume_role_policy" {
  count = var.create && var.create_iam_instance_profile ? 1 : 0

  statement {
    sid     = "EC2AssumeRole"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  count = var.create && var.create_iam_instance_profile ? 1 : 0

  name_prefix        = "${local.iam_role_name}-"
  assume_role_policy = data.aws_iam_policy_document.assume_role_policy[0].json
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = { for k, v in var.iam_role_policies : k => v if var.create && var.create_iam_instance_profile }

  policy_arn = each.value
  role       = aws_iam_role.this[0].name
}

resource "aws_iam_instance_profile" "this" {
  count = var.create && var.create_iam_instance_profile ? 1 : 0

  role        = aws_iam_role.this[0].name
  name_prefix = "${local.iam_role_name}-"
}

resource "aws_instance" "this" {
  count = local.create ? 1 : 0

  ami                    = var.ami
  instance_type          = var.instance_type
  subnet_id              = var.subnet_id
  vpc_security_group_ids = var.vpc_security_group_ids
  iam_instance_profile   = var.create_iam_instance_profile ? aws_iam_instance_profile.this[0].name : var.iam_instance_profile

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  root_block_device {
    encrypted = true
  }

  tags = { Name = var.name }
}

output "id" {
  value = try(aws_instance.this[0].id, "")
}
