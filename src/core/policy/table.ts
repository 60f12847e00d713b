import type { ActionName } from './may.js';

/** The people a row of the table speaks of (test/core/policy-table.test.ts asks `may` about each). */
export type Who =
  | 'deployer'
  | 'approver'
  | 'author'
  | 'rollback_user'
  | 'listed_deployer'
  | 'holder'
  | 'admin'
  | 'stranger';

export interface WhoMayRow {
  action: ActionName;
  /** What it is, as the README's Security model table says it. */
  what: string;
  /** Who may, in words (the README's second column). */
  who: string;
  /** Who `may` allows, where `deployers`, `admins` and `rollback_users` are set and overrides need a second person. */
  allowed: Who[];
}

/** Who may do what: the README's "Security model" table, kept equal to `may` by a test. */
export const WHO_MAY: readonly WhoMayRow[] = [
  {
    action: 'deploy',
    what: 'start a deployment',
    who: 'the `deployers` of its service and environment (anyone where none are set)',
    allowed: ['deployer', 'listed_deployer'],
  },
  {
    action: 'be_deployer',
    what: 'be named its deployer',
    who: 'the same `deployers`; naming someone else needs the submitter to be one too',
    allowed: ['deployer', 'listed_deployer'],
  },
  {
    action: 'confirm',
    what: 'confirm an item or step, report a step failed',
    who: 'the deployer and the named approvers (during a rollback, also `rollback_users`)',
    allowed: ['deployer', 'approver', 'author'],
  },
  { action: 'undo', what: 'undo a confirmation', who: 'its author or the deployer', allowed: ['deployer', 'author'] },
  {
    action: 'approve',
    what: 'approve a role',
    who: 'the people named for the role; never the deployer (unless `deployer_may_approve`); one person signs one role',
    allowed: ['approver'],
  },
  {
    action: 'reject',
    what: 'reject a role',
    who: 'the people named for the role; never the deployer (unless `deployer_may_approve`)',
    allowed: ['approver'],
  },
  {
    action: 'override',
    what: 'override a gate',
    who: 'the deployer (where `overrides` says `second_person`, default in production, this only asks); an admin at once, as an emergency',
    allowed: ['deployer', 'admin'],
  },
  {
    action: 'grant_override',
    what: 'grant an override the deployer asked for',
    who: 'an approver of the deployment other than its deployer, or an admin',
    allowed: ['approver', 'author', 'admin'],
  },
  { action: 'start_phase', what: 'start a phase', who: 'the deployer', allowed: ['deployer'] },
  { action: 'complete_phase', what: 'complete a phase', who: 'the deployer', allowed: ['deployer'] },
  { action: 'complete', what: 'complete the deployment', who: 'the deployer', allowed: ['deployer'] },
  {
    action: 'cancel',
    what: 'cancel',
    who: 'the deployer, or an admin (told to the ops channel)',
    allowed: ['deployer', 'admin'],
  },
  { action: 'reschedule', what: 'reschedule', who: 'the deployer', allowed: ['deployer'] },
  { action: 'verdict', what: 'mark healthy after monitoring', who: 'the deployer', allowed: ['deployer'] },
  {
    action: 'report_faulty',
    what: 'report a problem while monitored',
    who: 'the deployer and the named approvers',
    allowed: ['deployer', 'approver', 'author'],
  },
  {
    action: 'rollback',
    what: 'roll back',
    who: 'the deployer, the named approvers and the `rollback_users`',
    allowed: ['deployer', 'approver', 'author', 'rollback_user'],
  },
  {
    action: 'finish_rollback',
    what: 'complete or fail a rollback',
    who: 'the deployer, the named approvers and the `rollback_users`',
    allowed: ['deployer', 'approver', 'author', 'rollback_user'],
  },
  {
    action: 'lock',
    what: 'lock by hand',
    who: 'the `deployers` (where none are set: the `rollback_users` and the people named on a deployment of it under way), or an admin; with a reason, for at most `locks.expiry_hours`',
    allowed: ['deployer', 'listed_deployer', 'admin'],
  },
  {
    action: 'unlock',
    what: 'release or edit a lock',
    who: 'its holder, the deployer and lead approvers of the deployment that took it, the `rollback_users`, or an admin',
    allowed: ['holder', 'rollback_user', 'admin'],
  },
  {
    action: 'freeze',
    what: 'freeze or unfreeze an environment',
    who: 'the `deployers` that `defaults` names, or an admin (where neither is set: anyone)',
    allowed: ['deployer', 'listed_deployer', 'admin'],
  },
  {
    action: 'see',
    what: 'see a deployment',
    who: 'everyone, for a deployment in a public channel; in a private channel only its members (others see only that it exists)',
    allowed: ['deployer', 'approver', 'author', 'rollback_user', 'listed_deployer', 'holder', 'admin', 'stranger'],
  },
];

/** The table as Markdown rows, as the README shows it. */
export const whoMayMarkdown = (): string[] => WHO_MAY.map((r) => `| ${r.what} | ${r.who} |`);
