/**
 * How Terraform expressions name things. cdktf's typed attributes (`role.arn`) cover the usual
 * case; these helpers cover what they cannot express — `depends_on` entries, attributes of a
 * resource whose `count` is 0 or 1, and larger HCL expressions — deriving every name from the
 * construct itself, so a renamed logical id cannot leave a stale address behind.
 */
import {
  Fn,
  ref,
  TerraformDataSource,
  TerraformLocal,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Token,
} from 'cdktf';

export type Addressable = TerraformResource | TerraformDataSource | TerraformLocal | TerraformVariable;

/** `aws_vpc.main`, `data.aws_region.current`, `local.deadline`, `var.ttl`: the element's address in HCL. */
export function addressOf(element: Addressable): string {
  if (element instanceof TerraformLocal) return `local.${element.friendlyUniqueId}`;
  if (element instanceof TerraformVariable) return `var.${element.friendlyUniqueId}`;
  if (element instanceof TerraformDataSource)
    return `data.${element.terraformResourceType}.${element.friendlyUniqueId}`;
  return `${element.terraformResourceType}.${element.friendlyUniqueId}`;
}

/**
 * `one(aws_iam_role.expiry[*].arn)` for a resource with `count` 0 or 1: the attribute, or null
 * when the resource is not created. As HCL, to be placed inside `${…}`.
 */
export function optionalAttributeHcl(resource: TerraformResource, attribute: string): string {
  return `one(${addressOf(resource)}[*].${attribute})`;
}

/** {@link optionalAttributeHcl} as a string token, usable anywhere a typed attribute is. */
export function optionalAttribute(resource: TerraformResource, attribute: string): string {
  return Token.asString(Fn.one(ref(`${addressOf(resource)}[*].${attribute}`, TerraformStack.of(resource))));
}

/** An HCL string literal (JSON's escaping fits). */
export function hclString(value: string): string {
  return JSON.stringify(value);
}

export interface Precondition {
  /** A complete `${…}` expression. */
  readonly condition: string;
  readonly errorMessage: string;
}

/** Adds a precondition to a resource, keeping those it already has. */
export function addPrecondition(resource: TerraformResource, precondition: Precondition): void {
  resource.lifecycle = {
    ...resource.lifecycle,
    precondition: [...(resource.lifecycle?.precondition ?? []), precondition],
  };
}
