// Node-side services that act on commands from the master. They get the master-checked
// CommandVerifier (agent.verifier: configured master key, replay and time window, counters in
// `skywire status`), the master's address (agent.masterAddress()), and the command port's
// handler table (agent.commands.register(name, handler)) for one-shot commands.
//
import type { Overlay } from '../overlay/overlay.ts';
import type { NodeAgent } from '../master/node-agent.ts';
import { attachTerminal } from '../term/attach-terminal.ts';
import { attachForward } from '../forward/attach-forward.ts';
import { spawnLoginShell } from '../env/pty-spawn.ts';
import { tcpConnect } from '../env/tcp-connect.ts';
import { attachLogs } from '../logs/attach-logs.ts';
import type { LogRing } from '../logs/log-ring.ts';

export interface NodeServiceDeps { overlay: Overlay; agent: NodeAgent; ring: LogRing; appRunDir(app: string): string | undefined }
export interface NodeServices { status(): Record<string, unknown>; stop(): void }

export const attachNodeServices = (d: NodeServiceDeps): NodeServices => {
  const gate = { verifier: d.agent.verifier, master: () => d.agent.masterAddress() };
  const term = attachTerminal(d.overlay, { ...gate, spawn: spawnLoginShell });
  const forward = attachForward(d.overlay, { ...gate, connect: tcpConnect });
  const logs = attachLogs(d.overlay, { ...gate, ring: d.ring, appRunDir: d.appRunDir });
  return {
    status: () => ({ term: term.refused.snapshot(), forward: forward.refused.snapshot(), logs: logs.refused.snapshot(), open: { term: term.open, forward: forward.open, logs: logs.open } }),
    stop: () => { term.stop(); forward.stop(); logs.stop(); },
  };
};
