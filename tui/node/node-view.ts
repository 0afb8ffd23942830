// Everything the on-node TUI shows, as plain data gathered from a running node in one call.
// Radio and apps are read from the status when a layer provides them; until then they are null.
import type { RunningNode } from '../../src/cli/run-node.ts';
import type { NodeStatus } from '../../src/node/node-status.ts';
import type { RouteStatus } from '../../src/overlay/route-status.ts';
import type { AgentStatus } from '../../src/master/node-agent.ts';

export interface RadioView { mode: string; airtimePct: number | null; queue: number; station: string | null; bitrate: number | null; serial: string; controlPct: number | null; error: string | null }
export interface NodeView {
  status: NodeStatus;
  routes: RouteStatus[];
  agent: AgentStatus;
  /** Per route: the last transition seen and when (wall ms). */
  lastChange: Map<string, { from: string; to: string; at: number }>;
  radio: RadioView | null;
  apps: string[] | null;
}

/** The radio's status (src/cli/node-radio.ts) if the node has a radio section, else null. */
const radioOf = (n: RunningNode): RadioView | null => {
  const r = (n as unknown as { radio?: { status?: () => Partial<RadioView> & Record<string, unknown> } }).radio?.status?.();
  if (!r) return null;
  const num = (x: unknown): number | null => (typeof x === 'number' ? x : null);
  return {
    mode: String(r.mode ?? '?'), airtimePct: num(r.airtimePct), queue: Number(r.queue ?? 0), station: typeof r.station === 'string' ? r.station : null,
    bitrate: num(r.bitrate), serial: String(r.serial ?? '?'), controlPct: num(r.controlPct), error: typeof r.error === 'string' ? r.error : null,
  };
};

export const nodeView = (n: RunningNode, lastChange: NodeView['lastChange']): NodeView => ({
  status: n.node.status(), routes: n.overlay.routes(), agent: n.agent.status(), lastChange, radio: radioOf(n), apps: null,
});
