import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { TerraformVariable } from 'cdktf';
import { EndpointPreflight } from '../lib/endpoint-preflight';
import { synthConstruct } from './helpers/synth';

// The preflight on its own, with variables of other names: every lookup and condition follows them.
describe('EndpointPreflight', () => {
  const json = synthConstruct((scope) => {
    const variable = (name: string, type: string) => {
      const created = new TerraformVariable(scope, name, { type });
      created.overrideLogicalId(name);
      return created;
    };
    const guarded = new SecurityGroup(scope, 'first', { name: 'first', description: 'the first resource created' });
    new EndpointPreflight(scope, 'preflight', {
      vpcId: variable('network', 'string'),
      subnetIds: variable('subnets', 'list(string)'),
      services: variable('wanted', 'list(string)'),
      lookups: variable('look', 'bool'),
      regionHcl: '"eu-west-1"',
      guarded,
      ownTags: { Stack: 'probe', Lab: 'lab-x' },
    });
  });

  test('GIVEN the lookup switch WHEN synthesized THEN every AWS lookup depends on it', () => {
    const data = json.data!;
    expect(data.aws_vpc.target).toMatchObject({ id: '${var.network}', count: '${var.look ? 1 : 0}' });
    expect(data.aws_subnet.endpoint.for_each).toBe('${var.look ? toset(var.subnets) : toset([])}');
    expect(data.aws_network_interfaces.existing_endpoint_enis.count).toBe('${var.look ? 1 : 0}');
    expect(data.aws_network_interface.existing_endpoint_eni.for_each).toBe(
      '${toset(flatten(data.aws_network_interfaces.existing_endpoint_enis[*].ids))}',
    );
  });

  test('GIVEN the guarded resource WHEN synthesized THEN it carries the AZ and the conflict preconditions, excluding our own tags', () => {
    const conditions = json.resource!.aws_security_group.first.lifecycle?.precondition?.map((p) => p.condition);
    expect(conditions).toEqual([
      '${length(distinct([for s in data.aws_subnet.endpoint : s.availability_zone])) == length(data.aws_subnet.endpoint)}',
      '${length(local.conflicting_endpoints) == 0}',
    ]);
    expect(json.locals?.conflicting_endpoints).toContain(
      'contains([for s in var.wanted : "com.amazonaws.${"eu-west-1"}.${s}"]',
    );
    expect(json.locals?.conflicting_endpoints).toContain(
      '!(lookup(e.tags, "Stack", "") == "probe" && lookup(e.tags, "Lab", "") == "lab-x")',
    );
  });

  test('GIVEN the VPC lookup WHEN synthesized THEN DNS attributes are a postcondition naming the fix, and foreign subnets a check', () => {
    const postcondition = json.data!.aws_vpc.target.lifecycle?.postcondition?.[0];
    expect(postcondition?.condition).toBe('${self.enable_dns_support && self.enable_dns_hostnames}');
    expect(postcondition?.error_message).toContain(
      'aws ec2 modify-vpc-attribute --vpc-id ${var.network} --enable-dns-hostnames',
    );
    expect(json.check?.subnets_in_vpc.assert[0].condition).toBe(
      '${alltrue([for s in data.aws_subnet.endpoint : s.vpc_id == var.network])}',
    );
  });
});
