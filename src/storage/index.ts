import { createAuditRepository } from './audit.js';
import type { Db } from './db.js';
import { createDeploymentsRepository } from './deployments.js';
import { createFreezesRepository } from './freezes.js';
import { createIdempotencyRepository } from './idempotency.js';
import { createJobsRepository } from './jobs.js';
import { createLocksRepository } from './locks.js';
import { createMessagesRepository } from './messages.js';
import { createSubmissionsRepository } from './submissions.js';

export function createRepositories(db: Db) {
  return {
    db,
    audit: createAuditRepository({ db }),
    deployments: createDeploymentsRepository({ db }),
    freezes: createFreezesRepository({ db }),
    idempotency: createIdempotencyRepository({ db }),
    jobs: createJobsRepository({ db }),
    locks: createLocksRepository({ db }),
    messages: createMessagesRepository({ db }),
    submissions: createSubmissionsRepository({ db }),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
