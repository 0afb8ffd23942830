// 200 MB through a SOCKS5 proxy with curl, in the same run: through our SOCKS exit over one hop
// (curl -> `skywire socks` on A -> overlay -> the socks app in its sandbox on B -> HTTP server),
// and through `ssh -D` to a local OpenSSH server, the tool a user would otherwise pick.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSshd } from '../test/helpers/sshd.ts';
import { BIN, startAppWorld, waitFor } from '../test/helpers/app-world.ts';
import { print } from './machine.ts';

const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
const BYTES = Number(process.env.BENCH_BYTES ?? 200 * 1024 * 1024);
const chunk = Buffer.alloc(1024 * 1024, 0x61);

const http = createServer((_req, res) => {
  res.writeHead(200, { 'content-length': String(BYTES) });
  let sent = 0;
  const pump = (): void => {
    while (sent < BYTES) {
      const n = Math.min(chunk.length, BYTES - sent);
      sent += n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
});
await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
const httpPort = (http.address() as AddressInfo).port;

const listening = (port: number): true | undefined => {
  const r = spawnSync(process.execPath, ['-e', `require('net').connect(${port},'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))`]);
  return r.status === 0 ? true : undefined;
};

// Async: the HTTP server lives in this process, so curl must not block its event loop.
const curl = async (proxyPort: number): Promise<{ mbPerSec: number; bytes: number; seconds: number }> => {
  const p = spawn('curl', ['-sS', '-m', '600', '-o', '/dev/null', '-w', '%{size_download} %{time_total}', '--socks5-hostname', `127.0.0.1:${proxyPort}`, `http://127.0.0.1:${httpPort}/big`]);
  let out = ''; let err = '';
  p.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  p.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const code = await new Promise<number | null>((r) => p.on('exit', r));
  const [bytes, secs] = out.trim().split(' ').map(Number);
  if (bytes !== BYTES) throw new Error(`curl got ${bytes} of ${BYTES} bytes (exit ${code}): ${err}`);
  return { bytes: bytes!, seconds: Math.round(secs! * 100) / 100, mbPerSec: Math.round((bytes! / 1e6 / secs!) * 10) / 10 };
};

const ours = async () => {
  const w = await startAppWorld({ socks: { 'socks.json': JSON.stringify({ allow: [`127.0.0.1:${httpPort}`] }) } });
  const port = 33000 + Math.floor(Math.random() * 1000);
  const client = spawn(process.execPath, [...prof, BIN, 'socks', '--exit', w.bAddress, '--listen', `127.0.0.1:${port}`, '--home', w.a], { stdio: 'ignore' });
  try {
    await waitFor(() => listening(port), 20_000, 'skywire socks listening');
    return await curl(port);
  } finally {
    // BENCH_PROF=DIR: every process of our path writes a CPU profile there, which takes a clean exit.
    client.kill(prof.length ? 'SIGINT' : 'SIGKILL');
    w.stop();
    if (prof.length) await new Promise((r) => setTimeout(r, 3000));
  }
};

const ssh = async () => {
  const sshd = await startSshd();
  const port = 34000 + Math.floor(Math.random() * 1000);
  const tunnel = spawn('ssh', ['-N', '-D', `127.0.0.1:${port}`, '-i', sshd.clientKey, '-p', String(sshd.port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', 'root@127.0.0.1'], { stdio: 'ignore' });
  try {
    await waitFor(() => listening(port), 20_000, 'ssh -D listening');
    return await curl(port);
  } finally {
    tunnel.kill('SIGKILL');
    sshd.stop();
  }
};

const o = await ours();
const s = await ssh();
http.close();
print('socks', { bytes: BYTES, skywireSocksOneHop: o, sshDynamicForward: s, ratio: Math.round((o.mbPerSec / s.mbPerSec) * 100) / 100, goal: 1.0 });
