// The node's command port: each stream carries one length-prefixed SignedCommand and gets back
// one JSON result frame, then the node ends the stream. Verification happens before any handler
// sees the command; handlers are registered by name, so services added later (terminal,
// forward) plug in here without touching the verifier.
import type { Duplex } from 'node:stream';
import type { Overlay } from '../overlay/overlay.ts';
import type { CommandVerifier, SignedCommand } from './command-types.ts';
import { jsonFrame, readFrames } from './frames.ts';
import { MAX_COMMAND_BYTES } from './command-codec.ts';
import { COMMAND_PORT } from './ports.ts';

export interface CommandContext { peer: string; stream: Duplex }
/** Returned by a handler that keeps the stream for itself (e.g. a terminal session). */
export const STREAM_TAKEN: unique symbol = Symbol('stream-taken');
export type CommandHandler = (c: SignedCommand, ctx: CommandContext) => Promise<unknown> | unknown;

export type CommandReply =
  | { ok: true; result: unknown }
  | { ok: false; refused: string }
  | { ok: false; error: { code: string; message: string } };

const FIRST_FRAME_MS = 10_000;

export class CommandServer {
  readonly handlers = new Map<SignedCommand['cmd'], CommandHandler>();

  constructor(private readonly overlay: Overlay, private readonly verifier: CommandVerifier, port = COMMAND_PORT) {
    overlay.listen(port, 'master', (stream, from) => this.serve(stream, from.peer));
  }

  register(cmd: SignedCommand['cmd'], handler: CommandHandler): void {
    this.handlers.set(cmd, handler);
  }

  private serve(stream: Duplex, peer: string): void {
    const clock = this.overlay.node.clock;
    const timer = clock.setTimeout(() => stream.destroy(), FIRST_FRAME_MS);
    stream.on('error', () => clock.clearTimeout(timer));
    const stop = readFrames(stream, (bytes) => {
      stop();
      clock.clearTimeout(timer);
      this.answer(bytes, { peer, stream }).then((reply) => {
        if (reply !== STREAM_TAKEN) stream.end(jsonFrame(reply));
      }).catch((e: unknown) => {
        // verify() failed to record the sequence number (WRITE_FAILED), or a bug: say so.
        if (!stream.destroyed) stream.end(jsonFrame({ ok: false, error: { code: (e as { code?: string }).code ?? 'INTERNAL', message: (e as Error).message } }));
      });
    }, MAX_COMMAND_BYTES);
  }

  private async answer(bytes: Uint8Array, ctx: CommandContext): Promise<CommandReply | typeof STREAM_TAKEN> {
    const v = this.verifier.verify(bytes);
    if (!v.ok) return { ok: false, refused: v.reason };
    const h = this.handlers.get(v.command.cmd);
    if (!h) return { ok: false, error: { code: 'BAD_REQUEST', message: `this node does not implement "${v.command.cmd}"` } };
    try {
      const result = await h(v.command, ctx);
      return result === STREAM_TAKEN ? STREAM_TAKEN : { ok: true, result };
    } catch (e) {
      const err = e as { code?: string; message?: string };
      return { ok: false, error: { code: err.code ?? 'INTERNAL', message: err.message ?? String(e) } };
    }
  }
}
