/**
 * The AWS services Session Manager talks to, as VPC endpoint service suffixes
 * (`com.amazonaws.<region>.<suffix>`).
 */
export const SessionManagerService = {
  /** Systems Manager API: agent registration and `UpdateInstanceInformation`. */
  SSM: 'ssm',
  /** Session Manager data channel (the shell itself). */
  SSM_MESSAGES: 'ssmmessages',
  /**
   * Run Command message delivery. SSM Agent 3.3.40.0 and later fall back to `ssmmessages`,
   * so Amazon Linux 2023 no longer needs it; older agents do.
   */
  EC2_MESSAGES: 'ec2messages',
} as const;

export type SessionManagerService = (typeof SessionManagerService)[keyof typeof SessionManagerService];

/** Every service an Interface endpoint may be created for, in a stable order. */
export const ALL_SESSION_MANAGER_SERVICES: readonly SessionManagerService[] = [
  SessionManagerService.SSM,
  SessionManagerService.SSM_MESSAGES,
  SessionManagerService.EC2_MESSAGES,
];

/**
 * What every session needs an endpoint (or a route) for, whatever the agent version; enough for
 * SSM Agent 3.3.40 and later (Amazon Linux 2023).
 */
export const REQUIRED_SESSION_MANAGER_SERVICES: readonly SessionManagerService[] = [
  SessionManagerService.SSM,
  SessionManagerService.SSM_MESSAGES,
];

/** The endpoints created unless the user asks for more: the required ones. */
export const DEFAULT_SESSION_MANAGER_SERVICES: readonly SessionManagerService[] = REQUIRED_SESSION_MANAGER_SERVICES;

export function isSessionManagerService(value: string): value is SessionManagerService {
  return (ALL_SESSION_MANAGER_SERVICES as readonly string[]).includes(value);
}

/** Full endpoint service name, e.g. `com.amazonaws.ap-northeast-1.ssm`. */
export function endpointServiceName(region: string, service: string): string {
  return `com.amazonaws.${region}.${service}`;
}

/** The S3 gateway endpoint (free, route-table based) used for SSM Agent updates and dnf. */
export const S3_GATEWAY_SERVICE = 's3';
