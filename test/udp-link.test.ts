import test from 'ava';
import { performance } from 'node:perf_hooks';
import { firstValueFrom, timeout } from 'rxjs';
import { peerUp, realNode, shutdown, waitState } from './helpers/udp-pair.ts';

test('two real UDP nodes on 127.0.0.1 link up within 1 s and exchange payloads', async (t) => {
  const a = await realNode();
  const b = await realNode();
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
  t.deepEqual(a.node.drops, {});
  await shutdown(a, b);
});

test('a node drops payloads to an unknown neighbour instead of throwing', async (t) => {
  const a = await realNode();
  t.false(a.node.sendTo('aaaaaaaaaaaaaaaaaaaaaaaaaa', new Uint8Array(4)));
  await shutdown(a);
});
