/**
 * One four-letter-word exchange: connect, send the word, read until the server closes.
 * It never rejects and never outlives its deadline: a paused server accepts the TCP
 * handshake and then says nothing, so only our own timers end the exchange.
 */
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { checkerFaultMessage, isLocalResourceError } from '../../core/probe/checker-faults.ts';
import type { FourLetterWord, ProbeError } from '../../contract/probe-round.ts';

export interface WordRequest {
  host: string;
  port: number;
  word: FourLetterWord;
  /** Whole exchange deadline (connect + reply). */
  timeoutMs: number;
  /** Connect deadline. @default min(timeoutMs, 1000) */
  connectTimeoutMs?: number;
  /** Replies beyond this are cut and reported. @default 1 MiB (mntr of a big server is ~10 KB; cons can be large) */
  maxBytes?: number;
  /** Connect with TLS (a secure client port). */
  tls?: ConnectionOptions | boolean;
  /**
   * What a reply beyond `maxBytes` gives: `fail` a `reply-too-large` error; `truncate` the
   * first `maxBytes` bytes with `truncated: true` (for line-per-item words such as `cons`,
   * where a partial list is still worth having). @default 'fail'
   */
  overflow?: 'fail' | 'truncate';
  /** Local address to connect from (a multi-homed host; the client IP the server sees). @default the kernel's choice */
  localAddress?: string;
}

export type Exchange =
  | { ok: true; text: string; ms: number; truncated?: boolean }
  | { ok: false; error: ProbeError; ms: number };

export const DEFAULT_MAX_REPLY_BYTES = 1024 * 1024;

export function askWord(request: WordRequest): Promise<Exchange> {
  const started = performance.now();
  const maxBytes = request.maxBytes ?? DEFAULT_MAX_REPLY_BYTES;
  const connectTimeoutMs = Math.min(request.connectTimeoutMs ?? 1000, request.timeoutMs);
  const elapsed = () => Math.round((performance.now() - started) * 100) / 100;

  return new Promise<Exchange>((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let connected = false;
    let settled = false;
    let socket: Socket;

    const finish = (result: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      // Late events from the destroyed socket reach handlers that see `settled` and do nothing.
      socket.destroy();
      resolve(result);
    };
    const fail = (kind: ProbeError['kind'], message: string) =>
      finish({ ok: false, error: { kind, message, source: request.word }, ms: elapsed() });

    const target = { host: request.host, port: request.port, ...(request.localAddress ? { localAddress: request.localAddress } : {}) };
    try {
      if (request.tls) {
        const options = typeof request.tls === 'object' ? request.tls : {};
        // SNI takes names only; an IP address there is deprecated and ignored.
        socket = tlsConnect({ ...target, ...(isIP(request.host) ? {} : { servername: request.host }), ...options });
        // The connect deadline covers TCP; the handshake runs under the exchange deadline.
        socket.once('connect', () => clearTimeout(connectTimer));
        socket.once('secureConnect', () => onConnect());
      } else {
        socket = netConnect(target);
        socket.once('connect', () => onConnect());
      }
    } catch (err) {
      // A socket that cannot even be made is the checker's failure (or a bad address), never the server's.
      const code = (err as NodeJS.ErrnoException).code;
      settled = true;
      resolve({
        ok: false,
        error: isLocalResourceError(code)
          ? { kind: 'checker-fault', message: checkerFaultMessage(code as string, `open a socket for ${request.word}`), source: request.word }
          : { kind: 'network-error', message: `${request.word} to ${request.host}:${request.port}: ${(err as Error).message}`, source: request.word },
        ms: elapsed(),
      });
      return;
    }

    const connectTimer = setTimeout(
      () => fail('connect-timeout', `no connection to ${request.host}:${request.port} within ${connectTimeoutMs} ms`),
      connectTimeoutMs,
    );
    const totalTimer = setTimeout(
      () =>
        connected
          ? fail('reply-timeout', `no complete ${request.word} reply within ${request.timeoutMs} ms (${received} bytes read)`)
          : fail('connect-timeout', `no connection to ${request.host}:${request.port} within ${request.timeoutMs} ms`),
      request.timeoutMs,
    );

    function onConnect() {
      connected = true;
      clearTimeout(connectTimer);
      socket.write(request.word);
    }

    socket.on('data', (chunk: Buffer) => {
      const room = maxBytes - received;
      received += chunk.length;
      if (received > maxBytes) {
        if (request.overflow !== 'truncate') {
          fail('reply-too-large', `${request.word} reply exceeded ${maxBytes} bytes`);
          return;
        }
        chunks.push(chunk.subarray(0, room));
        finish({ ok: true, text: Buffer.concat(chunks).toString('utf8'), ms: elapsed(), truncated: true });
        return;
      }
      chunks.push(chunk);
    });
    socket.on('end', () => {
        if (!connected) {
          fail('tls-failed', `${request.host}:${request.port} closed the connection during the TLS handshake`);
          return;
        }
      if (received === 0) {
        // ZooKeeper closes client connections unanswered while it restarts its server (elections).
        fail('no-reply', `${request.host}:${request.port} closed the connection without answering ${request.word}`);
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      finish({ ok: true, text, ms: elapsed() });
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (isLocalResourceError(err.code)) {
        fail('checker-fault', checkerFaultMessage(err.code as string, `ask ${request.host}:${request.port} ${request.word}`));
      } else if (err.code === 'ECONNREFUSED') {
        fail('connection-refused', `nothing listens on ${request.host}:${request.port}`);
      } else if (err.code === 'ECONNRESET' || err.code === 'EPIPE') {
        fail('connection-reset', `${request.host}:${request.port} reset the connection during ${request.word}`);
      } else if (request.tls && !connected) {
        fail('tls-failed', `TLS handshake with ${request.host}:${request.port} failed: ${err.message}`);
      } else {
        fail('network-error', `${request.word} to ${request.host}:${request.port}: ${err.message}`);
      }
    });
  });
}
