/**
 * A client host leaking real ZooKeeper sessions: raw connect requests over TCP from a
 * chosen loopback address (127.0.0.2 … 127.0.0.254 are distinct client IPs to the server),
 * kept alive with pings. The `zookeeper` npm client cannot bind its socket's local address,
 * so the handful of jute bytes a session needs are written here by hand.
 */
import { connect, type Socket } from 'node:net';

/** ZooKeeper's ConnectRequest: protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, readOnly. */
function connectRequest(timeoutMs: number): Buffer {
  const body = Buffer.alloc(4 + 8 + 4 + 8 + 4 + 16 + 1);
  let at = 0;
  at = body.writeInt32BE(0, at); // protocol version
  at = body.writeBigInt64BE(0n, at); // last zxid seen
  at = body.writeInt32BE(timeoutMs, at);
  at = body.writeBigInt64BE(0n, at); // new session
  at = body.writeInt32BE(16, at); // password length, then 16 zero bytes
  body.writeUInt8(0, at + 16); // not read-only
  const frame = Buffer.alloc(4);
  frame.writeInt32BE(body.length);
  return Buffer.concat([frame, body]);
}

/** A ping: xid -2, op 11. */
const PING = (() => {
  const b = Buffer.alloc(12);
  b.writeInt32BE(8, 0);
  b.writeInt32BE(-2, 4);
  b.writeInt32BE(11, 8);
  return b;
})();

/** How one session attempt ended. */
export type SessionOutcome = { ok: true; sessionId: string } | { ok: false; reason: string };

export interface SessionLeakOptions {
  host: string;
  port: number;
  /** The client IP the server sees. */
  localAddress: string;
  /** Requested session timeout; the server clamps it to [2, 20] × tickTime. @default 30000 */
  sessionTimeoutMs?: number;
  /** Deadline for one session to be granted. @default 5000 */
  connectTimeoutMs?: number;
}

export class SessionLeak {
  private readonly sockets: Socket[] = [];
  private readonly pinger: NodeJS.Timeout;

  constructor(private readonly options: SessionLeakOptions) {
    // The server expires a session after its timeout without traffic (≥ 2 ticks): ping often.
    this.pinger = setInterval(() => {
      for (const socket of this.sockets) if (!socket.destroyed) socket.write(PING);
    }, 150);
    this.pinger.unref();
  }

  /** Sessions still open. */
  get open(): number {
    return this.sockets.filter((s) => !s.destroyed).length;
  }

  /** Opens one session; resolves with its id, or with why the server would not grant it. */
  openSession(): Promise<SessionOutcome> {
    const { host, port, localAddress } = this.options;
    const deadline = this.options.connectTimeoutMs ?? 5000;
    return new Promise((resolve) => {
      const socket = connect({ host, port, localAddress });
      let reply = Buffer.alloc(0);
      let done = false;
      const finish = (outcome: SessionOutcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (outcome.ok) this.sockets.push(socket);
        else socket.destroy();
        resolve(outcome);
      };
      const timer = setTimeout(() => finish({ ok: false, reason: `no session within ${deadline} ms` }), deadline);
      socket.once('connect', () => socket.write(connectRequest(this.options.sessionTimeoutMs ?? 30_000)));
      socket.on('data', (chunk: Buffer) => {
        if (done) return; // ping replies: read and dropped
        reply = Buffer.concat([reply, chunk]);
        if (reply.length < 4 + 4 + 4 + 8) return;
        const timeout = reply.readInt32BE(8);
        const sessionId = reply.readBigInt64BE(12);
        if (timeout <= 0 || sessionId === 0n) finish({ ok: false, reason: `session refused (timeout ${timeout})` });
        else finish({ ok: true, sessionId: `0x${sessionId.toString(16)}` });
      });
      socket.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, reason: err.code ?? err.message }));
      socket.on('close', () => finish({ ok: false, reason: 'closed by server' }));
    });
  }

  /** Opens sessions one after another until `count` are open; stops at the first refusal. */
  async openUpTo(count: number): Promise<SessionOutcome | undefined> {
    while (this.open < count) {
      const outcome = await this.openSession();
      if (!outcome.ok) return outcome;
    }
    return undefined;
  }

  close(): void {
    clearInterval(this.pinger);
    for (const socket of this.sockets.splice(0)) socket.destroy();
  }
}
