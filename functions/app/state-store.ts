/**
 * What the evaluation needs of the store that keeps an ensemble's state: the state item
 * with its outbox, read and written under optimistic concurrency. The results table
 * (DynamoDB on AWS, dynalite locally) implements it.
 */
import type { AlertMessage } from '../contract/alert-message.ts';
import type { EnsembleState } from '../contract/ensemble-state.ts';

/** The state item as read: the evaluator's state, alerts not yet confirmed sent, and the revision. */
export interface StateRecord {
  state: EnsembleState;
  /** Messages committed with a state but not yet confirmed published, oldest first. */
  outbox: AlertMessage[];
  rev: number;
}

export interface StateWrite {
  state: EnsembleState;
  outbox: AlertMessage[];
}

/** The state item's revision moved (or it appeared) since it was read: re-read and recompute. */
export class StateConflictError extends Error {
  override name = 'StateConflictError';
}
