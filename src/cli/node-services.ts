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

export interface NodeServiceDeps { overlay: Overlay; agent: NodeAgent }
export interface NodeServices { status(): Record<string, unknown>; stop(): void }

export const attachNodeServices = (d: NodeServiceDeps): NodeServices => {
  const gate = { verifier: d.agent.verifier, master: () => d.agent.masterAddress() };
  const term = attachTerminal(d.overlay, { ...gate, spawn: spawnLoginShell });
  const forward = attachForward(d.overlay, { ...gate, connect: tcpConnect });
  return {
    status: () => ({ term: term.refused.snapshot(), forward: forward.refused.snapshot(), open: { term: term.open, forward: forward.open } }),
    stop: () => { term.stop(); forward.stop(); },
  };
};
