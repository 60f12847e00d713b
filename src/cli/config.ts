import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ENVIRONMENTS } from '../core/deployment/types.js';
import { freezeText, localText } from '../core/schedule/calendar.js';
import { defaultOverrideRule } from '../core/policy/policy.js';
import { checkTeamSetup, configWarnings, type Settings, type TeamConfig } from '../config/team.js';
import type { Io } from './main.js';

/** The file `config check` reads: the argument, LIFTOFF_CONFIG, or data/liftoff.yml. */
export function configFileOf(arg: string | undefined, env: Io['env'], cwd = process.cwd()): string | null {
  const named = arg ?? env.LIFTOFF_CONFIG?.trim();
  if (named) return resolve(cwd, named);
  const fallback = resolve(cwd, 'data/liftoff.yml');
  return existsSync(fallback) ? fallback : null;
}

const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : '—');

function settingsLines(s: Settings): string[] {
  const c = s.communication;
  const hook = (h: NonNullable<Settings['hooks']['rollback']>) =>
    `${h.url} (hosts ${h.allowedHosts.join(', ')}, ${h.timeoutMs} ms${h.headers ? `, headers ${Object.keys(h.headers).join(', ')}` : ''})`;
  return [
    `    channels: deploy ${s.deployChannel ?? '(where /deploy start is typed)'}, announce ${s.announceChannel ?? '—'}, ops ${s.opsChannel ?? '—'}`,
    `    template: ${s.templateId ?? '(the default)'}; lives in: ${s.location === 'channel' ? 'a dedicated channel per deployment (summary card mirrored to the deploy channel)' : 'a thread'}`,
    ...Object.entries(s.approvers).map(([role, who]) => `    approvers ${role}: ${list(who)}`),
    `    may deploy: ${s.deployers ? list(s.deployers) : 'anyone'}; overrides: ${s.overrides ?? defaultOverrideRule(s.environment)}`,
    `    may roll back: the deployer, the approvers${s.rollbackUsers.length ? `, ${s.rollbackUsers.join(', ')}` : ''}; deployer may approve: ${s.deployerMayApprove ? 'yes' : 'no'}`,
    `    communication: announcement ${c.announcementHoursBefore ?? '(template)'} h before, reminder ${c.reminderHoursBefore ?? '(template)'} h before, progress every ${c.progressEveryMinutes ?? '(template)'} min, monitoring ${c.monitoringMinutes ?? '(template, or none)'} min`,
    ...(s.hooks.rollback ? [`    rollback hook: ${hook(s.hooks.rollback)}`] : []),
    ...(s.hooks.maintenanceStart ? [`    maintenance start hook: ${hook(s.hooks.maintenanceStart)}`] : []),
    ...(s.hooks.maintenanceEnd ? [`    maintenance end hook: ${hook(s.hooks.maintenanceEnd)}`] : []),
    ...s.healthChecks.map((h) => `    health check: ${h.endpoint}${h.expected ? ` → ${h.expected}` : ''}`),
    ...(s.locked.length ? [`    locked in the start form: ${s.locked.join(', ')}`] : []),
  ];
}

/** What the configuration gives each service in each environment, as plain text. */
export function describeTeamConfig(team: TeamConfig, templateIds: string[]): string {
  const out = [`Team configuration ${team.source ?? '(none)'}`, `Templates: ${templateIds.join(', ')}`];
  out.push(`Admins: ${list(team.admins)}; hand locks last ${team.locks.expiryHours} h`);
  out.push(
    `Services: ${list(team.services)}${team.freeTextServices ? ' (other services may be typed in)' : ' (only these)'}`,
  );
  for (const service of team.services) {
    // Environments with the same settings are shown together.
    const shown = new Map<string, { envs: string[]; s: Settings }>();
    for (const env of ENVIRONMENTS) {
      const s = team.settingsFor(service, env);
      if (!s) continue;
      const key = JSON.stringify({ ...s, environment: null });
      const same = shown.get(key);
      if (same) same.envs.push(env);
      else shown.set(key, { envs: [env], s });
    }
    for (const { envs, s } of shown.values()) out.push('', `  ${service} → ${envs.join(', ')}`, ...settingsLines(s));
  }
  out.push(...calendarLines(team));
  const groups = team.groupReferences();
  if (groups.length) {
    out.push(
      '',
      'User groups: their syntax is checked, but they cannot be resolved offline; Liftoff looks them up in Slack at start and every 15 minutes.',
    );
    for (const g of [...new Set(groups.map((r) => r.group))]) {
      const id = g.startsWith('@') ? team.userGroups[g.slice(1)] : g;
      out.push(`  ${g}${id && id !== g ? ` → ${id} (user_groups)` : ''}`);
    }
  }
  return out.join('\n');
}

/** The deploy calendar: each environment's allowed hours and the planned freezes. */
function calendarLines({ calendar: c }: TeamConfig): string[] {
  const hours = ENVIRONMENTS.map((e) => `${e} ${c.allowed[e]?.map((r) => r.text).join(', ') ?? 'at any time'}`);
  return [
    '',
    `Calendar (${c.timeZone}): ${hours.join('; ')}`,
    ...c.freezes.map(
      (f) =>
        `  freeze of ${f.environments.join(', ')} from ${localText(f.from, c.timeZone)}: ${freezeText(f, c.timeZone)}`,
    ),
  ];
}

/** `liftoff config check [FILE]`: what the configuration says, then its problems. Exit 0 when Liftoff can start with it. */
export function configCheckCommand(arg: string | undefined, io: Io): number {
  const file = configFileOf(arg, io.env);
  if (!file) {
    io.out.write(
      'No team configuration (no LIFTOFF_CONFIG, no data/liftoff.yml): everything is chosen in the /deploy start form.\n',
    );
    return 0;
  }
  const { team, templates, problems } = checkTeamSetup(file, io.env);
  if (team && templates)
    io.out.write(
      `${describeTeamConfig(
        team,
        templates.map((t) => t.template.id),
      )}\n\n`,
    );
  const warnings = team ? configWarnings(team) : [];
  if (warnings.length)
    io.out.write(`Warnings (${warnings.length}):\n${warnings.map((w) => `  - ${w}`).join('\n')}\n\n`);
  if (problems.length) {
    const lines = problems.map((p) => `  - ${p.path}: ${p.message}${p.line ? ` (line ${p.line})` : ''}`);
    io.out.write(
      `Problems (${problems.length}):\n${lines.join('\n')}\n${file} cannot be used: fix these and check again.\n`,
    );
    return 1;
  }
  io.out.write(`No problems.\n${file} can be used.\n`);
  return 0;
}
