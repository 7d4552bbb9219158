import { TerraformVariable } from 'cdktf';
import { CLEANUP_DELAY_MINUTES, EndpointExpiry, TimeToLive } from '../lib/endpoint-expiry';
import { SessionManagerEndpoints } from '../lib/session-manager-endpoints';
import { onlyResource, resourcesOfType, synthConstruct } from './helpers/synth';

// The expiry on its own, under names the ssm-endpoints stack does not use (a variable called
// `window`, a construct called `cleanup`): every reference must follow the constructs.
describe('TimeToLive and EndpointExpiry', () => {
  const json = synthConstruct((scope) => {
    const window = new TerraformVariable(scope, 'window', { type: 'string', default: '' });
    window.overrideLogicalId('window');
    const timeToLive = new TimeToLive(scope, 'ttl', {
      ttl: window,
      ttlMinutesHcl: 'tonumber(trimsuffix(var.window, "m"))',
    });
    const endpoints = new SessionManagerEndpoints(scope, 'endpoints', {
      name: 'probe',
      vpcId: 'vpc-0123',
      subnetIds: ['subnet-0aaa'],
      region: 'eu-west-1',
      allowedCidrs: ['10.0.0.0/16'],
      tags: timeToLive.tags,
    });
    new EndpointExpiry(scope, 'cleanup', {
      timeToLive,
      endpoints,
      namePrefix: 'probe-expiry-',
      region: 'eu-west-1',
      destroyCommand: 'npx cdktf destroy probe',
      stackName: 'probe',
    });
  });

  test('GIVEN another ttl variable WHEN synthesized THEN the deadline, counts and tags follow it', () => {
    expect(json.locals?.ttl_minutes).toBe('${var.window == "" ? 0 : tonumber(trimsuffix(var.window, "m"))}');
    expect(onlyResource(json, 'terraform_data')).toMatchObject({
      count: '${var.window == "" ? 0 : 1}',
      triggers_replace: { ttl: '${var.window}' },
      lifecycle: { ignore_changes: ['input'] },
    });
    for (const type of [
      'aws_iam_role',
      'aws_iam_role_policy',
      'aws_scheduler_schedule_group',
      'aws_scheduler_schedule',
    ]) {
      for (const resource of resourcesOfType(json, type)) expect(resource.count).toBe('${var.window == "" ? 0 : 1}');
    }
    expect(json.locals?.expiry_tags).toContain('if var.window != ""');
  });

  test('GIVEN resources with count WHEN referenced THEN through one(…[*]), never a hand-written [0]', () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/\[0\]/);
    const [deleteEndpoints, deleteSchedules] = resourcesOfType(json, 'aws_scheduler_schedule');
    expect(deleteEndpoints.target).toMatchObject({ role_arn: '${one(aws_iam_role.expiry[*].arn)}' });
    expect(deleteSchedules.group_name).toBe('${one(aws_scheduler_schedule_group.expiry[*].name)}');
    expect(onlyResource(json, 'aws_iam_role_policy').role).toBe('${one(aws_iam_role.expiry[*].id)}');
    for (const schedule of [deleteEndpoints, deleteSchedules])
      expect(schedule.depends_on).toEqual(['aws_iam_role_policy.expiry']);
  });

  test('GIVEN the policies WHEN synthesized THEN they are jsonencode() of data, naming each action once, no wildcard', () => {
    const policy = String(onlyResource(json, 'aws_iam_role_policy').policy);
    expect(policy.startsWith('${jsonencode({"Version" = "2012-10-17", "Statement" = [')).toBe(true);
    expect([...policy.matchAll(/"Action" = "([^"]+)"/g)].map((m) => m[1])).toEqual([
      'ec2:DeleteVpcEndpoints',
      'scheduler:DeleteScheduleGroup',
      'scheduler:DeleteSchedule',
    ]);
    expect(policy).toContain(
      'formatlist("arn:%s:ec2:%s:*:vpc-endpoint/%s", data.aws_partition.current.partition, "eu-west-1", local.endpoint_ids)',
    );
    const trust = String(onlyResource(json, 'aws_iam_role').assume_role_policy);
    expect(trust).toContain('"Principal" = {"Service" = "scheduler.amazonaws.com"}');
    expect(trust).toContain('schedule-group/${one(aws_scheduler_schedule_group.expiry[*].name)}');
  });

  test('GIVEN the two schedules WHEN synthesized THEN the cleanup runs after the deletion, both at the window deadline', () => {
    const [deleteEndpoints, deleteSchedules] = resourcesOfType(json, 'aws_scheduler_schedule');
    expect(deleteEndpoints.schedule_expression).toContain('timeadd(local.deadline, "0m")');
    expect(deleteSchedules.schedule_expression).toContain(`timeadd(local.deadline, "${CLEANUP_DELAY_MINUTES}m")`);
    expect(deleteEndpoints.target).toMatchObject({ input: '${jsonencode({"VpcEndpointIds" = local.endpoint_ids})}' });
  });

  test('GIVEN the endpoints WHEN synthesized THEN each refuses to be created after the window ended, naming the stack and the command', () => {
    for (const endpoint of resourcesOfType(json, 'aws_vpc_endpoint')) {
      expect(endpoint.lifecycle?.precondition).toEqual([
        expect.objectContaining({
          condition: expect.stringMatching(/^\$\{var\.window == "" \|\| try\(timecmp\(local\.deadline, /),
          error_message: expect.stringContaining('This probe window ended at'),
        }),
      ]);
      expect(endpoint.lifecycle?.precondition?.[0].error_message).toContain(
        'npx cdktf destroy probe with the same --var inputs',
      );
    }
  });
});
