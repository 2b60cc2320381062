/**
 * AdminServer commands over HTTP (`/commands/<name>`), with the same promise as the
 * four-letter client: a deadline, a byte cap, and no rejection. ZooKeeper answers some
 * failures as an HTTP 500 HTML page and others as 200 with an `error` field; both come
 * back as they are for the classifier to read.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkerFaultMessage, isLocalResourceError } from '../../core/probe/checker-faults.ts';
import type { AdminCommand, AdminExchange } from '../../core/probe/classify-server.ts';

export interface AdminRequest {
  host: string;
  port: number;
  command: AdminCommand;
  timeoutMs: number;
  /** @default 1 MiB */
  maxBytes?: number;
  /** Use HTTPS (admin.portUnification or a TLS-only AdminServer). */
  https?: boolean;
  /** Local address to connect from. @default the kernel's choice */
  localAddress?: string;
  /** A reply beyond `maxBytes`: `fail` (reply-too-large) or `truncate` (the first bytes, `truncated: true`, no JSON). @default 'fail' */
  overflow?: 'fail' | 'truncate';
}

export function askAdmin(req: AdminRequest): Promise<AdminExchange> {
  const started = performance.now();
  const maxBytes = req.maxBytes ?? 1024 * 1024;
  const source = `admin:${req.command}`;
  const elapsed = () => Math.round((performance.now() - started) * 100) / 100;

  return new Promise<AdminExchange>((resolve) => {
    let settled = false;
    const finish = (result: AdminExchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const send = req.https ? httpsRequest : httpRequest;
    const request = send({
      host: req.host,
      port: req.port,
      path: `/commands/${req.command}`,
      method: 'GET',
      headers: { accept: 'application/json' },
      agent: false,
      ...(req.localAddress ? { localAddress: req.localAddress } : {}),
    });
    const timer = setTimeout(
      () => finish({ ok: false, error: { kind: 'reply-timeout', message: `AdminServer ${req.command} gave no reply within ${req.timeoutMs} ms`, source }, ms: elapsed() }),
      req.timeoutMs,
    );
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        const room = maxBytes - size;
        size += chunk.length;
        if (size > maxBytes && req.overflow === 'truncate') {
          chunks.push(chunk.subarray(0, room));
          finish({ ok: true, status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: elapsed(), truncated: true });
          return;
        }
        if (size > maxBytes) {
          finish({ ok: false, error: { kind: 'reply-too-large', message: `AdminServer ${req.command} reply exceeded ${maxBytes} bytes`, source }, ms: elapsed() });
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        finish({ ok: true, status: response.statusCode ?? 0, text, ...jsonObject(text), ms: elapsed() });
      });
      response.on('error', (err) => finish({ ok: false, error: { kind: 'connection-reset', message: err.message, source }, ms: elapsed() }));
    });
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (isLocalResourceError(err.code)) {
        finish({ ok: false, error: { kind: 'checker-fault', message: checkerFaultMessage(err.code as string, `ask the AdminServer ${req.command}`), source }, ms: elapsed() });
        return;
      }
      const kind = err.code === 'ECONNREFUSED' ? 'connection-refused' : err.code === 'ECONNRESET' ? 'connection-reset' : 'network-error';
      finish({ ok: false, error: { kind, message: `AdminServer ${req.host}:${req.port}: ${err.message}`, source }, ms: elapsed() });
    });
    request.end();
  });
}

function jsonObject(text: string): { json?: Record<string, unknown> } {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? { json: value as Record<string, unknown> } : {};
  } catch {
    return {};
  }
}
