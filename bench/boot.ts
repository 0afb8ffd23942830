// First boot to "registered with the master", on loopback, as separate processes exactly as on
// a Pi: a master (`skywire master`), then N times a fresh home and boot partition and
// `skywire node --boot`. Goal <= 1 s (the user's requirement is < 5 s). Baselines in the same
// run: `node -e 0` (bare Node start) and `skywire id` (Node + tsx + CLI start, no networking),
// so the reader sees how much of the figure is process start rather than Skywire.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateIdentity } from '../src/identity/key-file.ts';
import { nodeSuite } from '../src/identity/node-suite.ts';
import { controlRequest } from '../src/env/control-client.ts';
import { spawnWatched, timeToExit, logTime, stats } from './child-lines.ts';
import { print } from './machine.ts';

const N = Number(process.env.BENCH_BOOTS ?? 5);
const STEP_MS = 20_000; // per boot; the user's requirement is 5 s, so 20 s means something broke
const POLL_MS = 5;
const cwd = new URL('..', import.meta.url).pathname;
const cli = join(cwd, 'bin/skywire.js');
const port = 41000 + Math.floor(Math.random() * 2000) * 8;
const tmp = mkdtempSync(join(tmpdir(), 'sky-boot-'));

const masterHome = join(tmp, 'master');
const master = loadOrCreateIdentity(nodeSuite(), masterHome, () => new Uint8Array(randomBytes(32))).identity;
const masterKey = Buffer.from(master.publicKey).toString('base64');

// Warm the disk cache (tsx's transform cache too) once, so the first boot is not the odd one out.
await timeToExit([cli, 'id', '--home', masterHome], cwd);
const bare: number[] = []; const cliStart: number[] = [];
for (let i = 0; i < N; i++) {
  bare.push(await timeToExit(['-e', '0'], cwd));
  cliStart.push(await timeToExit([cli, 'id', '--home', masterHome], cwd));
}

const m = spawnWatched([cli, 'master', '--home', masterHome, '--listen', `127.0.0.1:${port}`], cwd);
await m.waitFor(/accepting every node/, STEP_MS);

/** Polls the master's `nodes` (the control request `skywire nodes` makes) until addr is accepted. */
const masterSees = async (addr: string, deadline: number): Promise<number> => {
  while (Date.now() < deadline) {
    const rows = await controlRequest(masterHome, { cmd: 'nodes' }) as { address: string; enrolment: string }[];
    if (rows.some((r) => r.address === addr && r.enrolment === 'accepted')) return Date.now();
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`the master never listed ${addr}`);
};

const runs: { firstLog: number; listening: number; nodeRegistered: number; masterLists: number }[] = [];
try {
  for (let i = 0; i < N; i++) {
    const home = join(tmp, `node${i}`); const boot = join(tmp, `boot${i}`);
    mkdirSync(join(boot, 'skywire'), { recursive: true });
    writeFileSync(join(boot, 'skywire', 'master.txt'), `${masterKey}\nrelay = ${master.address}@127.0.0.1:${port}\nname = bench-${i}\n`);
    const n = spawnWatched([cli, 'node', '--home', home, '--boot', boot, '--listen', `127.0.0.1:${port + 1 + i}`], cwd);
    try {
      const created = await n.waitFor(/created identity (\S+)/, STEP_MS);
      const addr = /created identity (\S+)/.exec(created.text)![1]!;
      const seen = masterSees(addr, n.spawnedAtMs + STEP_MS);
      const listening = await n.waitFor(/listening on udp/, STEP_MS);
      const registered = await n.waitFor(/registered with master/, STEP_MS);
      const t0 = n.spawnedAtMs;
      runs.push({ firstLog: logTime(created) - t0, listening: logTime(listening) - t0, nodeRegistered: logTime(registered) - t0, masterLists: (await seen) - t0 });
    } finally {
      n.proc.kill('SIGKILL');
    }
  }
} finally {
  m.proc.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}

const col = (k: keyof (typeof runs)[number]): ReturnType<typeof stats> => stats(runs.map((r) => r[k]));
const reg = col('masterLists');
const ready = col('listening');
print('boot', {
  boots: N,
  spawnToRegisteredMs: reg,
  split: {
    spawnToFirstLogMs: col('firstLog'),
    spawnToListeningMs: ready,
    listeningToRegisteredMs: stats(runs.map((r) => r.masterLists - r.listening)),
    spawnToNodeLogsRegisteredMs: col('nodeRegistered'),
  },
  baseline: { nodeDashE0Ms: stats(bare), skywireIdMs: stats(cliStart) },
  goalMs: 1000, requirementMs: 5000, metGoal: reg.median <= 1000, metRequirement: reg.max < 5000,
  runs,
  note: 'spawn time by the bench (Date.now() before spawn); node-side splits from its log timestamps (ms); "registered" is when the master\'s `nodes` control request first lists the node as accepted, polled every 5 ms',
});
