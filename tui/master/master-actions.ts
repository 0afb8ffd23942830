// The master TUI's actions on one node, through the master's own control socket, exactly as
// `skywire term`, `skywire config set` and `skywire command NODE restart` do them.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { controlRequest } from '../../src/env/control-client.ts';
import { SkywireError } from '../../src/errors.ts';
import type { NodeReply } from '../../src/master/master-control.ts';

/** bin/skywire.js from the sources (tui/master) or from the bundle (dist/). */
export const skywireBin = (): string => {
  for (const rel of ['../../bin/skywire.js', '../bin/skywire.js']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new SkywireError('INTERNAL', 'cannot find bin/skywire.js next to the TUI: reinstall skywire');
};

const outcome = (r: NodeReply, ok: string): string =>
  (r.reply.ok ? `${r.name || r.node}: ${ok}` : `${r.name || r.node}: ${'refused' in r.reply ? `refused (${r.reply.refused})` : r.reply.error.message}`);

export const pushConfig = async (home: string, node: string, file: string): Promise<string> => {
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return `config ${file}: ${(e as Error).message}`;
  }
  const r = (await controlRequest(home, { cmd: 'config-set', node, config }, 40_000)) as NodeReply;
  return outcome(r, `config version ${(r.reply.ok ? (r.reply.result as { applied: number }).applied : '?')} applied`);
};

/** Sends restart; `ok` when the node accepted it (it stops, and its supervisor, or the local
 *  demo, starts it again: the screen then waits to see it back). */
export const restartNode = async (home: string, node: string): Promise<{ message: string; ok: boolean }> => {
  const r = (await controlRequest(home, { cmd: 'node-command', node, command: 'restart', args: {} }, 40_000)) as NodeReply;
  return { message: outcome(r, 'restarting, waiting for it to come back'), ok: r.reply.ok };
};
