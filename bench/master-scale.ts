// The master at fleet scale. Part 1: 300 real nodes on UDP loopback (6 worker processes x 50
// runNode instances, each booted from a boot partition naming the master, linked to the master
// directly) and the master in its own process. Measures time from "nodes start" until all 300
// are listed as accepted in the master's `nodes` view (goal <= 10 s), the master's CPU time, and
// memory per node on both sides. Part 2 (master-registry-load.ts): the master's registration
// server and registry at 300 and 3,000 nodes, fed synthetic signed registrations in-process.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateIdentity } from '../src/identity/key-file.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { forkWorker, next, stopAll } from './fork-ipc.ts';
import type { MasterReport, NodesReport, Usage } from './master-scale-worker.ts';
import type { LoadResult } from './master-registry-load.ts';
import { print } from './machine.ts';

const NODES = Number(process.env.BENCH_NODES ?? 300);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 6);
const DEADLINE_MS = 60_000; // goal is 10 s; past 60 s we report what we have
const STEADY_MS = 12_000; // covers one full default heartbeat period (10 s) at 300 nodes
const base = 43000 + Math.floor(Math.random() * 1500) * 4;
const tmp = mkdtempSync(join(tmpdir(), 'sky-ms-'));
const mb = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;
const kib = (b: number): number => Math.round(b / 1024);
const merge = (hs: Record<string, number>[]): Record<string, number> => hs.reduce((a, h) => { for (const [k, v] of Object.entries(h)) a[k] = (a[k] ?? 0) + v; return a; }, {});
const report = <T>(p: ChildProcess): Promise<T> => { p.send({ report: true }); return next<T>(p, 'report', 30_000); };

const realFleet = async (): Promise<Record<string, unknown>> => {
  const home = join(tmp, 'master');
  const id = loadOrCreateIdentity(nodeSuite(), home, () => new Uint8Array(randomBytes(32))).identity;
  const boot = join(tmp, 'boot');
  mkdirSync(join(boot, 'skywire'), { recursive: true });
  writeFileSync(join(boot, 'skywire', 'master.txt'), `${Buffer.from(id.publicKey).toString('base64')}\nrelay = ${id.address}@127.0.0.1:${base}\n`);
  const master = forkWorker('./master-scale-worker.ts');
  const workers = Array.from({ length: WORKERS }, () => forkWorker('./master-scale-worker.ts'));
  try {
    await Promise.all([master, ...workers].map((p) => next(p, 'loaded', 60_000)));
    master.send({ role: 'master', home, port: base });
    const idle = await next<Usage>(master, 'ready', 30_000);
    const t0 = Date.now();
    workers.forEach((w, k) => {
      const mine = Array.from({ length: NODES }, (_, i) => i).filter((i) => i % WORKERS === k);
      w.send({ role: 'nodes', boot, nodes: mine.map((i) => ({ home: join(tmp, `n${i}`), port: base + 1 + i })) });
    });
    const startedAll = Promise.all(workers.map((w) => next<number>(w, 'started', DEADLINE_MS))).then(() => Date.now() - t0);
    let r = await report<MasterReport>(master);
    const trace: [number, number][] = [];
    while (r.listed < NODES && Date.now() - t0 < DEADLINE_MS) {
      await new Promise((res) => setTimeout(res, 100));
      r = await report<MasterReport>(master);
      if (trace.at(-1)?.[1] !== r.listed) trace.push([r.atMs - t0, r.listed]);
    }
    const allListed = r;
    const started = await startedAll.catch(() => null);
    await new Promise((res) => setTimeout(res, STEADY_MS));
    const steady = await report<MasterReport>(master);
    const nodeSide = await Promise.all(workers.map((w) => report<NodesReport>(w)));
    const perWorker = NODES / WORKERS;
    return {
      nodes: NODES, workers: WORKERS, topology: 'every node links directly to the master (boot file relay = master)',
      leaves: process.env.BENCH_STUB === '0' ? 'full topology database (BENCH_STUB=0)' : 'topology stubs ("stub": true): each holds its own and the master\'s record',
      signatureChecks: process.env.BENCH_SHARED_VERIFY === '1' ? 'one cache per worker process (BENCH_SHARED_VERIFY=1), as the simulator' : 'each node its own (set BENCH_SHARED_VERIFY=1 to share per process)',
      allListedMs: allListed.listed === NODES ? allListed.atMs - t0 : null, listed: allListed.listed, allNodesStartedMs: started,
      listedOverTimeMs: trace.filter((_, i) => i % 5 === 0 || i === trace.length - 1),
      master: {
        cpuMsToAllListed: Math.round((allListed.cpuUs - idle.cpuUs) / 1000),
        cpuPctSteady: Math.round(((steady.cpuUs - allListed.cpuUs) / 1000 / (steady.atMs - allListed.atMs)) * 1000) / 10,
        steadyWindowMs: steady.atMs - allListed.atMs, heartbeatsInWindow: steady.heartbeats - allListed.heartbeats, online: steady.online,
        rssMiB: mb(steady.rss), heapMiB: mb(steady.heapUsed),
        rssPerNodeKiB: kib((steady.rss - idle.rss) / NODES), heapPerNodeKiB: kib((steady.heapUsed - idle.heapUsed) / NODES),
        nodesViewMs: Math.round(steady.nodesViewMs * 10) / 10,
      },
      nodeWorkers: {
        registered: nodeSide.reduce((n, w) => n + w.registered, 0), states: merge(nodeSide.map((w) => w.states)), warnings: nodeSide.reduce((n, w) => n + w.warnings, 0),
        rssPerNodeKiB: kib(nodeSide.reduce((n, w) => n + w.rss, 0) / NODES), heapPerNodeKiB: kib(nodeSide.reduce((n, w) => n + w.heapUsed, 0) / NODES),
        note: `process totals / ${Math.round(perWorker)} nodes per process, so Node's own ~40 MiB per process is spread over them`,
      },
    };
  } finally {
    await stopAll([master, ...workers]);
  }
};

const synthetic = async (n: number): Promise<LoadResult> => {
  const w = forkWorker('./master-registry-load.ts');
  try {
    w.send({ nodes: n, home: mkdtempSync(join(tmp, `reg-${n}-`)) });
    return await next<LoadResult>(w, 'result', 300_000);
  } finally {
    await stopAll([w]);
  }
};

try {
  const real = await realFleet();
  // BENCH_SYNTHETIC=0 skips part 2 while investigating part 1.
  const registry = process.env.BENCH_SYNTHETIC === '0' ? null : { at300: await synthetic(300), at3000: await synthetic(3000) };
  print('master-scale', {
    real, goalAllListedMs: 10_000,
    registryInProcess: registry && { ...registry, what: 'NOT the simulator: the master\'s RegistrationServer + Registry + nodes view in one process, fed synthetic signed registrations and heartbeats on in-memory streams (no UDP, links, routes or topology; pathTo is a constant stub)' },
  });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
