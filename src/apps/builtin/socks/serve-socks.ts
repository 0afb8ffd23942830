// One SOCKS5 session (RFC 1928 CONNECT, RFC 1929 username/password) over any Duplex: an overlay
// stream in the exit app, a TCP socket in tests. Names are resolved by `connect` at the exit
// (socks5h), so the client's DNS never sees the destination. Every session that does not end
// connected is counted by reason; nothing here throws or rejects.
import type { Duplex } from 'node:stream';
import { RefusalCounts } from '../../../term/command-gate.ts';
import { closeWith, readHandshake, type SocksRefusal } from './socks-handshake.ts';
import type { SocksAuth } from '../../exit-policy.ts';
import { encodeReply, Reply, replyFor } from './socks-wire.ts';
import { pipeBoth } from './pipe-both.ts';

export type { SocksRefusal };
export type SocksOutcome = 'connected' | SocksRefusal;
export class SocksCounts extends RefusalCounts<SocksRefusal> {}

export interface SocksOptions {
  /** Require RFC 1929 username/password; without it only "no authentication" is offered. */
  auth?: SocksAuth | undefined;
  /** Opens the destination; rejects with err.code SOCKS_POLICY|refused|unreachable|timeout|... */
  connect(host: string, port: number): Promise<Duplex>;
  /** Where the node can join the destination onto the stream itself (sdk.tcpSplice), the
   *  session's bytes no longer pass through this process; rejects as `connect` does. */
  splice?: ((stream: Duplex, host: string, port: number, o: { head: (local: { address: string | null; port: number | null }) => Uint8Array; rest: Uint8Array }) => Promise<void>) | undefined;
  counts?: SocksCounts | undefined;
  /** Why a session was refused, one line each (the app's stderr). */
  log?: ((line: string) => void) | undefined;
}

const session = async (stream: Duplex, opts: SocksOptions): Promise<SocksOutcome> => {
  const hs = await readHandshake(stream, opts.auth, opts.log);
  if (!hs.ok) return hs.refusal;
  const { host, port } = hs.request;
  let upstream: Duplex | undefined;
  try {
    if (opts.splice) {
      await opts.splice(stream, host, port, {
        head: (l) => encodeReply(Reply.succeeded, l.address && l.port ? { ip: l.address, port: l.port } : undefined),
        rest: hs.rest,
      });
      return 'connected';
    }
    upstream = await opts.connect(host, port);
  } catch (e) {
    const reply = replyFor(e);
    opts.log?.(`CONNECT ${host}:${port} failed (reply ${reply}): ${(e as Error).message}`);
    // The reason follows the reply as one line for `skywire socks` to log (src/cli/socks-sniff.ts);
    // a SOCKS client reads the 10-byte reply and stops there.
    closeWith(stream, Buffer.concat([encodeReply(reply), Buffer.from(`skywire: ${String((e as Error | undefined)?.message ?? e).replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}\n`, 'latin1')]));
    return reply === Reply.notAllowed ? 'policy' : 'connect-failed';
  }
  if (stream.destroyed) {
    upstream.destroy();
    return 'closed';
  }
  const s = upstream as Partial<{ localAddress: string; localPort: number }>;
  stream.write(encodeReply(Reply.succeeded, s.localAddress && s.localPort ? { ip: s.localAddress, port: s.localPort } : undefined));
  if (hs.rest.length > 0) upstream.write(hs.rest);
  pipeBoth(stream, upstream);
  return 'connected';
};

/** Resolves with how the session's handshake ended, once it has. */
export const serveSocks = async (stream: Duplex, opts: SocksOptions): Promise<SocksOutcome> => {
  // An error always ends in 'close', which the handshake and the pipe watch for.
  stream.on('error', () => undefined);
  const outcome = await session(stream, opts).catch((): SocksOutcome => {
    stream.destroy();
    return 'closed';
  });
  if (outcome !== 'connected') opts.counts?.add(outcome);
  return outcome;
};
