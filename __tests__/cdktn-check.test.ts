import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The comparison behind `npm run test:cdktn` (scripts/cdktn-check.js), on synth folders written here:
// it must pass two synths that differ only in the libraries' version stamps, and catch anything else.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compareSynths } = require('../scripts/cdktn-check.js') as {
  compareSynths(ours: string, theirs: string, versions: { ours: string; theirs: string }): string[];
};

const VERSIONS = { ours: '0.21.0', theirs: '0.24.0' };

/** A synth folder: manifest.json and one stack, stamped with a library version. */
function synthFolder(version: string, stack: Record<string, unknown> = {}, name = 'lab-ssh'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-cdktn-test-'));
  fs.mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ version, stacks: { [name]: { annotations: [] } } }),
  );
  const document = {
    '//': { metadata: { backend: 'local', stackName: name, version } },
    resource: { aws_instance: { lab: { instance_type: 't4g.nano', metadata_options: { http_tokens: 'required' } } } },
    ...stack,
  };
  fs.writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(document, null, 2));
  return dir;
}

describe('the cdktn comparison', () => {
  test('GIVEN two synths that differ in the version stamps and formatting only WHEN compared THEN there is no problem', () => {
    const ours = synthFolder(VERSIONS.ours);
    const theirs = synthFolder(VERSIONS.theirs);
    // Formatting is not a difference: the fork may print JSON its own way.
    const stack = path.join(theirs, 'stacks', 'lab-ssh', 'cdk.tf.json');
    fs.writeFileSync(stack, JSON.stringify(JSON.parse(fs.readFileSync(stack, 'utf8'))));
    expect(compareSynths(ours, theirs, VERSIONS)).toEqual([]);
  });

  test('GIVEN a changed attribute WHEN compared THEN it is named with its path and both values', () => {
    const ours = synthFolder(VERSIONS.ours);
    const theirs = synthFolder(VERSIONS.theirs, {
      resource: { aws_instance: { lab: { instance_type: 't4g.nano', metadata_options: { http_tokens: 'optional' } } } },
    });
    expect(compareSynths(ours, theirs, VERSIONS)).toEqual([
      'stacks/lab-ssh/cdk.tf.json /resource/aws_instance/lab/metadata_options/http_tokens: "required" → "optional"',
    ]);
  });

  test('GIVEN the same library on both sides WHEN compared THEN the missing stamp says the alias did not take', () => {
    const problems = compareSynths(synthFolder(VERSIONS.ours), synthFolder(VERSIONS.ours), VERSIONS);
    expect(problems).toEqual([
      'manifest.json /version: not "0.21.0" → "0.24.0"',
      'stacks/lab-ssh/cdk.tf.json /"//"/metadata/version: not "0.21.0" → "0.24.0"',
    ]);
  });

  test('GIVEN a stack only one side wrote WHEN compared THEN both the missing and the extra file are named', () => {
    const problems = compareSynths(synthFolder(VERSIONS.ours), synthFolder(VERSIONS.theirs, {}, 'lab-eice'), VERSIONS);
    expect(problems).toEqual(
      expect.arrayContaining([
        'stacks/lab-ssh/cdk.tf.json: only in ours',
        'stacks/lab-eice/cdk.tf.json: only with cdktn',
        'manifest.json /stacks/lab-ssh: {"annotations":[]} → undefined',
      ]),
    );
  });
});
