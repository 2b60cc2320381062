/**
 * The canary: a real client session doing what applications do (connect, create an
 * ephemeral znode, get with a watch, set, receive the watch, delete), each step timed.
 * The native client never reports an unreachable ensemble, so the session runs under our
 * own deadline and is always closed; the client itself lives in the client process
 * (`zookeeper-host.ts`).
 */
import type { CanaryErrorKind, CanaryResult, CanaryStep, ZnodeCheckResult } from '../../contract/probe-round.ts';
import { ruleId, type ZnodeRule } from '../../contract/znode-rules.ts';
import { runZnodeChecks, type ZnodeCheckLimits } from './znode-checks.ts';
import { canaryErrorKind, ZOO_AUTH_FAILED_STATE } from './zookeeper-errors.ts';
import { HostedSession } from './zookeeper-host.ts';
import type { AclGrant } from './zookeeper-host-protocol.ts';
import { withoutTrailingSlashes } from '../../core/text/trailing-slashes.ts';

export interface CanaryOptions {
  /** `host:port,host:port`. */
  connectString: string;
  /** Deadline for the whole canary, connect included. */
  timeoutMs: number;
  /** Parent of the canary znodes; created (persistent) when missing. @default '/zk-lookout/canary' */
  root?: string;
  /** Unique per round: the ephemeral znode's name. */
  name: string;
  /** Digest credentials `user:password` (from Secrets Manager on AWS, a file locally). */
  digest?: string;
  /** Read-only checks run in the same session after the canary steps, within its deadline. */
  znodeRules?: readonly ZnodeRule[];
  znodeLimits?: ZnodeCheckLimits;
}

export interface CanaryOutcome {
  canary: CanaryResult;
  /** One result per rule; `error` for all of them when the session never connected. */
  znodes: ZnodeCheckResult[];
}

export const DEFAULT_CANARY_ROOT = '/zk-lookout/canary';

class CanaryStepError extends Error {
  override name = 'CanaryStepError';
  constructor(
    readonly kind: CanaryErrorKind,
    readonly step: CanaryStep,
    message: string,
  ) {
    super(message);
  }
}

export async function runCanary(options: CanaryOptions): Promise<CanaryOutcome> {
  const started = performance.now();
  const deadline = started + options.timeoutMs;
  const root = withoutTrailingSlashes(options.root ?? DEFAULT_CANARY_ROOT);
  const path = `${root}/${options.name}`;
  const steps: CanaryResult['steps'] = {};
  // The C client gives up on a server that accepts but never answers (a paused one) after
  // a fraction of the session timeout and tries the next: half the deadline lets it fail
  // over in time, as an application's client eventually would. The server raises a
  // shorter request to its minimum (2×tickTime).
  const client = new HostedSession(options.connectString, Math.max(400, Math.floor(options.timeoutMs / 2)));

  const timed = async <T>(step: CanaryStep, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const remaining = deadline - t0;
    if (remaining <= 0) throw new CanaryStepError('operation-timeout', step, `canary deadline of ${options.timeoutMs} ms passed before ${step}`);
    let timer: NodeJS.Timeout | undefined;
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CanaryStepError(step === 'connect' ? 'connect-timeout' : 'operation-timeout', step, `${step} did not finish within the canary deadline of ${options.timeoutMs} ms`)),
        remaining,
      );
    });
    const attempt = work();
    // A step abandoned at the deadline may still fail later; that failure is already reported.
    attempt.catch(() => undefined);
    try {
      const value = await Promise.race([attempt, guard]);
      steps[step] = round(performance.now() - t0);
      return value;
    } catch (err) {
      if (err instanceof CanaryStepError) throw err;
      const kind = client.closedWith === ZOO_AUTH_FAILED_STATE ? 'auth-failed' : canaryErrorKind(err);
      throw new CanaryStepError(kind, step, err instanceof Error ? err.message : String(err));
    } finally {
      clearTimeout(timer);
    }
  };

  let connected = false;
  const rules = options.znodeRules ?? [];
  const checkZnodes = async (): Promise<ZnodeCheckResult[]> => {
    if (rules.length === 0) return [];
    if (!connected) return rules.map((rule) => unchecked(rule, 'the session did not connect'));
    return runZnodeChecks(client, rules, deadline, options.znodeLimits);
  };

  try {
    const canary = await canarySteps();
    return { canary, znodes: await checkZnodes() };
  } finally {
    const t0 = performance.now();
    // Not awaited: the native close waits for the server for up to 1.5 s, and a hung client
    // process would never answer; the round's deadline does not wait for either.
    void client.close();
    steps.close = round(performance.now() - t0);
  }

  async function canarySteps(): Promise<CanaryResult> {
    try {
      await timed('connect', () => client.connected);
      connected = true;
      if (options.digest) {
        const digest = options.digest;
        await timed('auth', () => client.addDigest(digest));
      }
      await timed('create', async () => {
        await ensureParents(client, root, options.digest !== undefined);
        await client.create(path, 'zk-lookout canary', 'ephemeral');
      });
      let watchFired: Promise<void> = Promise.resolve();
      await timed('get', async () => {
        let fire: () => void = () => undefined;
        watchFired = new Promise<void>((resolve) => (fire = resolve));
        await client.watchData(path, () => fire());
      });
      const setAt = performance.now();
      await timed('set', () => client.set(path, new Date().toISOString(), -1));
      await timed('watch', () => watchFired);
      steps.watch = round(performance.now() - setAt);
      await timed('delete', () => client.delete(path, -1));
      return { ok: true, steps, totalMs: round(performance.now() - started), path };
    } catch (err) {
      const failure = err instanceof CanaryStepError ? err : new CanaryStepError('client-error', 'connect', String(err));
      return {
        ok: false,
        steps,
        totalMs: round(performance.now() - started),
        path,
        error: { kind: failure.kind, step: failure.step, message: failure.message },
      };
    }
  }
}

function unchecked(rule: ZnodeRule, why: string): ZnodeCheckResult {
  return { rule: ruleId(rule), check: rule.check, path: rule.path, status: 'error', detail: `not checked: ${why}`, error: { kind: 'session-unavailable', message: why }, reads: 0 };
}

/**
 * With digest auth, parents the canary creates may be changed only by the canary's own
 * identity (`auth` = every identity this session authenticated as); everyone may read.
 * Left world-writable, any client could make them read-only and fail every later canary.
 */
export const CANARY_PARENT_ACL: readonly AclGrant[] = [
  { scheme: 'auth', auth: '', perms: ['all'] },
  { scheme: 'world', auth: 'anyone', perms: ['read'] },
];

/**
 * Creates each missing ancestor of `root` as a persistent znode; an existing one is fine
 * (and left as it is: it may be someone else's). The native client creates with the open
 * ACL, so a parent made here is restricted at once, at ACL version 0: if another client
 * changed it in between, the canary fails instead of trusting the node. Without auth the
 * parents stay world-writable (docs/RELIABILITY.md says what that implies).
 */
async function ensureParents(client: HostedSession, root: string, restrict: boolean): Promise<void> {
  const parts = root.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const path = '/' + parts.slice(0, i).join('/');
    if (await client.pathExists(path)) continue;
    try {
      await client.create(path, '', 'persistent');
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('-110')) throw err;
      continue; // another canary made it first, and restricted it
    }
    if (restrict) await client.setAcl(path, 0, CANARY_PARENT_ACL);
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
