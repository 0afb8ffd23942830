import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRadioCarrier } from '../src/env/kiss-serial-carrier.ts';
import { isSkywireError } from '../src/errors.ts';
import { closeAll, missing, nextPayload, radioNode, startSocat, waitFor, waitUp, type RadioNode } from './helpers/radio-pty.ts';
import { tempDir } from './helpers/temp-dirs.ts';

const skip = missing('socat');
const run = skip ? test.skip : test.serial;
if (skip) test('socat pty tests', (t) => { t.log(`skipped: ${skip}`); t.pass(); });

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dir = (): string => tempDir('sky-radio-');

const link = (a: RadioNode, b: RadioNode): void => {
  a.node.addPeer(b.identity.address, a.carrier, b.carrier.local);
  b.node.addPeer(a.identity.address, b.carrier, a.carrier.local);
  a.node.start();
  b.node.start();
};

for (const mode of ['encrypted', 'amateur'] as const) {
  run(`${mode}: two nodes link over a socat pty pair and exchange payloads both ways`, async (t) => {
    const d = dir();
    const socat = await startSocat(join(d, 'a'), join(d, 'b'));
    const base = { bitrate: 19_200, txDelayMs: 10, mode } as const;
    const a = await radioNode({ ...base, device: join(d, 'a'), ...(mode === 'amateur' ? { callsign: 'N0CALL-1' } : {}) });
    const b = await radioNode({ ...base, device: join(d, 'b'), ...(mode === 'amateur' ? { callsign: 'N0CALL-2' } : {}) });
    t.teardown(async () => { await closeAll(a, b); await socat.stop(); });
    link(a, b);
    await Promise.all([waitUp(a, b.identity.address, 10_000), waitUp(b, a.identity.address, 10_000)]);
    const got = nextPayload(b, 5000);
    t.true(a.node.sendTo(b.identity.address, enc('over the air')));
    t.is(await got, 'over the air');
    const back = nextPayload(a, 5000);
    t.true(b.node.sendTo(a.identity.address, enc('and back')));
    t.is(await back, 'and back');
    // Both sides dial at once: one may drop the other's init as a handshake race (the tie-break).
    for (const n of [a, b]) {
      const { 'handshake-race': _race, ...rest } = n.node.drops;
      t.deepEqual(rest, {});
    }
    t.is(a.carrier.linkMode, mode === 'amateur' ? 'signed' : undefined);
    if (mode === 'amateur') t.true(a.carrier.channel.counters.idFrames >= 1, 'identified before the first frame');
  });
}

run('unplug (socat killed) and replug (socat restarted on the same paths): the carriers reconnect', async (t) => {
  const d = dir();
  const pa = join(d, 'a');
  const pb = join(d, 'b');
  let socat = await startSocat(pa, pb);
  const a = await radioNode({ device: pa, bitrate: 19_200, txDelayMs: 10, pollMs: 100 });
  const b = await radioNode({ device: pb, bitrate: 19_200, txDelayMs: 10, pollMs: 100 });
  t.teardown(async () => { await closeAll(a, b); await socat.stop(); });
  link(a, b);
  await Promise.all([waitUp(a, b.identity.address, 10_000), waitUp(b, a.identity.address, 10_000)]);
  await socat.stop();
  await waitFor(() => a.carrier.io.state === 'waiting' && b.carrier.io.state === 'waiting', 15_000, 'both carriers to notice the unplug');
  socat = await startSocat(pa, pb);
  await waitFor(() => a.carrier.io.state === 'open' && b.carrier.io.state === 'open', 15_000, 'both carriers to reopen');
  t.is(a.carrier.io.stats.opens, 2);
  const got = nextPayload(b, 5000);
  t.true(a.node.sendTo(b.identity.address, enc('after replug')));
  t.is(await got, 'after replug');
});

run('a wrong path is an error naming the device and the fix', async (t) => {
  const e = await t.throwsAsync(openRadioCarrier({ device: '/dev/ttyNOPE9' }, { address: 'aaaaaaaaaaaaaaaaaaaaaaaaaa' }));
  t.true(isSkywireError(e, 'SERIAL_NOT_FOUND'));
  t.regex(e!.message, /\/dev\/ttyNOPE9.*radio\.device/);
  const notTty = await t.throwsAsync(openRadioCarrier({ device: dir() }, { address: 'aaaaaaaaaaaaaaaaaaaaaaaaaa' }));
  t.true(isSkywireError(notTty, 'SERIAL_OPEN'));
});

run('amateur mode without a callsign is a config error naming the field', async (t) => {
  const e = await t.throwsAsync(openRadioCarrier({ device: '/dev/null', mode: 'amateur' }, { address: 'aaaaaaaaaaaaaaaaaaaaaaaaaa' }));
  t.true(isSkywireError(e, 'RADIO_CONFIG'));
  t.regex(e!.message, /radio\.callsign/);
});
