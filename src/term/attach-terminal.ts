// Node side of `skywire term`: listens on the terminal port, admits only a 'term' command that
// its master signed and that arrived over a stream from the master itself, then runs a PTY.
import type { Duplex } from 'node:stream';
import type { Overlay } from '../overlay/overlay.ts';
import type { PtySpawner } from '../env/pty-spawn.ts';
import { FrameType, jsonFrame } from './frame.ts';
import { readFirstFrame } from './first-frame.ts';
import { admit, RefusalCounts, type GateDeps } from './command-gate.ts';
import { runTermSession } from './term-session.ts';
import { FIRST_FRAME_TIMEOUT_MS, MAX_COMMAND_BYTES, TERM_PORT } from './service-ports.ts';

export interface TermDeps extends GateDeps {
  spawn: PtySpawner;
  port?: number;
}

export interface TermService {
  readonly refused: RefusalCounts;
  /** Terminals open now. */
  readonly open: number;
  stop(): void;
}

const dim = (v: unknown, dflt: number): number => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 1000 ? (v as number) : dflt);

export const refuse = (stream: Duplex, code: string, message: string): void => {
  stream.end(jsonFrame(FrameType.Error, { code, message }));
};

export const attachTerminal = (overlay: Overlay, deps: TermDeps): TermService => {
  const port = deps.port ?? TERM_PORT;
  const refused = new RefusalCounts();
  const live = new Set<Duplex>();
  // 'fleet' at the overlay, so a member that is not the master gets a refusal it can read
  // (and counted by reason); admit() below lets only the master's signed command through.
  overlay.listen(port, 'fleet', (stream, from) => {
    stream.on('error', () => undefined);
    readFirstFrame(stream, overlay.node.clock, FIRST_FRAME_TIMEOUT_MS, MAX_COMMAND_BYTES).then((first) => {
      const r = admit(first, from.peer, 'term', deps);
      if (!r.ok) {
        refused.add(r.reason);
        return refuse(stream, 'COMMAND_REFUSED', `terminal refused: ${r.reason}`);
      }
      const a = r.command.args;
      let pty;
      try {
        pty = deps.spawn({ cols: dim(a.cols, 80), rows: dim(a.rows, 24), term: typeof a.term === 'string' && /^[\w.+-]{1,64}$/.test(a.term) ? a.term : undefined });
      } catch (e) {
        return refuse(stream, 'INTERNAL', `cannot start a shell: ${(e as Error).message}`);
      }
      live.add(stream);
      stream.once('close', () => live.delete(stream));
      stream.write(jsonFrame(FrameType.Open, { pid: pty.pid }));
      runTermSession(stream, pty, () => refused.add('bad-frame'));
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
