import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import {
  configWith,
  onlyResource,
  resourceCounts,
  resourcesOfType,
  SSH_OPERATOR_ENV,
  synthLab,
  tagsOf,
  TerraformJson,
} from './helpers/synth';

describe('lab-network stack', () => {
  let json: TerraformJson;
  let raw: string;
  beforeAll(() => {
    const lab = synthLab();
    json = lab.stacks['lab-network'];
    raw = lab.raw['lab-network'];
  });

  test('GIVEN defaults WHEN synthesized THEN VPC 1 is 10.0.0.0/16 with AWS DNS defaults and VPC 2 is 10.1.0.0/16 with both DNS attributes', () => {
    expect(raw).toHaveResourceWithProperties(Vpc, {
      cidr_block: '10.0.0.0/16',
      enable_dns_support: true,
      enable_dns_hostnames: false,
      tags: expect.objectContaining({ Name: 'ssm-lab-vpc1' }),
    });
    expect(raw).toHaveResourceWithProperties(Vpc, {
      cidr_block: '10.1.0.0/16',
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags: expect.objectContaining({ Name: 'ssm-lab-vpc2' }),
    });
  });

  test('GIVEN defaults WHEN synthesized THEN subnets sit in the reference AZs', () => {
    expect(raw).toHaveResourceWithProperties(Subnet, {
      cidr_block: '10.0.1.0/24',
      availability_zone: 'ap-northeast-1a',
    });
    expect(raw).toHaveResourceWithProperties(Subnet, {
      cidr_block: '10.0.2.0/24',
      availability_zone: 'ap-northeast-1a',
    });
    expect(raw).toHaveResourceWithProperties(Subnet, {
      cidr_block: '10.1.3.0/24',
      availability_zone: 'ap-northeast-1c',
    });
  });

  test('GIVEN defaults WHEN synthesized THEN only the public subnet has a default route, to the internet gateway', () => {
    const route = onlyResource(json, 'aws_route');
    expect(route).toMatchObject({ destination_cidr_block: '0.0.0.0/0' });
    expect(route.gateway_id).toContain('aws_internet_gateway.vpc1_internet-gateway');
    expect(route.route_table_id).toContain('vpc1_public-route-table');
    expect(onlyResource(json, 'aws_internet_gateway').vpc_id).toContain('aws_vpc.vpc1_vpc');
    expect(resourcesOfType(json, 'aws_route_table')).toHaveLength(3);
    expect(resourcesOfType(json, 'aws_route_table').every((t) => t.route === undefined)).toBe(true);
  });

  test('GIVEN defaults WHEN synthesized THEN both default security groups are managed with no rules', () => {
    const defaults = resourcesOfType(json, 'aws_default_security_group');
    expect(defaults).toHaveLength(2);
    expect(defaults.every((g) => g.ingress === undefined && g.egress === undefined)).toBe(true);
  });

  test('GIVEN defaults WHEN synthesized THEN the Session Manager role and instance profile exist', () => {
    expect(onlyResource(json, 'aws_iam_role_policy_attachment').policy_arn).toBe(
      'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    );
    expect(onlyResource(json, 'aws_iam_instance_profile').name_prefix).toBe('ssm-lab-instance-');
  });

  test('GIVEN a public key WHEN synthesized THEN lab-network imports the key pair (free) for every instance that needs it', () => {
    const withKey = synthLab(configWith(SSH_OPERATOR_ENV)).stacks['lab-network'];
    expect(onlyResource(withKey, 'aws_key_pair')).toMatchObject({
      key_name_prefix: 'ssm-lab-ssh-',
      public_key: SSH_OPERATOR_ENV.SSM_LAB_SSH_PUBLIC_KEY,
    });
    expect(resourcesOfType(json, 'aws_key_pair')).toHaveLength(0);
  });

  test('GIVEN defaults WHEN synthesized THEN nothing billable is declared but the two forwarding targets (two small instances)', () => {
    expect(resourceCounts(json)).toEqual({
      aws_default_security_group: 2,
      aws_iam_instance_profile: 1,
      aws_iam_role: 1,
      aws_iam_role_policy_attachment: 1,
      aws_instance: 2,
      aws_internet_gateway: 1,
      aws_route: 1,
      aws_route_table: 3,
      aws_route_table_association: 3,
      aws_security_group: 2,
      aws_subnet: 3,
      aws_vpc: 2,
    });
    expect(resourcesOfType(json, 'aws_instance').map((instance) => instance.instance_type)).toEqual([
      't4g.nano',
      't4g.nano',
    ]);
  });

  test("GIVEN defaults WHEN synthesized THEN one forwarding target sits in each VPC's private subnet: private, no key, no profile, no rule of its own", () => {
    const targets = resourcesOfType(json, 'aws_instance');
    expect(targets.map((target) => [tagsOf(target).Name, target.subnet_id])).toEqual([
      ['ssm-lab-target-vpc1', expect.stringContaining('vpc1_private-1-subnet')],
      ['ssm-lab-target-vpc2', expect.stringContaining('vpc2_private-2-subnet')],
    ]);
    for (const target of targets) {
      expect(target).toMatchObject({ associate_public_ip_address: false, user_data_replace_on_change: true });
      expect(target.key_name).toBeUndefined();
      expect(target.iam_instance_profile).toBeUndefined();
      expect(target.tags).toMatchObject({ Scenario: 'forwarding-target' });
      expect(String(target.user_data)).toContain('python3 -m http.server 8080');
    }
    // Inbound is added by each client scenario (its own stack); here there is no rule at all.
    expect(resourcesOfType(json, 'aws_vpc_security_group_ingress_rule')).toEqual([]);
    expect(resourcesOfType(json, 'aws_vpc_security_group_egress_rule')).toEqual([]);
    expect(Object.keys(json.output ?? {}).filter((name) => /^vpc\d_target/.test(name))).toEqual([
      'vpc1_target_address',
      'vpc1_target_instance_id',
      'vpc2_target_address',
      'vpc2_target_instance_id',
    ]);
  });

  test('GIVEN defaults WHEN synthesized THEN the provider is in the region and tags everything with the project', () => {
    expect(json.provider?.aws[0]).toEqual({
      region: 'ap-northeast-1',
      default_tags: [{ tags: { Project: 'ssm-access-lab', Lab: 'ssm-lab', Stack: 'lab-network', ManagedBy: 'cdktf' } }],
    });
  });
});
