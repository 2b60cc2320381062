/**
 * One ensemble's evaluation against the results table, with an outbox so an alert is
 * never lost and, outside one narrow window, never sent twice.
 *
 * Order of effects for one decision (a round, or the sweep's staleness check):
 *   1. read the state item (state, outbox, rev);
 *   2. decide purely: evaluateRound / evaluateStaleness → state, evaluation → message;
 *   3. write state + (outbox with the message appended) over rev; when another writer
 *      got there first, go back to 1 (bounded);
 *   4. publish every outbox message, oldest first;
 *   5. write the same state with the published messages removed from the outbox (over
 *      the rev of step 3; on a conflict, re-read and remove them from the newer outbox).
 *
 * A crash or throw after 3 leaves the message in the outbox: the next evaluation of the
 * ensemble (the stream's retry of the same round, the next round or the sweep) publishes
 * it. A retried round is recognised by its id in the state (step 2 decides nothing) and
 * only the outbox is published again, so no transition is computed twice.
 *
 * The at-least-once window: a crash, timeout or failed write between a successful
 * publish (4) and the outbox write (5) leaves that message in the outbox although SNS
 * accepted it, and the next run publishes it again. SNS offers no idempotent publish on
 * standard topics, so this window cannot be closed; it is as wide as one conditional
 * write. Two evaluators racing on the same ensemble can both publish a message that
 * was committed before either read it; the stream runs one batch per shard at a time,
 * so that takes a sweep and a stream invocation meeting inside the same window.
 */
import type { AlertMessage } from '../contract/alert-message.ts';
import { buildAlertMessage, type AlertMessageOptions } from '../core/deliver/build-alert-message.ts';
import type { RiskAssessment } from '../core/evaluate/assess-risk.ts';
import type { EnsembleState } from '../contract/ensemble-state.ts';
import { evaluateRound, evaluateStaleness, type EvaluationSettings } from '../core/evaluate/evaluate-round.ts';
import type { Evaluation } from '../contract/transition.ts';
import type { ProbeRound } from '../contract/probe-round.ts';
import { StateConflictError, type StateRecord, type StateWrite } from './state-store.ts';

/** The part of the results table the evaluation uses. */
export interface StateStore {
  getState(ensembleName: string): Promise<StateRecord | undefined>;
  putState(ensembleName: string, write: StateWrite, expectedRev: number | undefined): Promise<number>;
}

/** Where alert messages go (SNS in Lambda). `publish` resolves only once the message was accepted. */
export interface AlertNotifier {
  publish(message: AlertMessage): Promise<unknown>;
}

export interface EvaluationPorts {
  store: StateStore;
  /** Thresholds, silences and config problems in force for an ensemble. */
  settings(ensembleName: string): Promise<EvaluationSettings>;
  notifier: AlertNotifier;
  clock(): Date;
  messageOptions?: AlertMessageOptions;
  /**
   * Errors after which publishing the same message can never succeed (a message too
   * large for the topic). Such a message is dropped from the outbox and reported in
   * `undeliverable`, so one poison message cannot hold back every later alert.
   */
  isUndeliverable?(error: unknown): boolean;
  /** Reads and recomputations before giving up on a contended state item. @default 5 */
  maxAttempts?: number;
}

export interface EnsembleOutcome {
  ensembleName: string;
  /** Present when something was recorded; absent for a redelivered round or a sweep that found nothing. */
  evaluation?: Evaluation;
  /** Each signal's part in this round's warning probability, when a round was evaluated. */
  assessment?: RiskAssessment;
  /** The state as committed (or as found, when nothing was decided). */
  state?: EnsembleState;
  /** Messages published by this call, oldest first (earlier leftovers included). */
  published: AlertMessage[];
  /** Messages dropped because they can never be published, with the reason. */
  undeliverable: { message: AlertMessage; error: string }[];
  /** State writes that lost a race and were recomputed. */
  conflicts: number;
}

/** The state item stayed contended for every attempt. */
export class StateContentionError extends Error {
  override name = 'StateContentionError';
}

/** Publishing failed; the undelivered messages stay in the outbox for the next run. */
export class AlertDeliveryError extends Error {
  override name = 'AlertDeliveryError';
}

export const DEFAULT_MAX_ATTEMPTS = 5;

type Decision = { state: EnsembleState; evaluation: Evaluation; assessment?: RiskAssessment };
/** The pure step; returning the previous state object itself means "nothing to record". */
type Decide = (previous: EnsembleState | undefined, now: Date) => Decision | undefined;

