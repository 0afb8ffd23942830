// A real `skywire master` (it accepts unknown peers: the most exposed node) under a full-rate
// flood from an attacker process with 256 source endpoints, one legitimate fleet member beside
// it: a handshake flood (valid inits from fresh identities, cookie replies answered with mac2)
// and a data flood (junk and unauthenticated transport packets). Throughout, `status` answers,
// the member's stream carries a few MB byte-exact, the master's link table stays under its cap,
// its memory stays bounded, and what it drops is counted by reason. No speed is asserted.
import test from 'ava';
import { forkWorker, next, stopAll } from '../bench/fork-ipc.ts';
import { procUsage, probeStatus, startFleet, status, transfer, type Fleet } from '../bench/flood-fleet.ts';
import type { FloodOrder, FloodReport } from '../bench/flood-worker.ts';

const FLOOD_MS = 5000;
const RSS_BOUND_MIB = 600;
let fleet: Fleet;
let attacker: ReturnType<typeof forkWorker>;

test.before(async () => {
  attacker = forkWorker('./flood-worker.ts');
  [fleet] = await Promise.all([startFleet('flood'), next(attacker, 'loaded', 60_000)]);
});

test.after.always(async () => {
  if (attacker) await stopAll([attacker]);
  await fleet?.stop();
});

const underFlood = async (kind: FloodOrder['kind'], port: number) => {
  const before = await status(fleet.master.home);
  const report = next<FloodReport>(attacker, 'report', FLOOD_MS + 60_000);
  attacker.send({ flood: { kind, host: '127.0.0.1', port: fleet.masterPort, responder: fleet.master.address, sockets: 256, durationMs: FLOOD_MS } satisfies FloodOrder });
  let rssMax = 0;
  const sampler = setInterval(() => { rssMax = Math.max(rssMax, procUsage(fleet.master.proc.pid!).rssMiB); }, 200);
  try {
    const [probes, stream] = await Promise.all([
      probeStatus(fleet.master.home, { count: 1000, everyMs: 250, untilMs: FLOOD_MS, timeoutMs: 5000 }),
      // Starts once the attacker is at full rate; the deadline is generous, not a speed bound.
      new Promise((r) => setTimeout(r, 500)).then(() => transfer(fleet, { port, bytes: 8 * 1024 * 1024, durationMs: 60_000, deadlineMs: 40_000 })),
    ]).catch(async (e: unknown) => {
      await report.catch(() => undefined); // this flood's report must not reach the next test
      throw e;
    });
    const attack = await report;
    const after = await status(fleet.master.home);
    const drops: Record<string, number> = {};
    for (const [k, v] of Object.entries(after.drops as Record<string, number>)) if (v > (before.drops[k] ?? 0)) drops[k] = v - (before.drops[k] ?? 0);
    return { probes, stream, attack, drops, rssMax, before, after };
  } finally {
    clearInterval(sampler);
  }
};

const holds = (t: import('ava').ExecutionContext, r: Awaited<ReturnType<typeof underFlood>>): void => {
  t.log(`attacker sent ${r.attack.sent} (${r.attack.perSec}/s); status ${r.probes.length} asked, slowest ${Math.max(...r.probes.map((p) => p.ms ?? Infinity))} ms; stream ${r.stream.received} B in ${r.stream.ms} ms; links max ${Math.max(...r.probes.map((p) => p.links ?? 0))}; rss max ${r.rssMax} MiB; drops`, r.drops);
  t.true(r.probes.length >= 3, 'status was asked throughout');
  t.true(r.probes.every((p) => p.ms !== null), 'every status request was answered (within 5 s)');
  t.true(r.stream.exact, `the member's stream delivered ${r.stream.received} of ${r.stream.sent} bytes`);
  t.true(r.stream.received > 0);
  const cap = r.after.unknownPeers.max as number;
  t.true(r.probes.every((p) => p.unknownPeers! <= cap && p.links! <= cap + 1), `stranger links under the cap ${cap}`);
  t.true(r.rssMax > 0 && r.rssMax < RSS_BOUND_MIB, `master RSS at most ${r.rssMax} MiB`);
  t.is(fleet.master.proc.exitCode, null, 'the master is still running');
  t.true((r.after.links as { peer: string; state: string }[]).some((l) => l.peer === fleet.member.address && ['up', 'rekeying'].includes(l.state)), 'the member\'s link is up');
};

test.serial('a handshake flood from 256 endpoints and fresh identities, passing the cookie check: status answers, the member streams, links stay bounded, drops are counted', async (t) => {
  const r = await underFlood('handshake', 9101);
  holds(t, r);
  t.true(r.attack.cookies > 0 && r.attack.withMac2 > 0, 'the attacker got cookies and sent inits that pass mac2');
  t.true((r.drops['cookie-sent'] ?? 0) > 0, 'cookies were sent under load');
  t.true((r.drops['handshake-busy'] ?? 0) + (r.drops['rate-limited'] ?? 0) > 0, 'inits beyond the budget were dropped and counted');
});

test.serial('a data flood of junk and unauthenticated transport packets: status answers, the member streams, every packet is a counted drop', async (t) => {
  const r = await underFlood('data', 9102);
  holds(t, r);
  t.true((r.drops['unknown-index'] ?? 0) > 0, 'transport packets for no session: unknown-index');
  t.true((r.drops['bad-version'] ?? 0) + (r.drops['malformed'] ?? 0) + (r.drops['unknown-type'] ?? 0) > 0, 'junk: bad-version, malformed or unknown-type');
  t.true(r.after.links.length <= r.before.links.length, 'no link made from data');
});
