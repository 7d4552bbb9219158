// Before each end-to-end file: a Terraform plan takes seconds, a review of five stacks a minute.
// (Jest reads `testTimeout` from the global configuration only, not from a project's.)
/* global jest */
'use strict';
jest.setTimeout(240_000);
