/**
 * What the results table costs per round and per evaluation: request units as DynamoDB
 * reports them (`ReturnConsumedCapacity` through ResultsTable's `capacityUsed()`, here
 * from dynalite, which applies DynamoDB's rounding rules), next to the units computed from
 * the item sizes by DynamoDB's published rules, so the two can be compared.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AlertMessage } from '../../functions/contract/alert-message.ts';
import { roundItem, stateItem, type ResultsTable } from '../../functions/adapters/aws/results-table.ts';
import { buildAlertMessage } from '../../functions/core/deliver/build-alert-message.ts';
import { evaluateRound, type EvaluationSettings } from '../../functions/core/evaluate/evaluate-round.ts';
import type { EnsembleState } from '../../functions/contract/ensemble-state.ts';
import type { ProbeRound } from '../../functions/contract/probe-round.ts';
import { evaluateEnsembleRound } from '../../functions/app/evaluate-ensemble.ts';
import { median } from '../stats.ts';

export interface StoreCost {
  rounds: number;
  /** Messages the evaluations produced (each one adds an outbox write). */
  messages: number;
  reported: { writeUnitsPerRound: number; readUnitsPerEvaluation: number; writeUnitsPerEvaluation: number };
  computed: { writeUnitsPerRound: number; readUnitsPerEvaluation: number; writeUnitsPerEvaluation: number };
  /** Evaluations that published no message (and found none waiting): the cost of a quiet round. */
  quiet: { evaluations: number; readUnitsPerEvaluation: number; writeUnitsPerEvaluation: number };
  /** Evaluations that published: the outbox write and its clearing included. */
  withMessages: { evaluations: number; messages: number; writeUnitsPerEvaluation: number };
  /** Median bytes of a round item and of the state item, by DynamoDB's size rules. */
  roundItemBytes: number;
  stateItemBytes: number;
  /** Median wall time of one evaluation against the store (read, decide, write, publish, clear). */
  evaluationMs: number;
}

/** DynamoDB item size: attribute names plus values (strings UTF-8, binary its bytes, numbers ~1 byte per 2 digits + 1, lists 3 + 1 per element). */
export function itemBytes(item: Record<string, AttributeValue>): number {
  const valueBytes = (v: AttributeValue): number => {
    if (v.S !== undefined) return Buffer.byteLength(v.S);
    if (v.B !== undefined) return v.B.byteLength;
    if (v.N !== undefined) return Math.ceil(v.N.replace(/^-|\./g, '').length / 2) + 1;
    if (v.L !== undefined) return 3 + v.L.reduce((sum, e) => sum + 1 + valueBytes(e), 0);
    return 1;
  };
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
}

const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
/** Strongly consistent read (the state item is read that way). */
const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));

/** The state item as the adapter writes it (a revision of four digits). */
function stateItemBytes(state: EnsembleState, outbox: AlertMessage[]): number {
  return itemBytes(stateItem(state.ensembleName, { state, outbox }, 1000));
}

/**
 * Writes each round and evaluates it through the outbox path (as the evaluator Lambda
 * does), with a notifier that accepts everything, and returns the units per operation.
 */
export async function measureStoreCost(table: ResultsTable, rounds: readonly ProbeRound[], settings: EvaluationSettings): Promise<StoreCost> {
  let messages = 0;
  const roundSizes: number[] = [];
  const stateSizes: number[] = [];
  const times: number[] = [];
  const computed = { round: 0, read: 0, write: 0 };
  let previous: EnsembleState | undefined;
  const before = table.capacityUsed();
  let afterRounds = { readUnits: 0, writeUnits: 0 };
  let evaluationUnits = { readUnits: 0, writeUnits: 0 };
  const quiet = { evaluations: 0, readUnits: 0, writeUnits: 0 };
  const loud = { evaluations: 0, messages: 0, writeUnits: 0 };
  for (const round of rounds) {
    const item = roundItem(round, round.startedAt);
    roundSizes.push(itemBytes(item));
    computed.round += writeUnits(itemBytes(item));
    const c0 = table.capacityUsed();
    await table.putRound(round, round.startedAt);
    const c1 = table.capacityUsed();
    afterRounds = { readUnits: afterRounds.readUnits + c1.readUnits - c0.readUnits, writeUnits: afterRounds.writeUnits + c1.writeUnits - c0.writeUnits };

    // The same decision, computed purely, gives the sizes of what the store read and wrote.
    const decided = evaluateRound(previous, round, settings, new Date(round.startedAt));
    const message = buildAlertMessage(decided.evaluation);
    // A read of an item that does not exist yet still costs one unit.
    computed.read += previous === undefined ? 1 : readUnits(stateItemBytes(previous, []));
    computed.write += writeUnits(stateItemBytes(decided.state, message ? [message] : [])) + (message ? writeUnits(stateItemBytes(decided.state, [])) : 0);
    stateSizes.push(stateItemBytes(decided.state, []));
    previous = decided.state;

    const t0 = performance.now();
    const outcome = await evaluateEnsembleRound(round, {
      store: table,
      settings: async () => settings,
      notifier: { publish: async () => undefined },
      clock: () => new Date(round.startedAt),
    });
    times.push(performance.now() - t0);
    messages += outcome.published.length;
    const c2 = table.capacityUsed();
    evaluationUnits = { readUnits: evaluationUnits.readUnits + c2.readUnits - c1.readUnits, writeUnits: evaluationUnits.writeUnits + c2.writeUnits - c1.writeUnits };
    if (outcome.published.length === 0) {
      quiet.evaluations += 1;
      quiet.readUnits += c2.readUnits - c1.readUnits;
      quiet.writeUnits += c2.writeUnits - c1.writeUnits;
    } else {
      loud.evaluations += 1;
      loud.messages += outcome.published.length;
      loud.writeUnits += c2.writeUnits - c1.writeUnits;
    }
  }
  const n = rounds.length;
  const total = table.capacityUsed();
  if (total.writeUnits - before.writeUnits !== afterRounds.writeUnits + evaluationUnits.writeUnits) throw new Error('store-cost: capacity accounting does not add up');
  return {
    rounds: n,
    messages,
    reported: { writeUnitsPerRound: afterRounds.writeUnits / n, readUnitsPerEvaluation: evaluationUnits.readUnits / n, writeUnitsPerEvaluation: evaluationUnits.writeUnits / n },
    computed: { writeUnitsPerRound: computed.round / n, readUnitsPerEvaluation: computed.read / n, writeUnitsPerEvaluation: computed.write / n },
    quiet: { evaluations: quiet.evaluations, readUnitsPerEvaluation: quiet.readUnits / Math.max(1, quiet.evaluations), writeUnitsPerEvaluation: quiet.writeUnits / Math.max(1, quiet.evaluations) },
    withMessages: { evaluations: loud.evaluations, messages: loud.messages, writeUnitsPerEvaluation: loud.writeUnits / Math.max(1, loud.evaluations) },
    roundItemBytes: median(roundSizes),
    stateItemBytes: median(stateSizes),
    evaluationMs: median(times),
  };
}
