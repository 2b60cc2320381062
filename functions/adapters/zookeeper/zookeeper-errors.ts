import { isLocalResourceError } from '../../core/probe/checker-faults.ts';
import type { CanaryErrorKind } from '../../contract/probe-round.ts';

/** The native client's session state after a failed authentication (its `close` code). */
export const ZOO_AUTH_FAILED_STATE = -113;

/** The native client's errors are plain `Error`s whose message starts with the code. */
const KIND_FOR_CODE: Record<number, CanaryErrorKind> = {
  [-4]: 'connection-loss',
  [-7]: 'operation-timeout',
  [-101]: 'no-node',
  [-102]: 'auth-failed',
  [-112]: 'session-expired',
  [-115]: 'auth-failed',
  [-116]: 'connection-loss',
};

/** Names a `zookeeper` client error by its code (`-4 connection loss` → `connection-loss`). */
export function canaryErrorKind(err: unknown): CanaryErrorKind {
  if (isLocalResourceError((err as NodeJS.ErrnoException | undefined)?.code)) return 'checker-fault';
  const message = err instanceof Error ? err.message : String(err);
  const code = /^\s*(-\d+)/.exec(message);
  return (code && KIND_FOR_CODE[Number(code[1])]) || 'client-error';
}
