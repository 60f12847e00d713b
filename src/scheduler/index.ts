export { startTicking, tickWhenQuiet, wakeAtNextDue } from './cron.js';
export { createPlanner, timingsFrom } from './planner.js';
export { createScheduler, type Scheduler } from './scheduler.js';
