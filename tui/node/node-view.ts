// Everything the on-node TUI shows, as plain data gathered from a running node in one call.
import type { RunningNode } from '../../src/cli/run-node.ts';
import type { NodeStatus } from '../../src/node/node-status.ts';
import type { RouteStatus } from '../../src/overlay/route-status.ts';
import type { AgentStatus } from '../../src/master/node-agent.ts';
import type { RadioStatus } from '../../src/cli/node-radio.ts';
import type { AppStatus } from '../../src/apps/app-manager.ts';

export interface NodeView {
  status: NodeStatus;
  routes: RouteStatus[];
  agent: AgentStatus;
  /** Per route: the last transition seen and when (wall ms). */
  lastChange: Map<string, { from: string; to: string; at: number }>;
  radio: RadioStatus | null;
  apps: AppStatus[];
}

export const nodeView = (n: RunningNode, lastChange: NodeView['lastChange']): NodeView => ({
  status: n.node.status(), routes: n.overlay.routes(), agent: n.agent.status(), lastChange, radio: n.radio?.status() ?? null, apps: n.apps.manager.list(),
});
