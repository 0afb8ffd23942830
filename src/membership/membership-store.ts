// HOME/membership.json: this node's own credential and the newest revocation list, so a node
// that restarts is a member again at once (its neighbours carry its routes before it has
// reached the master) and forgets no revocation. Written atomically; a write that fails (a full
// disk) is retried with the next change and reported, never thrown into the protocol code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/atomic-write.ts';
import type { Membership } from './membership.ts';

export const MEMBERSHIP_FILE = 'membership.json';

interface Doc { v: 1; credential?: string; revocations?: string }

export interface MembershipStore { lastError: string | null; stop(): void }

export const attachMembershipStore = (home: string, m: Membership, log: (line: string) => void): MembershipStore => {
  const path = join(home, MEMBERSHIP_FILE);
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as Doc;
    if (typeof doc.revocations === 'string') m.offerRevocations(Buffer.from(doc.revocations, 'base64'));
    if (typeof doc.credential === 'string') m.offerCredential(Buffer.from(doc.credential, 'base64'));
  } catch {
    // Missing or unreadable: the master hands out a fresh credential at registration.
  }
  const store: MembershipStore = { lastError: null, stop: () => sub.unsubscribe() };
  const save = (): void => {
    const own = m.own();
    const doc: Doc = { v: 1, ...(own ? { credential: Buffer.from(own.bytes).toString('base64') } : {}), ...(m.revocations ? { revocations: Buffer.from(m.revocations.bytes).toString('base64') } : {}) };
    try {
      writeFileAtomic(path, JSON.stringify(doc) + '\n');
      store.lastError = null;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      store.lastError = `${path}: ${err.code ?? err.message}`;
      log(`cannot save the membership credential to ${path} (${err.code ?? err.message}); it is kept in memory and saved with the next change`);
    }
  };
  const sub = m.changes$.subscribe((c) => {
    if (c.kind === 'revocations' || m.own()?.bytes === c.bytes) save();
  });
  return store;
};
