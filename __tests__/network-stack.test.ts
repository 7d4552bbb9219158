import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import {
  configWith,
  onlyResource,
  resourceCounts,
  resourcesOfType,
  SSH_OPERATOR_ENV,
  synthLab,
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

  test('GIVEN defaults WHEN synthesized THEN nothing billable is declared', () => {
    expect(Object.keys(resourceCounts(json)).sort()).toEqual([
      'aws_default_security_group',
      'aws_iam_instance_profile',
      'aws_iam_role',
      'aws_iam_role_policy_attachment',
      'aws_internet_gateway',
      'aws_route',
      'aws_route_table',
      'aws_route_table_association',
      'aws_subnet',
      'aws_vpc',
    ]);
  });

  test('GIVEN defaults WHEN synthesized THEN the provider is in the region and tags everything with the project', () => {
    expect(json.provider?.aws[0]).toEqual({
      region: 'ap-northeast-1',
      default_tags: [{ tags: { Project: 'ssm-access-lab', Lab: 'ssm-lab', Stack: 'lab-network', ManagedBy: 'cdktf' } }],
    });
  });
});
