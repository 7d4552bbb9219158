/**
 * Sample inputs for `ssm-endpoints`: the README's deploy example, and what the review
 * and the tests plan. One source, so the documented command is exactly the one that is tested.
 */
export const SSM_ENDPOINTS_SAMPLE_VARS: readonly (readonly [string, string])[] = [
  ['region', 'ap-northeast-1'],
  ['vpc_id', 'vpc-0123456789abcdef0'],
  ['subnet_ids', '["subnet-0123456789abcdef0"]'],
  ['allowed_security_group_ids', '["sg-0123456789abcdef0"]'],
  ['ttl', '4h'],
];

/** `npx cdktf deploy ssm-endpoints --var='…' …`, one `--var` per line. */
export function sampleDeployCommand(verb: 'deploy' | 'destroy' = 'deploy'): string {
  return [
    `npx cdktf ${verb} ssm-endpoints`,
    ...SSM_ENDPOINTS_SAMPLE_VARS.map(([name, value]) => `  --var='${name}=${value}'`),
  ].join(' \\\n');
}
