/**
 * Endpoints that delete themselves: a deadline fixed when the window opens, and EventBridge
 * Scheduler one-time schedules that call `ec2:DeleteVpcEndpoints` on exactly these endpoints at
 * the deadline and then remove their own schedule group. Everything is conditional on a time to
 * live (count 0 or 1), so one synthesized stack serves deploys with and without expiry.
 */
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group';
import { Fn, TerraformLocal, TerraformResource, TerraformResourceLifecycle, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { SessionManagerEndpoints } from './session-manager-endpoints';
import { addPrecondition, addressOf, optionalAttribute, optionalAttributeHcl } from './terraform-address';

/** A deploy this close to the deadline (or after it) is refused: the schedules must lie in the future when created. */
export const DEADLINE_MARGIN_MINUTES = 5;
/** The group-deleting schedule runs this long after the endpoints were deleted. */
export const CLEANUP_DELAY_MINUTES = 15;

/**
 * Terraform's built-in `terraform_data`. Not cdktf's DataResource: that class checks the Terraform
 * version at synth by running `terraform version` — a process per synth, and a failed synth on a
 * machine without Terraform — while the stack's `required_version` makes Terraform check it itself.
 */
class TerraformData extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly args: {
      readonly input: string;
      readonly triggersReplace: Readonly<Record<string, string>>;
      readonly lifecycle?: TerraformResourceLifecycle;
    },
  ) {
    super(scope, id, { terraformResourceType: 'terraform_data', lifecycle: args.lifecycle });
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { input: this.args.input, triggers_replace: this.args.triggersReplace };
  }
}

export interface TimeToLiveProps {
  /** The time to live: empty for none, else `90m`, `4h` or `2d`. */
  readonly ttl: TerraformVariable;
  /** HCL for the ttl's minutes (valid whenever the ttl is not empty). */
  readonly ttlMinutesHcl: string;
}

/**
 * The window's deadline: `terraform_data.deadline` holds plan time + ttl from the first apply on
 * (ignore_changes), and is replaced only when the ttl itself changes.
 */
export class TimeToLive extends Construct {
  /** The time to live, as HCL (`var.ttl`). */
  readonly ttlHcl: string;
  /** The deadline (ISO 8601 UTC), null without a ttl. */
  readonly deadline: string;
  /** The same as HCL (`local.deadline`), for larger expressions. */
  readonly deadlineHcl: string;
  /** `{ ExpiresAt = <deadline> }` with a ttl, `{}` without: tags for every resource of the window. */
  readonly tags: Record<string, string>;
  /** `1` with a ttl, `0` without: the count of every expiry resource. */
  readonly count: string;
  /** Whether a ttl is set, as HCL. */
  readonly enabledHcl: string;

  constructor(scope: Construct, id: string, props: TimeToLiveProps) {
    super(scope, id);
    const ttlHcl = addressOf(props.ttl);
    this.ttlHcl = ttlHcl;
    this.enabledHcl = `${ttlHcl} != ""`;
    this.count = `\${${ttlHcl} == "" ? 0 : 1}`;

    const minutes = new TerraformLocal(this, 'ttl-minutes', `\${${ttlHcl} == "" ? 0 : ${props.ttlMinutesHcl}}`);
    minutes.overrideLogicalId('ttl_minutes');
    const deadline = new TerraformData(this, 'deadline', {
      input: `\${timeadd(plantimestamp(), "\${${addressOf(minutes)}}m")}`,
      triggersReplace: { ttl: props.ttl.stringValue },
      lifecycle: { ignoreChanges: ['input'] },
    });
    deadline.overrideLogicalId('deadline');
    deadline.addOverride('count', this.count);
    const deadlineLocal = new TerraformLocal(this, 'deadline-local', `\${${optionalAttributeHcl(deadline, 'output')}}`);
    deadlineLocal.overrideLogicalId('deadline');
    this.deadline = deadlineLocal.asString;
    this.deadlineHcl = addressOf(deadlineLocal);
    // A map either way, so the expression has one type: ExpiresAt only when a ttl is set.
    const tags = new TerraformLocal(
      this,
      'tags',
      `\${{ for key, value in { ExpiresAt = ${optionalAttributeHcl(deadline, 'output')} } : key => value if ${this.enabledHcl} }}`,
    );
    tags.overrideLogicalId('expiry_tags');
    this.tags = tags.asStringMap;
  }
}

export interface EndpointExpiryProps {
  readonly timeToLive: TimeToLive;
  readonly endpoints: SessionManagerEndpoints;
  /** Name prefix of the schedule group and the role: at most 38 characters (IAM's limit for a role name prefix). */
  readonly namePrefix: string;
  /** The region's name (for ARNs). */
  readonly region: string;
  /** The command that ends the window by hand, for the message of a window that has ended. */
  readonly destroyCommand: string;
  /** The stack's name, for that message. */
  readonly stackName: string;
}

/**
 * The schedules that delete the endpoints at the deadline, their role (which may delete exactly
 * these endpoints and this schedule group, nothing else), and a precondition on every endpoint
 * that refuses a deploy once the window has ended.
 */
export class EndpointExpiry extends Construct {
  readonly group: SchedulerScheduleGroup;
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  readonly deleteEndpoints: SchedulerSchedule;
  readonly deleteSchedules: SchedulerSchedule;

