// The master's registry side at N nodes without the network: MasterService (RegistrationServer +
// Registry + signer) on a stub overlay, fed N synthetic signed registrations and then rounds of
// heartbeats on in-memory streams, exactly the frames a Registrar sends. What it leaves out is
// said in the result: links, routes, topology and real overlay streams (the 300-node real run has
// them). Run forked with --expose-gc; answers one {nodes, home} message with {result}.
import { Duplex } from 'node:stream';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { identityFromSeed, type Identity } from '../src/identity/identity.ts';
import { realClock } from '../src/env/real-clock.ts';
import { jsonFrame } from '../src/command/frames.ts';
import { signRegistration, type HeartbeatMsg } from '../src/master/registration-wire.ts';
import { Registry } from '../src/master/registry.ts';
import { MasterService } from '../src/master/master-service.ts';
import { nodesView } from '../src/master/fleet-view.ts';
import type { Overlay, StreamHandler } from '../src/overlay/overlay.ts';

export interface LoadResult {
  nodes: number; registerMs: number; registerCpuUsPerNode: number; heartbeatRounds: number; heartbeatCpuUsEach: number;
  nodesViewMs: number; registryFlushMs: number; heapPerNodeKiB: number | null; accepted: number; answers: number; refused: Record<string, number>;
}

const gc = (globalThis as { gc?: () => void }).gc;
const suite = nodeSuite();
const ROUNDS = 5;
const cpu = (): number => { const c = process.cpuUsage(); return c.user + c.system; };
const heap = (): number => { gc?.(); return process.memoryUsage().heapUsed; };
/** Lets stream 'data' events (nextTick/microtask scheduled) run, bounded by count. */
const settle = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 10_000 && !done(); i++) await new Promise((r) => setImmediate(r));
  if (!done()) throw new Error('the registration server did not take every frame');
};

const run = async (n: number, home: string): Promise<LoadResult> => {
  const self = identityFromSeed(suite, new Uint8Array(32).fill(1));
  const clock = realClock();
  let handler: StreamHandler | undefined;
  // Only what MasterService, RegistrationServer and the fleet view touch; every path is "direct".
  const overlay = {
    address: self.address, node: { suite, identity: self, clock, address: self.address },
    listen: (_port: number, _access: unknown, h: StreamHandler) => { handler = h; },
    topology: { pathTo: (a: string) => [self.address, a] },
  } as unknown as Overlay;
  // Node-side work (keys, signatures) happens before the master's clock starts.
  const ids: Identity[] = Array.from({ length: n }, (_, i) => { const s = new Uint8Array(32); new DataView(s.buffer).setUint32(0, i + 2); return identityFromSeed(suite, s); });
  const frames = ids.map((id) => jsonFrame(signRegistration(suite, id.secretKey, {
    v: 1, address: id.address, publicKey: Buffer.from(id.publicKey).toString('base64'), name: `n${id.address.slice(0, 6)}`, version: '0.1.0',
    configVersion: 0, commandSeq: 0, issuedAtMs: clock.wallMs(), links: { [self.address]: { state: 'up', rttMs: 0 } }, routes: { [self.address]: { state: 'established', hops: 1 } },
  })));
  const registry = await Registry.open(home, clock);
  const master = new MasterService(overlay, registry, { mode: 'auto', allow: [] });
  const heapBefore = heap();
  let acks = 0;
  const streams = ids.map((id) => {
    const s = new Duplex({ read() {}, write(_c, _e, cb) { acks++; cb(); } });
    handler!(s, { peer: id.address, port: 1, caller: { peer: id.address, member: false, role: null, name: null } });
    return s;
  });
  let t = process.hrtime.bigint(); let c = cpu();
  streams.forEach((s, i) => s.push(frames[i]));
  await settle(() => master.server.registrations === n);
  const registerMs = Number(process.hrtime.bigint() - t) / 1e6;
  const registerCpu = cpu() - c;
  c = cpu();
  for (let round = 0; round < ROUNDS; round++) {
    const want = master.server.heartbeats + n;
    // Each heartbeat carries one changed link (its RTT bucket moved): the common case.
    const hb: HeartbeatMsg = { type: 'heartbeat', configVersion: 0, links: { set: { [self.address]: { state: 'up', rttMs: 10 * (round + 1) } }, removed: [] }, routes: { set: {}, removed: [] } };
    const f = jsonFrame(hb);
    for (const s of streams) s.push(f);
    await settle(() => master.server.heartbeats >= want);
  }
  const heartbeatCpu = cpu() - c;
  t = process.hrtime.bigint();
  const view = nodesView(master);
  const nodesViewMs = Number(process.hrtime.bigint() - t) / 1e6;
  t = process.hrtime.bigint();
  await registry.flush();
  const registryFlushMs = Number(process.hrtime.bigint() - t) / 1e6;
  const heapAfter = heap();
  return {
    nodes: n, registerMs: Math.round(registerMs), registerCpuUsPerNode: Math.round(registerCpu / n), heartbeatRounds: ROUNDS,
    heartbeatCpuUsEach: Math.round(heartbeatCpu / (n * ROUNDS)), nodesViewMs: Math.round(nodesViewMs * 10) / 10,
    registryFlushMs: Math.round(registryFlushMs * 10) / 10,
    heapPerNodeKiB: gc ? Math.round(((heapAfter - heapBefore) / n / 1024) * 10) / 10 : null,
    accepted: view.filter((v) => v.enrolment === 'accepted' && v.online).length, answers: acks, refused: master.server.refused,
  };
};

process.once('message', (m: { nodes: number; home: string }) => {
  void run(m.nodes, m.home).then((result) => process.send!({ result }), (e: Error) => { process.stderr.write(`${e.stack}\n`); process.exit(1); });
});
