/** The app's resources by stack, type and logical id, with their Name tags: where `terraform import` adopts a leftover. */
import * as os from 'os';
import * as path from 'path';
import { App, TerraformResource, TerraformStack } from 'cdktf';
import { LabConfig } from '../../lib/config';
import { addLabStacks } from '../../stacks';

export /** Stack → Terraform type → logical id → Name tag, from the app as it is synthesized now. */
function synthesizedNames(config: LabConfig): Record<string, Record<string, Record<string, string | undefined>>> {
  const app = new App({ outdir: path.join(os.tmpdir(), 'ssm-lab-leftovers-unused'), stackTraces: false });
  addLabStacks(app, config);
  const names: Record<string, Record<string, Record<string, string | undefined>>> = {};
  for (const stack of app.node.children.filter(TerraformStack.isStack)) {
    for (const resource of stack.node
      .findAll()
      .filter((node): node is TerraformResource => node instanceof TerraformResource)) {
      const body = Object.values(
        (resource.toTerraform() as { resource: Record<string, Record<string, { tags?: Record<string, string> }>> })
          .resource[resource.terraformResourceType],
      )[0];
      const tags = body?.tags;
      ((names[stack.node.id] ??= {})[resource.terraformResourceType] ??= {})[resource.friendlyUniqueId] =
        typeof tags === 'object' ? tags?.Name : undefined;
    }
  }
  return names;
}
