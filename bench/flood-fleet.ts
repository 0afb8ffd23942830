// What bench/flood and test/flood share: a real `skywire master` process (the most exposed node:
// it accepts unknown peers, as nodes find it) and one legitimate fleet member (`skywire node`
// with the master's key and the master as peer, registered and holding a credential), both on
// loopback port 0; the master's status over the control socket with its latency; a stream from
// the member to a port the master accepts on (access 'fleet'); the master's RSS and CPU time
// from /proc.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { createIdentity } from '../src/identity/key-file.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { controlRequest } from '../src/env/control-client.ts';
import { controlPipe } from '../src/env/control-pipe.ts';
import { BIN, tmpHome, until } from '../test/helpers/cli.ts';

export interface Proc { home: string; address: string; proc: ChildProcess; out: () => string; exited: Promise<number | null> }
export interface Fleet { master: Proc; member: Proc; masterPort: number; stop: () => Promise<void> }
export type Status = Record<string, any>;

const daemon = (args: string[], home: string, address: string, nodeArgs: string[] = []): Proc => {
  const proc = spawn(process.execPath, [...nodeArgs, BIN, ...args, '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (c: Buffer): void => { out = (out + c.toString()).slice(-20_000); };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  return { home, address, proc, out: () => out, exited };
};

/** Starts the master and the member and waits until the member holds its credential. */
export const startFleet = async (label: string, masterNodeArgs: string[] = [], masterArgs: string[] = []): Promise<Fleet> => {
  const homes = [tmpHome(`${label}-m`), tmpHome(`${label}-a`)];
  const [mh, ah] = homes as [string, string];
  const started: Proc[] = [];
  const stop = async (): Promise<void> => {
    for (const p of started) if (p.proc.exitCode === null) p.proc.kill('SIGTERM');
    await Promise.race([Promise.all(started.map((p) => p.exited)), new Promise((r) => setTimeout(r, 5000))]);
    for (const p of started) if (p.proc.exitCode === null) p.proc.kill('SIGKILL');
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  };
  try {
    const mid = createIdentity(nodeSuite(), mh, new Uint8Array(randomBytes(32)));
    const aid = createIdentity(nodeSuite(), ah, new Uint8Array(randomBytes(32)));
    writeFileSync(join(mh, 'config.json'), JSON.stringify({ name: 'master', listen: '127.0.0.1:0', peers: [] }));
    const master = daemon(['master', ...masterArgs], mh, mid.address, masterNodeArgs);
    started.push(master);
    const masterPort = await until(() => { const m = /listening on udp 127\.0\.0\.1:(\d+)/.exec(master.out()); return m ? Number(m[1]) : undefined; }, 60_000, 'the master listening');
    writeFileSync(join(ah, 'config.json'), JSON.stringify({ name: 'member', listen: '127.0.0.1:0', peers: [`${mid.address}@127.0.0.1:${masterPort}`], master: Buffer.from(mid.publicKey).toString('base64') }));
    const member = daemon(['node'], ah, aid.address);
    started.push(member);
    await until(async () => ((await status(ah).catch(() => undefined))?.membership?.own ? true : undefined), 60_000, 'the member admitted with a credential');
    return { master, member, masterPort, stop };
  } catch (e) {
    await stop();
    throw e;
  }
};

export const status = async (home: string, timeoutMs = 10_000): Promise<Status> => (await controlRequest(home, { cmd: 'status' }, timeoutMs)) as Status;

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** The process's resident memory (VmRSS) and CPU time (utime + stime) from /proc. */
export const procUsage = (pid: number): { rssMiB: number; cpuMs: number } => {
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  // Fields after the command name (which may hold spaces) start at field 3: utime is 14, stime 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssMiB: Math.round(rssKiB / 102.4) / 10, cpuMs: Math.round(((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK) };
};

export interface Probe { ms: number | null; links?: number; unknownPeers?: number; unknownMax?: number }

/** `status` every `everyMs` (each waits for the one before) until `count` or `untilMs` pass. */
export const probeStatus = async (home: string, o: { count: number; everyMs: number; untilMs: number; timeoutMs: number }): Promise<Probe[]> => {
  const out: Probe[] = [];
  const end = Date.now() + o.untilMs;
  while (out.length < o.count && Date.now() < end) {
    const t = process.hrtime.bigint();
    const s = await status(home, o.timeoutMs).catch(() => undefined);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    out.push(s ? { ms: Math.round(ms * 10) / 10, links: (s.links as unknown[]).length, unknownPeers: s.unknownPeers?.count, unknownMax: s.unknownPeers?.max } : { ms: null });
    await new Promise((r) => setTimeout(r, Math.max(0, o.everyMs - ms)));
  }
  return out;
};

export interface Transfer { sent: number; received: number; exact: boolean; ms: number; mbPerSec: number }

const writeAll = (sock: Socket, b: Buffer): Promise<void> => new Promise((res) => { if (sock.write(b)) res(); else sock.once('drain', res); });

/** A stream from the member to `port` on the master: writes `bytes` (or until `durationMs`
 *  passes), ends, and waits (at most `deadlineMs`) for the master's side to see the end. */
export const transfer = async (f: Fleet, o: { port: number; bytes: number; durationMs: number; deadlineMs: number }): Promise<Transfer> => {
  const accepted = controlPipe(f.master.home, { cmd: 'accept', port: o.port });
  const t0 = Date.now();
  // The master's listener comes up when its (flooded, loaded) event loop gets to the accept
  // request: a dial that arrives first is refused, so dial again until it is there (10 s).
  let out: import('node:net').Socket | undefined;
  for (let tries = 0; !out; tries++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      ({ sock: out } = await controlPipe(f.member.home, { cmd: 'connect', address: f.master.address, port: o.port }));
    } catch (e) {
      if ((e as { code?: string }).code !== 'refused' || tries >= 100) throw e;
    }
  }
  const { sock: inn } = await accepted;
  const sentHash = createHash('sha256');
  const gotHash = createHash('sha256');
  let received = 0;
  const ended = new Promise<void>((res) => {
    inn.on('data', (c: Buffer) => { received += c.length; gotHash.update(c); });
    inn.once('end', () => res());
    inn.once('close', () => res());
    inn.resume();
  });
  out.resume();
  let sent = 0;
  const chunk = randomBytes(64 * 1024);
  while (sent < o.bytes && Date.now() - t0 < o.durationMs) {
    chunk[sent % chunk.length] = (chunk[sent % chunk.length]! + 1) & 0xff; // not the same chunk twice
    const b = Buffer.from(chunk.subarray(0, Math.min(chunk.length, o.bytes - sent))); // a copy: a queued write keeps its bytes
    sentHash.update(b);
    sent += b.length;
    await writeAll(out, b);
  }
  out.end();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([ended, new Promise((r) => { timer = setTimeout(r, o.deadlineMs); })]);
  clearTimeout(timer); // a pending deadline would keep the process alive
  const ms = Date.now() - t0;
  out.destroy();
  inn.destroy();
  return { sent, received, exact: received === sent && sentHash.digest('hex') === gotHash.digest('hex'), ms, mbPerSec: Math.round((received / 1e6 / (ms / 1000)) * 10) / 10 };
};

export const quantiles = (xs: number[]): { median: number | null; p99: number | null; max: number | null } => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number | null => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : null);
  return { median: at(0.5), p99: at(0.99), max: s.at(-1) ?? null };
};

/** What changed in the drop counters between two statuses. */
export const dropDelta = (before: Status, after: Status): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries((after.drops ?? {}) as Record<string, number>)) {
    const d = v - ((before.drops as Record<string, number> | undefined)?.[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
};
