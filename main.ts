import { App } from 'cdktf';
import { loadConfig } from './lib/config';
import { addLabStacks } from './stacks';

// Everything is validated before app.synth(), so a bad setting never half-writes cdktf.out.
try {
  const config = loadConfig(process.env);
  const app = new App();
  addLabStacks(app, config);
  app.synth();
} catch (error) {
  process.stderr.write(`ssm-access-lab: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.SSM_LAB_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}
