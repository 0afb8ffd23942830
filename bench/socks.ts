// 200 MB through a SOCKS5 proxy with curl, in the same run: through our SOCKS exit over one hop
// (curl -> `skywire socks` on A -> overlay -> the socks app in its sandbox on B -> HTTP server),
// and through `ssh -D` to an OpenSSH server, the tool a user would otherwise pick. Two settings:
// - loopback: both nodes on 127.0.0.1, so the overlay moves 64 KB packets (loopback's MTU);
// - netns: A and B in network namespaces of their own joined by veth pairs at MTU 1500, so the
//   overlay cuts 1,452-byte packets as on the internet; curl, `skywire socks` and ssh run in A's
//   namespace, the HTTP server and sshd in B's, and ssh's TCP crosses the same veth path.
// BENCH_SETTINGS=loopback or =netns runs only one.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { startSshd } from '../test/helpers/sshd.ts';
import { BIN, startAppWorld, waitFor, type WorldHost } from '../test/helpers/app-world.ts';
import { NetLab, netnsUnavailable } from '../test/helpers/netns.ts';
import { print } from './machine.ts';
import { machineBusyMs } from './proc-cpu.ts';

const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
const BYTES = Number(process.env.BENCH_BYTES ?? 200 * 1024 * 1024);

// The HTTP server: 200 MB of 'a' to every GET, in a process of its own (a namespace is per
// process): argv host, port.
const SERVER = `const BYTES=${BYTES};const chunk=Buffer.alloc(1024*1024,0x61);
const s=require('http').createServer((q,r)=>{r.writeHead(200,{'content-length':String(BYTES)});let sent=0;
const pump=()=>{while(sent<BYTES){const n=Math.min(chunk.length,BYTES-sent);sent+=n;if(!r.write(n===chunk.length?chunk:chunk.subarray(0,n)))return void r.once('drain',pump);}r.end();};pump();});
s.listen(Number(process.argv[2]||0),process.argv[1]||'127.0.0.1',()=>console.log(s.address().port));`;

interface Place {
  /** Prefix for the processes on A's side (curl, `skywire socks`, ssh). */
  wrapA: string[];
  hosts?: [WorldHost, WorldHost] | undefined;
  sshdWrap: string[];
  sshdListen: string;
  /** The HTTP server as B's side reaches it. */
  target: string;
}

const listening = (wrap: string[], port: number): true | undefined => {
  const argv = [...wrap, process.execPath, '-e', `require('net').connect(${port},'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))`];
  const r = spawnSync(argv[0]!, argv.slice(1));
  return r.status === 0 ? true : undefined;
};

const spawnIn = (wrap: string[], argv: string[], opts: Parameters<typeof spawn>[2] = {}): ChildProcess => {
  const all = [...wrap, ...argv];
  return spawn(all[0]!, all.slice(1), opts);
};

const curl = async (place: Place, proxyPort: number): Promise<{ mbPerSec: number; bytes: number; seconds: number; machineCpuMsPerMB: number }> => {
  const cpu0 = machineBusyMs();
  const p = spawnIn(place.wrapA, ['curl', '-sS', '-m', '600', '-o', '/dev/null', '-w', '%{size_download} %{time_total}', '--socks5-hostname', `127.0.0.1:${proxyPort}`, `http://${place.target}/big`]);
  let out = ''; let err = '';
  p.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  p.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const code = await new Promise<number | null>((r) => p.on('exit', r));
  const cpu = machineBusyMs() - cpu0;
  const [bytes, secs] = out.trim().split(' ').map(Number);
  if (bytes !== BYTES) throw new Error(`curl got ${bytes} of ${BYTES} bytes (exit ${code}): ${err}`);
  // Every process of the path and the kernel's share, per MB: steadier than MB/s under load.
  return { bytes: bytes!, seconds: Math.round(secs! * 100) / 100, mbPerSec: Math.round((bytes! / 1e6 / secs!) * 10) / 10, machineCpuMsPerMB: Math.round((cpu / (bytes! / 1e6)) * 10) / 10 };
};

