import { section } from '../blocks.js';
import { clip, mention } from '../format.js';
import { gateName } from '../deployment/gate.js';
import { threadHint, title, type Notice, type NoticeInput } from './common.js';

/** An admin's action on a deployment (an emergency override, a cancel), for the ops channel. */
export function adminAction({ job, d, events }: NoticeInput): Notice {
  const e = job.payload.seq ? events[job.payload.seq - 1] : undefined;
  const what =
    e?.type === 'gate_overridden'
      ? `overrode the ${gateName(e.gate)} as an emergency: “${clip(e.reason, 500)}”`
      : e?.type === 'cancelled'
        ? `cancelled it: “${clip(e.reason, 500)}”`
        : 'acted on it';
  const who = e ? mention(e.actor) : 'An admin';
  return {
    text: `🛡️ Admin action on ${d.ref}`,
    blocks: [section(`🛡️ *Admin action* ${title(d)}\n${who} (admin) ${what}`), ...threadHint(d, job.payload.target)],
  };
}
