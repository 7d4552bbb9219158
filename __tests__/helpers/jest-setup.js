// Runs before each test file, after Jest's environment (setupFilesAfterEnv).
'use strict';

// CDKTF's matchers (toHaveResourceWithProperties, toHaveProvider…, toBeValidTerraform…), as its
// testing guide sets them up with `Testing.setupJest()`, which is this function: taken from its own
// module, so that the files that never synthesize do not load all of cdktf (~0.15 s a file).
require('cdktf/lib/testing/adapters/jest').setupJest();
