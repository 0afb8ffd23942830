// Throughput at internet packet sizes: every process in its own network namespace, joined by
// veth pairs at MTU 1500 (test/helpers/netns.ts), so the overlay sees a real 1500-byte path and
// cuts its packets to 1,452 bytes as it would on the internet. Side by side in the same lab:
// our chain of nodes, and wireguard-go with iperf3 TCP between two of the namespaces.
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetLab } from '../test/helpers/netns.ts';
import { loadOrCreateIdentity } from '../src/identity/key-file.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { next } from './fork-ipc.ts';
import { pidsMatching, procCpuMs } from './proc-cpu.ts';

const IP = '/usr/sbin/ip';
const PORT = 7400;
const TIMEOUT_MS = 240_000;
const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];

export interface PathRun {
  mbPerSec: number;
  seconds: number;
  bytes: number;
  /** CPU ms per MB of goodput, per process and summed. */
  cpuMsPerMB: { total: number; perProcess: Record<string, number> };
  /** CPU us per 1,400-byte packet's worth of goodput at each end. */
  cpuUsPerPacketPerEnd: { source: number; sink: number };
}


const summarise = (bytes: number, seconds: number, cpu: Record<string, number>, source: string, sink: string): PathRun => {
  const mb = bytes / 1e6;
  const packets = bytes / 1400;
  const perProcess = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Math.round((v / mb) * 10) / 10]));
  const total = Object.values(cpu).reduce((a, b) => a + b, 0);
  return {
    bytes, seconds: Math.round(seconds * 100) / 100, mbPerSec: Math.round((mb / seconds) * 10) / 10,
    cpuMsPerMB: { total: Math.round((total / mb) * 10) / 10, perProcess },
    cpuUsPerPacketPerEnd: { source: Math.round(((cpu[source] ?? 0) * 1000 / packets) * 10) / 10, sink: Math.round(((cpu[sink] ?? 0) * 1000 / packets) * 10) / 10 },
  };
};

/** Our stream over `relays` relays: relays + 2 nodes in a chain, each in its own namespace. */
export const oursInNetns = async (relays: number, bytes: number, env: NodeJS.ProcessEnv = {}): Promise<PathRun> => {
  const n = relays + 2;
  const lab = new NetLab(`skbt${relays}`, 120 + relays);
  const homes = Array.from({ length: n }, (_, i) => mkdtempSync(join(tmpdir(), `sky-bench-ns${i}-`)));
  const procs: ChildProcess[] = [];
  try {
    const ips = homes.map((_, i) => lab.host(`n${i}`, i + 1));
    const suite = nodeSuite();
    const addrs = homes.map((h) => loadOrCreateIdentity(suite, h, () => new Uint8Array(randomBytes(32))).identity.address);
    homes.forEach((h, i) => {
      const peers = [i - 1, i + 1].filter((j) => j >= 0 && j < n).map((j) => `${addrs[j]}@${ips[j]}:${PORT}`);
      writeFileSync(join(h, 'config.json'), JSON.stringify({ listen: `0.0.0.0:${PORT}`, peers }));
    });
    for (let i = 0; i < n; i++) {
      procs.push(fork(new URL('./throughput-worker.ts', import.meta.url).pathname, [], {
        execPath: IP, execArgv: ['netns', 'exec', lab.ns(`n${i}`), process.execPath, '--import', 'tsx', ...prof],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env },
      }));
    }
    const sink = procs[n - 1]!; const source = procs[0]!;
    // Both keys come in the sink's one message; each waiter sees it.
    const done = Promise.all([next<number>(sink, 'done', TIMEOUT_MS), next<number>(sink, 'bytes', TIMEOUT_MS)]);
    for (let i = 1; i < n - 1; i++) procs[i]!.send({ role: 'relay', home: homes[i] });
    sink.send({ role: 'sink', home: homes[n - 1] });
    const started = next<number>(source, 'start', TIMEOUT_MS);
    source.send({ role: 'source', home: homes[0], dest: addrs[n - 1], bytes });
    const s = await started;
    const cpu0 = procs.map((p) => procCpuMs(p.pid!));
    const [doneAt, got] = await done;
    const cpu1 = procs.map((p) => procCpuMs(p.pid!));
    if (got !== bytes) throw new Error(`sink got ${got} of ${bytes} bytes`);
    const names = procs.map((_, i) => (i === 0 ? 'source' : i === n - 1 ? 'sink' : `relay${i}`));
    const cpu = Object.fromEntries(names.map((k, i) => [k, cpu1[i]! - cpu0[i]!]));
    return summarise(bytes, (doneAt - s) / 1000, cpu, 'source', 'sink');
  } finally {
    for (const p of procs) if (p.connected) p.send({ exit: true });
    await new Promise((r) => setTimeout(r, prof.length ? 1500 : 100));
    for (const p of procs) p.kill('SIGKILL');
    lab.destroy();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  }
};

const run = (...args: string[]): string => {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
};

