import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, Testing } from 'cdktf';
import { addLabStacks, StackName } from '../stacks';
import { configWith, DEFAULT_STACKS, resourcesOfType, SSH_OPERATOR_ENV, synthLab, tagsOf } from './helpers/synth';

const LAB_STACKS = DEFAULT_STACKS;
const S3_ENV = {
  SSM_LAB_STATE_BUCKET: 'team-terraform-state',
  SSM_LAB_STATE_KEY_PREFIX: 'platform/labs',
  SSM_LAB_STATE_REGION: 'eu-west-1',
};

describe('LabStack: state, names and tags shared by every stack', () => {
  test('GIVEN no bucket WHEN synthesized THEN every stack keeps a local state file beside the project', () => {
    const lab = synthLab();
    for (const name of LAB_STACKS) {
      expect(lab.stacks[name].terraform?.backend).toEqual({ local: { path: `../../../terraform.${name}.tfstate` } });
    }
  });

  test('GIVEN a state bucket WHEN synthesized THEN every stack uses S3 (encrypted, S3 lock file, a key per lab and stack) and remote state follows', () => {
    const lab = synthLab(configWith({ ...S3_ENV, SSM_LAB_NAME: 'team-a' }));
    for (const name of LAB_STACKS) {
      expect(lab.stacks[name].terraform?.backend).toEqual({
        s3: {
          bucket: 'team-terraform-state',
          key: `platform/labs/team-a/${name}.tfstate`,
          region: 'eu-west-1',
          encrypt: true,
          use_lockfile: true,
        },
      });
    }
    for (const name of ['lab-ssh', 'lab-ssm-endpoint', 'lab-ssm-nat', 'lab-ssm-public']) {
      expect(lab.stacks[name].data?.terraform_remote_state['cross-stack-reference-input-lab-network']).toEqual({
        backend: 's3',
        config: {
          bucket: 'team-terraform-state',
          key: 'platform/labs/team-a/lab-network.tfstate',
          region: 'eu-west-1',
          encrypt: true,
        },
        workspace: '${terraform.workspace}',
      });
    }
    expect(lab.stacks['ssm-endpoints'].data?.terraform_remote_state).toBeUndefined();
  });

  test('GIVEN a state bucket WHEN synthesized for the offline review THEN local state is kept (no account to reach S3)', () => {
    const lab = synthLab(configWith(S3_ENV), undefined, { offlineReview: true });
    expect(lab.stacks['lab-ssh'].terraform?.backend).toEqual({ local: { path: '../../../terraform.lab-ssh.tfstate' } });
  });

  test('GIVEN two lab names WHEN synthesized THEN resource names, tags and state files differ and stack names stay', () => {
    const [a, b] = ['team-a', 'team-b'].map((labName) =>
      synthLab(configWith({ ...SSH_OPERATOR_ENV, SSM_LAB_NAME: labName })),
    );
    for (const [lab, labName] of [
      [a, 'team-a'],
      [b, 'team-b'],
    ] as const) {
      expect(Object.keys(lab.stacks).sort()).toEqual(LAB_STACKS);
      const network = lab.stacks['lab-network'];
      expect(
        resourcesOfType(network, 'aws_vpc')
          .map((v) => tagsOf(v).Name)
          .sort(),
      ).toEqual([`${labName}-vpc1`, `${labName}-vpc2`]);
      expect(resourcesOfType(network, 'aws_iam_role')[0].name_prefix).toBe(`${labName}-instance-`);
      expect(resourcesOfType(network, 'aws_key_pair')[0].key_name_prefix).toBe(`${labName}-ssh-`);
      expect(lab.raw['lab-network']).toHaveProviderWithProperties(AwsProvider, {
        default_tags: [{ tags: expect.objectContaining({ Lab: labName }) }],
      });
      expect(network.terraform?.backend).toEqual({
        local: { path: `../../../terraform.${labName}.lab-network.tfstate` },
      });
      const sgNames = resourcesOfType(lab.stacks['lab-ssm-endpoint'], 'aws_security_group')
        .map((g) => g.name_prefix)
        .sort();
      expect(sgNames).toEqual([`${labName}-endpoints-`, `${labName}-ssm-endpoint-instance-`]);
      expect(tagsOf(resourcesOfType(lab.stacks['lab-ssm-nat'], 'aws_nat_gateway')[0]).Name).toBe(`${labName}-nat`);
      expect(tagsOf(resourcesOfType(lab.stacks['lab-ssm-public'], 'aws_instance')[0]).Name).toBe(
        `${labName}-ssm-public`,
      );
    }
  });

  test('GIVEN prefixed stack names asked for WHEN synthesized THEN every stack name carries the lab name', () => {
    const app = Testing.app();
    const stacks = addLabStacks(
      app as App,
      configWith({ SSM_LAB_NAME: 'team-b', SSM_LAB_PREFIX_STACK_NAMES: 'true', SSM_LAB_SESSION_AUDIT: 'true' }),
    );
    expect(
      [
        stacks.network,
        stacks.ssh,
        stacks.ssmPublic,
        stacks.ssmNat,
        stacks.ssmEndpoint,
        stacks.eice,
        stacks.sessionAudit!,
        stacks.temporaryEndpoints,
      ].map((s) => s.node.id),
    ).toEqual(Object.values(StackName).map((name) => `team-b-${name}`));
  });
});
