// Datagrams: one long-lived send connection per SDK (frames out, one JSON status line back per
// frame, in order) and one receive connection per port (frames in). Unreliable: "ok" means the
// node queued it, not that it arrived.
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { SkywireError, type ErrorCode } from '../../errors.ts';
import type { AppReply } from '../app-host-request.ts';
import { DgramReader, encodeDgram, MAX_DGRAM_FRAME } from './dgram-frame.ts';
import { openOp } from './sdk-op.ts';

export type DatagramHandler = (d: { peer: string; bytes: Uint8Array }) => void;

export const receiveOp = async (socketPath: string, port: number, handler: DatagramHandler, track: (s: Socket) => void): Promise<void> => {
  const { sock } = await openOp(socketPath, { op: 'datagrams', port });
  track(sock);
  const reader = new DgramReader();
  sock.on('data', (chunk: Buffer) => {
    const frames = reader.push(chunk);
    if (frames === null) return void sock.destroy();
    for (const f of frames) handler({ peer: f.address, bytes: f.bytes });
  });
};

interface Waiter { resolve(): void; reject(e: Error): void }

export const datagramSender = (socketPath: string, track: (s: Socket) => void): ((address: string, port: number, bytes: Uint8Array) => Promise<void>) => {
  let channel: Promise<{ sock: Socket; waiting: Waiter[] }> | undefined;
  const open = (): Promise<{ sock: Socket; waiting: Waiter[] }> => openOp(socketPath, { op: 'send' }).then(({ sock }) => {
    track(sock);
    const waiting: Waiter[] = [];
    createInterface({ input: sock, crlfDelay: Infinity }).on('line', (line) => {
      const w = waiting.shift();
      let r: AppReply;
      try {
        r = JSON.parse(line) as AppReply;
      } catch {
        return void w?.reject(new SkywireError('INTERNAL', 'garbled datagram status from the node'));
      }
      if (r.ok) w?.resolve();
      else w?.reject(new SkywireError(r.error.code as ErrorCode, r.error.message));
    });
    sock.once('close', () => {
      channel = undefined;
      for (const w of waiting.splice(0)) w.reject(new SkywireError('INTERNAL', 'the node closed the datagram channel; send again to reopen it'));
    });
    return { sock, waiting };
  });
  return async (address, port, bytes) => {
    // Refused here rather than sent as a frame the node must treat as garbage (which would close
    // the channel under every datagram queued behind it).
    const frame = encodeDgram({ address, port, bytes });
    if (frame.length - 4 > MAX_DGRAM_FRAME) throw new SkywireError('BAD_REQUEST', `a datagram of ${bytes.length} bytes is larger than any path carries`);
    const ch = await (channel ??= open().catch((e: unknown) => { channel = undefined; throw e; }));
    return new Promise<void>((resolve, reject) => {
      ch.waiting.push({ resolve, reject });
      ch.sock.write(frame);
    });
  };
};
