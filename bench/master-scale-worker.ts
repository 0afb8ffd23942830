// One process of bench/master-scale: either the master (runMaster, reporting its fleet view,
// CPU time and memory over IPC) or a batch of real nodes (runNode in-process, each with its own
// home and UDP port, all booted from one shared boot partition). Driven over the fork IPC channel.
import { runMaster, type RunningMaster } from '../src/cli/run-master.ts';
import { runNode, type RunningNode } from '../src/cli/run-node.ts';
import { nodesView } from '../src/master/fleet-view.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { memoSuite } from '../simulator/memo-suite.ts';

export type WorkerMsg =
  | { role: 'master'; home: string; port: number; web?: boolean; heartbeatMs?: number }
  | { role: 'nodes'; nodes: { home: string; port: number }[]; boot: string; heartbeatMs?: number }
  | { report: true } | { exit: true };

export interface Usage { cpuUs: number; rss: number; heapUsed: number; atMs: number }
export interface MasterReport extends Usage { listed: number; online: number; registrations: number; heartbeats: number; nodesViewMs: number }
export interface NodesReport extends Usage { started: number; registered: number; warnings: number; states: Record<string, number> }

const gc = (globalThis as { gc?: () => void }).gc;
const send = (m: unknown): void => void process.send!(m);
let warnings = 0;
// Warnings are counted, not printed: 300 nodes retrying would bury the JSON line.
const log = { info: () => {}, warn: (m: string) => { if (warnings++ < 3) process.stderr.write(`${m}\n`); } };

/** CPU (user+system) since process start, and memory after a full GC when --expose-gc is on. */
const usage = (): Usage => {
  gc?.();
  const c = process.cpuUsage(); const m = process.memoryUsage();
  return { cpuUs: c.user + c.system, rss: m.rss, heapUsed: m.heapUsed, atMs: Date.now() };
};

let master: RunningMaster | undefined;
const nodes: RunningNode[] = [];

const masterReport = (): MasterReport => {
  const m = master!.master;
  const t0 = process.hrtime.bigint();
  // The same view `skywire nodes` gets from the control socket.
  const view = nodesView(m);
  const nodesViewMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ...usage(), listed: view.filter((v) => v.enrolment === 'accepted').length, online: view.filter((v) => v.online).length, registrations: m.server.registrations, heartbeats: m.server.heartbeats, nodesViewMs };
};

const nodesReport = (): NodesReport => ({
  ...usage(), started: nodes.length, warnings,
  registered: nodes.filter((n) => n.agent.status().registration?.state === 'registered').length,
  states: nodes.reduce<Record<string, number>>((h, n) => {
    // Why the stragglers are not registered: state and last error, counted.
    const r = n.agent.status().registration;
    const k = r ? `${r.state}${r.lastError ? `: ${r.lastError}` : ''}` : 'no master';
    h[k] = (h[k] ?? 0) + 1;
    return h;
  }, {}),
});

process.on('message', (m: WorkerMsg) => {
  if ('exit' in m) process.exit(0);
  if ('report' in m) return send({ report: master ? masterReport() : nodesReport() });
  if (m.role === 'master') {
    // web: the dashboard too (bench/dashboard), its URL and token sent with 'ready'.
    void runMaster({ home: m.home, listen: `127.0.0.1:${m.port}`, peer: [], mode: 'auto', allow: [], web: m.web ? { listen: '127.0.0.1:0' } : undefined }, log)
      .then((r) => {
        master = r;
        send({ ready: usage(), web: r.dashboard ? { url: r.dashboard.url, token: r.dashboard.token } : null });
        if (process.env.BENCH_DEBUG) setInterval(() => process.stderr.write(`[master] drops ${JSON.stringify(r.node.drops)} cpu ${Math.round(process.cpuUsage().user / 1000)} ms\n`), 3000).unref();
      });
    return;
  }
  void (async () => {
    // One after another, as a batch of machines powering up; each runNode binds its own socket.
    // BENCH_SHARED_VERIFY=1: one verification cache for the process's nodes, as the simulator
    // does, so 50 stand-ins cost about one node's signature checks instead of fifty.
    const suite = process.env.BENCH_SHARED_VERIFY === '1' ? memoSuite(nodeSuite()) : undefined;
    // BENCH_STUB=0: leaves hold the whole database instead of running as topology stubs.
    const stub = process.env.BENCH_STUB !== '0';
    for (const n of m.nodes) nodes.push(await runNode({ home: n.home, listen: `127.0.0.1:${n.port}`, peer: [], boot: m.boot, suite, stub, ...(m.heartbeatMs ? { heartbeatMs: m.heartbeatMs } : {}) }, log));
    send({ started: nodes.length });
    // BENCH_DEBUG: why stragglers wait, every 3 s, with route states towards the master.
    if (process.env.BENCH_DEBUG) {
      const t = setInterval(() => {
        const r = nodesReport();
        const routes: Record<string, number> = {};
        const links: Record<string, number> = {};
        for (const n of nodes) {
          for (const x of n.overlay.routes()) routes[x.state] = (routes[x.state] ?? 0) + 1;
          for (const l of n.node.status().links) links[l.state] = (links[l.state] ?? 0) + 1;
        }
        process.stderr.write(`[${process.pid}] ${JSON.stringify(r.states)} routes ${JSON.stringify(routes)} links ${JSON.stringify(links)} topo ${nodes[0]?.overlay.topology.records}\n`);
        if (r.registered === nodes.length) clearInterval(t);
      }, 3000);
    }
  })();
});
send({ loaded: true });
