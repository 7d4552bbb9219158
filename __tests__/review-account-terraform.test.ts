import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { TerraformResource } from 'cdktf';
import { LabStacks } from '../stacks';
import { ACCOUNT_SYNTH_DIR } from '../tools/review/sources/account';
import { AccountReviewResult, runAccountReview } from '../tools/review/review';
import { AccountExit } from '../tools/review/assessment/changes';
import { findTerraform, terraformEnvironment } from '../tools/terraform-cli';
import { resourceSchemasOf, ResourceSchemas, writeDeployedState } from './helpers/deployed-state';
import { FakeSts, startFakeSts } from './helpers/fake-sts';
import { configWith } from './helpers/synth';
import { describeWithTerraform } from './helpers/terraform';
import { reviewed } from './helpers/review-text';
import { reportDocument } from '../tools/review/render/json';
import { reportSchemaErrors } from './helpers/report-schema';
import { DescribeNatGatewaysCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient, ListInstanceProfilesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { synthesizedNames } from '../tools/leftovers/names';
import { deleteLeftovers, findLeftovers, leftoversExitCode, leftoversText } from '../tools/leftovers/leftovers';
import { heldIdentifiers, readStackState } from '../tools/state';

// `review --account` with the real Terraform and AWS provider against states a deployed lab would
// leave (written from Terraform's own plans), planned with -refresh=false: only the provider's
// start-up call reaches AWS, and a local STS stand-in answers it.

const STACKS = ['lab-network', 'lab-ssm-nat'];
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const AMI = 'ami-0123456789abcdef0';

describeWithTerraform('review --account with Terraform', () => {
  let sts: FakeSts;
  let root: string;
  let schemas: ResourceSchemas;
  const results: Record<string, AccountReviewResult> = {};

  const review = (
    label: string,
    ami = AMI,
    editApp?: (stacks: LabStacks) => void,
    stacks = STACKS,
    settings: Record<string, string> = {},
  ) =>
    runAccountReview({
      projectDir: root,
      outDir: path.join(root, '.review', label),
      config: configWith({ SSM_LAB_AMI_ID: ami, ...settings }),
      stacks,
      refresh: false,
      env: { ...process.env, ...sts.env },
      editApp,
    });
  const stackJson = (stack: string) =>
    JSON.parse(fs.readFileSync(path.join(root, ACCOUNT_SYNTH_DIR, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  const deploy = (result: AccountReviewResult, stack: string) =>
    writeDeployedState(result.plans[stack], stackJson(stack), schemas, path.join(root, `terraform.${stack}.tfstate`));

  beforeAll(async () => {
    sts = await startFakeSts();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-account-'));
    // ssm-endpoints without its inputs: listed as skipped, never planned.
    results.empty = await review('empty', AMI, undefined, [...STACKS, 'ssm-endpoints']);
    const tfEnv = terraformEnvironment(path.join(root, 'schema-cli'), process.env);
    const schema = spawnSync(findTerraform()!, ['providers', 'schema', '-json'], {
      // The folder the review planned in (initialized by it): the stacks' combined root.
      cwd: path.join(root, ACCOUNT_SYNTH_DIR, 'stacks', '.account-together'),
      env: tfEnv,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    schemas = resourceSchemasOf(schema.stdout);
    deploy(results.empty, 'lab-network');
    results.networkOnly = await review('network-only');
    deploy(results.networkOnly, 'lab-ssm-nat');
    results.unchanged = await review('unchanged');
    results.natRouteRemoved = await review('nat-route-removed', AMI, (stacks) =>
      (stacks.ssmNat.node.findChild('private-1-default-route') as TerraformResource).addOverride('count', 0),
    );
    results.newAmi = await review('new-ami', 'ami-0fedcba9876543210');
    // The route removed and every instance replaced at once: each cut names its own change only.
    results.routeAndAmi = await review('route-and-ami', 'ami-0fedcba9876543210', (stacks) =>
      (stacks.ssmNat.node.findChild('private-1-default-route') as TerraformResource).addOverride('count', 0),
    );
    results.targetRuleRemoved = await review('target-rule-removed', AMI, (stacks) =>
      (stacks.ssmNat.node.findChild('forwarding-target-ingress') as TerraformResource).addOverride('count', 0),
    );
    // A change that adds a role with a misspelt policy, its guardrail finding acknowledged: the
    // review lists what IAM would silently accept.
    results.policyTypo = await review(
      'policy-typo',
      AMI,
      (stacks) => {
        const role = new IamRole(stacks.ssmNat, 'helper', {
          namePrefix: 'helper-',
          assumeRolePolicy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          }),
        });
        new IamRolePolicy(stacks.ssmNat, 'helper-policy', {
          role: role.id,
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Sid: 'ReadParameters', Effect: 'Allow', Action: 'ssm:GetParamters', Resource: '*' }],
          }),
        });
      },
      STACKS,
      { SSM_LAB_ACKNOWLEDGE: 'SSMLAB-IAM-4@lab-ssm-nat=reviewing what the account review lists' },
    );
  });
  const instance = (result: AccountReviewResult, name: string) =>
    result.assessment.instances.find((i) => i.name === name)!;
  afterAll(async () => {
    await sts?.close();
  });

  test('GIVEN nothing deployed WHEN reviewed THEN lab-network is planned and the scenario gets one line: deploy lab-network first', () => {
    const { outcomes, exitCode, stacks } = reviewed(results.empty);
    expect(outcomes.map((o) => [o.stack, o.status])).toEqual([
      ['lab-network', 'planned'],
      ['lab-ssm-nat', 'skipped'],
      ['ssm-endpoints', 'skipped'],
    ]);
    expect(outcomes[2].reason).toMatch(
      /^no inputs given: pass the same --var \/ --var-file as to cdktf deploy ssm-endpoints/,
    );
    expect(outcomes[1].reason).toBe(
      'deploy lab-network first: its state has no outputs yet (npx cdktf deploy lab-network).',
    );
    expect(stacks[0].counts).toMatchObject({ create: 22, unchanged: 0 });
    expect(exitCode).toBe(AccountExit.OK);
    expect(sts.calls()).toBeGreaterThan(0);
    expect(fs.readFileSync(results.empty.reportFile, 'utf8')).toContain(
      '- `lab-ssm-nat` (skipped): deploy lab-network first: its state has no outputs yet (npx cdktf deploy lab-network).',
    );
  });

  test('GIVEN --stack with a name the app lacks WHEN reviewed THEN one line names it and the stacks there are, before any plan', async () => {
    await expect(review('typo', AMI, undefined, ['lab-network', 'lab-ssm-natt'])).rejects.toThrow(
      '--stack lab-ssm-natt is not a stack of this app; expected one of lab-eice, lab-network, lab-ssh, lab-ssm-endpoint, lab-ssm-nat, lab-ssm-public, ssm-endpoints',
    );
  });

  test('GIVEN lab-network deployed WHEN reviewed THEN it is unchanged and the scenario would be created, reachable after', () => {
    const { stacks, instances, exitCode } = reviewed(results.networkOnly);
    expect(stacks.map((s) => [s.stack, s.counts.create, s.counts.unchanged])).toEqual([
      ['lab-network', 0, 22],
      ['lab-ssm-nat', 8, 0],
    ]);
    expect(instances).toEqual([
      expect.objectContaining({ name: 'ssm-lab-target-vpc1', kind: 'unchanged', forwardingTarget: true }),
      expect.objectContaining({ name: 'ssm-lab-target-vpc2', kind: 'unchanged', forwardingTarget: true }),
      expect.objectContaining({ name: 'ssm-lab-ssm-nat', kind: 'create', before: undefined }),
    ]);
    expect(instance(results.networkOnly, 'ssm-lab-ssm-nat').after?.sessionManager.reachable).toBe(true);
    expect(instance(results.networkOnly, 'ssm-lab-ssm-nat').after?.forwarding?.reachable).toBe(true);
    expect(exitCode).toBe(AccountExit.OK);
  });

  test('GIVEN the deployed lab and the same code WHEN reviewed THEN nothing changes, paths hold, costs now equal after', () => {
    const { stacks, instances, headlines, exitCode } = reviewed(results.unchanged);
    for (const stack of stacks)
      expect(stack.counts).toEqual({
        create: 0,
        update: 0,
        replace: 0,
        delete: 0,
        unchanged: stack.counts.unchanged,
        read: 0,
      });
    const nat = instance(results.unchanged, 'ssm-lab-ssm-nat');
    expect(nat.before?.sessionManager.text).toBe(nat.after?.sessionManager.text);
    expect(nat.before?.sessionManager.reachable).toBe(true);
    expect(nat.after?.forwarding?.text).toMatch(
      /^Port forwarding to ssm-lab-target-vpc1:8080: reachable via Session Manager over the NAT gateway/,
    );
    expect(instances.filter((i) => i.forwardingTarget).map((i) => i.name)).toEqual([
      'ssm-lab-target-vpc1',
      'ssm-lab-target-vpc2',
    ]);
    const natStack = stacks.find((s) => s.stack === 'lab-ssm-nat')!;
    expect(natStack.usdPerHourNow).toBeGreaterThan(0.06);
    expect(natStack.usdPerHourAfter).toBe(natStack.usdPerHourNow);
    expect(headlines).toEqual([]);
    expect(exitCode).toBe(AccountExit.OK);
    expect(fs.readFileSync(results.unchanged.reportFile, 'utf8')).toContain(
      '> No reachable access path is lost, and no instance is replaced.',
    );
  });

  test('GIVEN a change that removes the NAT route WHEN reviewed THEN the headline says Session Manager is cut, why, and exit code 2', () => {
    const { headlines, stacks, exitCode, reportFile } = reviewed(results.natRouteRemoved);
    expect(exitCode).toBe(AccountExit.PATH_LOST);
    const deletesRoute =
      'The plan deletes lab-ssm-nat\\/aws_route\\.private-1-default-route(\\[0\\])? \\(0\\.0\\.0\\.0\\/0 → nat-[0-9a-f]{17}\\)\\.$';
    expect(headlines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^This plan cuts Session Manager to ssm-lab-ssm-nat: ssm-lab-vpc1-private-1 has no default route \\(0\\.0\\.0\\.0\\/0\\) to the internet, and ssm-lab-vpc1 has no Session Manager endpoints\\. ${deletesRoute}`,
        ),
      ),
      // Forwarding rides the session: its first hop is cut by the same route.
      expect.stringMatching(
        new RegExp(
          `^This plan cuts port forwarding to ssm-lab-target-vpc1:8080 from ssm-lab-ssm-nat: no first hop reaches the instance \\(Session Manager: .*\\)\\. ${deletesRoute}`,
        ),
      ),
    ]);
    const nat = instance(results.natRouteRemoved, 'ssm-lab-ssm-nat');
    expect(nat.before?.sessionManager.reachable).toBe(true);
    expect(nat.after?.sessionManager.reachable).toBe(false);
    expect(stacks.find((s) => s.stack === 'lab-ssm-nat')?.counts).toMatchObject({ delete: 1, unchanged: 7 });
    const report = fs.readFileSync(reportFile, 'utf8');
    expect(report).toContain('> [!CAUTION]');
    expect(report).toContain(
      '| ssm-lab-ssm-nat | `lab-ssm-nat` | unchanged | reachable (nat-gateway) | NOT reachable | NOT reachable | NOT reachable | reachable (nat-gateway) | NOT reachable |',
    );
    // The sample output of docs/review.md is this fixture's, line for line.
    const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'review.md'), 'utf8');
    for (const line of results.natRouteRemoved.text.split('\n').filter((l) => l.trim() !== ''))
      expect(readme).toContain(line);
  });

  test('GIVEN a new AMI WHEN reviewed THEN the instance replacement is called out (new id, sessions and host keys) and exit code 2', () => {
    const { headlines, stacks, exitCode } = reviewed(results.newAmi);
    expect(exitCode).toBe(AccountExit.PATH_LOST);
    expect(instance(results.newAmi, 'ssm-lab-ssm-nat').kind).toBe('replace');
    expect(stacks.find((s) => s.stack === 'lab-ssm-nat')?.counts.replace).toBe(1);
    // The forwarding targets take the same AMI: their replacement changes the address the commands name.
    expect(headlines).toEqual([
      expect.stringMatching(
        /^This plan replaces ssm-lab-target-vpc1 \(lab-network\/aws_instance\.[^)]+\): it gets a new instance id and private address, so forwarded connections end and the scenarios' forwarding commands name the old address until they are applied again\.$/,
      ),
      expect.stringMatching(/^This plan replaces ssm-lab-target-vpc2 /),
      expect.stringMatching(
        /^This plan replaces ssm-lab-ssm-nat \(lab-ssm-nat\/aws_instance\.[^)]+\): it gets a new instance id, so open sessions end, saved targets break and SSH host keys change\.$/,
      ),
    ]);
    expect(instance(results.newAmi, 'ssm-lab-ssm-nat').after?.sessionManager.reachable).toBe(true);
  });

  test('GIVEN the NAT route removed while every instance is replaced WHEN reviewed THEN each cut names the route and none of the replacements', () => {
    const cuts = reviewed(results.routeAndAmi).headlines.filter((line) => line.startsWith('This plan cuts'));
    expect(cuts).toHaveLength(2);
    for (const cut of cuts) {
      expect(cut).toMatch(/ The plan deletes lab-ssm-nat\/aws_route\.private-1-default-route(\[0\])? \([^)]*\)\.$/);
      expect(cut).not.toContain('replaces');
    }
    expect(
      reviewed(results.routeAndAmi).headlines.filter((line) => line.startsWith('This plan replaces')),
    ).toHaveLength(3);
  });

  test("GIVEN a change that removes the target's inbound rule WHEN reviewed THEN the forwarding hop is cut, naming the rule, and nothing else is", () => {
    const { headlines, exitCode } = reviewed(results.targetRuleRemoved);
    expect(exitCode).toBe(AccountExit.PATH_LOST);
    expect(headlines).toEqual([
      expect.stringMatching(
        /^This plan cuts port forwarding to ssm-lab-target-vpc1:8080 from ssm-lab-ssm-nat: the target's security group ssm-lab-target-vpc1-instance admits no tcp\/8080 from the instance \(neither from its security group nor from a range covering it\)\. The plan deletes lab-ssm-nat\/aws_vpc_security_group_ingress_rule\.forwarding-target-ingress(\[0\])? \(ssm-lab-target-vpc1-in-8080\)\.$/,
      ),
    ]);
    expect(instance(results.targetRuleRemoved, 'ssm-lab-ssm-nat').after?.sessionManager.reachable).toBe(true);
  });

  test('GIVEN a change whose new policy misspells an action WHEN reviewed THEN the report and the text list it, beside the verdicts', () => {
    const { policies, text, reportFile, exitCode } = reviewed(results.policyTypo);
    expect(policies.findings.map((finding) => `${finding.resource} ${finding.statement}: ${finding.message}`)).toEqual([
      'lab-ssm-nat/aws_iam_role_policy.helper-policy statement "ReadParameters": unknown action ssm:GetParamters',
    ]);
    expect(text).toContain(
      '  IAM policy findings (1):\n    lab-ssm-nat/aws_iam_role_policy.helper-policy policy, statement "ReadParameters": unknown action ssm:GetParamters (did you mean ssm:GetParameters?)',
    );
    expect(fs.readFileSync(reportFile, 'utf8')).toContain(
      '- `lab-ssm-nat/aws_iam_role_policy.helper-policy` policy, statement "ReadParameters": unknown action ssm:GetParamters (did you mean ssm:GetParameters?)',
    );
    expect(exitCode).toBe(AccountExit.OK);
    expect(results.unchanged.assessment.policies.findings).toEqual([]);
  });

  test("GIVEN every account review of this file WHEN rendered as JSON THEN each document conforms to the schema, with the review's exit code and headlines", () => {
    for (const [label, result] of Object.entries(results)) {
      const document = reportDocument(result.assessment);
      expect([label, reportSchemaErrors(document)]).toEqual([label, []]);
      expect(document.exitCode).toBe(result.exitCode);
      expect((document.headlines as { text: string }[]).map((headline) => headline.text)).toEqual(
        reviewed(result).headlines,
      );
    }
    const cut = reportDocument(results.natRouteRemoved.assessment).headlines as { kind: string; causes?: unknown[] }[];
    expect(cut[0]).toMatchObject({
      kind: 'path-cut',
      path: 'sessionManager',
      causes: [{ kind: 'delete', resource: 'lab-ssm-nat/aws_route.private-1-default-route[0]' }],
    });
  });

  test('GIVEN the deployed fixture and what a killed apply left WHEN leftovers are listed and deleted THEN only the orphans, then none', async () => {
    // What AWS would list under the lab's tags: everything the Terraform-written states hold, plus a
    // NAT gateway and a security group a killed lab-ssm-nat apply created after the state was saved.
    const config = configWith({ SSM_LAB_AMI_ID: AMI });
    const s3 = new S3Client({ region: 'ap-northeast-1' });
    const held = [...heldIdentifiers(await readStackState({ config, projectDir: root, s3 }, 'lab-ssm-nat'))];
    const heldNat = held.find((id) => id.startsWith('nat-'))!;
    const heldGroup = held.find((id) => id.startsWith('sg-'))!;
    expect(heldNat).toBeDefined();
    const arn = (type: string, id: string) => `arn:aws:ec2:ap-northeast-1:123456789012:${type}/${id}`;
    const tags = (name: string) => [
      { Key: 'Project', Value: 'ssm-access-lab' },
      { Key: 'Lab', Value: 'ssm-lab' },
      { Key: 'Stack', Value: 'lab-ssm-nat' },
      { Key: 'Name', Value: name },
    ];
    const held_ = [
      { ResourceARN: arn('natgateway', heldNat), Tags: tags('ssm-lab-nat') },
      { ResourceARN: arn('security-group', heldGroup), Tags: tags('ssm-lab-ssm-nat-instance') },
    ];
    const orphans = [
      { ResourceARN: arn('natgateway', 'nat-0killedapply000001'), Tags: tags('ssm-lab-nat') },
      { ResourceARN: arn('security-group', 'sg-0killedapply0000001'), Tags: tags('ssm-lab-ssm-nat-instance') },
    ];
    const tagging = mockClient(ResourceGroupsTaggingAPIClient);
    const iam = mockClient(IAMClient);
    const ec2 = mockClient(EC2Client);
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [...held_, ...orphans] });
    iam.on(ListRolesCommand).resolves({ Roles: [] });
    iam.on(ListInstanceProfilesCommand).resolves({ InstanceProfiles: [] });
    // EC2 confirms both orphans first; then the NAT gateway's deletion is awaited.
    ec2
      .on(DescribeNatGatewaysCommand)
      .resolvesOnce({ NatGateways: [{ NatGatewayId: 'nat-0killedapply000001', State: 'available' }] })
      .resolves({ NatGateways: [{ State: 'deleted' }] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-0killedapply0000001' }] });
    const options = {
      config,
      projectDir: root,
      clients: {
        tagging: new ResourceGroupsTaggingAPIClient({ region: 'ap-northeast-1' }),
        iam: new IAMClient({ region: 'ap-northeast-1' }),
        ec2: new EC2Client({ region: 'ap-northeast-1' }),
        scheduler: new SchedulerClient({ region: 'ap-northeast-1' }),
        s3,
      },
      sleep: async () => undefined,
    };
    const found = await findLeftovers(options, synthesizedNames(config));
    expect(found.leftovers.map((leftover) => leftover.id)).toEqual([
      'nat-0killedapply000001',
      'sg-0killedapply0000001',
    ]);
    expect(leftoversExitCode(found)).toBe(2);
    // The sample listing of docs/operations.md is this fixture's, line for line.
    const listing = leftoversText(config, found);
    const readme = fs.readFileSync(path.join(__dirname, '..', 'docs', 'operations.md'), 'utf8');
    for (const line of listing.split('\n').filter((l) => l.trim() !== '')) expect(readme).toContain(line);
    expect(await deleteLeftovers(options, found.leftovers)).toEqual([
      'deleted natgateway nat-0killedapply000001',
      'deleted security-group sg-0killedapply0000001',
    ]);
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: held_ });
    const after = await findLeftovers(options);
    expect(leftoversExitCode(after)).toBe(0);
    tagging.restore();
    iam.restore();
    ec2.restore();
  });
});
