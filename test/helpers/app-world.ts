// Two real node processes on loopback, A and B, linked directly (one hop), with a built-in app
// (files or socks) installed in B's home before it starts, as `skywire app deploy` leaves it.
// For test/app-builtin.test.ts, bench/socks and bench/files.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBuiltinApp, type BuiltinName } from '../../src/apps/builtin-build.ts';
import { loadOrCreateIdentity } from '../../src/identity/key-file.ts';
import { nodeSuite } from '../../src/identity/node-suite.ts';
import { BIN, sky } from './cli.ts';
import { freeUdpPorts } from './free-port.ts';
import { tempDir } from './temp-dirs.ts';

export { BIN, sky };
export interface AppWorld { a: string; b: string; bAddress: string; procs: ChildProcess[]; stop(): void }


export const waitFor = async <T>(fn: () => T | undefined, ms: number, what: string): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    try { const v = fn(); if (v !== undefined) return v; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** Where A and B run when not both on loopback: a command prefix (['ip', 'netns', 'exec', NS])
 *  and the address each listens on there. */
export interface WorldHost { wrap: string[]; ip: string }

/** `apps`: built-in app name -> files to put in its config/. */
export const startAppWorld = async (apps: Partial<Record<BuiltinName, Record<string, string>>>, hosts?: [WorldHost, WorldHost]): Promise<AppWorld> => {
  // In namespaces of their own the two nodes cannot collide on a port.
  const ports = hosts ? [7400, 7400] : await freeUdpPorts(2);
  const ip = (i: number): string => hosts?.[i]?.ip ?? '127.0.0.1';
  const homes = [0, 1].map((i) => tempDir(`sky-bench-app-${i}-`));
  const suite = nodeSuite();
  const addrs = homes.map((h) => loadOrCreateIdentity(suite, h, () => new Uint8Array(randomBytes(32))).identity.address);
  homes.forEach((h, i) => writeFileSync(join(h, 'config.json'), JSON.stringify({ listen: `${ip(i)}:${ports[i]}`, peers: [`${addrs[1 - i]}@${ip(1 - i)}:${ports[1 - i]}`] })));
  for (const [app, config] of Object.entries(apps) as [BuiltinName, Record<string, string>][]) {
    const root = join(homes[1]!, 'apps', app);
    await buildBuiltinApp(app, root);
    mkdirSync(join(root, 'config'), { recursive: true });
    mkdirSync(join(root, 'data'), { recursive: true });
    for (const [f, text] of Object.entries(config)) writeFileSync(join(root, 'config', f), text);
  }
  const procs = homes.map((h, i) => {
    const argv = [...(hosts?.[i]?.wrap ?? []), process.execPath, ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_PROF] : []), BIN, 'node', '--home', h];
    return spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
  });
  const stop = (): void => { for (const p of procs) p.kill(process.env.BENCH_PROF ? 'SIGTERM' : 'SIGKILL'); };
  try {
    await waitFor(() => {
      const s = JSON.parse(sky('status', '--home', homes[1]!, '--json').stdout) as { apps: { state: string }[]; links: { state: string }[] };
      return s.apps.length === Object.keys(apps).length && s.apps.every((x) => x.state === 'running') && s.links[0]?.state === 'up' ? true : undefined;
    }, 30_000, 'apps running on B');
  } catch (e) {
    stop();
    throw e;
  }
  return { a: homes[0]!, b: homes[1]!, bAddress: addrs[1]!, procs, stop };
};
