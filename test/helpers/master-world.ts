// Real master and node processes on loopback for the master, boot and command tests: a master
// home, nodes booted from their own temp boot partition (DIR/skywire/master.txt), and a few
// helpers to read the fleet through the CLI as an operator would.
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sky, skyDaemon, tmpHome, until, type Daemon } from './cli.ts';
import { freeUdpPortsSync } from './free-port.ts';

export interface Proc { name: string; home: string; address: string; publicKey: string; port: number; daemon?: Daemon; boot?: string }

// Synchronous because identity() and its callers are: the port comes from the kernel (see
// free-port.ts) through a short-lived child process, just before the node using it starts. The
// child's socket is closed by then, so a port already handed out in this process is skipped.
const handedOut = new Set<number>();
export const port = (): number => {
  for (;;) {
    const p = freeUdpPortsSync(1)[0]!;
    if (!handedOut.has(p)) { handedOut.add(p); return p; }
  }
};

export const identity = (name: string): Proc => {
  const home = tmpHome(name);
  if (sky('init', '--home', home).code !== 0) throw new Error('init failed');
  const id = JSON.parse(sky('id', '--home', home, '--json').stdout) as { address: string; publicKey: string };
  return { name, home, port: port(), ...id };
};

export const startMaster = (...flags: string[]): Proc => {
  const m = identity('master');
  m.daemon = skyDaemon('master', '--home', m.home, '--listen', `127.0.0.1:${m.port}`, ...flags);
  return m;
};

/** Writes the boot file; `text` defaults to the master's key, a relay line and a name. */
export const writeBoot = (dir: string, text: string): void => {
  mkdirSync(join(dir, 'skywire'), { recursive: true });
  writeFileSync(join(dir, 'skywire', 'master.txt'), text);
};

export const bootText = (master: Proc, relay: Proc, name: string): string =>
  `# the master\n${master.publicKey}\nrelay = ${relay.address}@127.0.0.1:${relay.port}\nname = ${name}\n`;

/** A node started from an empty home with --boot: it generates its keys and reads the boot file. */
export const bootNode = (name: string, bootFile: string | null): Proc => {
  const home = tmpHome(name);
  const boot = tmpHome(`${name}-boot`);
  if (bootFile !== null) writeBoot(boot, bootFile);
  const p = port();
  const daemon = skyDaemon('node', '--home', home, '--boot', boot, '--listen', `127.0.0.1:${p}`, '--heartbeat-ms', '500', '--boot-poll-ms', '200');
  return { name, home, address: '', publicKey: '', port: p, daemon, boot };
};

/** The booted node's address, once it has written its key file. */
export const addressOf = async (p: Proc): Promise<string> => {
  p.address = await until(() => (JSON.parse(readFileSync(join(p.home, 'identity.json'), 'utf8')) as { address: string }).address, 30_000, `${p.name} identity`);
  return p.address;
};

export interface NodeRow { address: string; name: string; version: string; enrolment: string; online: boolean; links: number; linksUp: number; via: string | null; configVersion: number; lastSeenMs: number }

export const nodes = (master: Proc): NodeRow[] => {
  const r = sky('nodes', '--home', master.home, '--json');
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as NodeRow[];
};

export const waitNode = (master: Proc, name: string, ok: (n: NodeRow) => boolean, what: string, ms = 30_000): Promise<NodeRow> =>
  until(() => nodes(master).find((n) => n.name === name && ok(n)), ms, what);

export const statusOf = (p: Proc): Record<string, unknown> & { master: { master: string | null; registration: { state: string } | null; configVersion: number; commands: { accepted: number; refused: Record<string, number> } }; boot: { ok: boolean; error: string | null } | null } => {
  const r = sky('status', '--home', p.home, '--json');
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as ReturnType<typeof statusOf>;
};

export const killAll = (ps: Proc[]): void => {
  for (const p of ps) p.daemon?.proc.kill('SIGKILL');
};

/** A master and nodes booted from it (direct links), all registered; killed at teardown. */
export const fleetOf = async <N extends string[]>(t: { teardown(fn: () => void): void }, ...names: N): Promise<{ m: Proc; nodes: { [K in keyof N]: Proc } }> => {
  const m = startMaster();
  const nodes = names.map((n) => bootNode(n, bootText(m, m, n)));
  t.teardown(() => killAll([m, ...nodes]));
  for (const p of nodes) await addressOf(p);
  for (const p of nodes) await waitNode(m, p.name, (n) => n.online, `${p.name} registered`);
  return { m, nodes: nodes as { [K in keyof N]: Proc } };
};
