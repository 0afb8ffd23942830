// The node's side of the command contract. Checks, in order: well-formed, signed by the
// configured master's key, addressed to this node, newer than the last accepted, and issued
// within the window around our wall clock. The accepted seq is persisted before the command is
// acted on, so a restart cannot reopen a replay. Never throws; every refusal is counted.
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import type { Clock } from '../env/clock.ts';
import type { CommandVerifier, RefuseReason, VerifyResult } from './command-types.ts';
import { commandSigningBytes, decodeCommand } from './command-codec.ts';
import { COMMAND_WINDOW_MS } from './ports.ts';

export interface SeqStore {
  /** Highest sequence number accepted so far (0 before the first). */
  last(): number;
  /** Records an accepted sequence number durably before returning. */
  accept(seq: number): void;
}

export interface VerifierDeps {
  suite: CryptoSuite;
  clock: Clock;
  /** This node's address. */
  self: string;
  /** The configured master's public key, or null while none is configured (boot file missing). */
  masterKey(): Uint8Array | null;
  seq: SeqStore;
  windowMs?: number;
}

export const emptyRefusals = (): Record<RefuseReason, number> =>
  ({ malformed: 0, 'bad-signature': 0, 'foreign-key': 0, 'wrong-node': 0, replay: 0, stale: 0 });

const b64 = (s: string, len: number): Uint8Array | null => {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
  const b = Buffer.from(s, 'base64');
  return b.length === len ? new Uint8Array(b) : null;
};

export class NodeCommandVerifier implements CommandVerifier {
  readonly refused = emptyRefusals();
  accepted = 0;
  private readonly windowMs: number;

  constructor(private readonly d: VerifierDeps) {
    this.windowMs = d.windowMs ?? COMMAND_WINDOW_MS;
  }

  verify(bytes: Uint8Array): VerifyResult {
    const r = this.check(bytes);
    if (r.ok) this.accepted++;
    else this.refused[r.reason]++;
    return r;
  }

  private check(bytes: Uint8Array): VerifyResult {
    const c = decodeCommand(bytes);
    if (!c) return { ok: false, reason: 'malformed' };
    const master = this.d.masterKey();
    if (!master) return { ok: false, reason: 'foreign-key' };
    if (c.key !== undefined && !Buffer.from(master).equals(b64(c.key, 32) ?? new Uint8Array(0))) return { ok: false, reason: 'foreign-key' };
    const sig = b64(c.sig, 64);
    let good = false;
    try {
      good = sig !== null && this.d.suite.verify(master, commandSigningBytes(c), sig);
    } catch {
      good = false;
    }
    if (!good) return { ok: false, reason: 'bad-signature' };
    if (c.node !== this.d.self) return { ok: false, reason: 'wrong-node' };
    if (c.seq <= this.d.seq.last()) return { ok: false, reason: 'replay' };
    if (Math.abs(this.d.clock.wallMs() - c.issuedAtMs) > this.windowMs) return { ok: false, reason: 'stale' };
    this.d.seq.accept(c.seq);
    return { ok: true, command: c };
  }
}
