import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { combinedState, rootModule, unitOf, unitPlan } from '../tools/plan-together';
import { PlanJson } from '../tools/terraform-json';

// The root module that plans several stacks at once, and how its plan is cut back into one plan
// per stack. review-terraform.test.ts compares the cut plans with plans Terraform made alone.

function stackFolder(parent: string, name: string, json: unknown): string {
  const dir = path.join(parent, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(json));
  return dir;
}

describe('rootModule', () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-together-'));
  const endpoints = stackFolder(parent, 'ssm-endpoints', {
    variable: {
      ttl: { type: 'string', default: '', description: 'x', validation: [{ condition: 'true', error_message: 'x' }] },
      secret: { type: 'string', sensitive: true, nullable: false },
    },
    output: { endpoint_ids: { value: '${x}' }, token: { value: '${y}', sensitive: true } },
  });
  const network = stackFolder(parent, 'lab-network', { resource: {} });

  test('GIVEN two stacks WHEN the root is written THEN each is a module, its variables and outputs forwarded under <stack>__<name>', () => {
    expect(
      rootModule(
        [
          { name: 'ssm-endpoints', dir: endpoints },
          { name: 'lab-network', dir: network },
        ],
        path.join(parent, '.root'),
      ),
    ).toEqual({
      module: {
        'ssm-endpoints': {
          source: '../ssm-endpoints',
          ttl: '${var.ssm-endpoints__ttl}',
          secret: '${var.ssm-endpoints__secret}',
        },
        'lab-network': { source: '../lab-network' },
      },
      // Validation stays in the module, where its message names the module's own variable.
      variable: {
        'ssm-endpoints__ttl': { type: 'string', default: '' },
        'ssm-endpoints__secret': { type: 'string', sensitive: true, nullable: false },
      },
      output: {
        'ssm-endpoints__endpoint_ids': { value: '${module.ssm-endpoints.endpoint_ids}' },
        'ssm-endpoints__token': { value: '${module.ssm-endpoints.token}', sensitive: true },
      },
    });
  });

  test("GIVEN a stack outside the root folder's parent WHEN the root is written THEN it is refused (relative state paths would move)", () => {
    expect(() => rootModule([{ name: 'lab-network', dir: network }], path.join(parent, 'deeper', '.root'))).toThrow(
      `plan unit lab-network: ${network} is not a sibling of ${path.join(parent, 'deeper', '.root')}`,
    );
  });

  test('GIVEN a name with the separator or a dot WHEN the root is written THEN it is refused', () => {
    for (const name of ['a__b', 'a.b', '1a'])
      expect(() => rootModule([{ name, dir: network }], path.join(parent, '.root'))).toThrow(
        `plan unit name "${name}"`,
      );
  });

  test("GIVEN a stack that keeps its variables' own names WHEN the root is written THEN -var and -var-file written for it apply to the root as they are", () => {
    const root = rootModule(
      [
        { name: 'ssm-endpoints', dir: endpoints, ownVariableNames: true },
        { name: 'lab-network', dir: network },
      ],
      path.join(parent, '.root'),
    ) as { variable: Record<string, unknown>; module: Record<string, Record<string, unknown>> };
    expect(Object.keys(root.variable)).toEqual(['ttl', 'secret']);
    expect(root.module['ssm-endpoints']).toMatchObject({ ttl: '${var.ttl}', secret: '${var.secret}' });
    expect(() =>
      rootModule(
        [
          { name: 'ssm-endpoints', dir: endpoints, ownVariableNames: true },
          { name: 'lab-network', dir: network, ownVariableNames: true },
        ],
        path.join(parent, '.root'),
      ),
    ).toThrow("plan units ssm-endpoints, lab-network: only one may keep its variables' own names");
  });
});

describe('combinedState', () => {
  const provider = 'provider["registry.terraform.io/hashicorp/aws"]';
  const state = (
    terraformVersion: string,
    resources: Record<string, unknown>[],
    outputs: Record<string, { value: unknown; type: string }> = {},
  ) => ({
    version: 4,
    terraform_version: terraformVersion,
    serial: 7,
    lineage: 'x',
    outputs,
    resources,
  });

  test("GIVEN two stacks' states WHEN combined THEN each resource sits under its module, with that module's provider, and the outputs are forwarded", () => {
    const combined = combinedState(
      {
        'lab-network': state(
          '1.11.4',
          [{ mode: 'managed', type: 'aws_vpc', name: 'vpc1', provider, instances: [{ attributes: { id: 'vpc-1' } }] }],
          { vpc1_id: { value: 'vpc-1', type: 'string' } },
        ),
        'lab-ssm-nat': state('1.9.8', [
          {
            module: 'module.inner',
            mode: 'managed',
            type: 'aws_instance',
            name: 'x',
            provider: `module.inner.${provider}`,
            instances: [],
          },
        ]),
        'lab-ssh': undefined, // never deployed: nothing
      },
      'review-1',
    );
    expect(combined).toEqual({
      version: 4,
      terraform_version: '1.11.4',
      serial: 1,
      lineage: 'review-1',
      outputs: { 'lab-network__vpc1_id': { value: 'vpc-1', type: 'string' } },
      resources: [
        {
          module: 'module.lab-network',
          mode: 'managed',
          type: 'aws_vpc',
          name: 'vpc1',
          provider: `module.lab-network.${provider}`,
          instances: [{ attributes: { id: 'vpc-1' } }],
        },
        {
          module: 'module.lab-ssm-nat.module.inner',
          mode: 'managed',
          type: 'aws_instance',
          name: 'x',
          provider: `module.lab-ssm-nat.module.inner.${provider}`,
          instances: [],
        },
      ],
    });
  });

  test('GIVEN a state of another format WHEN combined THEN it is refused, naming the stack', () => {
    expect(() => combinedState({ old: { version: 3 } }, 'x')).toThrow(
      'the state of old has format version 3; expected 4 (Terraform 0.12 or later)',
    );
  });
});

