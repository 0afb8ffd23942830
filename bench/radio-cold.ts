// Issue 13's goal table: the first message over a cold radio mesh, from power-on of all nodes.
//  - simulator, 3 hops (scenarios/sms-radio-cold.yaml) at 1200 and 300 bit/s, 0 % and 5 % frame
//    loss, nine seeds each: delivery and receipt times (median, max), with routing 'mapless'
//    (direct neighbour, breadcrumbs, managed flood: the default) and 'map' (the topology's path
//    only: the design before) side by side;
//  - simulator, scenarios/sms-radio-mesh-20.yaml: 20 nodes on shared channels, 50 messages,
//    both designs: delivered, times (median/p95/max), duplicates, airtime and control share;
//  - real modems (direwolf pairs wired back to back at 1200 bit/s): 1 hop and 3 hops, `skywire
//    node` processes started together, one SMS sent the moment the first node answers.
// Run: node --import tsx bench/radio-cold.ts   (BENCH_REAL=0 skips the modems)
import { loadScenario } from '../simulator/scenario-load.ts';
import { runScenario } from '../simulator/sim-run.ts';
import { print } from './machine.ts';
import { EMERGENCY_TEXT, firstSms, startRadioLine } from '../test/helpers/radio-line.ts';
import { missing } from '../test/helpers/radio-pty.ts';

type Routing = 'mapless' | 'map';
const q = (xs: number[], p: number): number | null => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : null;
};

const cold = async (bitrate: number, loss: number, routing: Routing) => {
  const delivered: number[] = [];
  const receipts: number[] = [];
  let once = 0;
  for (let seed = 1; seed <= 9; seed++) {
    const s = loadScenario('scenarios/sms-radio-cold.yaml');
    s.seed = seed;
    s.radio = s.radio!.map((c) => ({ ...c, bitrate, loss }));
    s.sms = { ...s.sms!, options: { ...s.sms!.options, routing } };
    s.duration = 30 * 60_000;
    const sms = (await runScenario(s)).summary.sms!;
    if (sms.deliveryMs.max !== null) delivered.push(sms.deliveryMs.max);
    if (sms.receiptMs.max !== null) receipts.push(sms.receiptMs.max);
    if (sms.allDeliveredOnce) once++;
  }
  return { bitrate, lossPct: loss * 100, routing, runs: 9, deliveredOnce: once, deliveredMs: { median: q(delivered, 0.5), max: q(delivered, 1) }, receiptMs: { median: q(receipts, 0.5), max: q(receipts, 1) } };
};

const mesh = async (routing: Routing) => {
  const s = loadScenario('scenarios/sms-radio-mesh-20.yaml');
  s.sms = { ...s.sms!, options: { ...s.sms!.options, routing } };
  const { summary } = await runScenario(s);
  const sms = summary.sms!;
  const nodes = Object.values(summary.radio!.nodes);
  return {
    routing, sent: sms.sent, delivered: sms.delivered, duplicatesInInbox: sms.duplicates, receipts: sms.receipts,
    deliveryMs: sms.deliveryMs, receiptMs: sms.receiptMs,
    resendsAcked: sms.counters.duplicates ?? 0,
    airtimeSecPerNode: { median: q(nodes.map((n) => n.airtimeMs / 1000), 0.5), max: q(nodes.map((n) => n.airtimeMs / 1000), 1) },
    maxControlSharePct: Math.round(Math.max(...nodes.map((n) => n.controlShare)) * 10_000) / 100,
    collisions: summary.radio!.channels.reduce((n, c) => n + c.collisions, 0),
  };
};

const real = async (hops: number) => {
  const line = await startRadioLine(hops);
  try {
    return { hops, bitrate: 1200, ...(await firstSms(line, EMERGENCY_TEXT)) };
  } finally {
    await line.stop();
  }
};

const sim3: unknown[] = [];
for (const bitrate of [1200, 300]) for (const loss of [0, 0.05]) for (const routing of ['mapless', 'map'] as const) sim3.push(await cold(bitrate, loss, routing));
const mesh20 = [await mesh('mapless'), await mesh('map')];
const noModems = process.env.BENCH_REAL === '0' ? 'BENCH_REAL=0' : missing('direwolf');
const modems = noModems ? { skipped: noModems } : { oneHop: [await real(1), await real(1), await real(1), await real(1), await real(1)], threeHops: [await real(3)] };
print('radio-cold', {
  text: `${EMERGENCY_TEXT.length} characters`,
  goals: { '3 hops 1200 bit/s': 'delivered <= 15 s of sending, receipt <= 25 s', '3 hops 300 bit/s': '<= 60 s and <= 100 s', '1 hop real modems': 'inbox <= 6 s of process start, receipt <= 10 s', anchors: { oursBefore: '164 s (3 hops, sim)', reticulumLxmf: '28.3 s (3 hops, real modems)', air: '9-10 s' } },
  simulator3Hops: sim3, mesh20, realModems: modems,
});
