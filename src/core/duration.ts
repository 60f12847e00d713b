/**
 * A duration in the whole minutes people are shown (rounded, sign dropped).
 * The views' `formatDuration` and the timer refresh's `timerFace` both use
 * it, so a timer is redrawn exactly when its shown minute changes. Pure.
 */
export const shownMinutes = (ms: number): number => Math.round(Math.abs(ms) / 60_000);