  constructor(scope: Construct, id: string, props: EndpointExpiryProps) {
    super(scope, id);
    const { timeToLive, endpoints, namePrefix } = props;
    refuseEndedWindow(timeToLive, endpoints, props);

    const partition = new DataAwsPartition(this, 'partition', {});
    partition.overrideLogicalId('current');
    const arn = (service: string, resource: string) =>
      `arn:${partition.partition}:${service}:${props.region}:*:${resource}`;

    this.group = new SchedulerScheduleGroup(this, 'group', { namePrefix, tags: timeToLive.tags });
    this.group.overrideLogicalId('expiry');
    this.group.addOverride('count', timeToLive.count);
    const groupName = optionalAttribute(this.group, 'name');

    // Confused-deputy guard: only schedules of this group may assume the role (Scheduler sets
    // aws:SourceArn to the group's ARN; the schedule form is accepted too, as the docs vary).
    this.role = new IamRole(this, 'role', {
      namePrefix,
      description: 'EventBridge Scheduler: delete the temporary Session Manager endpoints at their deadline',
      assumeRolePolicy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              ArnLike: {
                'aws:SourceArn': [
                  arn('scheduler', `schedule-group/${groupName}`),
                  arn('scheduler', `schedule/${groupName}/*`),
                ],
              },
            },
          },
        ],
      }),
      tags: timeToLive.tags,
    });
    this.role.overrideLogicalId('expiry');
    this.role.addOverride('count', timeToLive.count);

    const endpointIds = new TerraformLocal(this, 'endpoint-ids', `\${${endpoints.allEndpointIdsHcl}}`);
    endpointIds.overrideLogicalId('endpoint_ids');
    // Exactly what the two calls need, per the Service Authorization Reference: DeleteVpcEndpoints
    // authorizes ec2:DeleteVpcEndpoints on each vpc-endpoint; DeleteScheduleGroup authorizes
    // scheduler:DeleteScheduleGroup on the group plus scheduler:DeleteSchedule on its schedules.
    this.policy = new IamRolePolicy(this, 'policy', {
      name: 'delete-these-endpoints-only',
      role: optionalAttribute(this.role, 'id'),
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DeleteTheseEndpoints',
            Effect: 'Allow',
            Action: 'ec2:DeleteVpcEndpoints',
            // Every part an argument: cdktf cannot render references inside a format string.
            Resource: Fn.formatlist('arn:%s:ec2:%s:*:vpc-endpoint/%s', [
              partition.partition,
              props.region,
              endpointIds.asList,
            ]),
          },
          {
            Sid: 'DeleteTheExpiryGroup',
            Effect: 'Allow',
            Action: 'scheduler:DeleteScheduleGroup',
            Resource: arn('scheduler', `schedule-group/${groupName}`),
          },
          {
            Sid: 'DeleteTheGroupsSchedules',
            Effect: 'Allow',
            Action: 'scheduler:DeleteSchedule',
            Resource: arn('scheduler', `schedule/${groupName}/*`),
          },
        ],
      }),
    });
    this.policy.overrideLogicalId('expiry');
    this.policy.addOverride('count', timeToLive.count);

    const schedule = (logicalId: string, offsetMinutes: number, api: string, input: string, description: string) => {
      const resource = new SchedulerSchedule(this, logicalId, {
        namePrefix: `${logicalId.replace(/_/g, '-')}-`,
        groupName,
        description,
        scheduleExpression: `at(\${formatdate("YYYY-MM-DD'T'hh:mm:ss", timeadd(${timeToLive.deadlineHcl}, "${offsetMinutes}m"))})`,
        scheduleExpressionTimezone: 'UTC',
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: `arn:${partition.partition}:scheduler:::aws-sdk:${api}`,
          roleArn: optionalAttribute(this.role, 'arn'),
          input,
        },
      });
      resource.overrideLogicalId(logicalId);
      resource.addOverride('count', timeToLive.count);
      resource.addOverride('depends_on', [addressOf(this.policy)]);
      return resource;
    };
    this.deleteEndpoints = schedule(
      'delete_endpoints',
      0,
      'ec2:deleteVpcEndpoints',
      Fn.jsonencode({ VpcEndpointIds: endpointIds.asList }),
      'Delete the temporary Session Manager endpoints at their deadline',
    );
    this.deleteSchedules = schedule(
      'delete_expiry_schedules',
      CLEANUP_DELAY_MINUTES,
      'scheduler:deleteScheduleGroup',
      Fn.jsonencode({ Name: groupName }),
      'Remove both expiry schedules (the whole group) once the endpoints are gone',
    );
  }
}

/**
 * After the deadline the endpoints are gone but the deadline stays in state (fixed at first
 * apply). A deploy then would re-create billable endpoints with one-time schedules in the past,
 * which Scheduler refuses after the endpoints exist: stop the plan before that instead. (Terraform
 * checks conditions only for resources it keeps or creates; destroy is never blocked.)
 */
function refuseEndedWindow(
  timeToLive: TimeToLive,
  endpoints: SessionManagerEndpoints,
  props: EndpointExpiryProps,
): void {
  const deadline = timeToLive.deadlineHcl;
  const stillOpen = {
    condition: `\${${timeToLive.ttlHcl} == "" || try(timecmp(${deadline}, timeadd(plantimestamp(), "${DEADLINE_MARGIN_MINUTES}m")) > 0, true)}`,
    errorMessage: `This ${props.stackName} window ended at \${coalesce(${deadline}, "(no deadline)")} (ttl \${${timeToLive.ttlHcl}}): its endpoints were deleted then, and deploying again would re-create them with an expiry in the past, which EventBridge Scheduler refuses. Start a new window: destroy the stack (${props.destroyCommand} with the same --var inputs), then deploy it again; or deploy with another spelling of the same ttl (e.g. 240m for 4h), which starts a new window from now.`,
  };
  const all: TerraformResource[] = [
    ...endpoints.interfaceEndpoints,
    ...(endpoints.s3GatewayEndpoint ? [endpoints.s3GatewayEndpoint] : []),
  ];
  for (const endpoint of all) addPrecondition(endpoint, stillOpen);
}
