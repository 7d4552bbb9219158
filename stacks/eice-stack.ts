import { Construct } from 'constructs';
import { EICE_SSH_PORT, InstanceConnectEndpoint } from '../lib/instance-connect-endpoint';
import { PRIVATE_SUBNET_2 } from './network-stack';
import { Scenario, ScenarioStack, ScenarioStackProps } from './scenario-stack';

/**
 * `lab-eice`, instance 5: SSH through an EC2 Instance Connect Endpoint. The instance sits in VPC
 * 2's private subnet, which has no route out at all — proof that nothing else is needed: no public
 * address, no NAT gateway, no interface endpoints, no instance profile, no key pair (the CLI
 * pushes a one-minute key with SendSSHPublicKey). The endpoint goes in the same subnet: AWS allows
 * one per VPC, and VPC 2 has none otherwise. Its security group sends tcp/22 to the instance's
 * only; the instance's admits tcp/22 from the endpoint's only (`preserve_client_ip = false`).
 */
export class EiceStack extends ScenarioStack {
  readonly endpoint: InstanceConnectEndpoint;

  constructor(scope: Construct, id: string, props: ScenarioStackProps) {
    super(scope, id, props);
    const { config, network } = props;
    const vpcId = network.vpc2.vpc.id;
    const subnetId = network.vpc2.subnet(PRIVATE_SUBNET_2).subnet.id;

    const lab = this.labInstance({
      name: 'eice',
      scenario: Scenario.SSH_EICE,
      vpcId,
      subnetId,
      agentless: true,
      forwardTo: network.forwardingTargets.vpc2,
    });
    this.endpoint = new InstanceConnectEndpoint(this, 'instance-connect-endpoint', {
      name: this.named('ssh'),
      vpcId,
      vpcName: `${config.labName}-vpc2`,
      subnetId,
      targetSecurityGroupIds: [lab.securityGroup.id],
      tags: { Scenario: Scenario.SSH_EICE },
    });
    lab.allowFromSecurityGroup(
      EICE_SSH_PORT,
      this.endpoint.securityGroup.id,
      'SSH from the EC2 Instance Connect Endpoint only',
    );

    this.output('instance_id', lab.instance.id, 'EC2 instance id (the EC2 Instance Connect target)');
    this.output('private_ip', lab.instance.privateIp, 'Private IPv4 address of the instance');
    this.output('endpoint_id', this.endpoint.endpoint.id, 'EC2 Instance Connect Endpoint id');
    this.output(
      'connect_command',
      `aws ec2-instance-connect ssh --instance-id ${lab.instance.id} --connection-type eice --os-user ec2-user --region ${config.region}`,
      'Command that opens an SSH session through the endpoint (AWS CLI v2)',
    );
    // The endpoint itself tunnels only ports 22 and 3389 (EC2 User Guide, EC2 Instance Connect
    // Endpoint limitations): the target's port rides ssh -L over a tunnel to the instance's sshd.
    // Without a key pair on the instance, the operator's own key is pushed first (valid 60 s).
    const target = network.forwardingTargets.vpc2;
    const region = `--region ${config.region}`;
    this.output(
      'forward_to_target_command',
      `aws ec2-instance-connect send-ssh-public-key --instance-id ${lab.instance.id} --instance-os-user ec2-user --ssh-public-key file://~/.ssh/id_ed25519.pub ${region} && ` +
        this.sshForwardCommand(
          `-i ~/.ssh/id_ed25519 -o ProxyCommand='aws ec2-instance-connect open-tunnel --instance-id ${lab.instance.id} ${region}'`,
          `ec2-user@${lab.instance.id}`,
        ),
      `Forwards localhost:${target.port} to ${target.name} (tcp/${target.port}): ssh -L through an EC2 Instance Connect tunnel to the instance's sshd`,
    );
    // What the operator needs, and no more (Service Authorization Reference, EC2 Instance Connect):
    // a tunnel through this endpoint to port 22 of this address, a key pushed for ec2-user on this
    // instance, and the describe calls the CLI makes to find both.
    this.output(
      'operator_policy',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'OpenTunnelToThisInstanceOnly',
            Effect: 'Allow',
            Action: 'ec2-instance-connect:OpenTunnel',
            Resource: this.endpoint.endpoint.arn,
            Condition: {
              NumericEquals: { 'ec2-instance-connect:remotePort': EICE_SSH_PORT },
              // An IPAddress key: IpAddress, not a String operator (which IAM would never match).
              IpAddress: { 'ec2-instance-connect:privateIpAddress': `${lab.instance.privateIp}/32` },
            },
          },
          {
            Sid: 'PushAKeyForEc2User',
            Effect: 'Allow',
            Action: 'ec2-instance-connect:SendSSHPublicKey',
            Resource: lab.instance.arn,
            Condition: { StringEquals: { 'ec2:osuser': 'ec2-user' } },
          },
          {
            Sid: 'FindTheInstanceAndEndpoint',
            Effect: 'Allow',
            Action: ['ec2:DescribeInstances', 'ec2:DescribeInstanceConnectEndpoints'],
            Resource: '*',
          },
        ],
      }),
      'Least-privilege IAM policy for the operator who connects (attach to their role)',
    );
  }
}
