// Who is in the fleet, as this node can prove it: the master's public key, the credentials this
// node has seen (its own, its neighbours', and those gossiped along links or carried in route
// setups), and the master's newest revocation list. Every service and every relay asks here,
// locally, with no round trip to the master.
//
// Without a master key the node is not in a fleet (a standalone node or the simulator): it links
// only with the peers its operator configured, and every authenticated peer counts as a member.
import { Subject } from 'rxjs';
import type { Clock } from '../env/clock.ts';
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import { addressOf } from '../identity/address.ts';
import { isCurrent, verifyCredential, type Credential, type RoleName } from './credential.ts';
import { verifyRevocations, type RevocationList } from './revocations.ts';

/** Who may call a service: the master only, fleet members, a list of addresses, or anyone. */
export type Access = 'master' | 'fleet' | 'anyone' | readonly string[];

export interface Caller { peer: string; member: boolean; role: 'master' | RoleName | null; name: string | null }

/** address: whose credential it is (empty for a revocation list). */
export interface MembershipChange { kind: 'credential' | 'revocations'; address: string; bytes: Uint8Array; from: string | undefined }

/** Only master-signed credentials get in, so this bounds a fleet member replaying others'
 *  credentials, not strangers (who cannot make one). Oldest-refreshed evicted first. */
export const MAX_CREDENTIALS = 65_536;

export class Membership {
  private masterKey: Uint8Array | null = null;
  masterAddress: string | undefined;
  private readonly creds = new Map<string, Credential>();
  revocations: RevocationList | undefined;
  readonly changes$ = new Subject<MembershipChange>();
  readonly counters = { accepted: 0, evicted: 0, expired: 0, refused: {} as Record<string, number> };

  constructor(private readonly suite: CryptoSuite, private readonly clock: Clock, readonly self: string, private readonly maxCredentials = MAX_CREDENTIALS) {}

  setMaster(key: Uint8Array): void {
    if (this.masterKey && Buffer.from(this.masterKey).equals(key)) return;
    this.masterKey = key;
    this.masterAddress = addressOf(key);
    this.creds.clear(); // credentials of another master mean nothing now
    this.revocations = undefined;
  }

  get enforced(): boolean {
    return this.masterKey !== null;
  }

  private nowS(): number {
    return Math.floor(this.clock.wallMs() / 1000);
  }

  private refuse(reason: string): string {
    this.counters.refused[reason] = (this.counters.refused[reason] ?? 0) + 1;
    return reason;
  }

  /** A credential from `from` (a neighbour or a route's peer; undefined: the master or disk). */
  offerCredential(bytes: Uint8Array, from?: string): 'new' | 'known' | string {
    if (!this.masterKey) return this.refuse('no-master');
    const v = verifyCredential(this.suite, this.masterKey, bytes);
    if (!v.ok) return this.refuse(`credential-${v.reason}`);
    const c = v.value;
    if (!isCurrent(c, this.nowS())) return this.refuse('credential-expired');
    if (this.isRevoked(c)) return this.refuse('credential-revoked');
    const held = this.creds.get(c.address);
    if (held && (held.issuedAt > c.issuedAt || (held.issuedAt === c.issuedAt && held.serial >= c.serial))) return 'known';
    this.creds.delete(c.address);
    this.creds.set(c.address, c);
    this.counters.accepted++;
    if (this.creds.size > this.maxCredentials) {
      const oldest = this.creds.keys().next().value!;
      this.creds.delete(oldest);
      this.counters.evicted++;
    }
    this.changes$.next({ kind: 'credential', address: c.address, bytes: c.bytes, from });
    return 'new';
  }

  offerRevocations(bytes: Uint8Array, from?: string): 'new' | 'stale' | string {
    if (!this.masterKey) return this.refuse('no-master');
    const v = verifyRevocations(this.suite, this.masterKey, bytes);
    if (!v.ok) return this.refuse(`revocations-${v.reason}`);
    if (this.revocations && v.value.seq <= this.revocations.seq) return 'stale';
    this.revocations = v.value;
    for (const c of [...this.creds.values()]) if (this.isRevoked(c)) this.creds.delete(c.address);
    this.changes$.next({ kind: 'revocations', address: '', bytes: v.value.bytes, from });
    return 'new';
  }

  private isRevoked(c: Credential): boolean {
    const at = this.revocations?.entries.get(c.address);
    return at !== undefined && c.issuedAt <= at;
  }

  credential(address: string): Credential | undefined {
    const c = this.creds.get(address);
    return c && isCurrent(c, this.nowS()) && !this.isRevoked(c) ? c : undefined;
  }

  /** Forgets credentials past their expiry (not our own: the registrar renews it, and status
   *  should show it lapsed) and returns whose they were: their open streams end too. */
  expire(): string[] {
    const now = this.nowS();
    const gone: string[] = [];
    for (const c of [...this.creds.values()]) {
      if (c.address === this.self || isCurrent(c, now)) continue;
      this.creds.delete(c.address);
      this.counters.expired++;
      gone.push(c.address);
    }
    return gone;
  }

  /** This node's own current credential, to show to neighbours and route peers. */
  own(): Credential | undefined {
    return this.credential(this.self);
  }

  /** Every current credential, for a neighbour's first sync. */
  current(): Credential[] {
    const now = this.nowS();
    return [...this.creds.values()].filter((c) => isCurrent(c, now) && !this.isRevoked(c));
  }

  get size(): number {
    return this.creds.size;
  }

  isMember(address: string): boolean {
    if (!this.masterKey) return true;
    return address === this.masterAddress || this.credential(address) !== undefined;
  }

  caller(peer: string): Caller {
    if (peer === this.masterAddress) return { peer, member: true, role: 'master', name: null };
    const c = this.masterKey ? this.credential(peer) : undefined;
    return { peer, member: this.isMember(peer), role: c?.role ?? null, name: c?.name ?? null };
  }

  /** Deny by default: 'master' needs a configured master, a list names addresses exactly. */
  allows(access: Access, peer: string): boolean {
    if (access === 'anyone') return true;
    if (access === 'master') return this.masterAddress !== undefined && peer === this.masterAddress;
    if (access === 'fleet') return this.isMember(peer);
    return access.includes(peer);
  }

  status(): Record<string, unknown> {
    const own = this.own();
    return {
      enforced: this.enforced, master: this.masterAddress ?? null, credentials: this.creds.size,
      own: own ? { name: own.name, role: own.role, serial: own.serial, expiresAt: own.expiresAt * 1000 } : null,
      revocations: this.revocations ? { seq: this.revocations.seq, entries: this.revocations.entries.size } : null,
      accepted: this.counters.accepted, evicted: this.counters.evicted, expired: this.counters.expired, refused: { ...this.counters.refused },
    };
  }
}
