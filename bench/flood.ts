// A node under flood, side by side with the same node idle, in one run. The target is a real
// `skywire master` process (it accepts unknown peers: the most exposed node); one legitimate
// fleet member streams to it in every phase. ROUNDS rounds of five phases of PHASE_MS each:
//   idle       no attacker (the member's stream and the status probes only)
//   decoy-*    the attacker does the handshake (or data) flood's work but sends to its own
//              socket: on a shared machine its CPU alone slows the member and the probes, not
//              the target; each flood is compared with its own decoy
//   handshake  an attacker process with SOCKETS source endpoints, each on a loopback address of
//              its own, sends valid inits from fresh identities as fast as one core allows,
//              answering cookie replies with mac2
//   data       the attacker sends junk and well-formed unauthenticated transport packets
// With root and nft, a second master runs beside the first with --kernel-guard (src/env/nft-guard.ts:
// nftables drops strangers' packets over a rate before Node reads them), and each round adds
//   guarded-idle, guarded-handshake, guarded-data   the same phases against that master
// Each phase: status latency over the control socket (median/p99/max of up to PROBES), the
// member's stream goodput, the master's RSS and CPU, its drop counters and link counts.
// BENCH_PROF=DIR writes a CPU profile of the master (node --cpu-prof) into DIR.
import { existsSync, readFileSync } from 'node:fs';
import { forkWorker, next, stopAll } from './fork-ipc.ts';
import { print } from './machine.ts';
import { dropDelta, probeStatus, procUsage, quantiles, startFleet, status, transfer, type Fleet } from './flood-fleet.ts';
import type { FloodOrder, FloodReport } from './flood-worker.ts';

const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 6_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 256);
const PROBES = 50;
const RAMP_MS = 500; // the attacker is at full rate before the measured window opens
const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];

/** Datagrams the kernel dropped for a full socket receive buffer, machine-wide (/proc/net/snmp). */
const rcvbufErrors = (): number => {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const [names, values] = lines.map((l) => l.trim().split(/\s+/));
  return Number(values?.[names?.indexOf('RcvbufErrors') ?? -1] ?? NaN);
};

type Kind = 'idle' | 'decoy-handshake' | 'decoy-data' | FloodOrder['kind'];
type PhaseName = Kind | `guarded-${Kind}`;
const phase = async (f: Fleet, kind: Kind, attacker: ReturnType<typeof forkWorker>, port: number) => {
  const pid = f.master.proc.pid!;
  const s0 = await status(f.master.home);
  let report: Promise<FloodReport> | undefined;
  if (kind !== 'idle') {
    const order: FloodOrder = { kind: kind === 'decoy-handshake' ? 'handshake' : kind === 'decoy-data' ? 'data' : kind, sink: kind.startsWith('decoy'), host: '127.0.0.1', port: f.masterPort, responder: f.master.address, sockets: SOCKETS, durationMs: PHASE_MS + RAMP_MS + 1000, manyAddresses: true };
    report = next<FloodReport>(attacker, 'report', PHASE_MS + 60_000);
    attacker.send({ flood: order });
    await new Promise((r) => setTimeout(r, RAMP_MS));
  }
  const u0 = procUsage(pid);
  const m0 = procUsage(f.member.proc.pid!);
  const k0 = rcvbufErrors();
  const t0 = Date.now();
  let rssMax = u0.rssMiB;
  const sampler = setInterval(() => { rssMax = Math.max(rssMax, procUsage(pid).rssMiB); }, 250);
  const [stream, probes] = await Promise.all([
    transfer(f, { port, bytes: Number.MAX_SAFE_INTEGER, durationMs: PHASE_MS, deadlineMs: 30_000 }),
    probeStatus(f.master.home, { count: PROBES, everyMs: PHASE_MS / PROBES, untilMs: PHASE_MS, timeoutMs: 10_000 }),
  ]);
  clearInterval(sampler);
  const u1 = procUsage(pid);
  const m1 = procUsage(f.member.proc.pid!);
  const kernelRcvbufDrops = rcvbufErrors() - k0;
  const wall = Date.now() - t0;
  const attack = report ? await report : null;
  const s1 = await status(f.master.home);
  const answered = probes.filter((p) => p.ms !== null);
  return {
    phase: kind as PhaseName,
    status: { requests: probes.length, answered: answered.length, ...quantiles(answered.map((p) => p.ms!)) },
    stream: { mbPerSec: stream.mbPerSec, bytes: stream.received, ms: stream.ms, complete: stream.received === stream.sent },
    master: {
      rssMiB: u1.rssMiB, rssMaxMiB: rssMax, rssGrowthMiB: Math.round((u1.rssMiB - u0.rssMiB) * 10) / 10,
      cpuPct: Math.round(((u1.cpuMs - u0.cpuMs) / wall) * 1000) / 10,
      linksMax: Math.max(...answered.map((p) => p.links!)), unknownPeersMax: Math.max(...answered.map((p) => p.unknownPeers!)), unknownPeersCap: answered[0]?.unknownMax,
      drops: dropDelta(s0, s1),
    },
    memberCpuPct: Math.round(((m1.cpuMs - m0.cpuMs) / wall) * 1000) / 10,
    kernelRcvbufDropsMachineWide: kernelRcvbufDrops,
    attacker: attack,
  };
};

