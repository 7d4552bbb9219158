import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { TerraformLocal, TerraformOutput, TerraformVariable } from 'cdktf';
import { addPrecondition, addressOf, optionalAttribute, optionalAttributeHcl } from '../lib/terraform-address';
import { synthConstruct } from './helpers/synth';

describe('terraform-address', () => {
  test('GIVEN each kind of element WHEN addressed THEN the HCL name follows its logical id, overridden or not', () => {
    const addresses: string[] = [];
    synthConstruct((scope) => {
      const role = new IamRole(scope, 'role', { assumeRolePolicy: '{}' });
      role.overrideLogicalId('expiry');
      const region = new DataAwsRegion(scope, 'region', {});
      const local = new TerraformLocal(scope, 'deadline', 'x');
      const variable = new TerraformVariable(scope, 'ttl', { type: 'string' });
      addresses.push(
        addressOf(role),
        addressOf(region),
        addressOf(local),
        addressOf(variable),
        optionalAttributeHcl(role, 'arn'),
      );
    });
    expect(addresses).toEqual([
      'aws_iam_role.expiry',
      'data.aws_region.region',
      'local.deadline',
      'var.ttl',
      'one(aws_iam_role.expiry[*].arn)',
    ]);
  });

  test('GIVEN an optional attribute in a larger string WHEN synthesized THEN it renders as one interpolation', () => {
    const json = synthConstruct((scope) => {
      const role = new IamRole(scope, 'role', { assumeRolePolicy: '{}' });
      role.overrideLogicalId('expiry');
      role.addOverride('count', 0);
      new TerraformOutput(scope, 'arn', { value: `role ${optionalAttribute(role, 'arn')}` });
    });
    expect(json.output?.arn.value).toBe('role ${one(aws_iam_role.expiry[*].arn)}');
  });

  test('GIVEN a resource with a precondition WHEN another is added THEN both are kept, in order', () => {
    const json = synthConstruct((scope) => {
      const role = new IamRole(scope, 'role', {
        assumeRolePolicy: '{}',
        lifecycle: { precondition: [{ condition: '${true}', errorMessage: 'first' }] },
      });
      addPrecondition(role, { condition: '${1 == 1}', errorMessage: 'second' });
    });
    expect(Object.values(json.resource!.aws_iam_role)[0].lifecycle?.precondition?.map((p) => p.error_message)).toEqual([
      'first',
      'second',
    ]);
  });
});
