import test from 'ava';
import { parseScenario } from '../simulator/scenario-load.ts';
import { runScenario } from '../simulator/sim-run.ts';

// A line n0-n1-n2 with no other path: the relay n1 crashes mid-transfer and restarts 10 s later.
// The break is avoided while n1 is down; once n1 and n2 both sign records claiming their link
// again, n0 stops avoiding it and repairs at once, well before the 60 s avoid period ends.
const scenario = (restartAt: string) => parseScenario(`
name: relay-reboot
seed: 4
duration: 2m
nodes: 3
topology: { kind: line }
link: { latency: 10ms, jitter: 1ms, loss: 0 }
linkConfig: { keepaliveMs: 1000, deadAfterMs: 3000 }
streams:
  - { at: 5s, from: n0, to: n2, bytes: 3000000 }
faults:
  - { at: 6s, kind: crash, node: n1 }
  - { at: ${restartAt}, kind: restart, node: n1 }
`, 'relay-reboot.yaml');

test('a relay that reboots: the route is repaired as soon as it relinks, and the stream arrives intact', async (t) => {
  const { summary } = await runScenario(scenario('16s'));
  const s = summary.streams[0]!;
  t.true(s.intact, JSON.stringify(s));
  t.true(summary.routes.repaired >= 1);
  // Broken at about 6 s + dead-peer detection; n1 back at 16 s plus a handshake and a flood.
  t.true(Math.max(...summary.routes.repairMs) < 20_000, `repairs ${summary.routes.repairMs.join(', ')} ms`);
  t.log(`repair ${summary.routes.repairMs.join(', ')} ms`);
});
