# Preflight cases, each with the outcome Terraform must report (expect_failures). Composed with
# mock-aws.hcl into one test file by temporary-endpoints-terraform.test.ts.

run "a_ready_vpc_passes" {
  command = plan
  assert {
    condition     = length(aws_vpc_endpoint.interface) == 2
    error_message = "expected the ssm and ssmmessages endpoints"
  }
}

run "dns_hostnames_off_stops_the_plan" {
  command = plan
  override_data {
    target = data.aws_vpc.target
    values = { enable_dns_support = true, enable_dns_hostnames = false }
  }
  expect_failures = [data.aws_vpc.target]
}

run "dns_support_off_stops_the_plan" {
  command = plan
  override_data {
    target = data.aws_vpc.target
    values = { enable_dns_support = false, enable_dns_hostnames = true }
  }
  expect_failures = [data.aws_vpc.target]
}

run "two_subnets_of_one_az_stop_the_plan" {
  command = plan
  variables {
    subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  }
  expect_failures = [aws_security_group.endpoints]
}

run "a_subnet_outside_the_vpc_warns" {
  command = plan
  override_data {
    target = data.aws_subnet.endpoint
    values = { vpc_id = "vpc-0fedcba9876543210", availability_zone = "ap-northeast-1a" }
  }
  expect_failures = [check.subnets_in_vpc]
}

run "an_existing_private_dns_endpoint_stops_the_plan" {
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
  expect_failures = [aws_security_group.endpoints]
}

run "another_labs_endpoints_stop_the_plan" {
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
    values = { id = "vpce-0123456789abcdef0", service_name = "com.amazonaws.ap-northeast-1.ssmmessages", private_dns_enabled = true, tags = { Stack = "ssm-endpoints", Lab = "team-b" } }
  }
  expect_failures = [aws_security_group.endpoints]
}

run "an_endpoint_without_private_dns_does_not_conflict" {
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
    values = { id = "vpce-0123456789abcdef0", service_name = "com.amazonaws.ap-northeast-1.ssm", private_dns_enabled = false, tags = {} }
  }
}

# A re-plan of a deployed stack: AWS lists this stack's own endpoints, tagged by the provider's default tags.
run "our_own_endpoints_on_a_replan_pass" {
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
    values = { id = "vpce-0123456789abcdef0", service_name = "com.amazonaws.ap-northeast-1.ssm", private_dns_enabled = true, tags = { Stack = "ssm-endpoints", Lab = "ssm-lab", Project = "ssm-access-lab" } }
  }
}

run "no_lookups_when_switched_off" {
  command = plan
  variables {
    preflight_lookups = false
  }
  override_data {
    target = data.aws_vpc.target
    values = { enable_dns_support = false, enable_dns_hostnames = false }
  }
  assert {
    condition     = length(data.aws_vpc.target) == 0 && length(data.aws_subnet.endpoint) == 0 && length(data.aws_network_interfaces.existing_endpoint_enis) == 0
    error_message = "preflight_lookups = false must read nothing from AWS"
  }
}

run "a_world_open_cidr_is_refused" {
  command = plan
  variables {
    allowed_cidrs = ["0.0.0.0/0"]
  }
  expect_failures = [var.allowed_cidrs]
}

run "two_halves_of_the_internet_are_refused" {
  command = plan
  variables {
    allowed_cidrs = ["0.0.0.0/1", "128.0.0.0/1"]
  }
  expect_failures = [var.allowed_cidrs]
}

run "a_private_slash_8_is_accepted" {
  command = plan
  variables {
    allowed_cidrs = ["10.0.0.0/8"]
  }
  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.https_from_cidr) == 1
    error_message = "10.0.0.0/8 is an allow-list, not anywhere"
  }
}
