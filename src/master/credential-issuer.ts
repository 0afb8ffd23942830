// The master's side of membership: it signs a credential for every node it admits (name, role,
// 24 h validity), renews it while the node stays registered (a heartbeat past half its life gets
// a new one), and keeps the revocation list that `skywire nodes remove` extends. Both live in
// the registry, so a master restart re-loads the fleet it had admitted.
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import type { Identity } from '../identity/identity.ts';
import type { Clock } from '../env/clock.ts';
import { issueCredential, type Credential } from '../membership/credential.ts';
import { signRevocations, type RevocationList } from '../membership/revocations.ts';
import type { Membership } from '../membership/membership.ts';
import type { NodeRecord, Registry } from './registry.ts';

export const CREDENTIAL_LIFETIME_S = 24 * 3600;

export class CredentialIssuer {
  constructor(private readonly suite: CryptoSuite, private readonly identity: Identity, private readonly clock: Clock, private readonly registry: Registry, readonly membership: Membership, private readonly lifetimeS = CREDENTIAL_LIFETIME_S) {
    // A master is its fleet's authority, unless its config names another master: then it is a
    // member running master software, and what it signs means nothing to the fleet.
    if (!membership.enforced) membership.setMaster(identity.publicKey);
    const rev = registry.revocations();
    if (rev.seq > 0) membership.offerRevocations(this.sign(rev.seq, rev.entries).bytes);
    for (const r of Object.values(registry.nodes)) {
      if (r.enrolment === 'accepted' && r.credential) membership.offerCredential(Buffer.from(r.credential, 'base64'));
    }
  }

  private nowS(): number {
    return Math.floor(this.clock.wallMs() / 1000);
  }

  private sign(seq: number, entries: Record<string, number>): RevocationList {
    return signRevocations(this.suite, this.identity.secretKey, seq, new Map(Object.entries(entries)));
  }

  /** A fresh credential for an accepted node, recorded in the registry and our own table. */
  issue(r: NodeRecord): Credential {
    const revokedAt = this.registry.revocations().entries[r.address] ?? -1;
    const issuedAt = Math.max(this.nowS(), revokedAt + 1);
    const c = issueCredential(this.suite, this.identity.secretKey, {
      address: r.address, name: r.name, role: r.role ?? 'node', serial: this.registry.nextCredentialSerial(), issuedAt, expiresAt: issuedAt + this.lifetimeS,
    });
    r.credential = Buffer.from(c.bytes).toString('base64');
    this.registry.markDirty();
    this.membership.offerCredential(c.bytes);
    return c;
  }

  /** The node's credential if still good for more than half its life, else a new one. */
  current(r: NodeRecord): { credential: Credential; renewed: boolean } {
    const held = this.membership.credential(r.address);
    if (held && held.name === r.name && held.expiresAt - this.nowS() > this.lifetimeS / 2) return { credential: held, renewed: false };
    return { credential: this.issue(r), renewed: true };
  }

  /** Revokes every credential the node holds now; a later admission issues a newer one. */
  revoke(address: string): RevocationList {
    const rev = this.registry.revocations();
    const now = this.nowS();
    // An entry can go once every credential it could cancel has expired.
    for (const [a, at] of Object.entries(rev.entries)) if (at + this.lifetimeS + 300 < now) delete rev.entries[a];
    rev.entries[address] = now;
    rev.seq++;
    this.registry.markDirty();
    const list = this.sign(rev.seq, rev.entries);
    this.membership.offerRevocations(list.bytes);
    return list;
  }

  revocationBytes(): Uint8Array | undefined {
    return this.membership.revocations?.bytes;
  }
}
