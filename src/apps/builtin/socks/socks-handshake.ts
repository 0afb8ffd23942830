// The handshake half of a SOCKS5 session: method selection, RFC 1929 username/password when the
// exit requires it, then the request. It ends either with a CONNECT request (and any bytes the
// client already sent behind it, which belong to the destination) or with a refusal already
// answered on the stream. Bytes may arrive split anywhere; bad ones never throw.
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { parseGreeting, parseRequest, parseUserPass, type Parsed, type SocksRequest } from './socks-parse.ts';
import { AUTH_VERSION, encodeReply, Method, SOCKS_VERSION } from './socks-wire.ts';
import type { SocksAuth } from '../../exit-policy.ts';

export type SocksRefusal = 'malformed' | 'no-method' | 'auth-failed' | 'unsupported' | 'policy' | 'connect-failed' | 'closed';
export type Handshake = { ok: true; request: SocksRequest; rest: Buffer } | { ok: false; refusal: SocksRefusal };

/** With a reply the client learns why; its further bytes are then read and dropped until it
 *  closes, since closing with unread input would reset the connection and lose the reply. */
export const closeWith = (stream: Duplex, reply?: Buffer): void => {
  if (reply === undefined || stream.destroyed) return void stream.destroy();
  stream.end(reply);
  stream.resume();
};

// Constant time, so the reply's timing does not reveal how much of a guess was right.
const same = (got: Buffer, want: string): boolean => {
  const w = Buffer.from(want);
  return got.length === w.length && timingSafeEqual(got, w);
};

export const readHandshake = (stream: Duplex, auth: SocksAuth | undefined, log?: (line: string) => void): Promise<Handshake> => new Promise((resolve) => {
  let buf: Buffer = Buffer.alloc(0);
  let phase: 'greeting' | 'auth' | 'request' | 'done' = 'greeting';
  const settle = (h: Handshake): void => {
    if (phase === 'done') return;
    phase = 'done';
    stream.off('data', onData);
    resolve(h);
  };
  const refuse = (refusal: SocksRefusal, why: string, reply?: Buffer): void => {
    log?.(`refused: ${why}`);
    settle({ ok: false, refusal });
    closeWith(stream, reply);
  };
  const take = <T>(r: Parsed<T>): T | undefined => {
    if (r.kind === 'need') return undefined;
    if (r.kind === 'bad') return void refuse(r.unsupported ? 'unsupported' : 'malformed', r.why, r.reply === undefined ? undefined : encodeReply(r.reply));
    buf = buf.subarray(r.used);
    return r.value;
  };
  const step = (): void => {
    if (phase === 'greeting') {
      const methods = take(parseGreeting(buf));
      if (methods === undefined) return;
      const want = auth ? Method.userPass : Method.none;
      const needs = auth ? '2 (username/password)' : '0 (no authentication)';
      if (!methods.includes(want)) return refuse('no-method', `the client offers methods [${methods.join(', ')}]; this exit needs ${needs}`, Buffer.from([SOCKS_VERSION, Method.noneAcceptable]));
      stream.write(Buffer.from([SOCKS_VERSION, want]));
      phase = auth ? 'auth' : 'request';
    }
    if (phase === 'auth') {
      const creds = take(parseUserPass(buf));
      if (creds === undefined) return;
      if (!(same(creds.username, auth!.username) && same(creds.password, auth!.password))) {
        return refuse('auth-failed', 'wrong username or password', Buffer.from([AUTH_VERSION, 0x01]));
      }
      stream.write(Buffer.from([AUTH_VERSION, 0x00]));
      phase = 'request';
    }
    if (phase === 'request') {
      const request = take(parseRequest(buf));
      if (request === undefined) return;
      stream.pause(); // until the destination is open: what follows is for it
      settle({ ok: true, request, rest: buf });
    }
  };
  const onData = (chunk: Buffer): void => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    step();
  };
  stream.on('data', onData);
  stream.once('end', () => { if (phase !== 'done') refuse('closed', 'the client ended the connection during the handshake'); });
  stream.once('close', () => settle({ ok: false, refusal: 'closed' }));
});
