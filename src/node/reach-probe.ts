// "How does the relay see me, and can it reach me unasked?" (`skywire doctor`, like tailscale
// netcheck). A node asks a linked relay over the encrypted link; the relay answers on the link
// with the endpoint it sees the node at (a different one than the node's own: a NAT), and sends
// a 18-byte echo from another port of its own to that endpoint. The echo arrives only if the
// node's NAT or firewall lets in datagrams from a source it never sent to: then peers that
// learn its endpoint can link to it directly; if not, it is reachable only through relays.
//
// The relay answers fleet members only, to the endpoint the member's own link comes from (never
// an address named in the request, so it cannot be aimed at a third party), at most 5 a second
// in all; an echo is 18 bytes, smaller than the request that caused it. A token from the node's
// random source, sent over the encrypted link, is what makes an echo count.
import type { Datagram } from '../env/carrier.ts';
import type { TimerHandle } from '../env/clock.ts';
import { MsgType } from '../wire/constants.ts';
import { Proto } from '../overlay/link-layer.ts';
import { TokenBucket } from '../link/token-bucket.ts';
import type { SkyNode } from './node.ts';

const Kind = { Request: 1, Reply: 2 } as const;
const TOKEN_BYTES = 16;
/** A reply's flag: the relay's carrier could send the echo from another port (UDP). */
const ECHO_SENT = 1;
/** Pending probes at most (one doctor run asks a few relays): older ones are dropped first. */
const MAX_PENDING = 16;

export interface ProbeResult {
  relay: string;
  /** The endpoint the relay sees this node at, or null when it did not answer in time. */
  observed: string | null;
  /** Whether the relay's echo from another port arrived; null when it could not send one. */
  echo: boolean | null;
  ms: number | null;
}

interface Pending { relay: string; started: number; observed: string | null; echoSent: boolean; echo: boolean; done: () => void }

export interface ReachProbe {
  probe(relay: string, timeoutMs: number): Promise<ProbeResult>;
  stop(): void;
  readonly counters: { answered: number; refused: number; rateLimited: number; echoes: number; echoesUnknown: number };
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

export const attachReachProbe = (node: SkyNode, membership: { isMember(address: string): boolean }): ReachProbe => {
  const pending = new Map<string, Pending>();
  const answers = new TokenBucket(5, 5, node.clock.now());
  const counters = { answered: 0, refused: 0, rateLimited: 0, echoes: 0, echoesUnknown: 0 };

  const onRequest = (peer: string, b: Uint8Array): void => {
    if (b.length !== 2 + TOKEN_BYTES) return node.countDrop('probe-malformed');
    if (!membership.isMember(peer)) { counters.refused++; return node.countDrop('probe-not-member'); }
    const link = node.links.get(peer);
    if (!link?.endpoint) return node.countDrop('probe-no-endpoint');
    if (!answers.take(node.clock.now())) { counters.rateLimited++; return node.countDrop('probe-rate-limited'); }
    const token = b.subarray(2);
    const canEcho = link.carrier.sendFromOtherPort !== undefined;
    const where = new TextEncoder().encode(link.endpoint);
    const reply = new Uint8Array(3 + TOKEN_BYTES + where.length);
    reply.set([Proto.Probe, Kind.Reply, canEcho ? ECHO_SENT : 0]);
    reply.set(token, 3);
    reply.set(where, 3 + TOKEN_BYTES);
    node.sendTo(peer, reply);
    if (canEcho) {
      const echo = new Uint8Array(2 + TOKEN_BYTES);
      echo.set([1, MsgType.ProbeEcho]);
      echo.set(token, 2);
      link.carrier.sendFromOtherPort!(link.endpoint, echo);
    }
    counters.answered++;
  };

  const onReply = (peer: string, b: Uint8Array): void => {
    if (b.length < 3 + TOKEN_BYTES || b.length > 3 + TOKEN_BYTES + 64) return node.countDrop('probe-malformed');
    const p = pending.get(hex(b.subarray(3, 3 + TOKEN_BYTES)));
    if (!p || p.relay !== peer) return node.countDrop('probe-unexpected');
    p.observed = new TextDecoder().decode(b.subarray(3 + TOKEN_BYTES));
    p.echoSent = (b[2]! & ECHO_SENT) !== 0;
    if (!p.echoSent || p.echo) p.done();
  };

  node.register(Proto.Probe, (peer, b) => {
    if (b[1] === Kind.Request) return onRequest(peer, b);
    if (b[1] === Kind.Reply) return onReply(peer, b);
    node.countDrop('probe-unknown-kind');
  });
  node.probeEcho = (d: Datagram): void => {
    const b = d.bytes;
    const p = b.length === 2 + TOKEN_BYTES ? pending.get(hex(b.subarray(2))) : undefined;
    if (!p) { counters.echoesUnknown++; return node.countDrop('probe-echo-unknown'); }
    counters.echoes++;
    p.echo = true;
    if (p.observed !== null) p.done();
  };

  const probe = (relay: string, timeoutMs: number): Promise<ProbeResult> => new Promise((resolve) => {
    const tokenBytes = node.random.bytes(TOKEN_BYTES);
    const key = hex(tokenBytes);
    if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value!);
    const started = node.clock.now();
    let timer: TimerHandle | undefined;
    const p: Pending = {
      relay, started, observed: null, echoSent: false, echo: false,
      done: () => {
        if (!pending.delete(key)) return;
        if (timer !== undefined) node.clock.clearTimeout(timer);
        resolve({ relay, observed: p.observed, echo: p.echoSent ? p.echo : null, ms: p.observed === null ? null : node.clock.now() - started });
      },
    };
    pending.set(key, p);
    // The echo may be lost or filtered: after the timeout, what came is the answer.
    timer = node.clock.setTimeout(() => p.done(), timeoutMs);
    const req = new Uint8Array(2 + TOKEN_BYTES);
    req.set([Proto.Probe, Kind.Request]);
    req.set(tokenBytes, 2);
    if (!node.sendTo(relay, req)) p.done();
  });

  return {
    probe,
    counters,
    stop: () => {
      for (const p of [...pending.values()]) p.done();
      node.probeEcho = undefined;
    },
  };
};