describe('unitPlan', () => {
  // The shape `terraform show -json` gives for a root calling module "a" and module "b".
  const combined = {
    format_version: '1.2',
    terraform_version: '1.11.4',
    variables: { a__ttl: { value: '4h' } },
    planned_values: {
      outputs: { a__id: { sensitive: false }, b__name: { sensitive: false, value: 'n' } },
      root_module: {
        child_modules: [
          {
            address: 'module.a',
            resources: [{ address: 'module.a.aws_vpc.main', mode: 'managed', type: 'aws_vpc', name: 'main' }],
          },
          { address: 'module.b', resources: [{ address: 'module.b.aws_subnet.s', mode: 'managed' }] },
        ],
      },
    },
    resource_changes: [
      {
        address: 'module.a.aws_vpc.main',
        module_address: 'module.a',
        mode: 'managed',
        type: 'aws_vpc',
        name: 'main',
        change: { actions: ['create'], after: { cidr_block: '10.0.0.0/16' } },
      },
      { address: 'module.b.aws_subnet.s', module_address: 'module.b', change: { actions: ['no-op'] } },
    ],
    output_changes: { a__id: { actions: ['create'] }, b__name: { actions: ['no-op'] } },
    prior_state: { format_version: '1.0', values: { root_module: {} } },
    configuration: {
      provider_config: {
        'module.a:aws': { name: 'aws', module_address: 'module.a', expressions: { region: { constant_value: 'x' } } },
        'module.b:aws': { name: 'aws', module_address: 'module.b' },
      },
      root_module: {
        module_calls: {
          a: {
            source: '../a',
            module: { resources: [{ address: 'aws_vpc.main', provider_config_key: 'module.a:aws' }] },
          },
        },
      },
    },
    relevant_attributes: [
      { resource: 'module.a.aws_vpc.main', attribute: ['id'] },
      { resource: 'module.b.aws_subnet.s', attribute: ['id'] },
    ],
    checks: [
      { address: { kind: 'resource', module: 'module.a', to_display: 'module.a.aws_vpc.main' }, status: 'pass' },
    ],
    timestamp: '2026-11-25T00:00:00Z',
    applyable: true,
    complete: true,
    errored: false,
  } as unknown as PlanJson;

  test("GIVEN the plan of a root with modules a and b WHEN a's part is cut THEN it reads as if a had been the root", () => {
    expect(unitPlan(combined, 'a')).toEqual({
      format_version: '1.2',
      terraform_version: '1.11.4',
      variables: { ttl: { value: '4h' } },
      planned_values: {
        outputs: { id: { sensitive: false } },
        root_module: { resources: [{ address: 'aws_vpc.main', mode: 'managed', type: 'aws_vpc', name: 'main' }] },
      },
      resource_changes: [
        {
          address: 'aws_vpc.main',
          mode: 'managed',
          type: 'aws_vpc',
          name: 'main',
          change: { actions: ['create'], after: { cidr_block: '10.0.0.0/16' } },
        },
      ],
      output_changes: { id: { actions: ['create'] } },
      prior_state: { format_version: '1.0', values: { root_module: {} } },
      configuration: {
        provider_config: { aws: { name: 'aws', expressions: { region: { constant_value: 'x' } } } },
        root_module: { resources: [{ address: 'aws_vpc.main', provider_config_key: 'aws' }] },
      },
      relevant_attributes: [{ resource: 'aws_vpc.main', attribute: ['id'] }],
      checks: [{ address: { kind: 'resource', to_display: 'aws_vpc.main' }, status: 'pass' }],
      timestamp: '2026-11-25T00:00:00Z',
      applyable: true,
      complete: true,
      errored: false,
    });
  });

  test('GIVEN module b changes nothing WHEN its part is cut THEN it is not applyable, and holds none of a', () => {
    const b = unitPlan(combined, 'b') as PlanJson & { applyable: boolean; variables?: unknown };
    expect(b.applyable).toBe(false);
    expect(b.variables).toBeUndefined();
    expect(JSON.stringify(b)).not.toContain('aws_vpc');
    expect(b.output_changes).toEqual({ name: { actions: ['no-op'] } });
  });
});

describe('unitOf', () => {
  const units = [
    { name: 'lab-network', dir: '/x/stacks/lab-network' },
    { name: 'lab-ssh', dir: '/x/stacks/lab-ssh' },
  ];
  const diagnostic = (extra: object) => ({ severity: 'error' as const, summary: 's', detail: 'd', ...extra });

  test("GIVEN diagnostics of the root's plan WHEN attributed THEN by the module address, the block, or the unit's file a precondition points into", () => {
    expect(unitOf(diagnostic({ address: 'module.lab-network.aws_vpc.x' }), units)).toBe('lab-network');
    expect(unitOf(diagnostic({ snippet: { context: 'module.lab-ssh' } }), units)).toBe('lab-ssh');
    // A failed resource precondition names no module: its range is the unit's own file.
    expect(unitOf(diagnostic({ range: { filename: '../lab-ssh/cdk.tf.json' } }), units)).toBe('lab-ssh');
    expect(unitOf(diagnostic({ summary: 'No valid credential sources found' }), units)).toBeUndefined();
  });
});
