export { startModal } from './start.js';
export { evidenceModal, failStepModal, reasonModal } from './small.js';