/** Evaluates one round; a redelivered round changes nothing and only flushes the outbox. */
export async function evaluateEnsembleRound(round: ProbeRound, ports: EvaluationPorts): Promise<EnsembleOutcome> {
  const settings = await ports.settings(round.ensembleName);
  return decideAndDeliver(round.ensembleName, ports, (previous, now) => evaluateRound(previous, round, settings, now));
}

/**
 * The sweep's check of one ensemble (`evaluateStaleness` decides whether it is stale).
 * Any leftover outbox is published either way; an ensemble never probed has no state and
 * is left alone.
 */
export async function sweepEnsemble(ensembleName: string, intervalMs: number, ports: EvaluationPorts): Promise<EnsembleOutcome> {
  const settings = await ports.settings(ensembleName);
  return decideAndDeliver(ensembleName, ports, (previous, now) => previous && evaluateStaleness(previous, now, intervalMs, settings));
}

async function decideAndDeliver(ensembleName: string, ports: EvaluationPorts, decide: Decide): Promise<EnsembleOutcome> {
  const maxAttempts = ports.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const now = ports.clock();
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const stored = await ports.store.getState(ensembleName);
    const decision = decide(stored?.state, now);
    if (decision === undefined || decision.state === stored?.state) {
      const delivery = stored ? await deliver(ensembleName, stored, ports) : { published: [], undeliverable: [] };
      return { ensembleName, state: stored?.state, ...delivery, conflicts: attempt };
    }
    const message = buildAlertMessage(decision.evaluation, ports.messageOptions);
    const outbox = [...(stored?.outbox ?? []), ...(message ? [message] : [])];
    let rev: number;
    try {
      rev = await ports.store.putState(ensembleName, { state: decision.state, outbox }, stored?.rev);
    } catch (err) {
      if (err instanceof StateConflictError) continue;
      throw err;
    }
    const delivery = await deliver(ensembleName, { state: decision.state, outbox, rev }, ports);
    return { ensembleName, evaluation: decision.evaluation, state: decision.state, ...(decision.assessment ? { assessment: decision.assessment } : {}), ...delivery, conflicts: attempt };
  }
  throw new StateContentionError(`state of ensemble "${ensembleName}" changed under every one of ${maxAttempts} attempts to write it`);
}

type Delivery = Pick<EnsembleOutcome, 'published' | 'undeliverable'>;

/** Publishes the outbox oldest first, then removes what went out (or never can) from it. */
async function deliver(ensembleName: string, record: StateRecord, ports: EvaluationPorts): Promise<Delivery> {
  const delivery: Delivery = { published: [], undeliverable: [] };
  const done: AlertMessage[] = [];
  for (const message of record.outbox) {
    try {
      await ports.notifier.publish(message);
      delivery.published.push(message);
    } catch (err) {
      if (ports.isUndeliverable?.(err)) {
        delivery.undeliverable.push({ message, error: (err as Error).message });
      } else {
        // Best effort: what did go out should not go out again. If this write fails too,
        // those messages are simply sent again later (the at-least-once window above).
        await removeFromOutbox(ensembleName, record, done, ports).catch(() => undefined);
        const left = record.outbox.length - done.length;
        throw new AlertDeliveryError(`publishing alerts of ensemble "${ensembleName}" failed; ${left} message(s) stay in the outbox: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
    done.push(message);
  }
  await removeFromOutbox(ensembleName, record, done, ports);
  return delivery;
}

async function removeFromOutbox(ensembleName: string, record: StateRecord, sent: AlertMessage[], ports: EvaluationPorts): Promise<void> {
  if (sent.length === 0) return;
  const sentKeys = new Set(sent.map((m) => JSON.stringify(m)));
  let current: StateRecord | undefined = record;
  for (let attempt = 0; attempt < (ports.maxAttempts ?? DEFAULT_MAX_ATTEMPTS); attempt++) {
    if (current === undefined) return;
    const outbox = current.outbox.filter((m) => !sentKeys.has(JSON.stringify(m)));
    if (outbox.length === current.outbox.length) return;
    try {
      await ports.store.putState(ensembleName, { state: current.state, outbox }, current.rev);
      return;
    } catch (err) {
      if (!(err instanceof StateConflictError)) throw err;
      current = await ports.store.getState(ensembleName);
    }
  }
  throw new StateContentionError(`outbox of ensemble "${ensembleName}" changed under every attempt to clear it`);
}