const ours = async (place: Place) => {
  const w = await startAppWorld({ socks: { 'socks.json': JSON.stringify({ allow: [place.target] }) } }, place.hosts);
  const port = 33000 + Math.floor(Math.random() * 1000);
  const client = spawnIn(place.wrapA, [process.execPath, ...prof, BIN, 'socks', '--exit', w.bAddress, '--listen', `127.0.0.1:${port}`, '--home', w.a], { stdio: 'ignore' });
  try {
    await waitFor(() => listening(place.wrapA, port), 20_000, 'skywire socks listening');
    return await curl(place, port);
  } finally {
    // BENCH_PROF=DIR: every process of our path writes a CPU profile there, which takes a clean exit.
    client.kill(prof.length ? 'SIGINT' : 'SIGKILL');
    w.stop();
    if (prof.length) await new Promise((r) => setTimeout(r, 3000));
  }
};

const ssh = async (place: Place) => {
  const sshd = await startSshd(place.sshdWrap, place.sshdListen);
  const port = 34000 + Math.floor(Math.random() * 1000);
  const tunnel = spawnIn(place.wrapA, ['ssh', '-N', '-D', `127.0.0.1:${port}`, '-i', sshd.clientKey, '-p', String(sshd.port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', `root@${place.sshdListen}`], { stdio: 'ignore' });
  try {
    await waitFor(() => listening(place.wrapA, port), 20_000, 'ssh -D listening');
    return await curl(place, port);
  } finally {
    tunnel.kill('SIGKILL');
    sshd.stop();
  }
};

const compare = async (place: Place) => {
  const o = await ours(place);
  const s = await ssh(place);
  return { skywireSocksOneHop: o, sshDynamicForward: s, ratio: Math.round((o.mbPerSec / s.mbPerSec) * 100) / 100, cpuRatio: Math.round((s.machineCpuMsPerMB / o.machineCpuMsPerMB) * 100) / 100 };
};

/** The HTTP server in its own process (in B's namespace, or on loopback): its port once listening. */
const startServer = async (wrap: string[], host: string): Promise<{ port: number; proc: ChildProcess }> => {
  const proc = spawnIn(wrap, [process.execPath, '-e', SERVER, host, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((ok, ko) => {
    proc.stdout!.once('data', (c: Buffer) => ok(Number(c.toString().trim())));
    proc.once('exit', (c) => ko(new Error(`the HTTP server exited ${c}`)));
  });
  return { port, proc };
};

const loopback = async () => {
  const server = await startServer([], '127.0.0.1');
  try {
    return await compare({ wrapA: [], sshdWrap: [], sshdListen: '127.0.0.1', target: `127.0.0.1:${server.port}` });
  } finally {
    server.proc.kill('SIGKILL');
  }
};

const netns = async () => {
  const why = netnsUnavailable();
  if (why) return { skipped: why };
  const lab = new NetLab('sksocks', 141);
  let server: { proc: ChildProcess } | undefined;
  try {
    const ipA = lab.host('a', 1); const ipB = lab.host('b', 2);
    // nsenter, not `ip netns exec`: that one also mounts a fresh /sys, which hides the cgroup
    // tree the app sandbox puts its limits in (the socks app then fails to start).
    const wrapA = ['nsenter', `--net=/run/netns/${lab.ns('a')}`]; const wrapB = ['nsenter', `--net=/run/netns/${lab.ns('b')}`];
    const srv = server = await startServer(wrapB, ipB);
    return { mtu: 1500, ...await compare({ wrapA, hosts: [{ wrap: wrapA, ip: ipA }, { wrap: wrapB, ip: ipB }], sshdWrap: wrapB, sshdListen: ipB, target: `${ipB}:${srv.port}` }) };
  } finally {
    server?.proc.kill('SIGKILL');
    lab.destroy();
  }
};

const settings = (process.env.BENCH_SETTINGS ?? 'loopback,netns').split(',');
print('socks', {
  bytes: BYTES,
  loopback: settings.includes('loopback') ? await loopback() : undefined,
  netns: settings.includes('netns') ? await netns() : undefined,
  goal: { ratio: 0.5 },
});
