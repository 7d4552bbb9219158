import {
  AccessWorld,
  callsOfCommand,
  checkOperatorAccess,
  EXAMPLE_ACCOUNT,
  isOperatorOutput,
  OperatorAccess,
  parseSshConfig,
  shellWords,
  SynthesizedValues,
  synthesizedOperatorAccess,
  worldFromStates,
} from '../tools/review/rules/operator-access';
import { configWith, SSH_OPERATOR_ENV, synthLab, TerraformJson } from './helpers/synth';

// Every command a stack prints is read into the AWS requests the CLI makes for it, and each
// request is evaluated against the operator_policy printed beside it — for every scenario and
// every setting that changes a command or a document.

/** The settings that change a printed command or the document it uses, in every combination. */
const SETTINGS: readonly (readonly [string, Record<string, string>])[] = [
  ['defaults', {}],
  ['session audit', { SSM_LAB_SESSION_AUDIT: 'true' }],
  ['SSH over Session Manager', { SSM_LAB_SSH_OVER_SSM: 'true' }],
  ['session audit and SSH over Session Manager', { SSM_LAB_SESSION_AUDIT: 'true', SSM_LAB_SSH_OVER_SSM: 'true' }],
  [
    'both, another lab name, region and partition, prefixed stacks and an existing key pair',
    {
      SSM_LAB_SESSION_AUDIT: 'true',
      SSM_LAB_SSH_OVER_SSM: 'true',
      SSM_LAB_NAME: 'team-b',
      SSM_LAB_PREFIX_STACK_NAMES: 'true',
      SSM_LAB_REGION: 'cn-north-1',
      SSM_LAB_SSH_KEY_NAME: 'team-b-key',
    },
  ],
];

const SCENARIOS_WITH_POLICY = ['lab-eice', 'lab-ssm-endpoint', 'lab-ssm-nat', 'lab-ssm-public'];

function labOf(env: Record<string, string>): Record<string, TerraformJson> {
  const { SSM_LAB_SSH_PUBLIC_KEY, ...operator } = SSH_OPERATOR_ENV;
  const key: Record<string, string> = env.SSM_LAB_SSH_KEY_NAME === undefined ? { SSM_LAB_SSH_PUBLIC_KEY } : {};
  return synthLab(configWith({ ...operator, ...key, ...env })).stacks;
}

const unprefixed = (stack: string) => stack.replace(/^team-b-/, '');
const byStack = (results: readonly OperatorAccess[]) =>
  Object.fromEntries(results.map((result) => [unprefixed(result.stack), result]));
const actionsOf = (access: OperatorAccess, output: string) =>
  access.commands.find((command) => command.output === output)!.calls.map((checked) => checked.call.action);

