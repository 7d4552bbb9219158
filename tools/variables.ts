/**
 * `SSM_LAB_*` variables read by the tools around the app — the review, the Terraform runner, the
 * entry points — rather than by its stacks. The app accepts them (an unknown `SSM_LAB_*` is an
 * error) and docs/settings.md lists them below the settings.
 */
export interface ToolVariable {
  readonly name: `SSM_LAB_${string}`;
  readonly defaultDoc: string;
  readonly doc: string;
}

export const DEBUG_VARIABLE: ToolVariable = {
  name: 'SSM_LAB_DEBUG',
  defaultDoc: 'unset',
  doc: '`1` adds the stack trace to error messages',
};

export const PROVIDER_MIRROR_VARIABLE: ToolVariable = {
  name: 'SSM_LAB_TF_PROVIDER_MIRROR',
  defaultDoc: 'discovered',
  doc: 'review and tests: a Terraform filesystem mirror holding the AWS provider the stacks pin',
};

export const REVIEW_DIR_VARIABLE: ToolVariable = {
  name: 'SSM_LAB_REVIEW_DIR',
  defaultDoc: '`.review`',
  doc: 'where `npm run review` writes',
};

export const TEST_AWS_ENDPOINT_VARIABLE: ToolVariable = {
  name: 'SSM_LAB_TEST_AWS_ENDPOINT',
  defaultDoc: 'unset',
  doc: 'tests: an implementation of the AWS APIs (moto, LocalStack) for the emulator tier; unset, the tier is skipped (required under `CI=true`)',
};

/** Read by bin/app.js (plain JavaScript, so it names the variable itself). */
export const CODE_CACHE_VARIABLE: ToolVariable = {
  name: 'SSM_LAB_CODE_CACHE',
  defaultDoc: 'on',
  doc: "`off` compiles every module afresh instead of reusing V8's code cache in `node_modules/.cache`; always off under `SSM_LAB_DEBUG=1`",
};

export const TOOL_VARIABLES: readonly ToolVariable[] = [
  PROVIDER_MIRROR_VARIABLE,
  REVIEW_DIR_VARIABLE,
  DEBUG_VARIABLE,
  CODE_CACHE_VARIABLE,
  TEST_AWS_ENDPOINT_VARIABLE,
];

/** Names of the tool variables, for `loadConfig(env, { otherVariables })`. */
export const TOOL_VARIABLE_NAMES: readonly string[] = TOOL_VARIABLES.map((variable) => variable.name);

/** Whether `SSM_LAB_DEBUG=1`: print stack traces. */
export function debugging(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[DEBUG_VARIABLE.name] === '1';
}

/** The docs/settings.md rows of the tool variables (the settings table's format, without its header). */
export function toolVariablesMarkdown(): string {
  return TOOL_VARIABLES.map((variable) => `| \`${variable.name}\` | ${variable.defaultDoc} | ${variable.doc} |`).join(
    '\n',
  );
}
