import test from 'ava';
import { startChain } from './helpers/direwolf-chain.ts';
import { closeAll, missing, nextPayload, radioNode, waitUp } from './helpers/radio-pty.ts';

const skip = missing('direwolf');
const run = skip ? test.skip : test.serial;
if (skip) test('direwolf chain', (t) => { t.log(`skipped: ${skip}`); t.pass(); });

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const cases = [['amateur', 1200], ['amateur', 300], ['encrypted', 1200]] as const;

for (const [mode, bitrate] of cases) {
  run(`${mode} mode at ${bitrate} bit/s through two direwolf modems: payloads cross both ways`, async (t) => {
    t.timeout(110_000);
    const chain = await startChain(bitrate);
    const radio = { bitrate, txDelayMs: bitrate >= 1200 ? 200 : 300, mode };
    const call = (c: string) => (mode === 'amateur' ? { callsign: c } : {});
    const a = await radioNode({ ...radio, device: chain.a.pty, ...call('N0CALL-1') });
    const b = await radioNode({ ...radio, device: chain.b.pty, ...call('N0CALL-2') });
    t.teardown(async () => { await closeAll(a, b); await chain.stop(); });
    a.node.addPeer(b.identity.address, a.carrier, b.carrier.local);
    b.node.addPeer(a.identity.address, b.carrier, a.carrier.local);
    const t0 = Date.now();
    a.node.start();
    b.node.start();
    await Promise.all([waitUp(a, b.identity.address, 60_000), waitUp(b, a.identity.address, 60_000)]);
    t.log(`linked in ${Date.now() - t0} ms`);
    const text = 'CQ emergency net: water at the school, 12 people, need medic. Reply with ETA. 73 de N0CALL-1';
    const got = nextPayload(b, 30_000);
    t.true(a.node.sendTo(b.identity.address, enc(text)));
    t.is(await got, text);
    const back = nextPayload(a, 30_000);
    t.true(b.node.sendTo(a.identity.address, enc('ETA 20 min')));
    t.is(await back, 'ETA 20 min');
    t.log(`both ways in ${Date.now() - t0} ms; A on air ${a.carrier.channel.counters.airtimeMs} ms in ${a.carrier.channel.counters.framesOut} frames`);
    // Both sides dial at once, and a retry may cross the answer to the previous attempt on a
    // slow channel: those setup races are expected drops. Nothing may fail authentication.
    for (const n of [a, b]) {
      const { 'handshake-race': _race, 'unknown-index': _retry, 'stale-init': _stale, ...rest } = n.node.drops;
      t.deepEqual(rest, {}, JSON.stringify(n.node.drops));
    }
  });
}
