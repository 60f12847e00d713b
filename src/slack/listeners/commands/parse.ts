import { cleanText } from '../../../core/text.js';
import { ENVIRONMENTS, type Environment } from '../../../core/deployment/types.js';
import { parsePeriod } from '../../../core/deployment/stats.js';

export type DeployCommand =
  | { kind: 'start'; service?: string; version?: string; environment?: Environment }
  | { kind: 'list' }
  | { kind: 'status'; ref: string | null }
  | { kind: 'cancel'; ref: string | null; reason: string | null }
  | { kind: 'reschedule'; ref: string | null }
  | { kind: 'rollback'; ref: string | null }
  | { kind: 'lock'; service: string | null; environment: Environment | null; reason: string | null }
  | { kind: 'unlock'; service: string | null; environment: Environment | null }
  /** `until`: a date (and time) as typed, read in the team's time zone; null: until unfrozen. */
  | { kind: 'freeze'; environment: Environment | null; until: string | null; reason: string }
  | { kind: 'unfreeze'; environment: Environment | null }
  | { kind: 'history'; service?: string; environment?: Environment; page: number }
  | { kind: 'report'; ref: string | null }
  | { kind: 'stats'; service?: string; environment?: Environment; days: number }
  | { kind: 'templates' }
  | { kind: 'help' }
  | { kind: 'unknown'; input: string };

const ENV_ALIASES: Record<string, Environment> = {
  prod: 'production',
  prd: 'production',
  stage: 'staging',
  stg: 'staging',
  dev: 'development',
};

export function parseEnvironment(word: string | undefined): Environment | undefined {
  if (!word) return undefined;
  const w = word.toLowerCase();
  if ((ENVIRONMENTS as readonly string[]).includes(w)) return w as Environment;
  return Object.hasOwn(ENV_ALIASES, w) ? ENV_ALIASES[w] : undefined;
}

/** "DEP-12", "dep-12", "#12" or "12" → "DEP-12"; anything else → null. */
export function parseRef(word: string | undefined): string | null {
  const m = /^(?:DEP-|#)?(\d{1,9})$/i.exec(word ?? '');
  return m ? `DEP-${Number(m[1])}` : null;
}

const MAX_INPUT = 2000;

/**
 * Slack sends what was typed after a slash command with `&`, `<` and `>`
 * HTML-escaped (as in message text): decoded, "a < b" is stored as typed.
 * `&amp;` last, so a typed "&lt;" stays "&lt;".
 */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Reads the text after `/deploy`. Never throws; anything unexpected is `unknown`. */
export function parseDeployCommand(raw: string): DeployCommand {
  const text = cleanText(unescapeSlackText(raw).slice(0, MAX_INPUT)).replace(/\s+/g, ' ');
  const [sub = '', ...args] = text.split(' ').filter(Boolean);
  switch (sub.toLowerCase()) {
    case 'start':
    case 'new': {
      const [service, version, env] = args;
      const environment = parseEnvironment(env);
      return {
        kind: 'start',
        ...(service ? { service: service.slice(0, 80) } : {}),
        ...(version ? { version: version.slice(0, 64) } : {}),
        ...(environment ? { environment } : {}),
      };
    }
    case 'list':
    case 'ls':
      return args.length ? { kind: 'unknown', input: text } : { kind: 'list' };
    case 'status':
      return { kind: 'status', ref: parseRef(args[0]) };
    case 'cancel': {
      const reason = args.slice(1).join(' ').slice(0, 1000);
      return { kind: 'cancel', ref: parseRef(args[0]), reason: reason || null };
    }
    case 'rollback':
      return { kind: 'rollback', ref: parseRef(args[0]) };
    case 'lock':
    case 'unlock': {
      const service = args[0]?.slice(0, 80) ?? null;
      const environment = parseEnvironment(args[1]) ?? null;
      if (sub.toLowerCase() === 'unlock') return { kind: 'unlock', service, environment };
      return { kind: 'lock', service, environment, reason: args.slice(2).join(' ').slice(0, 500) || null };
    }
    case 'freeze': {
      const environment = parseEnvironment(args[0]) ?? null;
      const rest = args.slice(1);
      let until: string | null = null;
      if (rest[0]?.toLowerCase() === 'until' && rest[1]) {
        const time = /^\d{1,2}:\d{2}$/.test(rest[2] ?? '') ? rest[2] : undefined;
        until = time ? `${rest[1]} ${time.padStart(5, '0')}` : rest[1];
        rest.splice(0, time ? 3 : 2);
      }
      return { kind: 'freeze', environment, until, reason: rest.join(' ').slice(0, 300) };
    }
    case 'unfreeze':
      return { kind: 'unfreeze', environment: parseEnvironment(args[0]) ?? null };
    case 'reschedule':
    case 'move':
      return { kind: 'reschedule', ref: parseRef(args[0]) };
    case 'history':
      return parseHistory(args, text);
    case 'stats':
      return parseStats(args, text);
    case 'report':
      return { kind: 'report', ref: parseRef(args[0]) };
    case 'templates':
      return { kind: 'templates' };
    case '':
    case 'help':
      return { kind: 'help' };
    default:
      return { kind: 'unknown', input: text };
  }
}

/** `history [service] [environment] [page N]`, in any order: a known environment is the environment, the other word the service. */
function parseHistory(args: string[], text: string): DeployCommand {
  let page = 1;
  let service: string | undefined;
  let environment: Environment | undefined;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    const n = /^\d{1,6}$/.test(args[i + 1] ?? '') ? Number(args[i + 1]) : 0;
    if (word.toLowerCase() === 'page' && n >= 1) {
      page = n;
      i++;
    } else if (!environment && parseEnvironment(word)) environment = parseEnvironment(word);
    else if (!service) service = word.slice(0, 80);
    else return { kind: 'unknown', input: text };
  }
  return { kind: 'history', ...(service ? { service } : {}), ...(environment ? { environment } : {}), page };
}

/** `stats [service] [environment] [period]`: a period is "7d", "4w", "month", "quarter"…; 30 days when absent. */
function parseStats(args: string[], text: string): DeployCommand {
  let days = 30;
  let service: string | undefined;
  let environment: Environment | undefined;
  for (const word of args) {
    const period = parsePeriod(word);
    if (period) days = period;
    else if (!environment && parseEnvironment(word)) environment = parseEnvironment(word);
    else if (!service) service = word.slice(0, 80);
    else return { kind: 'unknown', input: text };
  }
  return { kind: 'stats', ...(service ? { service } : {}), ...(environment ? { environment } : {}), days };
}
