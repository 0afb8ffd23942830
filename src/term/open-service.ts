// Master side of a terminal or forward: dial the node's service port, send the signed command
// as the first frame and wait for the node's Open (or Error) frame. What follows on the stream
// is the service's own bytes, which the caller hands to a local socket.
import type { Duplex } from 'node:stream';
import type { Overlay } from '../overlay/overlay.ts';
import { dialConnected } from '../overlay/dial-connected.ts';
import type { CommandBody, CommandSigner } from '../command/command-types.ts';
import { SkywireError } from '../errors.ts';
import { parseAddress } from '../identity/address.ts';
import { FrameType, encodeFrame, parseJson } from './frame.ts';
import { readFirstFrame } from './first-frame.ts';
import { FIRST_FRAME_TIMEOUT_MS } from './service-ports.ts';

export interface OpenedService { stream: Duplex; info: Record<string, unknown> }

// A node accepts only strictly increasing sequence numbers, and two streams opened at once may
// deliver their first frames in either order: so openings to one node go one at a time, each
// signed only when the previous one was answered. One ServiceOpener per master.
export class ServiceOpener {
  private readonly queues = new Map<string, Promise<unknown>>();

  /** `persist` runs after signing and before sending: the master flushes its seq counters, so a
   *  restart never reuses a number the node has already seen. */
  constructor(readonly overlay: Overlay, private readonly signer: CommandSigner, private readonly persist?: () => Promise<void>) {}

  open(address: string, port: number, cmd: CommandBody['cmd'], args: Record<string, unknown>): Promise<OpenedService> {
    parseAddress(address, 'node address');
    const run = (): Promise<OpenedService> => openNow(this.overlay, this.signer, address, port, cmd, args, this.persist);
    const next = (this.queues.get(address) ?? Promise.resolve()).then(run, run);
    const tail = next.catch(() => undefined);
    this.queues.set(address, tail);
    tail.then(() => { if (this.queues.get(address) === tail) this.queues.delete(address); }, () => undefined);
    return next;
  }
}

const openNow = async (o: Overlay, signer: CommandSigner, address: string, port: number,
  cmd: CommandBody['cmd'], args: Record<string, unknown>, persist?: () => Promise<void>): Promise<OpenedService> => {
  const stream = await dialConnected(o, address, port);
  stream.on('error', () => undefined); // the caller's socket learns of it through close
  const signed = signer.sign(address, cmd, args);
  await persist?.();
  stream.write(encodeFrame(FrameType.Command, signed));
  const first = await readFirstFrame(stream, o.node.clock, FIRST_FRAME_TIMEOUT_MS * 2);
  if (!first.ok) {
    stream.destroy();
    throw new SkywireError(first.reason === 'timeout' ? 'timeout' : 'reset', `the node ${address} did not answer the ${cmd} request (${first.reason})`);
  }
  const info = parseJson(first.frame.payload) ?? {};
  if (first.frame.type === FrameType.Open) return { stream, info };
  stream.destroy();
  if (first.frame.type === FrameType.Error) {
    throw new SkywireError('COMMAND_REFUSED', `node ${address}: ${String(info.message ?? info.code ?? 'refused')}`);
  }
  throw new SkywireError('reset', `node ${address} answered the ${cmd} request with frame type ${first.frame.type}`);
};
