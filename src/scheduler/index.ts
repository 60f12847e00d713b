export { startTicking, TICK_EVERY } from './cron.js';
export { createPlanner, timingsFrom, type HooksFor, type TimingsFor } from './planner.js';
export { createScheduler, type Scheduler } from './scheduler.js';
