import type { Migration } from './index.js';

/**
 * What a deployment's Slack messages were last brought fully in line with (`drawn`): a digest of
 * its revision, the code that drew it and its message records, written when a redraw left nothing
 * out of date and no clock was running. At start, a deployment whose digest still fits is known to
 * be in line without being rendered again; any change (a new revision, another Liftoff, a message
 * record written since) makes it not fit, and the deployment is brought in line as before.
 */
export const m011Drawn: Migration = {
  version: 11,
  name: 'drawn',
  up: `
    CREATE TABLE drawn (
      deployment_id INTEGER PRIMARY KEY REFERENCES deployments (id),
      digest TEXT NOT NULL
    ) STRICT;
  `,
};
