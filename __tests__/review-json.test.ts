import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { errorDocument, renderJson, reportDocument, REPORT_SCHEMA_VERSION } from '../tools/review/render/json';
import { reviewPlan } from '../tools/review/review';
import { readPlanFile } from '../tools/review/sources/plan-file';
import { PlanJson, ResourceChange } from '../tools/terraform-json';
import { blockOf } from './helpers/review-text';
import { REPORT_SCHEMA_FILE, reportSchemaErrors } from './helpers/report-schema';

// `--format json`: the assessment as the documented, versioned document, checked against the
// JSON Schema users reference (docs/review-report.schema.json) by Ajv, and against the text the
// same review prints: the two renderers draw one assessment.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generatedPlan } = require('../scripts/generated-plan') as { generatedPlan: (n: number) => PlanJson };

/**
 * The bench's generated plan (40 instances in two VPCs) as a plan against deployed resources:
 * every resource deployed with made-up ids, then the plan deletes the first VPC's default route
 * and replaces one instance.
 */
function deployedPlan(): PlanJson {
  const plan = generatedPlan(40);
  let next = 0;
  const changes = (plan.resource_changes ?? []).map((change): ResourceChange => {
    const values = {
      ...change.change.after,
      id: `${change.type.slice(4, 7)}-${(next++).toString(16).padStart(8, '0')}`,
    };
    return { ...change, change: { actions: ['no-op'], before: values, after: values, after_unknown: {} } };
  });
  const route = changes.find((change) => change.type === 'aws_route')!;
  const instance = changes.filter((change) => change.type === 'aws_instance')[3];
  Object.assign(route, { change: { ...route.change, actions: ['delete'], after: null } });
  Object.assign(instance, { change: { ...instance.change, actions: ['delete', 'create'], replace_paths: [['ami']] } });
  return { ...plan, resource_changes: changes };
}

describe('the JSON report', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-json-'));
  const file = path.join(dir, 'plan.json');
  fs.writeFileSync(file, JSON.stringify(deployedPlan()));
  const review = reviewPlan(file, readPlanFile(file));
  const document = JSON.parse(renderJson(review.assessment));

  test('GIVEN the schema file WHEN compiled by Ajv in strict mode THEN it is a valid 2020-12 schema whose major version is the report’s', () => {
    const schema = JSON.parse(fs.readFileSync(REPORT_SCHEMA_FILE, 'utf8'));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(reportSchemaErrors({ schemaVersion: REPORT_SCHEMA_VERSION, exitCode: 1, error: { message: 'x' } })).toEqual(
      [],
    );
    expect(REPORT_SCHEMA_VERSION).toMatch(new RegExp(schema.$defs.schemaVersion.pattern));
  });

  test('GIVEN a plan that cuts a route and replaces an instance WHEN rendered as JSON THEN the document conforms to the schema, and its exit code is the review’s', () => {
    expect(reportSchemaErrors(document)).toEqual([]);
    expect(document).toMatchObject({ schemaVersion: REPORT_SCHEMA_VERSION, mode: 'plan', exitCode: 2 });
    expect(review.exitCode).toBe(2);
    expect(document.source).toEqual({ file, kind: 'plan' });
  });

  test('GIVEN the same review WHEN the JSON and the text are compared THEN each headline is the text’s, with its kind, instance and causes as data', () => {
    const printed = review.text
      .split('\n')
      .filter((line) => line.startsWith('  ! '))
      .map((line) => line.slice(4));
    expect(document.headlines.map((headline: { text: string }) => headline.text)).toEqual(printed);
    const cuts = document.headlines.filter((headline: { kind: string }) => headline.kind === 'path-cut');
    expect(cuts.length).toBeGreaterThan(0);
    for (const cut of cuts) {
      expect(cut).toMatchObject({ path: 'sessionManager', instanceDestroyed: false });
      expect(cut.causes).toEqual([
        {
          kind: 'delete',
          resource: 'module.vpc["v0"].aws_route.public_default',
          route: { destination: '0.0.0.0/0', target: expect.any(String) },
        },
      ]);
    }
    expect(document.headlines.filter((headline: { kind: string }) => headline.kind === 'instance-replaced')).toEqual([
      expect.objectContaining({ instance: expect.objectContaining({ id: 'module.app["v0"].aws_instance.this[3]' }) }),
    ]);
  });

  test('GIVEN the same review WHEN each instance is read THEN its verdicts after are the lines the text prints, and before are what is deployed', () => {
    expect(document.instances).toHaveLength(40);
    for (const instance of document.instances) {
      const lines = blockOf(review.text, instance.address).filter((line) => !line.startsWith('Assumed: '));
      expect([instance.after.sessionManager.text, instance.after.ssh.text]).toEqual(lines);
      expect(instance.before.sessionManager.reachable).toBe(true);
    }
    expect(document.instances.find((instance: { id: string }) => instance.id.endsWith('this[3]')).change).toBe(
      'replace',
    );
    expect(document.cost).toMatchObject({ region: 'us-east-1', regionFromPlan: false, lowerBound: false });
    expect(document.cost.usdPerHour).toBeGreaterThan(0);
  });

  test('GIVEN documents that break the contract WHEN validated THEN the schema refuses them: a missing field, an unknown one, a null, a new exit code', () => {
    const { headlines: _dropped, ...missing } = document;
    expect(reportSchemaErrors(missing)).not.toEqual([]);
    expect(reportSchemaErrors({ ...document, extra: true })).not.toEqual([]);
    expect(reportSchemaErrors({ ...document, cost: { ...document.cost, usdPerHour: null } })).not.toEqual([]);
    expect(reportSchemaErrors({ ...document, exitCode: 3 })).not.toEqual([]);
    expect(reportSchemaErrors({ ...document, schemaVersion: '2.0' })).not.toEqual([]);
  });

  test('GIVEN a run that cannot review WHEN the error object is written THEN it conforms, exit code 1, with the message', () => {
    const error = JSON.parse(errorDocument('--plan x.json: cannot read it (ENOENT)'));
    expect(reportSchemaErrors(error)).toEqual([]);
    expect(error).toEqual({
      schemaVersion: REPORT_SCHEMA_VERSION,
      exitCode: 1,
      error: { message: '--plan x.json: cannot read it (ENOENT)' },
    });
  });

  test('GIVEN an unknown price WHEN rendered THEN the number is left out, never null', () => {
    const text = JSON.stringify(reportDocument(review.assessment));
    expect(text).not.toContain('null');
  });
});