describe.each(SETTINGS)('the printed commands under the printed policy, with %s', (_, env) => {
  const stacks = labOf(env);
  const audit = env.SSM_LAB_SESSION_AUDIT === 'true';
  const sshOverSsm = env.SSM_LAB_SSH_OVER_SSM === 'true';
  const partition = env.SSM_LAB_REGION?.startsWith('cn-') ? 'aws-cn' : 'aws';
  const results = byStack(synthesizedOperatorAccess(stacks, partition));

  test('GIVEN every scenario WHEN its commands are read THEN each AWS call they make is allowed by its operator_policy', () => {
    for (const stack of SCENARIOS_WITH_POLICY) {
      expect(results[stack]).toBeDefined();
      expect(results[stack].unreadable).toBeUndefined();
    }
    expect(Object.values(results).flatMap((result) => result.missing)).toEqual([]);
  });

  test.each(['lab-ssm-public', 'lab-ssm-nat', 'lab-ssm-endpoint'])(
    'GIVEN %s WHEN its commands are read THEN each starts, resumes and ends a session, and the shell uses the key of its document',
    (stack) => {
      const access = results[stack];
      const outputs = access.commands.map((command) => command.output).sort();
      expect(outputs).toEqual(
        [
          'connect_command',
          'forward_to_target_command',
          'port_forward_command',
          ...(sshOverSsm ? ['ssh_command'] : []),
        ].sort(),
      );
      for (const command of access.commands)
        expect(actionsOf(access, command.output)).toEqual(
          expect.arrayContaining(['ssm:StartSession', 'ssm:ResumeSession', 'ssm:TerminateSession']),
        );
      const shell = access.commands.find((command) => command.output === 'connect_command')!;
      const documents = shell.calls.filter((c) => c.call.resource.includes(':document/')).map((c) => c.call.resource);
      expect(documents).toEqual([
        expect.stringMatching(
          audit ? /:document\/(team-b|ssm-lab)-session-audit$/ : /:document\/SSM-SessionManagerRunShell$/,
        ),
      ]);
      const key = shell.calls.filter((c) => c.call.action === 'kms:GenerateDataKey');
      if (audit) {
        // The key the audit document names, as lab-session-audit's state would carry it.
        const values = new SynthesizedValues(stacks, partition);
        const auditStack = Object.keys(stacks).find((name) => name.endsWith('lab-session-audit'))!;
        expect(key.map((c) => c.call.resource)).toEqual([values.outputs(auditStack).kms_key_arn]);
        expect(key[0].call.context['kms:EncryptionContext:aws:ssm:TargetId']).toMatch(/^i-[0-9a-f]{17}$/);
      } else expect(key).toEqual([]);
      if (sshOverSsm) {
        const ssh = access.commands.find((command) => command.output === 'ssh_command')!;
        expect(ssh.calls.map((c) => c.call.resource)).toContainEqual(
          expect.stringMatching(new RegExp(`^arn:${partition}:ssm:[a-z0-9-]+::document/AWS-StartSSHSession$`)),
        );
      }
    },
  );

  test('GIVEN lab-eice WHEN its commands are read THEN they describe, push a key for ec2-user and open a tunnel to port 22 of the instance', () => {
    const access = results['lab-eice'];
    expect(actionsOf(access, 'connect_command')).toEqual([
      'ec2:DescribeInstances',
      'ec2:DescribeInstanceConnectEndpoints',
      'ec2-instance-connect:SendSSHPublicKey',
      'ec2-instance-connect:OpenTunnel',
    ]);
    const tunnels = access.commands.flatMap((command) =>
      command.calls.filter((c) => c.call.action === 'ec2-instance-connect:OpenTunnel'),
    );
    expect(tunnels).toHaveLength(2);
    for (const tunnel of tunnels) {
      expect(tunnel.call.resource).toMatch(/:instance-connect-endpoint\/eice-[0-9a-f]{17}$/);
      expect(tunnel.call.context['ec2-instance-connect:remotePort']).toBe('22');
    }
  });

  test('GIVEN every stack WHEN read THEN each output the check needs is evaluated, and only the stacks with a policy or an AWS call are listed', () => {
    expect(Object.values(results).filter((result) => result.unreadable !== undefined)).toEqual([]);
    expect(Object.keys(results).sort()).toEqual(SCENARIOS_WITH_POLICY);
  });

  test('GIVEN lab-ssh WHEN its commands are read THEN they call no AWS API (ssh straight to the public address)', () => {
    const ssh = Object.keys(stacks).find((name) => name.endsWith('lab-ssh'))!;
    const values = new SynthesizedValues(stacks, partition);
    const access = checkOperatorAccess(ssh, values.outputs(ssh, isOperatorOutput), values.world('any'));
    expect(access.commands.map((command) => command.output)).toEqual(['connect_command', 'forward_to_target_command']);
    expect(access.commands[0].command).toMatch(/^ssh -i \S+ ec2-user@203\.0\.113\.\d+$/);
    expect(access.commands.flatMap((command) => command.calls)).toEqual([]);
  });
});

