// CDKTF's Jest matchers (toHaveResourceWithProperties…), installed by jest-setup.js, for the type-check.
import 'cdktf/lib/testing/adapters/jest';
