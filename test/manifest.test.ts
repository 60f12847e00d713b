import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { BOT_SCOPE_NAMES, BOT_SCOPES } from '../src/slack/scopes.js';
import { httpModeProblems, manifestSchema, type Manifest } from './support/manifest-schema.js';

const text = readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8');

function load(): unknown {
  const doc = parseDocument(text);
  expect(doc.errors).toEqual([]);
  expect(doc.warnings).toEqual([]);
  return doc.toJS();
}

/** A fresh, validated copy of manifest.yml to mutate. */
function manifest(): Manifest {
  return manifestSchema.parse(load());
}

function issues(value: unknown): string[] {
  const r = manifestSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const SUBCOMMANDS = [
  'start',
  'list',
  'status',
  'cancel',
  'reschedule',
  'rollback',
  'lock',
  'unlock',
  'templates',
  'help',
];

describe('manifest.yml', () => {
  it('matches the manifest schema 1.0.0 shape', () => {
    expect(issues(load())).toEqual([]);
  });

  it('asks for exactly the bot scopes the code uses', () => {
    expect(manifest().oauth_config?.scopes?.bot).toEqual([...BOT_SCOPE_NAMES]);
    expect(new Set(BOT_SCOPE_NAMES).size).toBe(BOT_SCOPE_NAMES.length);
    for (const s of BOT_SCOPES) expect(s.why.trim()).not.toBe('');
  });

  it('runs in Socket Mode with interactivity and the App Home event', () => {
    const m = manifest();
    expect(m.settings?.socket_mode_enabled).toBe(true);
    expect(m.settings?.interactivity?.is_enabled).toBe(true);
    expect(m.settings?.event_subscriptions?.bot_events).toEqual([
      'app_home_opened',
      'member_joined_channel',
      'member_left_channel',
    ]);
    expect(httpModeProblems(m)).toEqual([]);
  });

  it('declares /deploy with a usage hint naming every subcommand', () => {
    const commands = manifest().features?.slash_commands ?? [];
    expect(commands.map((c) => c.command)).toEqual(['/deploy']);
    const hint = commands[0]?.usage_hint ?? '';
    for (const sub of SUBCOMMANDS) expect(hint.split(/[\s|]+/)).toContain(sub);
  });

  it('stays valid when switched to HTTP mode as its comments describe', () => {
    const m = manifest();
    const url = 'https://YOUR-HOST/slack/events';
    expect(text).toContain(url);
    m.settings = { ...m.settings, socket_mode_enabled: false };
    expect(httpModeProblems(m)).toHaveLength(3);
    m.settings.interactivity = { is_enabled: true, request_url: url };
    m.settings.event_subscriptions = { ...m.settings.event_subscriptions, request_url: url };
    m.features!.slash_commands![0]!.url = url;
    expect(issues(m)).toEqual([]);
    expect(httpModeProblems(m)).toEqual([]);
  });
});

describe('the manifest validator', () => {
  it('rejects an unknown key at any level', () => {
    const top = { ...manifest(), extra: true };
    expect(issues(top).join()).toMatch(/extra/);
    const m = manifest();
    (m.features!.slash_commands![0] as Record<string, unknown>).shortcut = 'x';
    expect(issues(m)).not.toEqual([]);
    const s = manifest();
    (s.settings as Record<string, unknown>).socket_mode = true;
    expect(issues(s)).not.toEqual([]);
  });

  it('rejects a command without a leading slash', () => {
    const m = manifest();
    m.features!.slash_commands![0]!.command = 'deploy';
    expect(issues(m).join()).toMatch(/features\.slash_commands\.0\.command/);
  });

  it('rejects a display name over 35 characters and a short long_description', () => {
    const m = manifest();
    m.display_information.name = 'L'.repeat(36);
    expect(issues(m).join()).toMatch(/display_information\.name/);
    const d = manifest();
    d.display_information.long_description = 'Too short.';
    expect(issues(d).join()).toMatch(/display_information\.long_description/);
  });

  it('rejects a missing required key', () => {
    const m = manifest();
    delete (m.features!.slash_commands![0] as Partial<Record<string, unknown>>).description;
    expect(issues(m)).not.toEqual([]);
  });
});
