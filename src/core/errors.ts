/**
 * Errors a user can cause and fix. Each has a code (for logs and tests) and a
 * plain-language message that is shown to the user as it is.
 */
export type DomainErrorCode =
  | 'not_found'
  | 'not_allowed'
  | 'already_done'
  | 'not_now'
  | 'gate_closed'
  | 'invalid_input'
  | 'finished';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Extra lines shown under the message, e.g. what a gate is missing. */
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
