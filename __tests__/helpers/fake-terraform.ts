import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A `terraform` that answers like the real one without planning: plan fails unless `planSucceeds`. */
export function fakeTerraform(planSucceeds = false): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-terraform-'));
  const script = path.join(dir, 'terraform');
  const plan = planSucceeds
    ? ''
    : 'if [ "$1" = plan ]; then echo "Error: Invalid provider configuration (fake)" >&2; exit 1; fi\n';
  fs.writeFileSync(
    script,
    `#!/bin/sh\n${plan}if [ "$1" = show ]; then echo '{"resource_changes":[]}'; exit 0; fi\necho "Terraform v0.0.0-fake"\nexit 0\n`,
  );
  fs.chmodSync(script, 0o755);
  return script;
}
