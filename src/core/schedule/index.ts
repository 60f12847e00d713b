export * from './jobs.js';
export * from './plan.js';
export * from './stale.js';
export * from './timings.js';
export * from './follow-ups.js';
export * from './hooks.js';
export * from './timer-face.js';
export * from './health-checks.js';
