# One finding per run and no expect_failures, so Terraform prints each message. A failed run
# skips the runs after it in the same file, so each run becomes a test file of its own.
# `terraform test` reports a failed check as an error; a real plan shows it as a warning.

run "dns_hostnames_off" {
  command = plan
  override_data {
    target = data.aws_vpc.target
    values = { enable_dns_support = true, enable_dns_hostnames = false }
  }
}

run "existing_private_dns_endpoint" {
  command = plan
  override_data {
    target = data.aws_network_interfaces.existing_endpoint_enis
    values = { ids = ["eni-0123456789abcdef0"] }
  }
  override_data {
    target = data.aws_network_interface.existing_endpoint_eni
    values = { description = "VPC Endpoint Interface vpce-0123456789abcdef0" }
  }
  override_data {
    target = data.aws_vpc_endpoint.existing
    values = { id = "vpce-0123456789abcdef0", service_name = "com.amazonaws.ap-northeast-1.ssm", private_dns_enabled = true, tags = {} }
  }
}

run "subnet_outside_the_vpc" {
  command = plan
  override_data {
    target = data.aws_subnet.endpoint
    values = { vpc_id = "vpc-0fedcba9876543210", availability_zone = "ap-northeast-1a" }
  }
}

run "two_subnets_of_one_az" {
  command = plan
  variables {
    subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  }
}
