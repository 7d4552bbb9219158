/** A synth folder read whole, for the scripts that compare two synths (node-versions, cdktn-check). */
'use strict';
const fs = require('fs');
const path = require('path');

/** Every file below a folder, relative path → content. */
function filesOf(dir) {
  const files = {};
  const walk = (at) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

/**
 * The settings of a lab with every optional stack, backend and input: operator SSH inputs, three
 * endpoints, a pinned AMI, SSH over SSM, a lab name, S3 state and the session audit.
 */
const EVERY_OPTION_ENV = {
  SSM_LAB_SSH_ALLOWED_CIDRS: '203.0.113.7/32,198.51.100.0/24',
  SSM_LAB_SSH_PUBLIC_KEY: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBKfakekeyfortestsonlyAAAAAAAAAAAAAAAAAAAA lab@example',
  SSM_LAB_ENDPOINT_SERVICES: 'ssm,ssmmessages,ec2messages',
  SSM_LAB_AMI_ID: 'ami-0123456789abcdef0',
  SSM_LAB_SSH_OVER_SSM: 'true',
  SSM_LAB_NAME: 'team-a',
  SSM_LAB_STATE_BUCKET: 'team-terraform-state',
  SSM_LAB_SESSION_AUDIT: 'true',
};

module.exports = { filesOf, EVERY_OPTION_ENV };
