import { resolve } from 'node:path';
import { isConfigError } from '../config/errors.js';
import { configCheckCommand } from './config.js';
import { backupDatabase, checkDatabase } from './db.js';
import { exportCommand } from './export.js';
import { templateCheckCommand } from './template.js';

export interface Io {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown };
  env: Record<string, string | undefined>;
}

const USAGE = `Usage: liftoff <command>

  db check [FILE]      verify every deployment's event chain, and its state against its events
  db backup [TARGET]   copy the database (LIFTOFF_DB) consistently, safe while the bot runs
  template check FILE  print the plan a runbook (.md) or YAML template becomes, then its problems
  config check [FILE]  print what the team configuration (LIFTOFF_CONFIG) gives each service, then its problems
  export --from DAY --to DAY [--format csv|json] [--out FILE]
                       every event of the deployments whose window starts in the period, with its chain, read-only
  ci …                 the pipeline client of the HTTP API (liftoff ci help)

The database is LIFTOFF_DB, or data/liftoff.db.
`;

/** Runs one CLI command; returns the exit code. */
export async function main(args: string[], io: Io): Promise<number> {
  const [group, command, ...rest] = args;
  const defaultDb = resolve(io.env.LIFTOFF_DB ?? 'data/liftoff.db');
  try {
    if (group === 'ci') return await (await import('../ci/main.js')).runCi(args.slice(1), io);
    if (group === 'db' && command === 'check') return checkDatabase(rest[0] ? resolve(rest[0]) : defaultDb, io);
    if (group === 'template' && command === 'check') return templateCheckCommand(rest[0], io);
    if (group === 'config' && command === 'check') return configCheckCommand(rest[0], io);
    if (group === 'export') return exportCommand(defaultDb, args.slice(1), io);
    if (group === 'db' && command === 'backup')
      return await backupDatabase(defaultDb, rest[0] ? resolve(rest[0]) : null, io);
    io.err.write(USAGE);
    return group === undefined || group === 'help' || group === '--help' ? 0 : 2;
  } catch (error) {
    io.err.write(`${isConfigError(error) ? error.message : error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
