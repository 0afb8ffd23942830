// The master's credential issuer over a real registry file: it renews a credential once half its
// life is gone (not before), a restarted master re-loads the fleet it admitted, and a removed
// node's credentials stay revoked until it is admitted again.
import test from 'ava';
import { rmSync } from 'node:fs';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { identityFromSeed } from '../src/identity/identity.ts';
import { Membership } from '../src/membership/membership.ts';
import { CredentialIssuer } from '../src/master/credential-issuer.ts';
import { Registry, type NodeRecord } from '../src/master/registry.ts';
import { MemClock } from './helpers/mem-clock.ts';
import { tmpHome } from './helpers/cli.ts';

const suite = nodeSuite();
const master = identityFromSeed(suite, new Uint8Array(32).fill(7));
const node = identityFromSeed(suite, new Uint8Array(32).fill(8));
const record = (): NodeRecord => ({
  address: node.address, publicKey: Buffer.from(node.publicKey).toString('base64'), name: 'kitchen-pi', version: '0', enrolment: 'accepted',
  firstSeenMs: 0, lastSeenMs: 0, links: {}, routes: {}, configVersion: 0, path: null, commandSeq: 0,
});

test('renewed past half its life, re-loaded after a restart, revoked until admitted again', async (t) => {
  const home = tmpHome('issuer');
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const clock = new MemClock();
  const registry = await Registry.open(home, clock);
  const m = new Membership(suite, clock, master.address);
  const issuer = new CredentialIssuer(suite, master, clock, registry, m, 3600);
  const r = record();
  registry.put(r);
  const first = issuer.issue(r);
  t.true(m.isMember(node.address));
  clock.advance(1000 * 1000);
  t.false(issuer.current(r).renewed, 'still more than half its life left');
  clock.advance(1000 * 1000);
  const renewed = issuer.current(r);
  t.true(renewed.renewed);
  t.true(renewed.credential.serial > first.serial);
  await registry.flush();

  // A restarted master: a new table from the same registry file.
  const registry2 = await Registry.open(home, clock);
  const m2 = new Membership(suite, clock, master.address);
  const issuer2 = new CredentialIssuer(suite, master, clock, registry2, m2, 3600);
  t.true(m2.isMember(node.address), 'the admitted fleet comes back with the registry');
  issuer2.revoke(node.address);
  t.false(m2.isMember(node.address));
  await registry2.flush();
  const m3 = new Membership(suite, clock, master.address);
  const registry3 = await Registry.open(home, clock);
  const r3 = registry3.get(node.address)!;
  const issuer3 = new CredentialIssuer(suite, master, clock, registry3, m3, 3600);
  t.false(m3.isMember(node.address), 'the revocation survives a restart');
  issuer3.issue(r3);
  t.true(m3.isMember(node.address), 'admitted again: a credential issued after the revocation');
  await registry3.flush();
});