/** Stranger links from the phase before expire (one handshake period) before the next begins. */
const settle = async (f: Fleet): Promise<number> => {
  const t0 = Date.now();
  while (Date.now() - t0 < 30_000 && ((await status(f.master.home)).unknownPeers?.count ?? 0) > 1) await new Promise((r) => setTimeout(r, 250));
  return Date.now() - t0;
};

/** Each guarded phase swapped with the plain one before it. */
const swapPairs = <T extends string>(ks: T[]): T[] => {
  for (let i = 1; i < ks.length; i++) if (ks[i]!.startsWith('guarded-')) [ks[i - 1], ks[i]] = [ks[i]!, ks[i - 1]!];
  return ks;
};
const fleet = await startFleet('flood', prof);
const guardable = process.getuid?.() === 0 && ['/usr/sbin/nft', '/sbin/nft'].some((p) => existsSync(p)) && process.env.BENCH_GUARD !== '0';
const guarded = guardable ? await startFleet('flood-guarded', [], ['--kernel-guard']) : undefined;
const attacker = forkWorker('./flood-worker.ts');
type Phase = Awaited<ReturnType<typeof phase>>;
const median = (xs: number[]): number | null => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length === 0 ? null : v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};
try {
  await next(attacker, 'loaded', 60_000);
  // ROUNDS rounds of the five phases, interleaved: on a shared (virtual) machine the speed of
  // the same idle phase drifts by 1.5x within a minute, so one sample per phase compared one
  // phase with another machine's mood. Ratios are taken within a round, then the median.
  // Each guarded phase right after its plain twin: the machine's mood drifts within a minute.
  const kinds = guarded
    ? (['idle', 'guarded-idle', 'decoy-handshake', 'handshake', 'guarded-handshake', 'decoy-data', 'data', 'guarded-data'] as const)
    : (['idle', 'decoy-handshake', 'handshake', 'decoy-data', 'data'] as const);
  type Name = (typeof kinds)[number];
  const rounds: Record<Name, Phase>[] = [];
  const settledMs: number[] = [];
  let port = 9001;
  for (let r = 0; r < ROUNDS; r++) {
    const round = {} as Record<Name, Phase>;
    // Odd rounds put each guarded phase first: the second of a pair ran slower in one order.
    const order = r % 2 === 1 && guarded ? swapPairs([...kinds]) : kinds;
    for (const k of order) {
      const g = k.startsWith('guarded-');
      const f = g ? guarded! : fleet;
      round[k] = { ...(await phase(f, k.replace('guarded-', '') as Kind, attacker, port++)), phase: k as Kind };
      if (k.endsWith('handshake') && !k.startsWith('decoy')) settledMs.push(await settle(f));
    }
    rounds.push(round);
  }
  const ratio = (x: number | null, y: number | null): number | null => (x !== null && y ? Math.round((x / y) * 100) / 100 : null);
  const vs = (k: Name, base: Name) => {
    const per = rounds.map((r) => ({ g: ratio(r[k].stream.mbPerSec, r[base].stream.mbPerSec), m: ratio(r[k].status.median, r[base].status.median), p: ratio(r[k].status.p99, r[base].status.p99) }));
    const pick = (f: (x: (typeof per)[number]) => number | null) => per.map(f).filter((x): x is number => x !== null);
    return { streamGoodput: median(pick((x) => x.g)), streamGoodputPerRound: pick((x) => x.g), statusMedian: median(pick((x) => x.m)), statusP99: median(pick((x) => x.p)) };
  };
  print('flood', {
    phaseMs: PHASE_MS, rounds: ROUNDS, sockets: SOCKETS,
    target: 'skywire master process (accepts unknown peers); the member streams to it and status is asked over its control socket in every phase',
    phases: rounds.flatMap((r) => kinds.map((k) => r[k])),
    vsIdle: {
      decoyHandshake: vs('decoy-handshake', 'idle'), decoyData: vs('decoy-data', 'idle'), handshake: vs('handshake', 'idle'), data: vs('data', 'idle'),
      ...(guarded ? { guardedHandshake: vs('guarded-handshake', 'guarded-idle'), guardedData: vs('guarded-data', 'guarded-idle') } : {}),
    },
    vsDecoy: {
      handshake: vs('handshake', 'decoy-handshake'), data: vs('data', 'decoy-data'),
      ...(guarded ? { guardedHandshake: vs('guarded-handshake', 'decoy-handshake'), guardedData: vs('guarded-data', 'decoy-data') } : {}),
      what: 'against the same attacker CPU load aimed elsewhere: the cost of the flood to the target itself',
    },
    kernelGuard: guarded ? (await status(guarded.master.home)).kernelGuard : 'not run (needs root and nft; BENCH_GUARD=0 turns it off)',
    strangerLinksGoneMsAfterHandshakeFlood: settledMs,
    goals: { statusAnswers: 'every request', streamGoodputVsIdle: 0.5 },
  });
} finally {
  await stopAll([attacker]);
  await fleet.stop();
  await guarded?.stop();
}