describe('a policy that lacks a grant', () => {
  const stacks = labOf({ SSM_LAB_SESSION_AUDIT: 'true', SSM_LAB_SSH_OVER_SSM: 'true' });
  const values = new SynthesizedValues(stacks, 'aws');
  const world = values.world('ap-northeast-1');
  /** The stack's outputs with its policy edited. */
  const edited = (stack: string, edit: (policy: { Statement: Record<string, unknown>[] }) => void) => {
    const outputs = values.outputs(stack, isOperatorOutput);
    const policy = JSON.parse(outputs.operator_policy);
    edit(policy);
    return { ...outputs, operator_policy: JSON.stringify(policy) };
  };

  test('GIVEN the audited lab and the policy as it was (no key) WHEN checked THEN the shell fails, naming the command, the call and the missing grant', () => {
    const outputs = edited('lab-ssm-nat', (policy) => {
      policy.Statement = policy.Statement.filter((statement) => statement.Action !== 'kms:GenerateDataKey');
    });
    const { missing } = checkOperatorAccess('lab-ssm-nat', outputs, world);
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(
      /^lab-ssm-nat connect_command: `aws ssm start-session --target i-[0-9a-f]{17} --document-name ssm-lab-session-audit --region ap-northeast-1` calls kms:GenerateDataKey on arn:aws:kms:ap-northeast-1:111122223333:key\/[0-9a-f-]{36} \(the session data key: ssm-lab-session-audit encrypts with this key\), which operator_policy does not allow: no statement allows kms:GenerateDataKey$/,
    );
  });

  test('GIVEN the key granted for another instance WHEN checked THEN its condition is named as what fails', () => {
    const outputs = edited('lab-ssm-nat', (policy) => {
      const key = policy.Statement.find((statement) => statement.Action === 'kms:GenerateDataKey')!;
      key.Condition = { StringEquals: { 'kms:EncryptionContext:aws:ssm:TargetId': 'i-0another0instance0' } };
    });
    const { missing } = checkOperatorAccess('lab-ssm-nat', outputs, world);
    expect(missing).toEqual([
      expect.stringContaining(
        `condition does not hold: StringEquals kms:EncryptionContext:aws:ssm:TargetId ["i-0another0instance0"]`,
      ),
    ]);
  });

  test('GIVEN SSH over Session Manager without AWS-StartSSHSession in the policy WHEN checked THEN ssh_command fails on the document', () => {
    const outputs = edited('lab-ssm-endpoint', (policy) => {
      policy.Statement[0].Resource = (policy.Statement[0].Resource as string[]).filter(
        (resource) => !resource.endsWith('AWS-StartSSHSession'),
      );
    });
    const { missing } = checkOperatorAccess('lab-ssm-endpoint', outputs, world);
    expect(missing).toEqual([
      expect.stringMatching(
        /^lab-ssm-endpoint ssh_command: `ssh -i ~\/.ssh\/id_ed25519 ec2-user@i-[0-9a-f]{17}` calls ssm:StartSession on arn:aws:ssm:ap-northeast-1::document\/AWS-StartSSHSession .*names ssm:StartSession but not this resource$/,
      ),
    ]);
  });

  test('GIVEN no way to end or resume sessions WHEN checked THEN every Session Manager command fails twice', () => {
    const outputs = edited('lab-ssm-public', (policy) => {
      policy.Statement = policy.Statement.filter((statement) => statement.Sid !== 'EndOrResumeOwnSessionsOnly');
    });
    const { missing } = checkOperatorAccess('lab-ssm-public', outputs, world);
    expect(missing.filter((line) => /calls ssm:(Resume|Terminate)Session/.test(line))).toHaveLength(8);
    expect(missing).toHaveLength(8);
  });

  test('GIVEN the EICE policy for another port or user WHEN checked THEN the tunnel and the key push fail', () => {
    const outputs = edited('lab-eice', (policy) => {
      const tunnel = policy.Statement.find((statement) => statement.Sid === 'OpenTunnelToThisInstanceOnly')!;
      (tunnel.Condition as Record<string, Record<string, unknown>>).NumericEquals['ec2-instance-connect:remotePort'] =
        3389;
      const push = policy.Statement.find((statement) => statement.Sid === 'PushAKeyForEc2User')!;
      push.Condition = { StringEquals: { 'ec2:osuser': 'admin' } };
    });
    const { missing } = checkOperatorAccess('lab-eice', outputs, world);
    expect(missing.map((line) => /calls (\S+)/.exec(line)![1]).sort()).toEqual([
      'ec2-instance-connect:OpenTunnel',
      'ec2-instance-connect:OpenTunnel',
      'ec2-instance-connect:SendSSHPublicKey',
      'ec2-instance-connect:SendSSHPublicKey',
    ]);
  });

  test('GIVEN a command that calls AWS and no policy beside it WHEN checked THEN it fails', () => {
    const outputs = values.outputs('lab-ssm-nat', isOperatorOutput);
    const { operator_policy: _, ...withoutPolicy } = outputs;
    const { missing } = checkOperatorAccess('lab-ssm-nat', withoutPolicy, world);
    expect(missing.length).toBeGreaterThan(0);
    expect(missing[0]).toContain('the stack prints no operator_policy');
  });
});

