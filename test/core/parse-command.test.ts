import { describe, expect, it } from 'vitest';
import { parseDeployCommand, parseEnvironment, parseRef } from '../../src/slack/listeners/commands/parse.js';

describe('parseDeployCommand', () => {
  it('an empty command, or "help", asks for help', () => {
    expect(parseDeployCommand('')).toEqual({ kind: 'help' });
    expect(parseDeployCommand('   ')).toEqual({ kind: 'help' });
    expect(parseDeployCommand('HELP')).toEqual({ kind: 'help' });
  });

  it('"start" and "new" open the start form, prefilled from what follows', () => {
    expect(parseDeployCommand('start')).toEqual({ kind: 'start' });
    expect(parseDeployCommand('start web 2.4.0 production')).toEqual({
      kind: 'start',
      service: 'web',
      version: '2.4.0',
      environment: 'production',
    });
    expect(parseDeployCommand('new api')).toEqual({ kind: 'start', service: 'api' });
    expect(parseDeployCommand('  Start   web\t 1.0 ')).toEqual({ kind: 'start', service: 'web', version: '1.0' });
  });

  it('understands environment aliases and ignores an unknown environment', () => {
    expect(parseDeployCommand('start web 1 prod')).toMatchObject({ environment: 'production' });
    expect(parseDeployCommand('start web 1 PRD')).toMatchObject({ environment: 'production' });
    expect(parseDeployCommand('start web 1 stg')).toMatchObject({ environment: 'staging' });
    expect(parseDeployCommand('start web 1 stage')).toMatchObject({ environment: 'staging' });
    expect(parseDeployCommand('start web 1 dev')).toMatchObject({ environment: 'development' });
    expect(parseDeployCommand('start web 1 uat')).toMatchObject({ environment: 'uat' });
    expect(parseDeployCommand('start web 1 moon')).toEqual({ kind: 'start', service: 'web', version: '1' });
  });

  it('"list" and "ls" list; anything after them is not understood', () => {
    expect(parseDeployCommand('list')).toEqual({ kind: 'list' });
    expect(parseDeployCommand('LS')).toEqual({ kind: 'list' });
    expect(parseDeployCommand('list everything')).toEqual({ kind: 'unknown', input: 'list everything' });
  });

  it('"status" takes a ref as DEP-12, dep-12, #12 or 12', () => {
    for (const ref of ['DEP-12', 'dep-12', '#12', '12', '012']) {
      expect(parseDeployCommand(`status ${ref}`), ref).toEqual({ kind: 'status', ref: 'DEP-12' });
    }
    expect(parseDeployCommand('status')).toEqual({ kind: 'status', ref: null });
    expect(parseDeployCommand('status web')).toEqual({ kind: 'status', ref: null });
  });

  it('"cancel" takes a ref and an optional reason', () => {
    expect(parseDeployCommand('cancel DEP-3 window moved to Friday')).toEqual({
      kind: 'cancel',
      ref: 'DEP-3',
      reason: 'window moved to Friday',
    });
    expect(parseDeployCommand('cancel #3')).toEqual({ kind: 'cancel', ref: 'DEP-3', reason: null });
    expect(parseDeployCommand('cancel')).toEqual({ kind: 'cancel', ref: null, reason: null });
  });

  it('"templates" lists templates', () => {
    expect(parseDeployCommand('templates')).toEqual({ kind: 'templates' });
  });

  it('anything else is unknown, with the input cleaned for showing back', () => {
    expect(parseDeployCommand('revert DEP-1')).toEqual({ kind: 'unknown', input: 'revert DEP-1' });
    expect(parseDeployCommand('launch\u0000 \u202e the\n\nrocket')).toEqual({
      kind: 'unknown',
      input: 'launch the rocket',
    });
  });

  it('huge input is cut to a bounded size and never throws', () => {
    const huge = `start ${'x'.repeat(100_000)} ${'1'.repeat(100_000)}`;
    const parsed = parseDeployCommand(huge);
    expect(parsed).toEqual({ kind: 'start', service: 'x'.repeat(80) });
    const unknown = parseDeployCommand('y'.repeat(50_000));
    expect(unknown.kind).toBe('unknown');
    expect(unknown.kind === 'unknown' && unknown.input.length).toBeLessThanOrEqual(2000);
    const reason = parseDeployCommand(`cancel 1 ${'why '.repeat(1000)}`);
    expect(reason.kind === 'cancel' && reason.reason!.length).toBe(1000);
  });

  it('bounds the service and version it prefills', () => {
    expect(parseDeployCommand(`start ${'s'.repeat(90)} ${'v'.repeat(70)}`)).toEqual({
      kind: 'start',
      service: 's'.repeat(80),
      version: 'v'.repeat(64),
    });
  });
});

describe('parseRef', () => {
  it('normalises refs and refuses anything else', () => {
    expect(parseRef('Dep-7')).toBe('DEP-7');
    expect(parseRef('#0007')).toBe('DEP-7');
    for (const bad of [undefined, '', 'DEP-', 'DEP-1a', '-1', '1.5', 'DEP 1', '1234567890', 'DEP--1']) {
      expect(parseRef(bad), String(bad)).toBeNull();
    }
  });
});

describe('parseEnvironment', () => {
  it('reads names and aliases in any case', () => {
    expect(parseEnvironment('Production')).toBe('production');
    expect(parseEnvironment('STAGING')).toBe('staging');
    expect(parseEnvironment(undefined)).toBeUndefined();
    expect(parseEnvironment('qa')).toBeUndefined();
  });

  it('never answers with an inherited property of the alias table', () => {
    expect(parseEnvironment('constructor')).toBeUndefined();
    expect(parseEnvironment('__proto__')).toBeUndefined();
    expect(parseDeployCommand('start web 1 constructor')).toEqual({ kind: 'start', service: 'web', version: '1' });
  });
});

describe('freeze and unfreeze', () => {
  it('reads the environment, an optional "until" date (and time) and the reason', () => {
    expect(parseDeployCommand('freeze production until 2027-01-05 quarter end')).toEqual({
      kind: 'freeze',
      environment: 'production',
      until: '2027-01-05',
      reason: 'quarter end',
    });
    expect(parseDeployCommand('freeze prod until 2027-01-05 9:30 db move')).toMatchObject({
      until: '2027-01-05 09:30',
      reason: 'db move',
    });
    expect(parseDeployCommand('freeze staging incident under way')).toEqual({
      kind: 'freeze',
      environment: 'staging',
      until: null,
      reason: 'incident under way',
    });
    expect(parseDeployCommand('freeze nowhere x')).toMatchObject({ kind: 'freeze', environment: null });
    expect(parseDeployCommand('unfreeze prod')).toEqual({ kind: 'unfreeze', environment: 'production' });
    expect(parseDeployCommand('unfreeze')).toEqual({ kind: 'unfreeze', environment: null });
  });
});
