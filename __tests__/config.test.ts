import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, DEFAULTS, loadConfig, SETTINGS, SETTINGS_TABLE } from '../lib/config';
import { TOOL_VARIABLE_NAMES } from '../tools/variables';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('loadConfig', () => {
  test('GIVEN no settings WHEN loaded THEN the reference lab defaults apply', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      region: 'ap-northeast-1',
      partition: 'aws',
      vpc1Cidr: '10.0.0.0/16',
      publicSubnetCidr: '10.0.1.0/24',
      privateSubnet1Cidr: '10.0.2.0/24',
      vpc1AvailabilityZone: 'ap-northeast-1a',
      vpc2Cidr: '10.1.0.0/16',
      privateSubnet2Cidr: '10.1.3.0/24',
      vpc2AvailabilityZone: 'ap-northeast-1c',
      instanceType: 't4g.nano',
      instanceArchitecture: 'arm64',
      rootVolumeGiB: 8,
      endpointServices: ['ssm', 'ssmmessages'],
      sshAllowedCidrs: [],
    });
    expect(config.amiId).toBeUndefined();
    expect(config.sshKeyName).toBeUndefined();
    expect(config.sshPublicKey).toBeUndefined();
  });

  test('GIVEN another region WHEN loaded THEN the AZ defaults follow it', () => {
    const config = loadConfig({ SSM_LAB_REGION: 'us-east-1' });
    expect(config.vpc1AvailabilityZone).toBe('us-east-1a');
    expect(config.vpc2AvailabilityZone).toBe('us-east-1c');
    expect(loadConfig({ SSM_LAB_REGION: 'cn-north-1' }).partition).toBe('aws-cn');
    expect(loadConfig({ SSM_LAB_REGION: 'us-gov-west-1' }).partition).toBe('aws-us-gov');
  });

  test('GIVEN an x86 instance type WHEN loaded THEN the architecture is x86_64', () => {
    expect(loadConfig({ SSM_LAB_INSTANCE_TYPE: 't3.micro' }).instanceArchitecture).toBe('x86_64');
    expect(loadConfig({ SSM_LAB_INSTANCE_TYPE: 'm7gd.large' }).instanceArchitecture).toBe('arm64');
  });

  test('GIVEN ec2messages in any order WHEN loaded THEN services come in a stable order', () => {
    expect(loadConfig({ SSM_LAB_ENDPOINT_SERVICES: 'ec2messages, ssmmessages,ssm' }).endpointServices).toEqual([
      'ssm',
      'ssmmessages',
      'ec2messages',
    ]);
  });

  test('GIVEN explicit 0.0.0.0/0 WHEN loaded THEN it is accepted because the user wrote it', () => {
    expect(loadConfig({ SSM_LAB_SSH_ALLOWED_CIDRS: '0.0.0.0/0' }).sshAllowedCidrs).toEqual(['0.0.0.0/0']);
  });

  test('GIVEN team settings WHEN loaded THEN lab name, S3 state and acknowledgements are read', () => {
    const config = loadConfig({
      SSM_LAB_NAME: 'team-a',
      SSM_LAB_STATE_BUCKET: 'state-bucket',
      SSM_LAB_ACKNOWLEDGE:
        'SSMLAB-SG-1@lab-ssh=workshop with changing addresses; SSMLAB-EC2-3@lab-ssm-nat = demo of a mistake',
    });
    expect(config.labName).toBe('team-a');
    expect(config.stateBackend).toEqual({
      bucket: 'state-bucket',
      keyPrefix: 'ssm-access-lab',
      region: 'ap-northeast-1',
    });
    expect(config.acknowledgements).toEqual([
      { ruleId: 'SSMLAB-SG-1', stack: 'lab-ssh', reason: 'workshop with changing addresses' },
      { ruleId: 'SSMLAB-EC2-3', stack: 'lab-ssm-nat', reason: 'demo of a mistake' },
    ]);
    expect(loadConfig({}).stateBackend).toBeUndefined();
    expect(loadConfig({}).sshOverSessionManager).toBe(false);
  });

  test('GIVEN a plain decimal volume size WHEN loaded THEN it is taken', () => {
    expect(loadConfig({ SSM_LAB_ROOT_VOLUME_GIB: '016' }).rootVolumeGiB).toBe(16);
  });

  test('GIVEN an unknown setting WHEN loaded THEN the message suggests one name, not the whole list', () => {
    expect(errorOf({ SSM_LAB_REGOIN: 'us-east-1' }).message).not.toContain('SSM_LAB_VPC1_CIDR');
  });

  test('GIVEN blank values WHEN loaded THEN they count as unset', () => {
    expect(loadConfig({ SSM_LAB_REGION: '  ', SSM_LAB_AMI_ID: '' }).region).toBe(DEFAULTS.region);
  });

  const badValues: [string, Record<string, string>, string, string, string][] = [
    ['a malformed CIDR', { SSM_LAB_VPC1_CIDR: '10.0.0.0/33' }, SETTINGS.vpc1Cidr, '10.0.0.0/33', 'an IPv4 CIDR block'],
    ['a CIDR with host bits', { SSM_LAB_VPC2_CIDR: '10.1.0.1/16' }, SETTINGS.vpc2Cidr, '10.1.0.1/16', 'no host bits'],
    ['VPC too large', { SSM_LAB_VPC1_CIDR: '10.0.0.0/8' }, SETTINGS.vpc1Cidr, '10.0.0.0/8', 'between /16 and /28'],
    [
      'subnet outside its VPC',
      { SSM_LAB_PUBLIC_SUBNET_CIDR: '10.9.1.0/24' },
      SETTINGS.publicSubnetCidr,
      '10.9.1.0/24',
      'a subnet inside SSM_LAB_VPC1_CIDR=10.0.0.0/16',
    ],
    [
      'subnet 2 outside VPC 2',
      { SSM_LAB_PRIVATE_SUBNET2_CIDR: '10.0.3.0/24' },
      SETTINGS.privateSubnet2Cidr,
      '10.0.3.0/24',
      'inside SSM_LAB_VPC2_CIDR=10.1.0.0/16',
    ],
    [
      'overlapping subnets',
      { SSM_LAB_PRIVATE_SUBNET1_CIDR: '10.0.1.128/25' },
      SETTINGS.privateSubnet1Cidr,
      '10.0.1.128/25',
      'does not overlap SSM_LAB_PUBLIC_SUBNET_CIDR=10.0.1.0/24',
    ],
    [
      'unknown endpoint service',
      { SSM_LAB_ENDPOINT_SERVICES: 'ssm,ssmmessages,s4' },
      SETTINGS.endpointServices,
      's4',
      'ec2messages',
    ],
    [
      'endpoint set without ssmmessages',
      { SSM_LAB_ENDPOINT_SERVICES: 'ssm' },
      SETTINGS.endpointServices,
      'ssm',
      'including ssm and ssmmessages',
    ],
    ['malformed region', { SSM_LAB_REGION: 'tokyo' }, SETTINGS.region, 'tokyo', 'an AWS region name'],
    [
      'AZ of another region',
      { SSM_LAB_VPC1_AZ: 'us-east-1a' },
      SETTINGS.vpc1AvailabilityZone,
      'us-east-1a',
      'an Availability Zone of ap-northeast-1',
    ],
    [
      'malformed AZ',
      { SSM_LAB_VPC2_AZ: 'ap-northeast-1-c' },
      SETTINGS.vpc2AvailabilityZone,
      'ap-northeast-1-c',
      'such as ap-northeast-1a',
    ],
    [
      'unknown architecture',
      { SSM_LAB_INSTANCE_ARCH: 'riscv64' },
      SETTINGS.instanceArchitecture,
      'riscv64',
      'arm64 or x86_64',
    ],
    [
      'unreadable instance type',
      { SSM_LAB_INSTANCE_TYPE: 'mac2.metal' },
      SETTINGS.instanceType,
      'mac2.metal',
      'also set SSM_LAB_INSTANCE_ARCH',
    ],
    ['malformed AMI', { SSM_LAB_AMI_ID: 'ami-xyz' }, SETTINGS.amiId, 'ami-xyz', 'an AMI id'],
    ['root volume too small', { SSM_LAB_ROOT_VOLUME_GIB: '4' }, SETTINGS.rootVolumeGiB, '4', 'from 8'],
    [
      'root volume not a number',
      { SSM_LAB_ROOT_VOLUME_GIB: 'big' },
      SETTINGS.rootVolumeGiB,
      'big',
      'a whole number of GiB',
    ],
    [
      'malformed SSH CIDR',
      { SSM_LAB_SSH_ALLOWED_CIDRS: '203.0.113.7' },
      SETTINGS.sshAllowedCidrs,
      '203.0.113.7',
      'IPv4 CIDRs',
    ],
    [
      'malformed public key',
      { SSM_LAB_SSH_PUBLIC_KEY: 'not a key' },
      SETTINGS.sshPublicKey,
      'not a key',
      'an OpenSSH public key',
    ],
    [
      'two keys',
      { SSM_LAB_SSH_KEY_NAME: 'mine', SSM_LAB_SSH_PUBLIC_KEY: 'ssh-ed25519 AAAA' },
      SETTINGS.sshPublicKey,
      'ssh-ed25519 AAAA',
      'to be unset when SSM_LAB_SSH_KEY_NAME is set',
    ],
    [
      'misspelt setting',
      { SSM_LAB_REGOIN: 'us-east-1' },
      'SSM_LAB_REGOIN',
      'us-east-1',
      'a known setting (did you mean SSM_LAB_REGION?)',
    ],
    [
      'a setting one letter off',
      { SSM_LAB_VPC_CIDR: '10.0.0.0/16' },
      'SSM_LAB_VPC_CIDR',
      '10.0.0.0/16',
      'did you mean SSM_LAB_VPC1_CIDR?',
    ],
    [
      'a name like no setting',
      { SSM_LAB_COMPLETELY_DIFFERENT: 'x' },
      'SSM_LAB_COMPLETELY_DIFFERENT',
      'x',
      'a known setting (see the table in docs/settings.md)',
    ],
    [
      'a hexadecimal volume size',
      { SSM_LAB_ROOT_VOLUME_GIB: '0x10' },
      SETTINGS.rootVolumeGiB,
      '0x10',
      'a whole number of GiB',
    ],
    [
      'an exponent volume size',
      { SSM_LAB_ROOT_VOLUME_GIB: '1e1' },
      SETTINGS.rootVolumeGiB,
      '1e1',
      'a whole number of GiB',
    ],
    [
      'a fractional volume size',
      { SSM_LAB_ROOT_VOLUME_GIB: '10.0' },
      SETTINGS.rootVolumeGiB,
      '10.0',
      'a whole number of GiB',
    ],
    ['a bad tag', { SSM_LAB_PROJECT_TAG: 'a#b' }, SETTINGS.projectTag, 'a#b', 'a tag value'],
    [
      'SSH over SSM without a key',
      { SSM_LAB_SSH_OVER_SSM: 'true' },
      SETTINGS.sshOverSessionManager,
      'true',
      'still needs a key pair',
    ],
    [
      'a non-boolean switch',
      { SSM_LAB_SSH_OVER_SSM: 'maybe' },
      SETTINGS.sshOverSessionManager,
      'maybe',
      'true or false',
    ],
    ['a bad lab name', { SSM_LAB_NAME: 'Team_A' }, SETTINGS.labName, 'Team_A', 'a lab name of 2-20 lowercase'],
    ['a bad bucket', { SSM_LAB_STATE_BUCKET: 'Bad_Bucket' }, SETTINGS.stateBucket, 'Bad_Bucket', 'an S3 bucket name'],
    [
      'a key prefix without a bucket',
      { SSM_LAB_STATE_KEY_PREFIX: 'labs' },
      SETTINGS.stateKeyPrefix,
      'labs',
      'SSM_LAB_STATE_BUCKET to be set too',
    ],
    [
      'a key prefix with a leading slash',
      { SSM_LAB_STATE_BUCKET: 'state-bucket', SSM_LAB_STATE_KEY_PREFIX: '/labs' },
      SETTINGS.stateKeyPrefix,
      '/labs',
      'no leading or trailing /',
    ],
    [
      'an unknown guardrail id',
      { SSM_LAB_ACKNOWLEDGE: 'CKV_AWS_24@lab-ssh=because we must' },
      SETTINGS.acknowledgements,
      'CKV_AWS_24@lab-ssh=because we must',
      'a rule id from SSMLAB-SG-1',
    ],
    [
      'an acknowledgement without a reason',
      { SSM_LAB_ACKNOWLEDGE: 'SSMLAB-SG-1@lab-ssh=ok' },
      SETTINGS.acknowledgements,
      'SSMLAB-SG-1@lab-ssh=ok',
      'a reason of at least 10 characters',
    ],
  ];

  test.each(badValues)(
    'GIVEN %s WHEN loaded THEN one line names setting, value and expectation',
    (_, env, setting, value, expected) => {
      const error = errorOf(env);
      expect(error.setting).toBe(setting);
      expect(error.value).toBe(value);
      expect(error.message).toContain(`${setting}=${JSON.stringify(value)} is invalid: expected `);
      expect(error.message).toContain(expected);
      expect(error.message).not.toContain('\n');
    },
  );
});

