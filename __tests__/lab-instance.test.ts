import { httpsToInternet, LabInstance } from '../lib/lab-instance';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import {
  onlyResource,
  referenceTo,
  resourcesOfType,
  synthConstruct,
  synthConstructText,
  TerraformJson,
} from './helpers/synth';
import { TerraformStack, Testing } from 'cdktf';

const base = { name: 'lab', scenario: 'test', vpcId: 'vpc-1', subnetId: 'subnet-1' };

describe('LabInstance', () => {
  const text = synthConstructText((scope) => {
    new LabInstance(scope, 'instance', { ...base, httpsEgress: [httpsToInternet()] });
  });
  const json: TerraformJson = JSON.parse(text);

  test('GIVEN defaults WHEN synthesized THEN IMDSv2 is required with hop limit 1', () => {
    expect(onlyResource(json, 'aws_instance').metadata_options).toEqual({
      http_endpoint: 'enabled',
      http_tokens: 'required',
      http_put_response_hop_limit: 1,
    });
  });

  test('GIVEN defaults WHEN synthesized THEN the root volume is encrypted gp3 and tagged', () => {
    expect(onlyResource(json, 'aws_instance').root_block_device).toEqual({
      volume_type: 'gp3',
      volume_size: 8,
      encrypted: true,
      delete_on_termination: true,
      tags: { Name: 'lab-root', Scenario: 'test' },
    });
  });

  test('GIVEN defaults WHEN synthesized THEN no public IP, key, profile or inbound rule', () => {
    const instance = onlyResource(json, 'aws_instance');
    expect(instance.associate_public_ip_address).toBe(false);
    expect(instance.key_name).toBeUndefined();
    expect(instance.iam_instance_profile).toBeUndefined();
    expect(resourcesOfType(json, 'aws_vpc_security_group_ingress_rule')).toHaveLength(0);
    expect(onlyResource(json, 'aws_security_group').ingress).toBeUndefined();
    expect(instance.tags).toEqual({ Name: 'lab', Scenario: 'test' });
    expect(instance.vpc_security_group_ids).toEqual([referenceTo(json, 'aws_security_group')]);
    expect(instance.credit_specification).toEqual({ cpu_credits: 'standard' });
  });

  test('GIVEN no pinned AMI WHEN synthesized THEN the latest AL2023 for arm64 is read from SSM and AMI drift is ignored', () => {
    expect(text).toHaveDataSourceWithProperties(DataAwsSsmParameter, {
      name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
    });
    const instance = onlyResource(json, 'aws_instance');
    expect(instance.ami).toMatch(/^\$\{data\.aws_ssm_parameter\.[^.]+\.insecure_value\}$/);
    expect(instance.ami).not.toContain('resolve:ssm');
    expect(instance.lifecycle).toEqual({ ignore_changes: ['ami'] });
  });

  test('GIVEN a pinned AMI on x86 WHEN synthesized THEN no data source is needed', () => {
    const pinned = synthConstruct((scope) => {
      new LabInstance(scope, 'i', {
        ...base,
        amiId: 'ami-0123456789abcdef0',
        instanceType: 'm5.large',
        architecture: 'x86_64',
        httpsEgress: [httpsToInternet()],
      });
    });
    expect(pinned.data).toBeUndefined();
    const instance = onlyResource(pinned, 'aws_instance');
    expect(instance).toMatchObject({ ami: 'ami-0123456789abcdef0', instance_type: 'm5.large' });
    expect(instance.lifecycle).toBeUndefined();
    expect(instance.credit_specification).toBeUndefined();
  });

  test('GIVEN HTTPS to the internet WHEN synthesized THEN egress is exactly tcp/443 with a description', () => {
    expect(onlyResource(json, 'aws_vpc_security_group_egress_rule')).toMatchObject({
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
      cidr_ipv4: '0.0.0.0/0',
      description: expect.stringMatching(/\S/),
    });
  });

  test('GIVEN an ingress rule WHEN synthesized THEN one described rule per source CIDR', () => {
    const withSsh = synthConstruct((scope) => {
      new LabInstance(scope, 'i', {
        ...base,
        ingress: [{ port: 22, cidrs: ['203.0.113.7/32', '198.51.100.0/24'], description: 'SSH from the operator' }],
        httpsEgress: [httpsToInternet()],
      });
    });
    const rules = resourcesOfType(withSsh, 'aws_vpc_security_group_ingress_rule');
    expect(rules.map((r) => [r.cidr_ipv4, r.from_port, r.to_port, r.ip_protocol, r.description])).toEqual([
      ['203.0.113.7/32', 22, 22, 'tcp', 'SSH from the operator'],
      ['198.51.100.0/24', 22, 22, 'tcp', 'SSH from the operator'],
    ]);
  });

  test('GIVEN no egress at all WHEN the stack is synthesized with validations THEN it fails', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'no-egress');
    new LabInstance(stack, 'i', base);
    expect(() => Testing.synth(stack, true)).toThrow('no egress rule');
  });

  test('GIVEN a bad ingress port WHEN constructed THEN it throws', () => {
    expect(() =>
      synthConstruct(
        (scope) => new LabInstance(scope, 'i', { ...base, ingress: [{ port: 0, cidrs: [], description: 'x' }] }),
      ),
    ).toThrow('ingress port 0 must be 1-65535');
  });
});
