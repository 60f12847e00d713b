/**
 * Who may see a deployment's details: the 'see' rule. A deployment in a
 * public channel is seen by everyone; one in a private channel only by that
 * channel's members. Everyone else learns only that it exists (its reference),
 * never its service, version, people or progress. When the channel's kind or
 * members are unknown (Slack did not answer), nothing is shown: it fails closed.
 */

/** What is known about the channel a deployment lives in. */
export type ChannelAccess =
  | { kind: 'public' }
  | { kind: 'private'; members: ReadonlySet<string> }
  | { kind: 'unknown' };

/** `full`: everything; `exists`: only that it exists (its reference). */
export type Sight = 'full' | 'exists';

export function visibleTo(actor: string, access: ChannelAccess): Sight {
  if (access.kind === 'public') return 'full';
  if (access.kind === 'private' && access.members.has(actor)) return 'full';
  return 'exists';
}

/**
 * What `actor` sees of a deployment that lives in `channels` (where it was started, its dedicated
 * channel): everything only if they see every one of them in full (`seen`: their sight of each).
 */
export function deploymentSight(channels: readonly string[], seen: ReadonlyMap<string, Sight>): Sight {
  for (const c of channels) if (seen.get(c) !== 'full') return 'exists';
  return 'full';
}