describe('the settings table', () => {
  test('GIVEN the table WHEN listed THEN every variable is SSM_LAB_*, unique, documented, and a LabConfig field', () => {
    const variables = SETTINGS_TABLE.variables;
    expect(new Set(variables).size).toBe(variables.length);
    for (const { key, setting } of SETTINGS_TABLE.rows) {
      expect(setting.variable).toMatch(/^SSM_LAB_[A-Z0-9_]+$/);
      expect(setting.doc.length).toBeGreaterThan(2);
      expect(Object.keys(DEFAULTS)).toContain(key);
    }
    // Every row of the settings table has a variable, a default and a meaning.
    const rows = SETTINGS_TABLE.markdown().split('\n').slice(2);
    expect(rows).toHaveLength(variables.length);
    for (const row of rows) expect(row).toMatch(/^\| `SSM_LAB_[A-Z0-9_]+` \| \S.* \| \S.* \|$/);
  });

  test('GIVEN docs/settings.md WHEN its settings table is read THEN it lists exactly the table and the tool variables, in order', () => {
    const section = fs.readFileSync(path.join(__dirname, '..', 'docs', 'settings.md'), 'utf8');
    const listed = [...section.matchAll(/^\| `(SSM_LAB_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(listed.slice(0, SETTINGS_TABLE.variables.length + TOOL_VARIABLE_NAMES.length)).toEqual([
      ...SETTINGS_TABLE.variables,
      ...TOOL_VARIABLE_NAMES,
    ]);
  });

  test('GIVEN a tool variable WHEN loaded without it being declared THEN it is unknown; declared, it is accepted', () => {
    expect(errorOf({ SSM_LAB_DEBUG: '1' }).message).toContain('SSM_LAB_DEBUG="1" is invalid: expected a known setting');
    expect(loadConfig({ SSM_LAB_DEBUG: '1' }, { otherVariables: TOOL_VARIABLE_NAMES }).region).toBe('ap-northeast-1');
  });

  test('GIVEN a new entry added to the table WHEN read THEN it is typed, defaulted, checked against earlier settings and documented', () => {
    const table = SETTINGS_TABLE.add('maintenanceHours', {
      variable: 'SSM_LAB_MAINTENANCE_HOURS',
      defaultDoc: '`4`',
      doc: 'hours the lab may live',
      default: '4',
      parse: (text, context) => {
        const hours = /^\d+$/.test(text) ? Number(text) : context.invalid('a whole number of hours');
        // A cross-field rule reads an earlier setting, typed.
        if (context.earlier.labName === 'ssm-lab' && hours > 8) context.invalid('at most 8 hours for the default lab');
        return hours;
      },
    });
    const hours: number = table.read({}).maintenanceHours;
    expect(hours).toBe(4);
    expect(table.read({ SSM_LAB_MAINTENANCE_HOURS: '6' }).maintenanceHours).toBe(6);
    expect(() => table.read({ SSM_LAB_MAINTENANCE_HOURS: '12' })).toThrow(
      'SSM_LAB_MAINTENANCE_HOURS="12" is invalid: expected at most 8 hours for the default lab',
    );
    expect(table.read({ SSM_LAB_MAINTENANCE_HOURS: '12', SSM_LAB_NAME: 'team-a' }).maintenanceHours).toBe(12);
    expect(table.markdown()).toContain('| `SSM_LAB_MAINTENANCE_HOURS` | `4` | hours the lab may live |');
    expect(table.variables).toContain('SSM_LAB_MAINTENANCE_HOURS');
  });

  test('GIVEN defaults that depend on earlier settings WHEN another VPC is set THEN the default subnets are checked against it', () => {
    const error = errorOf({ SSM_LAB_VPC1_CIDR: '192.168.0.0/16' });
    expect(error.setting).toBe(SETTINGS.publicSubnetCidr);
    expect(error.message).toBe(
      'SSM_LAB_PUBLIC_SUBNET_CIDR="10.0.1.0/24" is invalid: expected a subnet inside SSM_LAB_VPC1_CIDR=192.168.0.0/16',
    );
    expect(loadConfig({ SSM_LAB_STATE_BUCKET: 'b-bucket', SSM_LAB_REGION: 'eu-west-1' }).stateBackend).toEqual({
      bucket: 'b-bucket',
      keyPrefix: 'ssm-access-lab',
      region: 'eu-west-1',
    });
  });
});
