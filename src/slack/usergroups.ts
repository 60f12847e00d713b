import type { WebClient } from '@slack/web-api';
import type { ConfigProblem, TeamConfig } from '../config/team.js';
import type { Logger } from '../support/logger.js';
import { slackErrorCode } from './errors.js';

export const REFRESH_EVERY_MS = 15 * 60_000;

export interface UserGroupsDeps {
  client: WebClient;
  team: TeamConfig;
  logger: Logger;
}

/**
 * The members of the user groups the team configuration names (@qa, S0123…),
 * looked up with usergroups.list and usergroups.users.list. Lookups run after
 * start-up and every 15 minutes; until the first one finishes (or when Slack
 * cannot be reached) a group counts as having the members it last had.
 */
export function createUserGroups({ client, team, logger }: UserGroupsDeps) {
  const members = new Map<string, string[]>();
  /** Handle (without "@") → group id: the file's, then Slack's. */
  const handles = new Map(Object.entries(team.userGroups));
  let problems: ConfigProblem[] = [];
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<ConfigProblem[]> | null = null;

  async function lookUp(): Promise<ConfigProblem[]> {
    const refs = team.groupReferences();
    if (!refs.length) return [];
    if (refs.some((r) => r.group.startsWith('@') && !handles.has(r.group.slice(1)))) {
      const res = await client.usergroups.list({});
      for (const g of res.usergroups ?? []) if (g.handle && g.id && !handles.has(g.handle)) handles.set(g.handle, g.id);
    }
    const idOf = (group: string) => (group.startsWith('@') ? handles.get(group.slice(1)) : group);
    const found: ConfigProblem[] = [];
    const missing = new Set<string>();
    for (const id of new Set(refs.map((r) => idOf(r.group)).filter((id): id is string => !!id))) {
      try {
        const res = await client.usergroups.users.list({ usergroup: id });
        members.set(id, res.users ?? []);
      } catch (error) {
        if (slackErrorCode(error) !== 'no_such_subteam') throw error;
        members.delete(id);
        missing.add(id);
      }
    }
    for (const { path, group } of refs) {
      const id = idOf(group);
      if (!id || missing.has(id)) found.push({ path, message: `unknown user group ${group}` });
      else if (!members.get(id)?.length) found.push({ path, message: `the user group ${group} has no members` });
    }
    return found;
  }

  /** Looks every group up again; returns (and logs) what the configuration names that Slack does not know. */
  function refresh(): Promise<ConfigProblem[]> {
    running ??= lookUp()
      .then((found) => {
        problems = found;
        for (const p of found) logger.with('warn', `team configuration: ${p.path}: ${p.message}`, { path: p.path });
        logger.with('info', 'user groups looked up', { groups: members.size, problems: found.length });
        return found;
      })
      .catch((error: unknown) => {
        logger.with(
          'warn',
          'could not look up the user groups of the team configuration; keeping the members known so far',
          {
            code: slackErrorCode(error),
            error,
          },
        );
        return problems;
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  return {
    refresh,
    /** User ids for a list of user ids, group ids and @handles, from the last lookup. */
    expand(entries: readonly string[]): string[] {
      const out = new Set<string>();
      for (const e of entries) {
        if (/^[UW]/.test(e)) out.add(e);
        else for (const u of members.get((e.startsWith('@') ? handles.get(e.slice(1)) : e) ?? '') ?? []) out.add(u);
      }
      return [...out];
    },
    /** The problems the last lookup found. */
    problems: () => problems,
    /** Looks the groups up now (without waiting) and then every `everyMs`. */
    start(everyMs = REFRESH_EVERY_MS) {
      void refresh();
      timer ??= setInterval(() => void refresh(), everyMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
