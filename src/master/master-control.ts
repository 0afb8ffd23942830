// Control-socket requests the master answers (for `skywire nodes`, `topology`, `exec`,
// `config set`). Other master-side services add their handlers to the returned map (see
// src/cli/run-master.ts), so there is one place that lists what the master understands.
import type { ControlHandler } from '../env/control-server.ts';
import { SkywireError } from '../errors.ts';
import type { CommandBody } from '../command/command-types.ts';
import type { CommandReply } from '../command/command-server.ts';
import type { MasterService } from './master-service.ts';
import { nodesView, topologyView } from './fleet-view.ts';
import { configIssues } from '../config/node-config.ts';

export interface NodeReply { node: string; name: string; reply: CommandReply }

const PARALLEL = 32;

/** Runs fn over items, at most PARALLEL at a time, keeping the order of the results. */
const pool = async <T, R>(items: T[], fn: (t: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return out;
};

const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || v === '') throw new SkywireError('BAD_REQUEST', `${what} is required`);
  return v;
};

export const masterControlHandlers = (m: MasterService): Map<string, ControlHandler> => {
  const h = new Map<string, ControlHandler>();
  const one = async (ref: string, cmd: CommandBody['cmd'], args: Record<string, unknown>, timeoutMs?: number): Promise<NodeReply> => {
    const r = m.resolve(ref);
    return { node: r.address, name: r.name, reply: await m.command(r.address, cmd, args, timeoutMs) };
  };
  h.set('nodes', () => nodesView(m));
  h.set('nodes-approve', async (req) => {
    const r = await m.approve(str(req.node, 'node'));
    return { address: r.address, name: r.name, enrolment: r.enrolment };
  });
  h.set('nodes-remove', async (req) => {
    const r = await m.remove(str(req.node, 'node'));
    return { address: r.address, name: r.name, enrolment: r.enrolment };
  });
  h.set('nodes-tag', async (req) => {
    const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    const r = await m.tag(str(req.node, 'node'), list(req.add), list(req.remove));
    return { address: r.address, name: r.name, tags: r.tags ?? [] };
  });
  h.set('metrics', (req) => {
    const r = m.resolve(str(req.node, 'node'));
    return { address: r.address, name: r.name, online: m.online(r), lastSeenMs: r.lastSeenMs, version: r.version, metrics: r.metrics ?? {} };
  });
  h.set('config-get', (req) => one(str(req.node, 'node'), 'get-config', {}, 30_000));
  h.set('config-check', (req) => ({ issues: configIssues(req.config) }));
  h.set('topology', () => topologyView(m));
  h.set('node-command', (req) => one(str(req.node, 'node'), str(req.command, 'command') as CommandBody['cmd'], (req.args ?? {}) as Record<string, unknown>, Number(req.timeoutMs ?? 30_000)));
  h.set('exec', async (req) => {
    const args = { command: str(req.command, 'command'), args: req.args ?? [], timeoutMs: req.timeoutMs };
    const targets = m.targets(req);
    const timeoutMs = (Number(req.timeoutMs) || 30_000) + 10_000;
    const results = await pool(targets, (t) => one(t, 'exec', args, timeoutMs));
    const exitOf = (r: NodeReply): number | null => (r.reply.ok ? (r.reply.result as { exitCode: number | null }).exitCode : null);
    const summary = {
      nodes: results.length,
      succeeded: results.filter((r) => exitOf(r) === 0).length,
      failed: results.filter((r) => r.reply.ok && exitOf(r) !== 0).length,
      unreachable: results.filter((r) => !r.reply.ok).length,
    };
    return { results, summary };
  });
  h.set('config-set', async (req) => {
    const r = m.resolve(str(req.node, 'node'));
    const version = req.version === undefined ? r.configVersion + 1 : Number(req.version);
    const res = await one(r.address, 'set-config', { version, config: req.config }, 30_000);
    if (res.reply.ok) {
      r.configVersion = (res.reply.result as { applied: number }).applied;
      m.registry.markDirty();
    }
    return res;
  });
  return h;
};
