/** An approval role of the chosen template. */
export interface InputRole {
  role: string;
  label: string;
  required: boolean;
}

export interface ApproverContext {
  roles: InputRole[];
  deployerId: string;
  deployerMayApprove: boolean;
  /** Role → the user groups configured for it that have no members Slack knows of (unknown or empty). */
  emptyGroups?: Record<string, string[]>;
}

const groupsText = (groups: string[]) =>
  groups.length === 1
    ? `the user group ${groups[0]} has no members Slack knows of`
    : `the user groups ${groups.join(', ')} have no members Slack knows of`;

/**
 * Who may sign for each role. A list of several candidates (a user group, or several
 * people picked) loses the deployer when the deployer may not approve; the deployer
 * alone is refused. One person may be a candidate for several roles (each signer still
 * signs one role: `decide` refuses a second signature), as long as every role keeps
 * someone of its own: a role whose candidates are all taken by other roles is refused.
 */
export function parseApprovers(
  submitted: Record<string, string[]>,
  ctx: ApproverContext,
): { approvers: Record<string, string[]>; errors: Record<`approver:${string}`, string> } {
  const approvers: Record<string, string[]> = {};
  const errors: Record<`approver:${string}`, string> = {};
  const labels = new Map(ctx.roles.map((r) => [r.role, r.label]));
  for (const { role, label, required } of ctx.roles) {
    let users = [...new Set(submitted[role] ?? [])];
    const key = `approver:${role}` as const;
    if (users.length > 1 && !ctx.deployerMayApprove) users = users.filter((u) => u !== ctx.deployerId);
    const empty = ctx.emptyGroups?.[role] ?? [];
    if (users.length === 0 && empty.length) errors[key] = groupsText(empty);
    else if (users.length === 0 && required) errors[key] = `name the ${label}`;
    else if (users[0] === ctx.deployerId && users.length === 1 && !ctx.deployerMayApprove)
      errors[key] = 'the deployer cannot approve their own deployment';
    if (users.length) approvers[role] = users;
  }
  // Every named role needs a signer of its own (a matching of roles to distinct people).
  const signerOf = new Map<string, string>();
  const assign = (role: string, seen: Set<string>): boolean => {
    for (const u of approvers[role] ?? []) {
      if (seen.has(u)) continue;
      seen.add(u);
      const holder = signerOf.get(u);
      if (holder === undefined || assign(holder, seen)) {
        signerOf.set(u, role);
        return true;
      }
    }
    return false;
  };
  for (const role of Object.keys(approvers)) {
    const key = `approver:${role}` as const;
    if (errors[key] || assign(role, new Set())) continue;
    const others = [...new Set((approvers[role] ?? []).map((u) => labels.get(signerOf.get(u) ?? '') ?? ''))].filter(
      Boolean,
    );
    errors[key] = `already named as ${others.join(' and ')}: one person signs for one role`;
  }
  return { approvers, errors };
}
