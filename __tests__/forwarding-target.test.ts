import {
  FORWARDING_TARGET_PORT,
  ForwardingTarget,
  forwardsToTag,
  httpServiceUserData,
  parseForwardsTo,
} from '../lib/forwarding-target';
import { onlyResource, resourcesOfType, synthConstruct, tagsOf } from './helpers/synth';

describe('ForwardingTarget construct', () => {
  const build = (port?: number) =>
    synthConstruct((scope) => {
      const target = new ForwardingTarget(scope, 'target', {
        name: 'lab-target',
        vpcId: 'vpc-1',
        subnetId: 'subnet-1',
        amiId: 'ami-0123456789abcdef0',
        port,
      });
      target.admit(scope, 'client-in', 'sg-client', 'Port forwarding: from the client');
    });

  test('GIVEN defaults WHEN synthesized THEN a private instance serves HTTP on 8080 from user data, with no key, profile or egress', () => {
    const json = build();
    const instance = onlyResource(json, 'aws_instance');
    expect(instance).toMatchObject({
      associate_public_ip_address: false,
      user_data: httpServiceUserData('lab-target', FORWARDING_TARGET_PORT),
      user_data_replace_on_change: true,
      metadata_options: { http_tokens: 'required', http_endpoint: 'enabled', http_put_response_hop_limit: 1 },
      root_block_device: { encrypted: true, volume_type: 'gp3' },
    });
    expect(instance.key_name).toBeUndefined();
    expect(instance.iam_instance_profile).toBeUndefined();
    expect(tagsOf(instance)).toEqual({ Name: 'lab-target', Scenario: 'forwarding-target' });
    expect(resourcesOfType(json, 'aws_vpc_security_group_egress_rule')).toEqual([]);
    expect(String(instance.user_data)).toContain(
      'ExecStart=/usr/bin/python3 -m http.server 8080 --bind 0.0.0.0 --directory /srv/lab-target',
    );
    // Terraform would read ${…} or %{…} in user data as a template.
    expect(String(instance.user_data)).not.toMatch(/[$%]\{/);
  });

  test('GIVEN a client WHEN admitted THEN exactly its security group may reach the port, by reference', () => {
    const rule = onlyResource(build(5432), 'aws_vpc_security_group_ingress_rule');
    expect(rule).toMatchObject({
      referenced_security_group_id: 'sg-client',
      ip_protocol: 'tcp',
      from_port: 5432,
      to_port: 5432,
      description: 'Port forwarding: from the client',
    });
    expect(rule.cidr_ipv4).toBeUndefined();
    expect(rule.security_group_id).toMatch(/^\$\{aws_security_group\.target_security-group_[^.]+\.id\}$/);
  });

  test('GIVEN a privileged or impossible port WHEN constructed THEN it is refused, naming the port', () => {
    expect(() => build(80)).toThrow('ForwardingTarget lab-target: port 80 must be 1024-65535');
    expect(() => build(70000)).toThrow('port 70000 must be 1024-65535');
  });

  test('GIVEN a ForwardsTo tag WHEN parsed THEN name and port come back, and anything else is no target', () => {
    expect(parseForwardsTo(forwardsToTag('ssm-lab-target-vpc1', 8080))).toEqual({
      name: 'ssm-lab-target-vpc1',
      port: 8080,
    });
    expect(parseForwardsTo('a:b:22')).toEqual({ name: 'a:b', port: 22 });
    for (const bad of [undefined, '', 'name', 'name:', 'name:0', 'name:65536', ':8080'])
      expect(parseForwardsTo(bad)).toBeUndefined();
  });
});