/** Why the wireguard-go comparison cannot run, or undefined. */
export const wireguardUnavailable = (): string | undefined => {
  for (const t of ['/usr/bin/wireguard-go', '/usr/bin/wg', '/usr/bin/iperf3']) {
    if (spawnSync('test', ['-x', t]).status !== 0) return `${t} missing: apt-get install --no-install-recommends wireguard-go wireguard-tools iperf3`;
  }
  return undefined;
};

/** wireguard-go between two namespaces (its userspace TUN, not the kernel module), iperf3 TCP
 *  through the tunnel: what a user would run instead of us for one encrypted hop. */
export const wireguardGoInNetns = async (bytes: number): Promise<PathRun> => {
  const lab = new NetLab('skbtwg', 130);
  const procs: ChildProcess[] = [];
  try {
    const ips = [lab.host('a', 1), lab.host('b', 2)];
    const ns = [lab.ns('a'), lab.ns('b')];
    const keys = ns.map(() => run('/usr/bin/wg', 'genkey').trim());
    const pubs = keys.map((k) => spawnSync('/usr/bin/wg', ['pubkey'], { input: k, encoding: 'utf8' }).stdout.trim());
    const dir = mkdtempSync(join(tmpdir(), 'sky-bench-wg-'));
    try {
      for (let i = 0; i < 2; i++) {
        const keyFile = join(dir, `k${i}`);
        writeFileSync(keyFile, keys[i]!, { mode: 0o600 });
        // Foreground (-f) so the process is ours to measure and to kill.
        // Distinct names: wireguard-go's control sockets (/var/run/wireguard/NAME.sock) are
        // shared by every namespace.
        const dev = `skwg${i}`;
        const wg = spawn(IP, ['netns', 'exec', ns[i]!, '/usr/bin/wireguard-go', '-f', dev], { stdio: 'ignore', env: { ...process.env, WG_PROCESS_FOREGROUND: '1' } });
        procs.push(wg);
        for (let t = 0; t < 100 && spawnSync(IP, ['-n', ns[i]!, 'link', 'show', dev]).status !== 0; t++) await new Promise((r) => setTimeout(r, 50));
        const j = 1 - i;
        run(IP, 'netns', 'exec', ns[i]!, '/usr/bin/wg', 'set', dev, 'listen-port', String(51820), 'private-key', keyFile,
          'peer', pubs[j]!, 'allowed-ips', `192.168.130.${j + 1}/32`, 'endpoint', `${ips[j]}:51820`);
        run(IP, '-n', ns[i]!, 'addr', 'add', `192.168.130.${i + 1}/24`, 'dev', dev);
        run(IP, '-n', ns[i]!, 'link', 'set', dev, 'mtu', '1420', 'up');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const server = spawn(IP, ['netns', 'exec', ns[1]!, '/usr/bin/iperf3', '-s', '-1', '-p', '5201'], { stdio: 'ignore' });
    procs.push(server);
    await new Promise((r) => setTimeout(r, 300));
    const wgPids = pidsMatching('wireguard-go -f skwg');
    const client = spawn(IP, ['netns', 'exec', ns[0]!, '/usr/bin/iperf3', '-c', '192.168.130.2', '-p', '5201', '-n', String(bytes), '-J'], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(client);
    // iperf3 exits when done: its CPU is the last value read while it ran.
    const pids = [...wgPids, server.pid!, client.pid!];
    const first = pids.map(procCpuMs).map((v) => (Number.isNaN(v) ? 0 : v));
    const last = [...first];
    const sample = (): void => pids.forEach((p, i) => { const v = procCpuMs(p); if (!Number.isNaN(v)) last[i] = v; });
    let out = '';
    client.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
    const sampler = setInterval(sample, 50);
    const code = await new Promise<number | null>((r) => client.on('exit', r));
    clearInterval(sampler);
    sample();
    const used = pids.map((_, i) => last[i]! - first[i]!);
    if (code !== 0) throw new Error(`iperf3 failed (${code}): ${out.slice(0, 300)}`);
    const j = JSON.parse(out) as { end: { sum_received: { bytes: number; seconds: number } } };
    const cpu: Record<string, number> = { 'wireguard-go-a': used[0]!, 'wireguard-go-b': used[1]!, 'iperf3-server': used[2]!, 'iperf3-client': used[3]! };
    // Each end: its wireguard-go and its iperf3 (the kernel's TCP is charged to iperf3).
    const r = summarise(j.end.sum_received.bytes, j.end.sum_received.seconds, cpu, 'wireguard-go-a', 'wireguard-go-b');
    const packets = j.end.sum_received.bytes / 1400;
    r.cpuUsPerPacketPerEnd = { source: Math.round(((cpu['wireguard-go-a']! + cpu['iperf3-client']!) * 1000 / packets) * 10) / 10, sink: Math.round(((cpu['wireguard-go-b']! + cpu['iperf3-server']!) * 1000 / packets) * 10) / 10 };
    return r;
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    lab.destroy();
  }
};
