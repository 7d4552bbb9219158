# Configurations written the way tutorials write theirs, one rule of AWS's each, with the variant
# that flips it (review-plan-tutorials-terraform.test.ts plans them in one Terraform run):
# - groups given as `security_groups` on a VPC instance, and an instance attached by
#   `network_interface { network_interface_id = … }`;
# - EC2 Instance Connect Endpoints with client IP preservation (the provider's default) and an
#   instance rule referencing the endpoint's group, and one created without groups;
# - a managed policy attached with `aws_iam_policy_attachment`;
# - a subnet taken from a module output that returns whole resources.

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

locals {
  ami = "ami-0123456789abcdef0"
}

# --- A public subnet, as the getting-started tutorials build it -------------------------------

module "network" {
  source = "./modules/network"
  cidr   = "10.50.0.0/16"
  name   = "tutorial"
}

resource "aws_security_group" "ssh" {
  name   = "tutorial-ssh"
  vpc_id = module.network.vpc_id

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["203.0.113.0/24"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "closed" {
  name   = "tutorial-closed"
  vpc_id = module.network.vpc_id
}

# Groups written as `security_groups`, which the provider accepts for a VPC instance.
resource "aws_instance" "legacy_groups" {
  ami                         = local.ami
  instance_type               = "t3.micro"
  subnet_id                   = module.network.public_subnets[0].id
  security_groups             = [aws_security_group.ssh.id]
  associate_public_ip_address = true
  key_name                    = "tutorial-key"
  tags                        = { Name = "legacy-groups" }
}

# Attached by a network interface: its subnet and groups are the instance's.
resource "aws_network_interface" "web" {
  subnet_id       = module.network.public_subnets[0].id
  security_groups = [aws_security_group.ssh.id]
}

resource "aws_network_interface" "closed" {
  subnet_id       = module.network.public_subnets[0].id
  security_groups = [aws_security_group.closed.id]
}

# The tutorial's group, but no Elastic IP: an interface made beforehand gets no public address.
resource "aws_network_interface" "no_address" {
  subnet_id       = module.network.public_subnets[0].id
  security_groups = [aws_security_group.ssh.id]
}

resource "aws_eip" "web" {
  domain            = "vpc"
  network_interface = aws_network_interface.web.id
}

resource "aws_eip" "closed" {
  domain            = "vpc"
  network_interface = aws_network_interface.closed.id
}

resource "aws_instance" "by_interface" {
  ami           = local.ami
  instance_type = "t3.micro"
  key_name      = "tutorial-key"
  network_interface {
    network_interface_id = aws_network_interface.web.id
    device_index         = 0
  }
  tags = { Name = "by-interface" }
}

resource "aws_instance" "by_closed_interface" {
  ami           = local.ami
  instance_type = "t3.micro"
  key_name      = "tutorial-key"
  network_interface {
    network_interface_id = aws_network_interface.closed.id
    device_index         = 0
  }
  tags = { Name = "by-closed-interface" }
}

resource "aws_instance" "by_interface_no_address" {
  ami           = local.ami
  instance_type = "t3.micro"
  key_name      = "tutorial-key"
  network_interface {
    network_interface_id = aws_network_interface.no_address.id
    device_index         = 0
  }
  tags = { Name = "by-interface-no-address" }
}

# Session Manager over the internet gateway, its policy attached with aws_iam_policy_attachment.
resource "aws_iam_role" "ssm" {
  name = "tutorial-ssm"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "bare" {
  name               = "tutorial-bare"
  assume_role_policy = aws_iam_role.ssm.assume_role_policy
}

resource "aws_iam_policy_attachment" "ssm" {
  name       = "tutorial-ssm"
  roles      = [aws_iam_role.ssm.name]
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "ssm" {
  name = "tutorial-ssm"
  role = aws_iam_role.ssm.name
}

resource "aws_iam_instance_profile" "bare" {
  name = "tutorial-bare"
  role = aws_iam_role.bare.name
}

resource "aws_instance" "managed" {
  ami                         = local.ami
  instance_type               = "t3.micro"
  subnet_id                   = module.network.public_subnets[0].id
  vpc_security_group_ids      = [aws_security_group.ssh.id]
  associate_public_ip_address = true
  iam_instance_profile        = aws_iam_instance_profile.ssm.name
  tags                        = { Name = "managed" }
}

resource "aws_instance" "unmanaged" {
  ami                         = local.ami
  instance_type               = "t3.micro"
  subnet_id                   = module.network.public_subnets[0].id
  vpc_security_group_ids      = [aws_security_group.ssh.id]
  associate_public_ip_address = true
  iam_instance_profile        = aws_iam_instance_profile.bare.name
  tags                        = { Name = "unmanaged" }
}

# --- EC2 Instance Connect Endpoints, each in a private VPC of its own ------------------------

module "eice_net" {
  source   = "./modules/network"
  for_each = toset(["by-group", "no-rule", "no-groups"])
  cidr     = "10.60.0.0/16"
  name     = each.key
}

resource "aws_security_group" "eice" {
  for_each = toset(["by-group", "no-rule"])
  name     = "eice-${each.key}"
  vpc_id   = module.eice_net[each.key].vpc_id
}

resource "aws_vpc_security_group_egress_rule" "eice_ssh" {
  for_each          = aws_security_group.eice
  security_group_id = each.value.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "10.60.0.0/16"
}

# Client IP preservation on (the provider's default): the instance's rule references the endpoint's group.
resource "aws_ec2_instance_connect_endpoint" "by_group" {
  subnet_id          = module.eice_net["by-group"].private_subnets[0].id
  security_group_ids = [aws_security_group.eice["by-group"].id]
  tags               = { Name = "eice-by-group" }
}

resource "aws_ec2_instance_connect_endpoint" "no_rule" {
  subnet_id          = module.eice_net["no-rule"].private_subnets[0].id
  security_group_ids = [aws_security_group.eice["no-rule"].id]
  tags               = { Name = "eice-no-rule" }
}

# No groups given: AWS puts the endpoint in the VPC's default group (all outbound).
resource "aws_ec2_instance_connect_endpoint" "no_groups" {
  subnet_id          = module.eice_net["no-groups"].private_subnets[0].id
  preserve_client_ip = false
  tags               = { Name = "eice-no-groups" }
}

resource "aws_security_group" "behind_eice" {
  for_each = toset(["by-group", "no-rule", "no-groups"])
  name     = "behind-${each.key}"
  vpc_id   = module.eice_net[each.key].vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "from_eice_group" {
  security_group_id            = aws_security_group.behind_eice["by-group"].id
  ip_protocol                  = "tcp"
  from_port                    = 22
  to_port                      = 22
  referenced_security_group_id = aws_security_group.eice["by-group"].id
}

resource "aws_vpc_security_group_ingress_rule" "from_vpc" {
  security_group_id = aws_security_group.behind_eice["no-groups"].id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "10.60.0.0/16"
}

# An instance type that does not support client IP preservation, behind the endpoint that keeps it on.
resource "aws_instance" "old_type_behind_eice" {
  ami                    = local.ami
  instance_type          = "m3.medium"
  subnet_id              = module.eice_net["by-group"].private_subnets[0].id
  vpc_security_group_ids = [aws_security_group.behind_eice["by-group"].id]
  tags                   = { Name = "old-type" }
}

resource "aws_instance" "behind_eice" {
  for_each               = toset(["by-group", "no-rule", "no-groups"])
  ami                    = local.ami
  instance_type          = "t3.micro"
  subnet_id              = module.eice_net[each.key].private_subnets[0].id
  vpc_security_group_ids = [aws_security_group.behind_eice[each.key].id]
  tags                   = { Name = "behind-${each.key}" }
}
