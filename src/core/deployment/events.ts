import type { Template } from '../template/schema.js';
import type { DeploymentInput, GateId, ItemState } from './types.js';

/** Everything that can happen to a deployment. Stored append-only; state is their fold. */
export type DeploymentEvent =
  | {
      type: 'created';
      input: DeploymentInput;
      plan: Template;
      phases: Record<string, { plannedStart: number; plannedEnd: number }>;
    }
  | { type: 'item_confirmed'; key: string; evidence?: string }
  | { type: 'item_failed'; key: string; note: string }
  | { type: 'item_undone'; key: string; previous: ItemState }
  | { type: 'approved'; role: string }
  | { type: 'rejected'; role: string; reason: string }
  /**
   * A gate overridden: by the deployer where they may alone; granted by a second person on the
   * deployer's request (`requestedBy`); or by an admin at once (`emergency`).
   */
  | {
      type: 'gate_overridden';
      gate: GateId;
      reason: string;
      missing: string[];
      requestedBy?: string;
      emergency?: boolean;
    }
  /** The deployer asks for an override that a second person must grant. */
  | { type: 'override_requested'; gate: GateId; reason: string; missing: string[] }
  | { type: 'phase_started'; phaseId: string }
  | { type: 'phase_completed'; phaseId: string }
  | { type: 'completed' }
  | { type: 'monitoring_started'; minutes: number }
  | { type: 'marked_faulty'; note: string }
  | {
      type: 'rescheduled';
      windowStart: number;
      windowEnd: number;
      phases: Record<string, { plannedStart: number; plannedEnd: number }>;
    }
  | {
      type: 'rollback_started';
      trigger: string;
      restore: string[];
      note: string;
      fromVersion: string;
      toVersion: string | null;
    }
  | { type: 'rollback_completed' }
  | { type: 'rollback_failed'; note: string }
  /** `admin`: cancelled by an admin who is not its deployer. */
  | { type: 'cancelled'; reason: string; admin?: boolean }
  /**
   * Its dedicated channel was created (`location: channel`); the archive delay is fixed with it.
   * `private`: a private channel (its card is not mirrored to the deploy channel).
   */
  | { type: 'room_opened'; channelId: string; name: string; archiveAfterHours: number; private?: boolean }
  /** Its dedicated channel could not be created: it runs in a thread of the deploy channel instead. */
  | { type: 'room_failed'; reason: string }
  /**
   * Liftoff ran the health checks, asked by `requestedBy` (the button) or on its schedule during the
   * monitoring window (recorded only at its first failure). Each check's host and path and outcome in words.
   * Changes no state.
   */
  | {
      type: 'health_checks_run';
      requestedBy?: string;
      results: Array<{ endpoint: string; ok: boolean; detail: string }>;
    }
  /** Audit only: somebody tried something they may not do. Changes no state. */
  | { type: 'refused'; action: string; reason: string };

/** An event as it happened: who did it and when (epoch ms). */
export type RecordedEvent = DeploymentEvent & { actor: string; at: number };
