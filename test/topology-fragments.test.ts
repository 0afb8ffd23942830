import test from 'ava';
import { TopoWorld } from './helpers/topology-world.ts';
import { Reassembler } from '../src/topology/fragments.ts';
import { decodeTopoMsg, fragment } from '../src/topology/topology-wire.ts';
import { Proto } from '../src/overlay/link-layer.ts';

test('a relay with 120 links: its record (2.4 kB) crosses in fragments and every leaf routes through it', (t) => {
  const w = new TopoWorld();
  w.add('hub');
  for (let i = 0; i < 120; i++) w.add(`leaf${i}`);
  for (let i = 0; i < 120; i++) w.link('hub', `leaf${i}`);
  w.start();
  const hubKnown = (n: string) => (w.get(n).topo.record(w.addr('hub'))?.links.length ?? 0) === 120;
  t.true(w.clock.advanceUntil(() => ['leaf0', 'leaf77', 'leaf119'].every(hubKnown), 20_000, 100) >= 0, 'the full hub record reaches the leaves');
  t.deepEqual(w.get('leaf0').topo.pathTo(w.addr('leaf119')), [w.addr('leaf0'), w.addr('hub'), w.addr('leaf119')]);
  t.true(w.get('hub').topo.record(w.addr('hub'))!.bytes.length > 1500);
  t.is(w.get('leaf5').node.drops.malformed ?? 0, 0);
});

const msg = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
msg[0] = Proto.Topology;
msg[1] = 0x01;

test('fragments reassemble in any order, duplicates are ignored, a lost piece is dropped when the next message starts', (t) => {
  const parts = fragment(msg, 1000, 7)!;
  t.is(parts.length, 4);
  t.true(parts.every((p) => p.length <= 1000));
  const r = new Reassembler();
  const dec = (b: Uint8Array) => {
    const m = decodeTopoMsg(b);
    if (!m.ok || m.value.type !== 'fragment') throw new Error('not a fragment');
    return m.value;
  };
  t.is(r.accept('p', dec(parts[2]!)), undefined);
  t.is(r.accept('p', dec(parts[0]!)), undefined);
  t.is(r.accept('p', dec(parts[0]!)), undefined, 'duplicate');
  t.is(r.accept('p', dec(parts[3]!)), undefined);
  t.deepEqual(r.accept('p', dec(parts[1]!)), msg);
  // Message 8 loses its second piece; message 9 then arrives whole.
  const m8 = fragment(msg, 1000, 8)!;
  r.accept('p', dec(m8[0]!));
  const m9 = fragment(msg, 1000, 9)!;
  let out: Uint8Array | undefined;
  for (const p of m9) out = r.accept('p', dec(p)) ?? out;
  t.deepEqual(out, msg);
  t.is(r.lost, 1);
});

test('bad fragments are malformed: count below 2, index past count, empty chunk; too many pieces refuse to split', (t) => {
  const f = (id: number, index: number, count: number, len: number) => Uint8Array.from([Proto.Topology, 0x03, 0, id, index, count, ...new Uint8Array(len)]);
  t.deepEqual(decodeTopoMsg(f(1, 0, 1, 10)), { ok: false, reason: 'malformed' });
  t.deepEqual(decodeTopoMsg(f(1, 3, 3, 10)), { ok: false, reason: 'malformed' });
  t.deepEqual(decodeTopoMsg(f(1, 0, 2, 0)), { ok: false, reason: 'malformed' });
  t.true(decodeTopoMsg(f(1, 1, 2, 1)).ok);
  t.is(fragment(new Uint8Array(300_000), 1000, 1), null);
});
