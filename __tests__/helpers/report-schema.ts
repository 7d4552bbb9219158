import * as fs from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';

/** The JSON Schema users reference for `--format json` (docs/review-report.schema.json). */
export const REPORT_SCHEMA_FILE = path.join(__dirname, '..', '..', 'docs', 'review-report.schema.json');

let validator: ReturnType<Ajv2020['compile']> | undefined;

/**
 * The schema's errors for a document (empty when it conforms), by Ajv in strict mode: a schema
 * keyword Ajv does not know fails the compile. Formats (`date`) are annotations here.
 */
export function reportSchemaErrors(document: unknown): string[] {
  validator ??= new Ajv2020({ allErrors: true, strict: true, validateFormats: false }).compile(
    JSON.parse(fs.readFileSync(REPORT_SCHEMA_FILE, 'utf8')),
  );
  if (validator(document)) return [];
  return (validator.errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`,
  );
}
