// Keeps a flood of handshake initiations from starving the node (as WireGuard's cookies do).
// Public-key work happens only after cheap checks: mac1 proves the sender knows our address;
// under load, mac2 proves it can receive at its source (a cookie we sent there); and per-source
// and global token buckets cap how many signatures we verify per second; a work budget caps the
// time spent answering them, so a slow or loaded machine is not starved by the count budget.
import type { Clock } from '../env/clock.ts';
import type { Random } from '../env/random.ts';
import { DOMAIN } from '../wire/constants.ts';
import { encodeCookie } from '../wire/cookie-reply.ts';
import { seal } from '../link/aead.ts';
import { mac16, sha256 } from './kdf.ts';
import { TokenBucket } from './token-bucket.ts';

export interface GuardOptions {
  /** Initiations per second above which mac2 (a cookie) is required. */
  underLoadPerSec: number;
  perSourcePerSec: number;
  perSourceBurst: number;
  globalPerSec: number;
  /** Links at most for peers nobody configured (acceptUnknown): above a fleet's size, below
   *  what a flood of fresh identities could cost (src/node/unknown-peers.ts). */
  maxUnknownPeers: number;
  /** Milliseconds per second the node may spend answering admitted inits (verify, respond,
   *  make the link): the rest of the event loop stays for data and the control socket. A
   *  count alone cannot bound this: on a loaded 2-core machine one stranger's init cost ~3 ms,
   *  so 400/s took the whole core (bench/flood). Measured on the injected clock, so the
   *  simulator (whose time stands still during work) never hits it. */
  workMsPerSec?: number;
}

export const defaultGuardOptions: Readonly<GuardOptions> = Object.freeze({ underLoadPerSec: 50, perSourcePerSec: 5, perSourceBurst: 10, globalPerSec: 400, maxUnknownPeers: 4096, workMsPerSec: 200 });
const SECRET_LIFETIME_MS = 120_000;
const MAX_SOURCES = 4096;

export type Admission = 'process' | 'send-cookie' | 'rate-limited' | 'busy';

export class HandshakeGuard {
  private secret: Uint8Array;
  private previous: Uint8Array;
  private secretAt: number;
  private windowAt = 0;
  private seenInWindow = 0;
  private readonly sources = new Map<string, TokenBucket>();
  private readonly global: TokenBucket;
  private readonly cookieKey: Uint8Array;
  /** Misaddressed notices: 10 a second at most, whoever asks (each is 22 bytes, unauthenticated). */
  private readonly notices: TokenBucket;
  // The work budget: ms left (negative after an expensive answer), refilled at workMsPerSec,
  // at most a fortieth of a second's worth (5 ms at the default), so answers are spread out:
  // a 20 ms burst stalled the event loop long enough for a member's stream to lose its ACK
  // clock (bench/flood).
  private work: number;
  private workAt: number;

  constructor(private readonly clock: Clock, private readonly random: Random, address: Uint8Array, private readonly opts: GuardOptions = defaultGuardOptions) {
    this.secret = random.bytes(32);
    this.previous = this.secret;
    this.secretAt = clock.now();
    this.global = new TokenBucket(opts.globalPerSec, opts.globalPerSec, clock.now());
    this.cookieKey = sha256(DOMAIN.cookie, address);
    this.notices = new TokenBucket(10, 10, clock.now());
    this.work = this.workBurst;
    this.workAt = clock.now();
  }

  private get workBurst(): number {
    return Math.max(5, (this.opts.workMsPerSec ?? Infinity) / 40);
  }

  /** The time an admitted init took to answer, charged to the work budget. */
  spent(ms: number): void {
    if (this.opts.workMsPerSec !== undefined) this.work -= ms;
  }

  /** Cookies valid for `source` now: current and previous secret. */
  cookiesFor(source: string): Uint8Array[] {
    this.rotate();
    const data = new TextEncoder().encode(source);
    return [mac16(this.secret, data), mac16(this.previous, data)];
  }

  admit(source: string, mac2ok: boolean): Admission {
    const now = this.clock.now();
    if (now - this.windowAt >= 1000) {
      this.windowAt = now;
      this.seenInWindow = 0;
    }
    this.seenInWindow++;
    if (this.seenInWindow > this.opts.underLoadPerSec && !mac2ok) return 'send-cookie';
    let bucket = this.sources.get(source);
    if (!bucket) {
      if (this.sources.size >= MAX_SOURCES) this.sources.clear(); // bounded memory under spoofed floods
      bucket = new TokenBucket(this.opts.perSourcePerSec, this.opts.perSourceBurst, now);
      this.sources.set(source, bucket);
    }
    if (!bucket.take(now)) return 'rate-limited';
    if (this.opts.workMsPerSec !== undefined) {
      this.work = Math.min(this.workBurst, this.work + ((now - this.workAt) * this.opts.workMsPerSec) / 1000);
      this.workAt = now;
      if (this.work <= 0) return 'busy';
    }
    return this.global.take(now) ? 'process' : 'rate-limited';
  }

  /** Whether one more misaddressed notice may go out now. */
  mayNotify(): boolean {
    return this.notices.take(this.clock.now());
  }

  cookieReply(source: string, initiatorIndex: number, initMac1: Uint8Array): Uint8Array {
    const [cookie] = this.cookiesFor(source);
    const nonce = Buffer.from(this.random.bytes(12));
    return encodeCookie({ receiverIndex: initiatorIndex, nonce, sealedCookie: seal(this.cookieKey, nonce, initMac1, cookie!) });
  }

  private rotate(): void {
    const now = this.clock.now();
    if (now - this.secretAt < SECRET_LIFETIME_MS) return;
    this.previous = this.secret;
    this.secret = this.random.bytes(32);
    this.secretAt = now;
  }
}
