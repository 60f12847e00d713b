import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { refOf } from '../core/deployment/types.js';

/** Structured JSON logs, one line each, with secrets removed from every string. */
export interface Logger extends BoltLogger {
  child(fields: Record<string, unknown>): Logger;
  with(level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void;
}

const ORDER = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof ORDER;

/** Slack tokens and anything that looks like a signing secret assignment. */
const SECRET =
  /\b(xox[abposr]|xapp)-[A-Za-z0-9-]+|((?:signing_?secret|token|authorization)["']?\s*[:=]\s*["']?)(Bearer\s+)?[^\s"',}]+/gi;

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(SECRET, (_match: string, _prefix: string, key: string | undefined) =>
    key ? `${key}[redacted]` : '[redacted]',
  );
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('[redacted]');
  return out;
}

function serialize(value: unknown): unknown {
  if (value instanceof Error) {
    const data = (value as { data?: { error?: string } }).data;
    return {
      name: value.name,
      message: value.message,
      ...(data?.error ? { slackError: data.error } : {}),
      stack: value.stack,
    };
  }
  return value;
}

/**
 * Every line about a deployment names it the same way, `deployment: 'DEP-12'`:
 * a numeric `deploymentId` (what listeners and the message sync have at hand)
 * is written as its ref.
 */
export function namingDeployment(fields: Record<string, unknown>): Record<string, unknown> {
  if (!('deploymentId' in fields)) return fields;
  const { deploymentId, ...rest } = fields;
  if (rest.deployment !== undefined) return rest;
  if (deploymentId === undefined || deploymentId === null) return rest;
  return { ...rest, deployment: Number.isSafeInteger(deploymentId) ? refOf(deploymentId as number) : deploymentId };
}

export function createLogger(
  opts: {
    level?: Level;
    secrets?: readonly string[];
    write?: (line: string) => void;
    fields?: Record<string, unknown>;
  } = {},
): Logger {
  let level: Level = opts.level ?? 'info';
  let name = 'liftoff';
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const base = namingDeployment(opts.fields ?? {});

  function emit(lvl: Level, msg: string, fields: Record<string, unknown> = {}) {
    if (ORDER[lvl] < ORDER[level]) return;
    const entry = { level: lvl, time: new Date().toISOString(), name, msg, ...base, ...namingDeployment(fields) };
    write(
      redact(
        JSON.stringify(entry, (_k, v: unknown) => serialize(v)),
        opts.secrets,
      ),
    );
  }
  /** Bolt calls these with loose arguments: the first string is the message, the rest details. */
  const loose =
    (lvl: Level) =>
    (...args: unknown[]) => {
      const msg = args.filter((a) => typeof a === 'string').join(' ');
      const details = args.filter((a) => typeof a !== 'string');
      emit(lvl, msg || 'log', details.length ? { details: details.length === 1 ? details[0] : details } : {});
    };

  return {
    debug: loose('debug'),
    info: loose('info'),
    warn: loose('warn'),
    error: loose('error'),
    setLevel: (l: LogLevel) => {
      level = l as Level;
    },
    getLevel: () => level as LogLevel,
    setName: (n: string) => {
      name = n;
    },
    with: emit,
    child: (fields) => createLogger({ ...opts, level, fields: { ...base, ...fields } }),
  };
}
