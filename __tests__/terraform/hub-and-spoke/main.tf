# Hub and spoke as AWS's Transit Gateways guide builds "centralized outbound routing to the
# internet" — our own code, in the style of the public modules: an egress VPC with a NAT gateway,
# a spoke whose default route is the transit gateway, two transit gateway route tables (the
# spokes' sends 0.0.0.0/0 to the egress attachment; the egress one learns the spokes' ranges by
# propagation), and the NAT gateway's subnet routing the spokes' ranges back to the transit
# gateway. Each site is one variant with one link missing or wrong (`broken`), all planned in one
# Terraform run; review-plan-hub-and-spoke-terraform.test.ts reviews the plan with --plan.
# Default Host Management Configuration is account-wide: `dhmc` (off, on, untrusted) is planned
# once per value.

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

variable "only" {
  description = "The sites to plan, by key (all when empty): the emulator tier applies one"
  type        = list(string)
  default     = []
}

variable "dhmc" {
  description = "Default Host Management Configuration: off (AWS's default), on (a role Systems Manager may assume), untrusted (a role only EC2 may assume)"
  type        = string
  default     = "off"
  validation {
    condition     = contains(["off", "on", "untrusted"], var.dhmc)
    error_message = "dhmc is off, on or untrusted."
  }
}

locals {
  sites = {
    good           = []
    default-tables = []
    # The default tables, with the spoke's attachment propagating nowhere: no way back.
    default-no-propagation = ["no-default-propagation"]
    no-spoke-route         = ["no-spoke-route"]
    no-attachment          = ["no-attachment"]
    wrong-az               = ["wrong-az"]
    no-association         = ["no-association"]
    no-static              = ["no-static"]
    blackhole              = ["blackhole"]
    igw-exit               = ["igw-exit"]
    no-return-route        = ["no-return-route"]
    no-propagation         = ["no-propagation"]
    peered                 = ["peered"]
  }
}

# With Default Host Management on (or untrusted), the good site alone: the other sites' verdicts do
# not depend on it, and a smaller plan keeps the test quick. `only` names the sites outright.
module "site" {
  for_each       = length(var.only) > 0 ? { for key, broken in local.sites : key => broken if contains(var.only, key) } : var.dhmc == "off" ? local.sites : { good = local.sites.good }
  source         = "./modules/site"
  name           = each.key
  broken         = each.value
  default_tables = startswith(each.key, "default-")
}

# Interface endpoints shared from a hub VPC through Route 53 private hosted zones; DHMC does not
# change their verdicts, so they are planned with it off only.
locals {
  shared_endpoints = {
    shared-good           = []
    shared-referencing-on = ["referencing-on"]
    shared-peered         = ["peered"]
    shared-by-reference   = ["by-reference"]
    shared-egress-ref     = ["egress-by-reference"]
    shared-not-associated = ["not-associated"]
    shared-no-record      = ["no-record"]
    shared-wrong-record   = ["wrong-record"]
    shared-no-hostnames   = ["no-dns-hostnames"]
    shared-no-spoke-route = ["no-spoke-route"]
    shared-no-hub-return  = ["no-hub-return"]
    shared-no-propagation = ["no-hub-propagation"]
    shared-prefix-list    = ["prefix-list"]
    shared-list-other     = ["prefix-list-other"]
    shared-list-unknown   = ["prefix-list-shared"]
    shared-own-endpoint   = ["own-endpoint"]
  }
}

module "shared" {
  for_each = var.dhmc == "off" ? { for key, broken in local.shared_endpoints : key => broken if length(var.only) == 0 || contains(var.only, key) } : {}
  source   = "./modules/shared-endpoints"
  name     = each.key
  broken   = each.value
}

# Egress inspected by a firewall on the way to the internet: followed, its rules assumed.
locals {
  firewalls = {
    fw-network-firewall = { design = "network-firewall", broken = [] }
    fw-gwlb             = { design = "gwlb", broken = [] }
    fw-no-exit          = { design = "network-firewall", broken = ["no-exit"] }
    fw-gwlb-no-exit     = { design = "gwlb", broken = ["no-exit"] }
  }
}

module "firewall" {
  for_each = var.dhmc == "off" ? { for key, site in local.firewalls : key => site if length(var.only) == 0 || contains(var.only, key) } : {}
  source   = "./modules/firewall"
  name     = each.key
  design   = each.value.design
  broken   = each.value.broken
}

resource "aws_iam_role" "dhmc" {
  count = var.dhmc == "off" ? 0 : 1
  name  = "dhmc-instance-management"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = var.dhmc == "on" ? "ssm.amazonaws.com" : "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "dhmc" {
  count      = length(aws_iam_role.dhmc)
  role       = aws_iam_role.dhmc[0].name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy"
}

resource "aws_ssm_service_setting" "dhmc" {
  count         = length(aws_iam_role.dhmc)
  setting_id    = "arn:aws:ssm:us-east-1:111122223333:servicesetting/ssm/managed-instance/default-ec2-instance-management-role"
  setting_value = aws_iam_role.dhmc[0].name
}
