/**
 * How Terraform expressions name a resource. cdktf's typed attributes (`role.arn`) cover the
 * usual case; these helpers cover what they cannot express: `depends_on` entries and attributes of
 * a resource whose `count` is 0 or 1.
 */
import { TerraformResource } from 'cdktf';

/** `aws_vpc.main`: the resource's address in HCL (its logical id, after any override). */
export function addressOf(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/**
 * `one(aws_iam_role.expiry[*].arn)` for a resource with `count` 0 or 1: the attribute, or null
 * when the resource is not created. As HCL, to be placed inside `${…}`.
 */
export function optionalAttributeHcl(resource: TerraformResource, attribute: string): string {
  return `one(${addressOf(resource)}[*].${attribute})`;
}

/** {@link optionalAttributeHcl} as a complete string expression. */
export function optionalAttribute(resource: TerraformResource, attribute: string): string {
  return `\${${optionalAttributeHcl(resource, attribute)}}`;
}
