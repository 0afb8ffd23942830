// The reachability probe behind `skywire doctor`'s nat and udp inbound checks, on two real UDP
// nodes: a member is told how it is seen and gets the echo from another port; a caller that is
// not a member gets nothing; an echo with a token nobody sent is dropped and counted.
import test from 'ava';
import { createSocket } from 'node:dgram';
import { attachReachProbe } from '../src/node/reach-probe.ts';
import { peerUp, realNode, shutdown, waitState } from './helpers/udp-pair.ts';

const pair = async (t: import('ava').ExecutionContext, bAdmits: boolean) => {
  const a = await realNode();
  const b = await realNode();
  t.teardown(() => shutdown(a, b));
  peerUp(a, b);
  a.node.start();
  b.node.start();
  await Promise.all([waitState(a, b.identity.address, 'up', 5000), waitState(b, a.identity.address, 'up', 5000)]);
  const pa = attachReachProbe(a.node, { isMember: () => true });
  const pb = attachReachProbe(b.node, { isMember: () => bAdmits });
  t.teardown(() => { pa.stop(); pb.stop(); });
  return { a, b, pa, pb };
};

test('a member learns the endpoint the relay sees and gets its echo from another port', async (t) => {
  const { a, b, pa, pb } = await pair(t, true);
  const r = await pa.probe(b.identity.address, 5000);
  t.is(r.relay, b.identity.address);
  t.is(r.observed, a.carrier.local);
  t.is(r.echo, true);
  t.is(pb.counters.answered, 1);
  t.is(pa.counters.echoes, 1);
});

test('a caller that is not a member gets no answer and no echo; a forged echo is dropped and counted', async (t) => {
  const { a, b, pa, pb } = await pair(t, false);
  const r = await pa.probe(b.identity.address, 1000);
  t.deepEqual(r, { relay: b.identity.address, observed: null, echo: null, ms: null });
  t.is(pb.counters.refused, 1);
  t.is((b.node.drops as Record<string, number>)['probe-not-member'], 1);
  // Anyone can send an echo-shaped datagram: without a pending token it counts for nothing.
  const s = createSocket('udp4');
  const port = Number(a.carrier.local.split(':').pop());
  await new Promise<void>((res) => s.send(Buffer.from([1, 6, ...new Uint8Array(16)]), port, '127.0.0.1', () => res()));
  s.close();
  const t0 = Date.now();
  while (!(a.node.drops as Record<string, number>)['probe-echo-unknown'] && Date.now() - t0 < 5000) await new Promise((res) => setTimeout(res, 20));
  t.is((a.node.drops as Record<string, number>)['probe-echo-unknown'], 1);
  t.is(pa.counters.echoes, 0);
});