describe('reading commands', () => {
  const world: AccessWorld = {
    partition: 'aws',
    region: 'eu-west-1',
    account: EXAMPLE_ACCOUNT,
    instances: new Map([
      [
        'i-0abc',
        {
          id: 'i-0abc',
          arn: `arn:aws:ec2:eu-west-1:${EXAMPLE_ACCOUNT}:instance/i-0abc`,
          privateIp: '10.1.2.3',
          subnetId: 'subnet-2',
          vpcId: 'vpc-1',
        },
      ],
    ]),
    endpoints: [
      {
        id: 'eice-other',
        arn: 'arn:aws:ec2:eu-west-1:111122223333:instance-connect-endpoint/eice-other',
        vpcId: 'vpc-9',
      },
      {
        id: 'eice-1',
        arn: 'arn:aws:ec2:eu-west-1:111122223333:instance-connect-endpoint/eice-1',
        vpcId: 'vpc-1',
        subnetId: 'subnet-1',
      },
    ],
    documents: new Map(),
  };

  test('GIVEN quotes and && WHEN split THEN words group as the shell groups them', () => {
    expect(shellWords(`a 'b c' "d"e && f -o X='y z'`)).toEqual(['a', 'b c', 'de', '&&', 'f', '-o', 'X=y z']);
  });

  test('GIVEN open-tunnel with its own port and address WHEN read THEN the tunnel asks for them and skips the instance lookup', () => {
    const { calls } = callsOfCommand(
      'aws ec2-instance-connect open-tunnel --instance-id i-0abc --remote-port 3389 --private-ip-address 10.1.2.9 --instance-connect-endpoint-id eice-1',
      world,
    );
    expect(calls.map((call) => call.action)).toEqual([
      'ec2:DescribeInstanceConnectEndpoints',
      'ec2-instance-connect:OpenTunnel',
    ]);
    expect(calls[1].context).toMatchObject({
      'ec2-instance-connect:remotePort': '3389',
      'ec2-instance-connect:privateIpAddress': '10.1.2.9',
    });
  });

  test('GIVEN ssh through an ssh_config ProxyCommand WHEN read THEN %h and %p are the host and port', () => {
    const config = parseSshConfig(
      'host i-* mi-*\n    ProxyCommand sh -c "aws ssm start-session --target %h --document-name AWS-StartSSHSession --parameters \'portNumber=%p\'"',
    );
    const { calls } = callsOfCommand('ssh -p 2200 ec2-user@i-0abc', world, config);
    expect(calls[0].resource).toBe(`arn:aws:ec2:eu-west-1:${EXAMPLE_ACCOUNT}:instance/i-0abc`);
    expect(calls[1].resource).toBe('arn:aws:ssm:eu-west-1::document/AWS-StartSSHSession');
    expect(callsOfCommand('ssh ec2-user@203.0.113.9', world, config).calls).toEqual([]);
  });

  test('GIVEN an instance not in the configuration or a VPC without an endpoint WHEN read THEN a note says so', () => {
    expect(callsOfCommand('aws ssm start-session --target i-0missing', world).notes[0]).toContain(
      'the instance i-0missing is not in the configuration',
    );
    const elsewhere = { ...world, endpoints: [world.endpoints[0]] };
    expect(callsOfCommand('aws ec2-instance-connect open-tunnel --instance-id i-0abc', elsewhere).notes).toEqual([
      'no EC2 Instance Connect Endpoint in the VPC of i-0abc: the tunnel has nowhere to open',
    ]);
  });

  test('GIVEN Terraform states after an apply WHEN the world is read THEN documents name their key by ARN and instances their VPC', () => {
    const keyArn = 'arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const resource = (type: string, attributes: Record<string, unknown>) => ({
      mode: 'managed',
      type,
      instances: [{ attributes }],
    });
    const world = worldFromStates(
      [
        { resources: [resource('aws_subnet', { id: 'subnet-1', vpc_id: 'vpc-1' })] },
        {
          resources: [
            resource('aws_kms_key', { key_id: '1234abcd-12ab-34cd-56ef-1234567890ab', arn: keyArn }),
            resource('aws_ssm_document', {
              name: 'team-session-audit',
              document_type: 'Session',
              content: JSON.stringify({ inputs: { kmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' } }),
            }),
            resource('aws_instance', {
              id: 'i-1',
              arn: 'arn:aws:ec2:eu-west-1:444455556666:instance/i-1',
              private_ip: '10.0.0.5',
              subnet_id: 'subnet-1',
            }),
          ],
        },
      ],
      'aws',
      'eu-west-1',
    );
    expect(world.account).toBe('444455556666');
    expect(world.documents.get('team-session-audit')).toEqual({ keyArn });
    expect(world.instances.get('i-1')).toMatchObject({ vpcId: 'vpc-1', privateIp: '10.0.0.5' });
  });
});
