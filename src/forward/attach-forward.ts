// Node side of `skywire forward`: listens on the forward port, admits only a 'forward' command
// its master signed over a stream from the master, checks the destination against the policy,
// connects TCP and then carries raw bytes both ways (half-close passes through).
import type { Duplex } from 'node:stream';
import type { Overlay } from '../overlay/overlay.ts';
import type { TcpConnector } from '../env/tcp-connect.ts';
import { FrameType, jsonFrame } from '../term/frame.ts';
import { readFirstFrame } from '../term/first-frame.ts';
import { admit, RefusalCounts, type GateDeps, type GateRefusal } from '../term/command-gate.ts';
import { joinSocket } from '../term/join-socket.ts';
import { refuse } from '../term/attach-terminal.ts';
import { FIRST_FRAME_TIMEOUT_MS, FORWARD_PORT, MAX_COMMAND_BYTES } from '../term/service-ports.ts';
import { forwardAllowed, type ForwardPolicy } from './forward-policy.ts';

export type ForwardRefusal = GateRefusal | 'not-allowed' | 'connect-failed';

export interface ForwardDeps extends GateDeps {
  connect: TcpConnector;
  policy?: () => ForwardPolicy;
  port?: number;
}

export interface ForwardService {
  readonly refused: RefusalCounts<ForwardRefusal>;
  readonly open: number;
  stop(): void;
}

export const attachForward = (overlay: Overlay, deps: ForwardDeps): ForwardService => {
  const port = deps.port ?? FORWARD_PORT;
  const refused = new RefusalCounts<ForwardRefusal>();
  const live = new Set<Duplex>();
  const deny = (stream: Duplex, reason: ForwardRefusal, message: string): void => {
    refused.add(reason);
    refuse(stream, 'COMMAND_REFUSED', message);
  };
  // 'fleet' at the overlay, so a member that is not the master gets a refusal it can read
  // (and counted by reason); admit() below lets only the master's signed command through.
  overlay.listen(port, 'fleet', (stream, from) => {
    stream.on('error', () => undefined);
    readFirstFrame(stream, overlay.node.clock, FIRST_FRAME_TIMEOUT_MS, MAX_COMMAND_BYTES).then(async (first) => {
      const r = admit(first, from.peer, 'forward', deps);
      if (!r.ok) return deny(stream, r.reason, `forward refused: ${r.reason}`);
      const host = typeof r.command.args.host === 'string' ? r.command.args.host : '';
      const dport = Number(r.command.args.port);
      if (!forwardAllowed(host, dport, deps.policy?.())) return deny(stream, 'not-allowed', `forward to ${host}:${dport} is not allowed by this node's policy`);
      let sock;
      try {
        sock = await deps.connect(host, dport);
      } catch (e) {
        return deny(stream, 'connect-failed', `cannot connect to ${host}:${dport} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      if (stream.destroyed) return void sock.destroy();
      live.add(stream);
      stream.once('close', () => live.delete(stream));
      stream.write(jsonFrame(FrameType.Open, { host, port: dport }));
      joinSocket(sock, stream);
    }).catch(() => stream.destroy());
  });
  return {
    refused,
    get open() { return live.size; },
    stop: () => {
      overlay.unlisten(port);
      for (const s of live) s.destroy();
    },
  };
};
