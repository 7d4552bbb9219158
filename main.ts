import { synthesizeAtomically } from './lib/atomic-synth';
import { loadConfig, SETTINGS } from './lib/config';
import { describeFinding } from './lib/guardrails';
import { recordTokenCreationStacks } from './lib/token-creation-stacks';
import { addLabStacks } from './stacks';
import { debugging, TOOL_VARIABLE_NAMES } from './tools/variables';

// Configuration and guardrails are checked before anything is written; the synth itself goes to a
// staging folder that replaces cdktf.out only when every stack succeeded.
recordTokenCreationStacks(debugging());
try {
  const config = loadConfig(process.env, { otherVariables: TOOL_VARIABLE_NAMES });
  synthesizeAtomically(process.env.CDKTF_OUTDIR || 'cdktf.out', (app) => {
    const { guardrails } = addLabStacks(app, config);
    for (const finding of guardrails.check(app).filter((f) => f.acknowledgement)) {
      process.stderr.write(
        `ssm-access-lab: acknowledged ${describeFinding(finding)} — reason: ${finding.acknowledgement!.reason}\n`,
      );
    }
    for (const ack of guardrails.unusedAcknowledgements()) {
      process.stderr.write(
        `ssm-access-lab: warning: ${SETTINGS.acknowledgements} entry ${ack.ruleId}@${ack.stack} matches no finding\n`,
      );
    }
  });
} catch (error) {
  process.stderr.write(`ssm-access-lab: ${error instanceof Error ? error.message : String(error)}\n`);
  if (debugging() && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}
