import test from 'ava';
import { loadScenario } from '../simulator/scenario-load.ts';
import { runScenario } from '../simulator/sim-run.ts';
import type { SmsSimSummary } from '../simulator/sim-sms.ts';

/** Every message sent landed exactly once and its receipt came back. */
const everyMessageOnce = (t: import('ava').ExecutionContext, sms: SmsSimSummary, sent: number): void => {
  t.is(sms.sent, sent);
  t.true(sms.allDeliveredOnce, JSON.stringify(sms));
  t.is(sms.duplicates, 0);
  t.is(sms.receipts, sent);
};

test('sim: 3-hop store-and-forward with a relay away for a minute and the other killed while holding: every message once', async (t) => {
  const s = loadScenario('scenarios/sms-relay-crash.yaml');
  const a = await runScenario(s);
  const b = await runScenario(s);
  const sms = a.summary.sms!;
  everyMessageOnce(t, sms, 23);
  t.true((sms.counters.custody ?? 0) > 23, 'relays took custody');
  t.is(a.summary.traceHash, b.summary.traceHash, 'deterministic');
  t.log(JSON.stringify(sms.deliveryMs));
});

test('sim: the same over three 1200 bit/s radio hops in amateur mode, relays crashing: every message once, control under its share', async (t) => {
  const s = loadScenario('scenarios/sms-radio-3hop.yaml');
  const a = await runScenario(s);
  const sms = a.summary.sms!;
  everyMessageOnce(t, sms, 8);
  const radio = a.summary.radio!;
  t.is(radio.channels.length, 3);
  t.true(radio.channels.every((c) => c.frames > 0 && c.lost > 0), 'every channel carried frames and lost some');
  // Counted from each node's (last) boot, restarts and the sync bursts after them included.
  for (const [name, n] of Object.entries(radio.nodes)) t.true(n.controlShare < 0.02, `${name}: ${n.controlShare}`);
  t.is((await runScenario(s)).summary.traceHash, a.summary.traceHash, 'deterministic');
  t.log(JSON.stringify(sms.deliveryMs));
});

test('sim: the first message over three cold radio hops does not wait for the map (simulated time); the map-only design does', async (t) => {
  const s = loadScenario('scenarios/sms-radio-cold.yaml');
  const mapless = (await runScenario(s)).summary.sms!;
  everyMessageOnce(t, mapless, 1);
  const map = (await runScenario({ ...s, sms: { ...s.sms!, options: { routing: 'map' } } })).summary.sms!;
  everyMessageOnce(t, map, 1);
  // Virtual time, so a fixed bound holds on any machine: the records of three hops take minutes
  // to cross under the 2 % control budget, the parcel itself seconds.
  t.true(mapless.deliveryMs.max! < 30_000, JSON.stringify(mapless.deliveryMs));
  t.true(map.deliveryMs.max! > 120_000, JSON.stringify(map.deliveryMs));
  t.log(`mapless ${JSON.stringify(mapless.deliveryMs)} receipt ${JSON.stringify(mapless.receiptMs)}; map ${JSON.stringify(map.deliveryMs)}`);
});

test('sim: a flood over shared channels with two ways round lands once, its copies end, and the receipt comes back', async (t) => {
  const s = loadScenario('scenarios/sms-radio-cold.yaml');
  s.nodes = 5;
  s.radio = [
    { ...s.radio![0]!, nodes: ['n0', 'n1', 'n2'] },
    { ...s.radio![0]!, nodes: ['n1', 'n2', 'n3'] },
    { ...s.radio![0]!, nodes: ['n3', 'n4'] },
  ];
  s.sms = { messages: [{ at: 0, from: 'n0', to: 'n4', count: 3, every: 5000, text: 'two ways round' }] };
  const a = await runScenario(s);
  const b = await runScenario(s);
  const sms = a.summary.sms!;
  everyMessageOnce(t, sms, 3);
  t.true((sms.counters.custody ?? 0) <= 3 * 6, `each relay takes a parcel at most once: ${JSON.stringify(sms.counters)}`);
  t.is(a.summary.traceHash, b.summary.traceHash, 'deterministic');
});
