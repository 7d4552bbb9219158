# A configuration written the way the public modules most teams copy write theirs (a VPC module, a
# security-group module, a VPC-endpoints module, an EC2-instance module) — our own code, kept as
# local modules: locals with try() for ids, `count = var.create ? 1 : 0`, rules by for_each over
# maps, dynamic blocks for ACL and group rules, element() and conditionals for subnet choice, AWS
# managed policies attached by ARN. Each site is one variant, all planned in one Terraform run;
# the review's --plan test (review-plan-modules-terraform.test.ts) reads the plan and these files.

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
  core     = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
  admin    = "arn:aws:iam::aws:policy/AdministratorAccess"
  readonly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
  # An AWS managed policy the pinned dataset does not have (one published after it, say).
  unlisted = "arn:aws:iam::aws:policy/AmazonSSMPolicyNotInTheDataset"

  allow_all = [{ rule_no = 100, action = "allow", protocol = "-1", from_port = 0, to_port = 0, cidr_block = "0.0.0.0/0" }]

  sites = {
    # Every instance in the private subnets, reached through the interface endpoints.
    good = {
      instances = {
        core     = { subnet = 0, policies = { core = local.core } }
        admin    = { subnet = 1, policies = { admin = local.admin } }
        unlisted = { subnet = 0, policies = { unlisted = local.unlisted } }
        readonly = { subnet = 1, policies = { readonly = local.readonly } }
      }
    }
    # The endpoints' private DNS off: the agent resolves the public names, and nothing leads out.
    dns-off = { private_dns = false, instances = { core = { subnet = 0, policies = { core = local.core } } } }
    # The instances' group has no egress rule.
    no-egress = { app_egress = {}, instances = { core = { subnet = 0, policies = { core = local.core } } } }
    # The default network ACL denies the endpoints' replies (ephemeral ports out).
    acl-denies = {
      acl_egress = concat([{ rule_no = 90, action = "deny", protocol = "tcp", from_port = 1024, to_port = 65535, cidr_block = "0.0.0.0/0" }], local.allow_all)
      instances  = { core = { subnet = 0, policies = { core = local.core } } }
    }
  }
}

module "site" {
  for_each = local.sites
  source   = "./modules/site"

  name        = each.key
  instances   = each.value.instances
  private_dns = try(each.value.private_dns, true)
  app_egress  = try(each.value.app_egress, null)
  acl_egress  = try(each.value.acl_egress, local.allow_all)
}

output "instance_ids" {
  description = "Every instance, by site and name"
  value       = { for site, m in module.site : site => m.instance_ids }
}
