import { ConfigurationEvaluator, ModuleConfig, PlannedInstance } from '../tools/review/model/hcl-evaluate';
import { parseExpression } from '../tools/review/model/hcl-expression';

// The evaluator against a plan written by hand: each case is a shape the public modules use, and
// what Terraform itself would pick. Values known only after apply stand for their instances.

const unknownId = (address: string, index?: string | number): PlannedInstance => ({
  address,
  index,
  after: {},
  afterUnknown: { id: true, name: true },
});

function module(resources: ModuleConfig['resources'], extra: Partial<ModuleConfig> = {}): ModuleConfig {
  return { dir: '.', locals: {}, variables: {}, outputs: {}, moduleCalls: {}, resources, ...extra };
}

describe('HCL expressions', () => {
  test('GIVEN conditionals, for expressions, splats and objects WHEN parsed THEN the tree has their structure', () => {
    expect(parseExpression('var.a ? b.c[0].id : null')).toMatchObject({ k: 'cond', c: { k: 'attr', name: 'a' } });
    expect(parseExpression('[for k, v in var.m : v.id if v.on]')).toMatchObject({ k: 'for', keyVar: 'k', valVar: 'v' });
    expect(parseExpression('aws_subnet.x.*.id')).toMatchObject({ k: 'splat' });
    expect(parseExpression('{ a = 1, "b" = 2 }')).toMatchObject({ k: 'object' });
  });
});

describe('ConfigurationEvaluator', () => {
  test('GIVEN a local try() over an association with count 0 and the VPC WHEN a subnet reads it THEN it is the VPC, exactly', () => {
    const vpc = module(
      {
        'aws_vpc.this': { count: '${var.create ? 1 : 0}' },
        'aws_vpc_ipv4_cidr_block_association.this': { count: 0, vpc_id: '${aws_vpc.this[0].id}' },
        'aws_subnet.private': { count: 2, vpc_id: '${local.vpc_id}' },
      },
      {
        locals: { vpc_id: '${try(aws_vpc_ipv4_cidr_block_association.this[0].vpc_id, aws_vpc.this[0].id, "")}' },
        variables: { create: { default: true } },
      },
    );
    const evaluator = new ConfigurationEvaluator(
      new Map([['', vpc]]),
      [unknownId('aws_vpc.this[0]', 0), unknownId('aws_subnet.private[0]', 0), unknownId('aws_subnet.private[1]', 1)],
      {},
    );
    const subnet = evaluator.evaluate('aws_subnet.private[1]', 1)!;
    expect(subnet.references.vpc_id).toEqual(['aws_vpc.this[0]']);
    expect(subnet.alternatives.size).toBe(0);
  });

  test('GIVEN element() of a splat by count.index and a legacy concat()[0] WHEN evaluated THEN each instance takes its own element', () => {
    const root = module({
      'aws_subnet.a': { count: 2 },
      'aws_security_group.named': { count: 0 },
      'aws_security_group.prefixed': { count: 1 },
      'aws_instance.x': {
        count: 2,
        subnet_id: '${element(aws_subnet.a[*].id, count.index)}',
        vpc_security_group_ids: ['${concat(aws_security_group.named.*.id, aws_security_group.prefixed.*.id, [""])[0]}'],
      },
    });
    const evaluator = new ConfigurationEvaluator(
      new Map([['', root]]),
      [
        unknownId('aws_subnet.a[0]', 0),
        unknownId('aws_subnet.a[1]', 1),
        unknownId('aws_security_group.prefixed[0]', 0),
        unknownId('aws_instance.x[1]', 1),
      ],
      {},
    );
    const second = evaluator.evaluate('aws_instance.x[1]', 1)!;
    expect(second.references.subnet_id).toEqual(['aws_subnet.a[1]']);
    expect(second.references.vpc_security_group_ids).toEqual(['aws_security_group.prefixed[0]']);
  });

  test('GIVEN a condition on a value known only after apply WHEN evaluated THEN both candidates are kept, as alternatives', () => {
    const root = module({
      'aws_subnet.a': {},
      'aws_subnet.b': {},
      'aws_instance.x': { subnet_id: '${aws_subnet.a.id != "" ? aws_subnet.a.id : aws_subnet.b.id}' },
    });
    const evaluator = new ConfigurationEvaluator(
      new Map([['', root]]),
      [unknownId('aws_subnet.a'), unknownId('aws_subnet.b'), unknownId('aws_instance.x')],
      {},
    );
    const instance = evaluator.evaluate('aws_instance.x', undefined)!;
    expect(instance.references.subnet_id.sort()).toEqual(['aws_subnet.a', 'aws_subnet.b']);
    expect([...instance.alternatives]).toEqual(['subnet_id']);
  });

  test('GIVEN a dynamic block over a module variable and distinct() of ids known only after apply WHEN evaluated THEN the block is written and no id is merged with another', () => {
    const child = module(
      {
        'aws_security_group.this': {
          dynamic: { ingress: [{ for_each: '${var.sources}', content: [{ security_groups: ['${ingress.value}'] }] }] },
        },
        'aws_vpc_endpoint.this': { subnet_ids: '${distinct(concat(var.subnets, []))}' },
      },
      { variables: { sources: {}, subnets: {} } },
    );
    const root = module(
      { 'aws_security_group.peer': {}, 'aws_subnet.a': { count: 2 } },
      {
        moduleCalls: {
          m: {
            source: './m',
            sources: '${[aws_security_group.peer.id]}',
            subnets: '${aws_subnet.a[*].id}',
          },
        },
      },
    );
    const evaluator = new ConfigurationEvaluator(
      new Map([
        ['', root],
        ['module.m.', child],
      ]),
      [
        unknownId('aws_security_group.peer'),
        unknownId('aws_subnet.a[0]', 0),
        unknownId('aws_subnet.a[1]', 1),
        unknownId('module.m.aws_security_group.this'),
        unknownId('module.m.aws_vpc_endpoint.this'),
      ],
      {},
    );
    const group = evaluator.evaluate('module.m.aws_security_group.this', undefined)!;
    expect(group.written.has('ingress')).toBe(true);
    expect(group.references.ingress).toEqual(['aws_security_group.peer']);
    expect(evaluator.evaluate('module.m.aws_vpc_endpoint.this', undefined)!.references.subnet_ids).toEqual([
      'aws_subnet.a[0]',
      'aws_subnet.a[1]',
    ]);
  });
});
