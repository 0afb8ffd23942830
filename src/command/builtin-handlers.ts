// The commands every node implements: status, topology, set-config, restart, exec. Terminal and
// forward are registered by their own services on the same CommandServer.
import type { Overlay } from '../overlay/overlay.ts';
import { runProcess } from '../env/run-process.ts';
import type { CommandServer } from './command-server.ts';
import { setConfig } from './set-config.ts';
import { readConfigDocument } from '../config/node-config.ts';
import { SkywireError } from '../errors.ts';

export interface BuiltinDeps {
  home: string;
  overlay: Overlay;
  /** The same object `skywire status` shows locally. */
  status(): unknown;
  /** Called after set-config wrote the file: add peers live, report the version to the master. */
  configApplied(r: ReturnType<typeof setConfig>): void;
  /** Called after the restart reply is on its way: stop cleanly and exit (systemd restarts). */
  restart(): void;
}

const EXEC_DEFAULT_MS = 30_000;
const EXEC_MAX_MS = 600_000;
const EXEC_MAX_OUTPUT = 256 * 1024;

const clampInt = (v: unknown, dflt: number, max: number): number =>
  Number.isSafeInteger(v) && (v as number) > 0 ? Math.min(v as number, max) : dflt;

export const registerBuiltins = (server: CommandServer, d: BuiltinDeps): void => {
  server.register('status', () => d.status());
  server.register('topology', () => ({
    address: d.overlay.address,
    links: d.overlay.node.status().links.map((l) => ({ peer: l.peer, state: l.state, rttMs: l.rttMs })),
    routes: d.overlay.routes(),
    nextHops: Object.fromEntries(d.overlay.topology.nextHops()),
    records: d.overlay.topology.records,
  }));
  server.register('set-config', (c) => {
    const r = setConfig(d.home, c.args);
    d.configApplied(r);
    return { applied: r.applied, previous: r.previous };
  });
  // The config document as the node has it (the dashboard's editor starts from it).
  server.register('get-config', () => ({ config: readConfigDocument(d.home) }));
  server.register('restart', () => {
    // Give the reply time to leave before the process stops its links.
    d.overlay.node.clock.setTimeout(() => d.restart(), 300);
    return { restarting: true };
  });
  server.register('exec', async (c) => {
    const { command, args } = c.args;
    if (typeof command !== 'string' || command === '') throw new SkywireError('BAD_REQUEST', 'exec: "command" must be a program name or path');
    if (args !== undefined && !(Array.isArray(args) && args.every((a) => typeof a === 'string'))) throw new SkywireError('BAD_REQUEST', 'exec: "args" must be an array of strings');
    return runProcess({
      command, args: (args as string[] | undefined) ?? [],
      timeoutMs: clampInt(c.args.timeoutMs, EXEC_DEFAULT_MS, EXEC_MAX_MS),
      maxOutputBytes: clampInt(c.args.maxOutputBytes, 64 * 1024, EXEC_MAX_OUTPUT),
    });
  });
};
