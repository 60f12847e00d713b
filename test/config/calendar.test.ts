import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTeamSetup } from '../../src/config/team.js';

const check = (yaml: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'liftoff-cal-')), 'liftoff.yml');
  writeFileSync(file, yaml);
  return checkTeamSetup(file, {});
};

describe('calendar in the team configuration', () => {
  it('reads the time zone, the hours per environment and the planned freezes', () => {
    const { team, problems } = check(`
calendar:
  timezone: Europe/Berlin
  allowed_hours:
    production: "Mon-Fri 09:00-16:00"
    staging: ["Mon-Fri 08:00-18:00", "Sat 10:00-12:00"]
  freezes:
    - environments: production
      from: "2026-12-21"
      until: "2027-01-04 12:00"
      reason: year-end freeze
`);
    expect(problems).toEqual([]);
    const c = team!.calendar;
    expect(c.timeZone).toBe('Europe/Berlin');
    expect(c.allowed.production).toMatchObject([{ days: [1, 2, 3, 4, 5], from: 540, to: 960 }]);
    expect(c.allowed.staging).toHaveLength(2);
    expect(c.freezes).toEqual([
      {
        environments: ['production'],
        from: Date.parse('2026-12-20T23:00:00Z'),
        until: Date.parse('2027-01-04T11:00:00Z'),
        reason: 'year-end freeze',
      },
    ]);
  });

  it('without the key every environment is open at any time, in UTC', () => {
    expect(check('version: 1\n').team!.calendar).toEqual({ timeZone: 'UTC', allowed: {}, freezes: [] });
  });

  it('names every mistake with its path, in words that say how to fix it', () => {
    const { team, problems } = check(`
calendar:
  timezone: Europe/Berln
  allowed_hours:
    production: "weekdays 9-5"
    prod: "Mon 09:00-10:00"
  freezes:
    - environments: [production]
      from: "2026-12-21"
      until: "2026-12-01"
`);
    expect(team).toBeUndefined();
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'calendar.timezone: not a time zone; use an IANA name such as Europe/Berlin or UTC',
      'calendar.allowed_hours.production: "weekdays 9-5" is not of the form "Mon-Fri 09:00-16:00"',
      'calendar.allowed_hours.prod: not a setting Liftoff knows (check the spelling; data/liftoff.example.yml lists every key)',
      'calendar.freezes.0.reason: say why (it is shown to whoever is refused)',
    ]);
    const order = check(`
calendar:
  freezes:
    - { environments: [production], from: "2026-12-21", until: "2026-12-01", reason: x }
    - { environments: [production], from: "2026-02-30", until: "2026-12-01", reason: x }
`).problems.map((p) => `${p.path}: ${p.message}`);
    expect(order).toEqual([
      'calendar.freezes.0.until: must be after `from`',
      'calendar.freezes.1.from: not a real date',
    ]);
  });
});
