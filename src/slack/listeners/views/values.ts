/** A view's submitted state, as Slack sends it: block id → action id → element state. */
export type ViewValues = Record<string, Record<string, ElementState | undefined> | undefined>;

export interface ElementState {
  type?: string;
  value?: string | null;
  selected_user?: string | null;
  selected_users?: string[] | null;
  selected_option?: { value?: string } | null;
  selected_date_time?: number | null;
  selected_conversation?: string | null;
  selected_channel?: string | null;
}

/** The first element state of a block (each of our input blocks holds one element). */
export function field(values: ViewValues | undefined, blockId: string): ElementState | undefined {
  const block = values?.[blockId];
  if (!block || typeof block !== 'object') return undefined;
  const first = Object.values(block)[0];
  return first && typeof first === 'object' ? first : undefined;
}

export const textOf = (v: ViewValues | undefined, id: string): string | null => {
  const value = field(v, id)?.value;
  return typeof value === 'string' ? value : null;
};

export const optionOf = (v: ViewValues | undefined, id: string): string | undefined => {
  const value = field(v, id)?.selected_option?.value;
  return typeof value === 'string' ? value : undefined;
};

export const userOf = (v: ViewValues | undefined, id: string): string | undefined => {
  const f = field(v, id);
  const user = f?.selected_user ?? f?.selected_users?.[0];
  return typeof user === 'string' ? user : undefined;
};

export const usersOf = (v: ViewValues | undefined, id: string): string[] => {
  const f = field(v, id);
  const users = f?.selected_users ?? (f?.selected_user ? [f.selected_user] : []);
  return Array.isArray(users) ? users.filter((u): u is string => typeof u === 'string') : [];
};

export const channelOf = (v: ViewValues | undefined, id: string): string | null => {
  const f = field(v, id);
  const c = f?.selected_conversation ?? f?.selected_channel;
  return typeof c === 'string' ? c : null;
};

/** Epoch ms from a datetimepicker (which sends unix seconds). */
export const dateTimeOf = (v: ViewValues | undefined, id: string): number | undefined => {
  const s = field(v, id)?.selected_date_time;
  return typeof s === 'number' && Number.isFinite(s) ? s * 1000 : undefined;
};

/** Parses private_metadata JSON; null when it is not an object. */
export function metadataOf(raw: string | undefined): Record<string, unknown> | null {
  try {
    const v = JSON.parse(raw ?? '') as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
