// Child-process entry for tests until run-node wires the terminal and forward services: a real
// `runNode` (with its NodeAgent: the master-checked verifier) plus attachTerminal/attachForward,
// and 'term', 'forward' and 'refusals' on its control socket, signing with this node's own key
// as a master would. So any fleet node can act as the master, or as a rogue one.
// Usage: node --import tsx test/helpers/fleet-node.ts HOME
import { runNode } from '../../src/cli/run-node.ts';
import { consoleLogger } from '../../src/cli/logger.ts';
import { realClock } from '../../src/env/real-clock.ts';
import type { ControlHandler } from '../../src/env/control-server.ts';
import { createCommandSigner } from '../../src/command/command-signer.ts';
import { spawnLoginShell } from '../../src/env/pty-spawn.ts';
import { tcpConnect } from '../../src/env/tcp-connect.ts';
import { attachTerminal, type TermService } from '../../src/term/attach-terminal.ts';
import { attachForward, type ForwardService } from '../../src/forward/attach-forward.ts';
import { masterServiceHandlers } from '../../src/term/master-handlers.ts';

const home = process.argv[2]!;
const log = consoleLogger(realClock().wallMs);
let term: TermService | undefined;
let fwd: ForwardService | undefined;
const handlers = new Map<string, ControlHandler>([
  ['refusals', () => ({ term: term?.refused.snapshot(), forward: fwd?.refused.snapshot(), open: { term: term?.open, forward: fwd?.open } })],
]);
const running = await runNode({ home, peer: [], controlHandlers: handlers }, log);
const { node, agent, overlay } = running;
const gate = { verifier: agent.verifier, master: () => agent.masterAddress() };
// Once run-node attaches these itself, the port is taken and the node's own services answer.
try {
  term = attachTerminal(overlay, { ...gate, spawn: spawnLoginShell });
  fwd = attachForward(overlay, { ...gate, connect: tcpConnect });
} catch (e) {
  log.warn(`terminal/forward already attached by run-node: ${(e as Error).message}`);
}
let seq = 0;
const signer = createCommandSigner({ suite: node.suite, identity: node.identity, clock: node.clock, nextSeq: () => ++seq });
for (const [k, v] of masterServiceHandlers(overlay, signer)) handlers.set(k, v);
log.info(`fleet services up; master ${agent.masterAddress() ?? '(none)'}`);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => void running.stop(sig).then(() => process.exit(0)));
}
