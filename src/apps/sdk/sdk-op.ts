// One operation = one unix connection to the node: a JSON request line out, a JSON reply line
// back. A refusal becomes a rejected promise carrying the node's error code; on success the
// same socket is what the operation produces (a byte pipe, a notice feed or a frame feed).
import { createConnection, type Socket } from 'node:net';
import { SkywireError, type ErrorCode } from '../../errors.ts';
import type { AppReply, AppRequest } from '../app-host-request.ts';
import { readFirstLine } from './first-line.ts';

const MAX_REPLY_LINE = 65_536;

export interface OpResult { sock: Socket; reply: Record<string, unknown> }

export const openOp = (socketPath: string, req: AppRequest): Promise<OpResult> =>
  new Promise((resolve, reject) => {
    // Half-open: the app's end() of a stream is a FIN to the peer, not the end of both ways.
    const sock = createConnection({ path: socketPath, allowHalfOpen: true });
    const onError = (e: NodeJS.ErrnoException): void => reject(new SkywireError('INTERNAL',
      `the node's app socket ${socketPath} does not answer (${e.code ?? e.message}); the app must run under a Skywire node, which sets SKYWIRE_SOCKET`));
    sock.once('error', onError);
    sock.once('connect', () => {
      sock.write(JSON.stringify(req) + '\n');
      readFirstLine(sock, MAX_REPLY_LINE).then((first) => {
        sock.off('error', onError);
        if (!first.ok) {
          sock.destroy();
          return reject(new SkywireError('INTERNAL', `the node closed the app socket during "${req.op}" (${first.reason})`));
        }
        let reply: AppReply;
        try {
          reply = JSON.parse(first.line) as AppReply;
        } catch {
          sock.destroy();
          return reject(new SkywireError('INTERNAL', `garbled reply from the node to "${req.op}"`));
        }
        // A peer's reset must not crash an app that forgot an 'error' listener; 'close' still
        // reports it (hadError), and listeners the app adds see the error too.
        if (reply.ok) return resolve({ sock: sock.on('error', () => undefined), reply });
        sock.destroy();
        reject(new SkywireError(reply.error.code as ErrorCode, reply.error.message));
      }).catch((e: unknown) => { sock.destroy(); reject(e); });
    });
  });
