// listen(): the listen connection stays open and carries one JSON line per incoming stream;
// each is fetched with its own accept connection, so every stream is a plain socket of its own
// with its own backpressure. Closing the listen connection makes the node unlisten the port.
import type { Duplex } from 'node:stream';
import { createInterface } from 'node:readline';
import type { IncomingNotice } from '../app-host-request.ts';
import { openOp } from './sdk-op.ts';
import type { Socket } from 'node:net';

/** from: the caller's address as the node authenticated it, whether it is a fleet member, its
 *  role ('master', 'node', 'relay') and its name from its credential (null outside a fleet). */
export interface CallerInfo { peer: string; member: boolean; role: string | null; name: string | null }
export type StreamHandler = (stream: Duplex, from: CallerInfo) => void;

/** `track` also learns each accepted stream's id, which tcpSplice names it by. */
export const listenOp = async (socketPath: string, port: number, handler: StreamHandler, track: (s: Socket, acceptedId?: number) => void): Promise<void> => {
  const { sock } = await openOp(socketPath, { op: 'listen', port });
  track(sock);
  const lines = createInterface({ input: sock, crlfDelay: Infinity });
  lines.on('line', (line) => {
    let notice: IncomingNotice;
    try {
      notice = JSON.parse(line) as IncomingNotice;
    } catch {
      return;
    }
    // The stream may have been reset before we took it: nothing to hand to the app then.
    openOp(socketPath, { op: 'accept', id: notice.stream }).then(({ sock: s }) => {
      track(s, notice.stream);
      handler(s, { peer: notice.peer, member: notice.member === true, role: notice.role ?? null, name: notice.name ?? null });
    }, () => undefined);
  });
};
