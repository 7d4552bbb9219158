import { Ec2InstanceConnectEndpoint } from '@cdktf/provider-aws/lib/ec2-instance-connect-endpoint';
import { App, TerraformStack, Testing } from 'cdktf';
import { InstanceConnectEndpoint } from '../lib/instance-connect-endpoint';
import { onlyResource, synthConstruct, synthConstructText } from './helpers/synth';

const props = {
  name: 'lab',
  vpcId: 'vpc-2',
  vpcName: 'lab-vpc2',
  subnetId: 'subnet-2',
  targetSecurityGroupIds: ['sg-instance'],
};

describe('InstanceConnectEndpoint', () => {
  const text = synthConstructText((scope) => new InstanceConnectEndpoint(scope, 'eice', props));
  const json = JSON.parse(text);

  test('GIVEN defaults WHEN synthesized THEN the endpoint keeps no client address and uses its own SG', () => {
    expect(text).toHaveResourceWithProperties(Ec2InstanceConnectEndpoint, {
      subnet_id: 'subnet-2',
      preserve_client_ip: false,
      security_group_ids: [expect.stringMatching(/^\$\{aws_security_group\.eice_security-group_\w+\.id\}$/)],
    });
  });

  test('GIVEN defaults WHEN synthesized THEN its SG has no inbound rule and sends tcp/22 to the instance SG only', () => {
    expect(onlyResource(json, 'aws_security_group').ingress).toBeUndefined();
    expect(json.resource.aws_vpc_security_group_ingress_rule).toBeUndefined();
    expect(onlyResource(json, 'aws_vpc_security_group_egress_rule')).toMatchObject({
      ip_protocol: 'tcp',
      from_port: 22,
      to_port: 22,
      referenced_security_group_id: 'sg-instance',
      description: expect.stringMatching(/\S/),
    });
    expect(onlyResource(json, 'aws_vpc_security_group_egress_rule').cidr_ipv4).toBeUndefined();
  });

  test('GIVEN two endpoints for one VPC, in two stacks WHEN synthesized THEN synth refuses, naming both', () => {
    const app = Testing.app() as App;
    new InstanceConnectEndpoint(new TerraformStack(app, 'a'), 'eice', props);
    new InstanceConnectEndpoint(new TerraformStack(app, 'b'), 'eice', props);
    expect(() => app.synth()).toThrow(
      'an EC2 Instance Connect Endpoint for lab-vpc2 is also declared at b/eice: AWS allows one per VPC; share that one',
    );
  });

  test('GIVEN endpoints for two VPCs WHEN synthesized THEN both are allowed', () => {
    const both = synthConstruct((scope) => {
      new InstanceConnectEndpoint(scope, 'one', props);
      new InstanceConnectEndpoint(scope, 'two', { ...props, vpcId: 'vpc-1', vpcName: 'lab-vpc1' });
    });
    expect(Object.keys(both.resource!.aws_ec2_instance_connect_endpoint)).toHaveLength(2);
  });
});
