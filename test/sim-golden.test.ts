// Every small scenario's trace hash, pinned: speed work on the simulator or the node code must
// leave them as they are (issue 18), and a protocol change that moves one says why in the same
// commit. Last moved: the flood hold (src/topology/flooder.ts) changed every wired multi-node
// trace; radio traces (sms-radio-*) stayed. mesh-300, mesh-300-chaos, star-3000-stubs and
// fleet-10k take minutes; bench/sim prints mesh-300's hash beside its time.
import test from 'ava';
import { loadScenario } from '../simulator/scenario-load.ts';
import { runScenario } from '../simulator/sim-run.ts';

const GOLDEN: Record<string, string> = {
  'quickstart': 'da2ee1ab3a5e0662a122a2c90687836d4abc8af0209a5a4e717b45173199a63b',
  'ring-20': '8f622a0b03b487cdbea7988ea2543f5432eb2a6f65740048f77ff2fc5110030e',
  'ring-20-transfer': '7905acdaf0e3bf3fff27f17bc5013f5a8f7b9f3609330fb9b61cb9207a37cafe',
  'partition-heal': '467c1347f45eb3bf761d1b62d2914c60fe9f6fc964b34158ef42f9a9b3f3d393',
  'sms-radio-3hop': '6de9c561ab7c5afd483e40cbb8e7a94abe9052e4ac46b45142310d6ee29decd2',
  'sms-radio-cold': 'a429bb6f92fe6974cb0f74d1b9389e6bb55f34b291eaee29424a8914a3394f9b',
  'sms-relay-crash': 'a72c676b54b7737ca6b648c1b9c54fa8ee50697a349eb6911067dd3c3f10561d',
  'swarm-mesh-12': 'add5617ffd763a01ee5bf85c90f2d036e3058c1ac40c11490dd58f244e9b26f1',
};

for (const [name, hash] of Object.entries(GOLDEN)) {
  test(`${name}: the trace hash is the pinned one`, async (t) => {
    const { summary } = await runScenario(loadScenario(`scenarios/${name}.yaml`));
    t.is(summary.traceHash, hash);
  });
}

test('checking invariants after every event changes nothing in the trace', async (t) => {
  const s = loadScenario('scenarios/partition-heal.yaml');
  const watched = await runScenario(s, { invariants: true });
  t.is(watched.violation, undefined);
  t.is(watched.summary.traceHash, GOLDEN['partition-heal']!);
});
