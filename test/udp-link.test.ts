import test from 'ava';
import { performance } from 'node:perf_hooks';
import { firstValueFrom, timeout } from 'rxjs';
import { peerUp, realNode, shutdown, waitState } from './helpers/udp-pair.ts';

test('two real UDP nodes on 127.0.0.1 link up within 1 s and exchange payloads', async (t) => {
  const a = await realNode();
  const b = await realNode();
  t.teardown(() => shutdown(a, b));
  peerUp(a, b);
  const t0 = performance.now();
  a.node.start();
  b.node.start();
  await Promise.all([waitState(a, b.identity.address, 'up', 1000), waitState(b, a.identity.address, 'up', 1000)]);
  t.true(performance.now() - t0 < 1000);
  const got = firstValueFrom(b.node.payload$.pipe(timeout(1000)));
  t.true(a.node.sendTo(b.identity.address, new TextEncoder().encode('hello')));
  const p = await got;
  t.is(p.peer, a.identity.address);
  t.is(new TextDecoder().decode(p.bytes), 'hello');
  // Both sides dial at once, so one side may drop the other's init as a handshake race: that
  // is the tie-break working. Anything else would be a real fault.
  for (const n of [a, b]) {
    const { 'handshake-race': _race, ...rest } = n.node.drops;
    t.deepEqual(rest, {});
  }
});

test('a node drops payloads to an unknown neighbour instead of throwing', async (t) => {
  const a = await realNode();
  t.teardown(() => shutdown(a));
  t.false(a.node.sendTo('aaaaaaaaaaaaaaaaaaaaaaaaaa', new Uint8Array(4)));
});
