import * as fs from 'fs';
import * as path from 'path';
import { stripVTControlCharacters } from 'util';
import { checkOperatorAccess, isOperatorOutput, worldFromStates } from '../tools/review/rules/operator-access';
import { TerraformState } from '../tools/terraform-json';
import {
  asTyped,
  describeWithEmulator,
  emulatorShell,
  ignoreMotoPublicAddress,
  ownEmulator,
  projectCopy,
  readmeBlocks,
} from './helpers/aws-emulator';
import { Ran, run } from './helpers/processes';

// The README's deploy block with the session audit on, in another region than the default, against
// an implementation of the AWS APIs (moto's server, on a port of its own: split from
// aws-emulator.e2e.test.ts so that Jest's workers share the emulator tier): the operator
// policy the stacks print, read from Terraform's state, allows every command they print; the
// README's teardown runs as typed (docs/session-audit.md's, which keeps lab-network, is checked
// against cdktf's own stack selection in readme-commands.test.ts); `leftovers` finds nothing but
// the audit key in its deletion window. `cdktf` gets the emulator tier's two flags
// (--auto-approve, and --skip-provider-lock: its first init would ask the public registry for the
// provider's checksums, which this machine cannot reach).

describeWithEmulator(
  "the session audit deployed with the README's audit lines in another region, its operator policy read from Terraform state",
  () => {
    let endpoint: { url: string; stop: () => void };
    let shell: NodeJS.ProcessEnv;
    let auditProject: string;
    let deployed: Ran;
    // The README's lines with the other setting of each: another region, the audit on.
    const REGION = 'us-east-1';
    const typed = (...lines: string[]) => {
      const { lines: main, audit } = readmeBlocks();
      const settings = [main[0].replace('ap-northeast-1', REGION), audit[0]];
      return ['sh', ['-c', [...settings, ...lines].map(asTyped).join('\n')]] as const;
    };
    beforeAll(async () => {
      endpoint = await ownEmulator();
      shell = emulatorShell({ AWS_ENDPOINT_URL: endpoint.url });
      auditProject = projectCopy();
      ignoreMotoPublicAddress(auditProject);
      const { audit } = readmeBlocks();
      expect(audit[0]).toBe('export SSM_LAB_SESSION_AUDIT=true');
      deployed = await run(...typed(audit[1]), auditProject, shell);
    }, 300_000);

    afterAll(() => endpoint?.stop());

    const stateOf = (stack: string): TerraformState =>
      JSON.parse(fs.readFileSync(path.join(auditProject, `terraform.${stack}.tfstate`), 'utf8'));

    test("GIVEN the audited NAT scenario deployed WHEN its printed commands are evaluated against its printed policy THEN the operator may start, resume and end sessions and forward ports, and the key is the audit's", () => {
      expect(stripVTControlCharacters(deployed.stderr + deployed.stdout)).not.toMatch(/Error/);
      expect(deployed.status).toBe(0);
      // What Terraform wrote after the apply: the outputs as printed, the resources as AWS (moto) returned them.
      const states = ['lab-network', 'lab-session-audit', 'lab-ssm-nat'].map(stateOf);
      const world = worldFromStates(states, 'aws', REGION);
      const nat = states[2].outputs as Record<string, { value: string }>;
      const outputs = Object.fromEntries(
        Object.entries(nat)
          .filter(([name]) => isOperatorOutput(name))
          .map(([name, output]) => [name, output.value]),
      );
      const access = checkOperatorAccess('lab-ssm-nat', outputs, world);
      expect(access.missing).toEqual([]);
      const keyArn = (states[1].outputs as Record<string, { value: string }>).kms_key_arn.value;
      expect(keyArn).toMatch(/^arn:aws:kms:us-east-1:\d{12}:key\/[0-9a-f-]{36}$/);
      expect(world.documents.get('ssm-lab-session-audit')).toEqual({ keyArn });
      const shellCalls = access.commands.find((command) => command.output === 'connect_command')!.calls;
      expect(shellCalls.map(({ call, allowed }) => [call.action, allowed])).toEqual([
        ['ssm:StartSession', true],
        ['ssm:StartSession', true],
        ['ssm:ResumeSession', true],
        ['ssm:TerminateSession', true],
        ['kms:GenerateDataKey', true],
      ]);
      expect(shellCalls[4].call.resource).toBe(keyArn);
      expect(access.commands.map((command) => command.output)).toEqual([
        'connect_command',
        'forward_to_target_command',
        'port_forward_command',
      ]);
      // The policy as it was before this change (no key statement) fails on the shell alone.
      const policy = JSON.parse(outputs.operator_policy);
      policy.Statement = policy.Statement.filter(
        (statement: { Action: unknown }) => statement.Action !== 'kms:GenerateDataKey',
      );
      const before = checkOperatorAccess('lab-ssm-nat', { ...outputs, operator_policy: JSON.stringify(policy) }, world);
      expect(before.missing).toEqual([
        expect.stringContaining(
          `connect_command: \`${outputs.connect_command}\` calls kms:GenerateDataKey on ${keyArn}`,
        ),
      ]);
    });

    test("GIVEN the README's audit lines in another region WHEN the block's `out` prints the shell it opens THEN it is the audit's Session document in that region", async () => {
      const { lines } = readmeBlocks();
      const out = lines.find((line) => line.startsWith('out() '))!;
      const printed = await run(...typed(out, 'out connect_command'), auditProject, shell);
      expect(printed.status).toBe(0);
      expect(printed.stdout).toMatch(
        /^aws ssm start-session --target i-\w+ --document-name ssm-lab-session-audit --region us-east-1$/,
      );
    });

    test("GIVEN the README's audit lines WHEN its teardown and leftovers lines run as typed THEN every stack is destroyed, and leftovers finds nothing left over but the audit key going away in its 7-day deletion window, exit 0", async () => {
      const { lines, audit } = readmeBlocks();
      const destroy = audit.find((line) => line.startsWith('npx cdktf destroy'))!;
      expect(destroy).toBe(
        'npx cdktf destroy lab-ssh lab-ssm-public lab-ssm-nat lab-ssm-endpoint lab-eice lab-session-audit lab-network',
      );
      const destroyed = await run(...typed(destroy), auditProject, shell);
      expect(stripVTControlCharacters(destroyed.stderr + destroyed.stdout)).not.toMatch(/Error/);
      expect(destroyed.status).toBe(0);
      // cdktf ordered it: the scenario before the audit it connects through, both before the network.
      for (const stack of ['lab-ssm-nat', 'lab-session-audit', 'lab-network'])
        expect(stateOf(stack).resources ?? []).toEqual([]);
      const leftovers = await run(...typed(lines[lines.length - 1]), auditProject, shell);
      // The key is only scheduled for deletion (7 days): going away, billed until then — not a leftover.
      expect(leftovers.stdout).toMatch(
        /Nothing left over: every resource tagged Project=ssm-access-lab, Lab=ssm-lab in us-east-1/,
      );
      expect(leftovers.stdout).toMatch(
        /Going away: key [0-9a-f-]{36} \(ssm-lab-session-audit\) is scheduled for deletion on \d{4}-\d{2}-\d{2} \(KMS bills a key until it is deleted: USD 1 a month, prorated\); nothing to do\./,
      );
      expect(leftovers.status).toBe(0);
    }, 300_000);
  },
);
