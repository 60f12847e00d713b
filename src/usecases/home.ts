import type { Clock } from '../core/clock.js';
import type { HistoryPage } from '../core/deployment/history.js';
import type { HomeStats } from '../core/deployment/stats.js';
import type { Deployment } from '../core/deployment/types.js';
import type { DeployerNeed, PendingApproval } from '../core/deployment/waiting.js';
import type { DeploymentService } from './deployments.js';
import { seenBy, type Sights } from './seen.js';

/** Lines shown per group of "Waiting for you" before "and N more": only those are read. */
export const WAITING_MAX = 10;
/** Active deployments Home lists (the view fits what its blocks allow): only those snapshots are read. */
const LISTED_MAX = 30;

/** Everything a person's App Home shows, as they may see it. */
export interface Home {
  now: number;
  /** "Waiting for you": the first approvals they can give (of `approvalsTotal`) and of their deployments that need them (of `deploymentsTotal`). */
  waiting: {
    approvals: PendingApproval[];
    approvalsTotal: number;
    deployments: Array<{ d: Deployment; need: DeployerNeed }>;
    deploymentsTotal: number;
  };
  /** The active and upcoming deployments they see in full, soonest first. */
  listed: Deployment[];
  /** A page of the past deployments they see. */
  past: HistoryPage;
  /** The delivery stats: the team's and those of the services they deployed. */
  stats: HomeStats;
  /** References of the active deployments in private channels they are not in (shown only as existing). */
  hidden: string[];
  /** Every deployment Home draws a line for (each once): the ones whose threads it links to. */
  linked: Deployment[];
}

/** A turn of the event loop: other requests (a click) are answered in between. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * App Home's content for one person. Who sees what is the core's rule (`visibleTo`) over the
 * channels' members (`access`); the active deployments are decided on their listing rows, and only
 * the snapshots Home shows are read (each parsed once per revision).
 */
export function createHomeUseCase({
  service,
  access,
  clock,
}: {
  service: Pick<DeploymentService, 'activeListing' | 'waitingFor' | 'shown' | 'history' | 'homeStats'>;
  access: Sights;
  clock: Clock;
}) {
  /**
   * A Home is drawn in parts, and the parts of all the Homes being drawn run one at a time, each
   * after a turn of the event loop: a click made while ten people open Home waits for one part of
   * one Home at each of its steps, not for a part of each of the ten. A Home waiting for Slack
   * (who is in a channel) holds no other meanwhile.
   */
  let lastPart: Promise<unknown> = Promise.resolve();
  function part<T>(run: () => T): Promise<T> {
    const done = lastPart.then(turn).then(run);
    lastPart = done.catch(() => undefined);
    return done;
  }

  return {
    /** `user`'s Home, with page `historyPage` of the past deployments. */
    async homeFor(user: string, historyPage = 1): Promise<Home> {
      const { now, active } = await part(() => ({ now: clock.now(), active: service.activeListing() }));
      const { shown: all, hidden } = await seenBy({ access }, user, active);
      const { waiting, listed } = await part(() => {
        const found = service.waitingFor(user, all, now);
        // Only the first lines of each group are read (their snapshots); the rest are counted.
        const approvals = found.approvals.slice(0, WAITING_MAX);
        const theirs = found.deployments.slice(0, WAITING_MAX);
        const read = new Map(
          service.shown([...approvals, ...theirs].map((t) => t.listing)).map((d) => [d.id, d] as const),
        );
        return {
          waiting: {
            approvals: approvals.flatMap(({ listing, role, label }) => {
              const d = read.get(listing.id);
              return d ? [{ d, role, label }] : [];
            }),
            approvalsTotal: found.approvals.length,
            deployments: theirs.flatMap(({ listing, need }) => {
              const d = read.get(listing.id);
              return d ? [{ d, need }] : [];
            }),
            deploymentsTotal: found.deployments.length,
          },
          listed: service.shown(all.slice(0, LISTED_MAX)),
        };
      });
      const page = await part(() => service.history({}, historyPage));
      const past = { ...page, deployments: (await seenBy({ access }, user, page.deployments)).shown };
      const mine = [...waiting.approvals, ...waiting.deployments].map((w) => w.d);
      const linked = [...new Map([...listed, ...mine, ...past.deployments].map((d) => [d.id, d])).values()];
      const stats = await part(() => service.homeStats(user));
      return { now, waiting, listed, past, stats, hidden: hidden.map((d) => d.ref), linked };
    },
  };
}

export type HomeUseCase = ReturnType<typeof createHomeUseCase>;
