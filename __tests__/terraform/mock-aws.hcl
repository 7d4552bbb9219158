# Shared head of every ssm-endpoints `terraform test` file: a mocked AWS provider whose lookups
# describe a VPC that is ready for endpoints, and the sample inputs. No account, no credentials.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "ap-northeast-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_vpc" {
    defaults = { enable_dns_support = true, enable_dns_hostnames = true }
  }
  mock_data "aws_subnet" {
    defaults = { vpc_id = "vpc-0123456789abcdef0", availability_zone = "ap-northeast-1a" }
  }
  mock_data "aws_network_interfaces" {
    defaults = { ids = [] }
  }
}

variables {
  vpc_id                     = "vpc-0123456789abcdef0"
  subnet_ids                 = ["subnet-0123456789abcdef0"]
  allowed_security_group_ids = ["sg-0123456789abcdef0"]
}
