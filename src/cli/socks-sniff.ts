// What `skywire socks` learns from the SOCKS5 exchange it passes through, without taking part:
// the CONNECT target the local client asked for, and the exit's reply. A refused CONNECT is
// logged with the reply code and the exit's reason, which the exit sends as one text line after
// the 10-byte reply (src/apps/builtin/socks/serve-socks.ts); that line goes no further than this
// log, so the local client sees a plain RFC 1928 reply. After a successful reply every chunk
// passes untouched.
import { Transform, type TransformCallback } from 'node:stream';

const REPLY_TEXT: Readonly<Record<number, string>> = Object.freeze({
  1: 'general failure', 2: 'not allowed by the exit\'s policy', 3: 'network unreachable', 4: 'host unreachable',
  5: 'connection refused', 6: 'TTL expired', 7: 'command not supported', 8: 'address type not supported',
});

/** The destination of the first CONNECT request in a client's bytes, or null while incomplete. */
export const connectTarget = (b: Buffer): string | null => {
  if (b.length < 2 || b[0] !== 5) return null;
  let at = 2 + b[1]!; // greeting: version, method count, methods
  // RFC 1929 username/password sub-negotiation, when the client sends it.
  if (b[at] === 1 && b.length > at + 1) {
    const u = b[at + 1]!;
    const p = b[at + 2 + u];
    if (p === undefined) return null;
    at += 3 + u + p;
  }
  if (b.length < at + 5 || b[at] !== 5) return null;
  const atyp = b[at + 3]!;
  const a = at + 4;
  const need = atyp === 1 ? 4 : atyp === 4 ? 16 : atyp === 3 ? 1 + b[a]! : -1;
  if (need < 0 || b.length < a + need + 2) return null;
  const port = b.readUInt16BE(a + need);
  const host = atyp === 1 ? [...b.subarray(a, a + 4)].join('.')
    : atyp === 3 ? b.subarray(a + 1, a + need).toString('latin1').replace(/[^\x20-\x7e]/g, '?')
      : `[${b.subarray(a, a + 16).toString('hex').replace(/(.{4})(?!$)/g, '$1:')}]`;
  return `${host}:${port}`;
};

/** Watches the client's bytes for the CONNECT target (the first 1 KiB at most). */
export class RequestSniffer extends Transform {
  private seen: Buffer = Buffer.alloc(0);
  target: string | null = null;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.target === null && this.seen.length < 1024) {
      this.seen = Buffer.concat([this.seen, chunk]).subarray(0, 1024);
      this.target = connectTarget(this.seen);
    }
    cb(null, chunk);
  }
}

/** The exit's bytes: method choice (2), auth status (2, with username/password), reply (10).
 *  A refusal's reason line (after the reply) is kept back and handed to `onRefused`. */
export class ReplySniffer extends Transform {
  private head: Buffer = Buffer.alloc(0);
  /** Bytes of `head` already passed on (method choice, auth status). */
  private forwarded = 0;
  private state: 'head' | 'passing' | 'refused' | 'reported' = 'head';
  private reply = 0;
  private reason = '';

  constructor(private readonly onRefused: (reply: number, text: string, reason: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.state === 'passing') return cb(null, chunk);
    if (this.state !== 'head') {
      if (this.reason.length < 300) this.reason += chunk.toString('latin1');
      return cb();
    }
    this.head = Buffer.concat([this.head, chunk]);
    // 0xff: no acceptable method; the exit closes, nothing more to learn.
    if (this.head.length >= 2 && this.head[1] === 0xff) return this.pass(cb);
    // The method choice and the auth status go on at once: the client answers them before the
    // exit says anything more. Only the reply itself is held until it is whole.
    const replyAt = this.head.length >= 2 && this.head[1] === 2 ? 4 : 2;
    const ready = Math.min(this.head.length, replyAt);
    if (ready > this.forwarded) this.push(this.head.subarray(this.forwarded, ready));
    this.forwarded = Math.max(this.forwarded, ready);
    if (this.head.length < replyAt + 10) return cb();
    this.reply = this.head[replyAt + 1]!;
    if (this.reply === 0) return this.pass(cb);
    const out = this.head.subarray(replyAt, replyAt + 10);
    this.reason = this.head.subarray(replyAt + 10).toString('latin1');
    this.head = Buffer.alloc(0);
    this.state = 'refused';
    cb(null, out);
  }

  override _flush(cb: TransformCallback): void {
    this.report();
    cb();
  }

  /** Once the exit has closed, the reason line is complete; also called on an abrupt close. */
  report(): void {
    if (this.state !== 'refused') return;
    this.state = 'reported';
    const reason = this.reason.replace(/^skywire: /, '').split('\n')[0]!.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
    this.onRefused(this.reply, REPLY_TEXT[this.reply] ?? 'unknown reply', reason);
  }

  private pass(cb: TransformCallback): void {
    const all = this.head.subarray(this.forwarded);
    this.head = Buffer.alloc(0);
    this.state = 'passing';
    cb(null, all);
  }
}
