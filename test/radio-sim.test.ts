import test from 'ava';
import { radioWorld, runUntilUp, type RadioWorldSpec } from './helpers/radio-sim-world.ts';
import { parseScenario } from '../simulator/scenario-load.ts';
import { runScenario } from '../simulator/sim-run.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

// In each round every node sends one message to every other at the same instant: contention on
// purpose. Two nodes give only two messages a round, so that case runs several rounds.
const exchange = (spec: RadioWorldSpec, upWithinMs: number, afterMs: number, rounds = 1) => {
  const w = radioWorld(spec);
  const upAt = runUntilUp(w, upWithinMs, Math.max(100, upWithinMs / 200));
  let sent = 0;
  for (let r = 0; r < rounds; r++) {
    w.nodes.forEach((a, i) => w.nodes.forEach((b, j) => {
      if (i !== j && a.node.sendTo(b.node.address, enc(`m ${r}:${i}->${j}`))) sent++;
    }));
    w.queue.runUntil(w.queue.now + afterMs / rounds);
  }
  const delivered = w.received.reduce((n, r) => n + r.length, 0);
  const shares = w.nodes.map((n) => n.carrier.channel.controlShare());
  return { upAt, sent, delivered, stats: { ...w.medium.stats }, maxControlShare: Math.max(...shares), drops: w.nodes.map((n) => n.node.drops) };
};

const cases: [number, boolean, number, number, number, number][] = [
  // bitrate, amateur, nodes, link-up limit, time to let messages drain, rounds
  [9600, false, 5, 600_000, 60_000, 1],
  [1200, true, 5, 600_000, 300_000, 1],
  [300, true, 4, 1_800_000, 900_000, 1],
  [5, true, 2, 4 * 3_600_000, 8 * 3_600_000, 4],
];

for (const [bitrate, amateur, nodes, upWithin, after, rounds] of cases) {
  test(`${bitrate} bit/s, ${nodes} nodes, ${amateur ? 'amateur' : 'encrypted'}, 5 % loss: links come up and messages cross, deterministically`, (t) => {
    // Three seeds: with every station sending at the same instant and no retransmission, one
    // seed's share is a lottery (8 to 19 of 20 at 1200 bit/s over seeds 1-12); their sum is not.
    let sent = 0;
    let delivered = 0;
    for (const seed of [11, 12, 13]) {
      const spec = { nodes, bitrate, loss: 0.05, amateur, seed };
      const r = exchange(spec, upWithin, after, rounds);
      t.log(JSON.stringify({ seed, upAt: r.upAt, sent: r.sent, delivered: r.delivered, medium: r.stats, controlShare: r.maxControlShare.toFixed(4) }));
      t.true(r.upAt >= 0, 'all links up');
      t.is(r.sent, rounds * nodes * (nodes - 1));
      t.true(r.stats.collisions + r.stats.lost > 0 || nodes === 2, 'the channel did collide or lose something');
      if (seed === 11) t.deepEqual(exchange(spec, upWithin, after, rounds), r, 'same seed, same run');
      sent += r.sent;
      delivered += r.delivered;
    }
    // The link layer does not retransmit: a lost or collided frame is gone (SMS retries above).
    t.true(delivered >= Math.floor(sent * 0.5), `delivered ${delivered}/${sent}`);
  });
}

test('control traffic stays under 2 % of time on a quiet 1200 bit/s channel over 6 hours', (t) => {
  const w = radioWorld({ nodes: 4, bitrate: 1200, loss: 0, amateur: true, seed: 3 });
  w.queue.runUntil(6 * 3_600_000);
  for (const n of w.nodes) {
    const c = n.carrier.channel;
    t.true(c.controlShare() < 0.02, `${n.node.name}: ${c.controlShare()}`);
    t.true(c.counters.idFrames >= 1);
  }
  t.true(w.nodes.every((n) => [...n.node.links.values()].every((l) => l.state === 'up')));
});

test('scenario YAML: a radio channel replaces wires between its nodes and the run replays from its seed', async (t) => {
  const yaml = `
name: radio-yaml
seed: 4
duration: 20m
nodes: 4
topology: { kind: edges, edges: [] }
radio: { bitrate: 1200, nodes: [n0, n1, n2, n3], loss: 0.02, mode: amateur }
`;
  const s = parseScenario(yaml, 'radio.yaml');
  const a = (await runScenario(s)).summary;
  const b = (await runScenario(s)).summary;
  t.is(a.traceHash, b.traceHash);
  t.truthy(a.radio);
  t.true(a.radio!.channels[0]!.frames > 0);
  t.true(a.handshakes >= 6, `handshakes ${a.handshakes}`);
  for (const [name, c] of Object.entries(a.radio!.nodes)) t.true(c.idFrames >= 1, `${name} identified`);
});
