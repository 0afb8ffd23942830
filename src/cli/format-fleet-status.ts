// The lines `skywire status` adds for the personal cloud: the boot file's state (with the error
// and its fix while it is wrong), registration with the master, and command counters.
import type { BootStatus } from '../boot/boot-watcher.ts';
import type { AgentStatus } from '../master/node-agent.ts';

export interface FleetStatusPart { boot?: BootStatus | null; master?: AgentStatus; fleet?: Record<string, unknown> | null }

export const formatFleetStatus = (s: FleetStatusPart): string => {
  let out = '';
  if (s.boot) out += s.boot.ok ? `boot file: ${s.boot.file} ok\n` : `boot file: ERROR ${s.boot.error ?? ''}\n`;
  const m = s.master;
  if (m?.master) {
    const r = m.registration;
    out += `master: ${m.master} ${r ? `${r.state}${r.lastError ? ` (last error: ${r.lastError})` : ''}` : '(this node)'}, config version ${m.configVersion}\n`;
  } else if (m) {
    out += 'master: none configured (start with --boot DIR, or set "master" in config.json)\n';
  }
  if (m) {
    // Only the refusals that happened, so the line fits 80 columns.
    const refused = Object.entries(m.commands.refused).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
    out += `commands: ${m.commands.accepted} accepted, ${refused ? `refused: ${refused}` : 'none refused'}\n`;
  }
  if (s.fleet) out += `fleet: ${String(s.fleet.nodes)} node(s), ${String(s.fleet.online)} online, mode ${String(s.fleet.mode)}\n`;
  return out;
};
