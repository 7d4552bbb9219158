/** The stacks' names: the user's CLI contract, kept apart from the stacks so tools can read it cheaply. */
import { LabConfig } from '../lib/config';

/** Stack names: the user's CLI contract (`cdktf deploy <name>`). */
export const StackName = {
  NETWORK: 'lab-network',
  SSH: 'lab-ssh',
  SSM_PUBLIC: 'lab-ssm-public',
  SSM_NAT: 'lab-ssm-nat',
  SSM_ENDPOINT: 'lab-ssm-endpoint',
  /** SSH through an EC2 Instance Connect Endpoint: private, no agent, no NAT, no hourly charge. */
  EICE: 'lab-eice',
  /** Session audit (with SSM_LAB_SESSION_AUDIT=true): KMS key, encrypted log group, the lab's Session document. */
  SESSION_AUDIT: 'lab-session-audit',
  /** Temporary Session Manager endpoints for an existing VPC; independent of the lab. */
  TEMPORARY_ENDPOINTS: 'ssm-endpoints',
} as const;

/** The stack's name: as in {@link StackName}, or `<lab name>-<name>` when the user asked for prefixes. */
export function stackName(config: LabConfig, name: string): string {
  return config.prefixStackNames ? `${config.labName}-${name}` : name;
}
