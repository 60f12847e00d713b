export { startModal, type StartModalInput } from './start.js';
export {
  evidenceModal,
  failStepModal,
  MAX_OPTION_VALUE,
  reasonModal,
  type EvidenceModalInput,
  type FailStepModalInput,
  type ReasonModalInput,
} from './small.js';
