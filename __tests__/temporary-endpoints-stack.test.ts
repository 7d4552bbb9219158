import * as fs from 'fs';
import * as path from 'path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { sampleDeployCommand, SSM_ENDPOINTS_SAMPLE_VARS } from '../stacks/temporary-endpoints-sample';
import { CdktfManifest, configWith, resourceCounts, synthLab, TerraformJson } from './helpers/synth';

describe('ssm-endpoints stack', () => {
  let json: TerraformJson;
  let raw: string;
  let manifest: CdktfManifest;
  beforeAll(() => {
    const lab = synthLab();
    json = lab.stacks['ssm-endpoints'];
    raw = lab.raw['ssm-endpoints'];
    manifest = JSON.parse(fs.readFileSync(path.join(lab.outdir, 'manifest.json'), 'utf8'));
  });

  test('GIVEN the app WHEN synthesized THEN the stack has no remote state and no reference to a lab stack', () => {
    expect(json.data?.terraform_remote_state).toBeUndefined();
    expect(raw).not.toMatch(/lab-network|lab-ssh|lab-ssm-|cross-stack/);
    expect(manifest.stacks['ssm-endpoints'].dependencies).toEqual([]);
    for (const name of Object.keys(manifest.stacks).filter((stack) => stack !== 'ssm-endpoints')) {
      expect(manifest.stacks[name].dependencies).not.toContain('ssm-endpoints');
    }
  });

  test('GIVEN the app WHEN synthesized THEN every input is a Terraform variable, validated where it can be wrong', () => {
    expect(Object.keys(json.variable ?? {}).sort()).toEqual([
      'allowed_cidrs',
      'allowed_security_group_ids',
      'preflight_lookups',
      'region',
      's3_gateway_route_table_ids',
      'services',
      'subnet_ids',
      'ttl',
      'vpc_id',
    ]);
    for (const [name, variable] of Object.entries(json.variable ?? {})) {
      expect(variable.description).toMatch(/\S/);
      if (name !== 'preflight_lookups') expect(variable.validation?.length).toBeGreaterThan(0);
    }
    expect(json.variable?.services.default).toEqual(['ssm', 'ssmmessages']);
    expect(json.variable?.ttl.default).toBe('');
    expect(json.variable?.preflight_lookups.default).toBe(true);
    expect(json.variable?.vpc_id.default).toBeUndefined();
    expect(json.variable?.subnet_ids.validation?.[0].error_message).toContain('at most one per Availability Zone');
    expect(json.terraform?.required_version).toBe('>= 1.9.0');
  });

  test('GIVEN a deploy synth WHEN inspected THEN the region comes from the variable or the AWS settings, and no mock credentials', () => {
    expect(raw).toHaveProviderWithProperties(AwsProvider, { region: '${var.region != "" ? var.region : null}' });
    expect(raw).not.toMatch(/mock|skip_/);
  });

  test('GIVEN the app WHEN synthesized THEN only the endpoint SG, its rules, the endpoints and the expiry resources are declared', () => {
    expect(resourceCounts(json)).toEqual({
      aws_iam_role: 1,
      aws_iam_role_policy: 1,
      aws_scheduler_schedule: 2,
      aws_scheduler_schedule_group: 1,
      aws_security_group: 1,
      aws_vpc_endpoint: 2,
      aws_vpc_security_group_ingress_rule: 2,
      terraform_data: 1,
    });
    const resource = json.resource!;
    expect(resource.aws_vpc_endpoint.interface).toMatchObject({
      for_each: '${toset(var.services)}',
      vpc_endpoint_type: 'Interface',
      private_dns_enabled: true,
      subnet_ids: '${var.subnet_ids}',
      service_name: 'com.amazonaws.${data.aws_region.current.name}.${each.value}',
    });
    expect(resource.aws_vpc_endpoint.s3_gateway).toMatchObject({
      count: '${length(var.s3_gateway_route_table_ids) > 0 ? 1 : 0}',
      vpc_endpoint_type: 'Gateway',
      route_table_ids: '${var.s3_gateway_route_table_ids}',
    });
    expect(resource.aws_vpc_security_group_ingress_rule.https_from_security_group).toMatchObject({
      for_each: '${toset(var.allowed_security_group_ids)}',
      referenced_security_group_id: '${each.value}',
      from_port: 443,
      to_port: 443,
      description: expect.stringMatching(/\S/),
    });
    expect(resource.aws_vpc_security_group_ingress_rule.https_from_cidr).toMatchObject({
      for_each: '${toset(var.allowed_cidrs)}',
      cidr_ipv4: '${each.value}',
    });
    expect(resource.aws_security_group.endpoints.ingress).toBeUndefined();
    expect(resource.aws_security_group.endpoints.egress).toBeUndefined();
  });

  test('GIVEN a ttl WHEN synthesized THEN expiry resources exist only with a ttl, and every resource carries the deadline tag', () => {
    const resource = json.resource!;
    for (const type of ['aws_iam_role', 'aws_iam_role_policy', 'aws_scheduler_schedule_group', 'terraform_data']) {
      for (const body of Object.values(resource[type])) expect(body.count).toBe('${var.ttl == "" ? 0 : 1}');
    }
    expect(resource.terraform_data.deadline.lifecycle).toEqual({ ignore_changes: ['input'] });
    expect(json.locals?.expiry_tags).toContain('ExpiresAt');
    expect(resource.aws_vpc_endpoint.interface.tags).toContain('merge(local.expiry_tags');
    expect(resource.aws_security_group.endpoints.tags).toContain('merge(local.expiry_tags');
    expect(resource.aws_iam_role.expiry.tags).toBe('${local.expiry_tags}');
  });

  // Each permission the two scheduled calls need, with the document that says so (Service
  // Authorization Reference: "Actions, resources, and condition keys for Amazon EC2" and "… for
  // Amazon EventBridge Scheduler", whose operations table maps DeleteScheduleGroup to both
  // scheduler:DeleteSchedule and scheduler:DeleteScheduleGroup).
  const EXPIRY_PERMISSIONS: [string, string, string][] = [
    [
      'ec2:DeleteVpcEndpoints',
      'formatlist("arn:%s:ec2:%s:*:vpc-endpoint/%s", data.aws_partition.current.partition, data.aws_region.current.name, local.endpoint_ids)',
      'Amazon EC2: DeleteVpcEndpoints on vpc-endpoint',
    ],
    [
      'scheduler:DeleteScheduleGroup',
      '"arn:${data.aws_partition.current.partition}:scheduler:${data.aws_region.current.name}:*:schedule-group/${one(aws_scheduler_schedule_group.expiry[*].name)}"',
      'EventBridge Scheduler: DeleteScheduleGroup on schedule-group',
    ],
    [
      'scheduler:DeleteSchedule',
      '"arn:${data.aws_partition.current.partition}:scheduler:${data.aws_region.current.name}:*:schedule/${one(aws_scheduler_schedule_group.expiry[*].name)}/*"',
      "EventBridge Scheduler: DeleteScheduleGroup also deletes the group's schedules, authorized by DeleteSchedule on schedule",
    ],
  ];

  test('GIVEN the expiry role WHEN synthesized THEN it may make exactly the calls the schedules need, on these endpoints and its own group', () => {
    const policy = json.resource!.aws_iam_role_policy.expiry.policy as string;
    // The policy is jsonencode() of an object built in TypeScript: "Action" = "…", "Resource" = <expression>.
    const statements = [...policy.matchAll(/"Action" = "([^"]+)", "Resource" = (formatlist\([^)]*\)|"[^"]*")/g)].map(
      (m) => [m[1], m[2]],
    );
    expect(statements).toEqual(EXPIRY_PERMISSIONS.map(([action, resource]) => [action, resource]));
    expect([...policy.matchAll(/"Action" = /g)]).toHaveLength(EXPIRY_PERMISSIONS.length);
    expect(policy).not.toMatch(/"Action" = "[^"]*\*/);
    expect(json.locals?.endpoint_ids).toBe(
      '${concat([for key, val in aws_vpc_endpoint.interface : val.id], aws_vpc_endpoint.s3_gateway[*].id)}',
    );
    const trust = json.resource!.aws_iam_role.expiry.assume_role_policy as string;
    expect(trust).toContain('"Principal" = {"Service" = "scheduler.amazonaws.com"}');
    expect(trust).toContain(':schedule-group/${one(aws_scheduler_schedule_group.expiry[*].name)}');
  });

  test('GIVEN preflight WHEN synthesized THEN every AWS lookup is switchable and the DNS check is a postcondition', () => {
    const data = json.data!;
    expect(data.aws_vpc.target.count).toBe('${var.preflight_lookups ? 1 : 0}');
    expect(data.aws_subnet.endpoint.for_each).toBe('${var.preflight_lookups ? toset(var.subnet_ids) : toset([])}');
    expect(data.aws_network_interfaces.existing_endpoint_enis.count).toBe('${var.preflight_lookups ? 1 : 0}');
    expect(data.aws_vpc.target.lifecycle?.postcondition?.[0].condition).toBe(
      '${self.enable_dns_support && self.enable_dns_hostnames}',
    );
    expect(Object.keys(json.check as object).sort()).toEqual(['subnets_in_vpc']);
    const preconditions = json.resource!.aws_security_group.endpoints.lifecycle?.precondition?.map((p) => p.condition);
    expect(preconditions).toContain('${length(local.conflicting_endpoints) == 0}');
    expect(json.locals?.conflicting_endpoints).toContain(
      '!(lookup(e.tags, "Stack", "") == "ssm-endpoints" && lookup(e.tags, "Lab", "") == "ssm-lab")',
    );
  });

  test('GIVEN prefixed stack names and another lab WHEN synthesized THEN the own-endpoint exclusion and the commands use the real stack and lab names', () => {
    const prefixed = synthLab(configWith({ SSM_LAB_NAME: 'team-a', SSM_LAB_PREFIX_STACK_NAMES: 'true' })).stacks[
      'team-a-ssm-endpoints'
    ];
    expect(prefixed.locals?.conflicting_endpoints).toContain(
      '!(lookup(e.tags, "Stack", "") == "team-a-ssm-endpoints" && lookup(e.tags, "Lab", "") == "team-a")',
    );
    expect(prefixed.output?.next_steps.value).toContain(
      'npx cdktf destroy team-a-ssm-endpoints with the same --var inputs',
    );
    expect(prefixed.resource!.aws_security_group.endpoints.name_prefix).toBe('team-a-temporary-endpoints-');
    expect(prefixed.resource!.aws_iam_role.expiry.name_prefix).toBe('team-a-endpoints-expiry-');
    expect(prefixed.resource!.aws_scheduler_schedule_group.expiry.name_prefix).toBe('team-a-endpoints-expiry-');
  });

  test('GIVEN the endpoint resources WHEN synthesized THEN the lab name leads their names, like every other lab resource', () => {
    expect(json.resource!.aws_security_group.endpoints.name_prefix).toBe('ssm-lab-temporary-endpoints-');
    expect(json.resource!.aws_vpc_endpoint.interface.tags).toContain('"Name" = "ssm-lab-temporary-${each.value}"');
  });

  test('GIVEN a ttl WHEN synthesized THEN every endpoint refuses to be created after the window ended', () => {
    for (const endpoint of Object.values(json.resource!.aws_vpc_endpoint)) {
      expect(endpoint.lifecycle?.precondition).toEqual([
        expect.objectContaining({
          condition: expect.stringContaining('timecmp(local.deadline, timeadd(plantimestamp(), "5m")) > 0'),
        }),
      ]);
    }
  });

  test('GIVEN the outputs WHEN synthesized THEN ids, DNS names, deadline and next steps are described', () => {
    expect(Object.keys(json.output ?? {}).sort()).toEqual([
      'endpoint_dns_names',
      'endpoint_ids',
      'expires_at',
      'next_steps',
      's3_gateway_endpoint_id',
      'security_group_id',
    ]);
    expect(json.output?.next_steps.value).toContain('aws ssm start-session --target');
    expect(json.output?.next_steps.value).toContain('npx cdktf destroy ssm-endpoints with the same --var inputs');
    for (const output of Object.values(json.output ?? {})) expect(output.description).toMatch(/\S/);
  });

  test('GIVEN docs/temporary-endpoints.md WHEN read THEN its deploy example is exactly the sample the tests plan', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'temporary-endpoints.md'), 'utf8');
    expect(readme).toContain(sampleDeployCommand('deploy'));
    expect(readme).toContain(sampleDeployCommand('destroy'));
    expect(sampleDeployCommand()).toBe(
      ['npx cdktf deploy ssm-endpoints', ...SSM_ENDPOINTS_SAMPLE_VARS.map(([k, v]) => `  --var='${k}=${v}'`)].join(
        ' \\\n',
      ),
    );
  });
});
