// Client side of a piped control request: one JSON line out, one JSON reply line back, and then
// the socket carries raw bytes of an overlay stream (`skywire connect` / `skywire accept`).
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { SkywireError, type ErrorCode } from '../errors.ts';
import { controlUnavailable } from './control-client.ts';

export const controlPipe = (home: string, req: Record<string, unknown>): Promise<{ result: unknown; sock: Socket }> => {
  const path = join(home, 'control.sock');
  return new Promise((resolve, reject) => {
    const sock = createConnection({ path, allowHalfOpen: true });
    let buf = Buffer.alloc(0);
    const onData = (c: Buffer): void => {
      buf = Buffer.concat([buf, c]);
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      sock.off('data', onData);
      sock.pause();
      const rest = buf.subarray(nl + 1);
      if (rest.length > 0) sock.unshift(rest);
      try {
        const res = JSON.parse(buf.subarray(0, nl).toString('utf8')) as { ok: boolean; result?: unknown; error?: { code: string; message: string } };
        if (res.ok) resolve({ result: res.result, sock });
        else {
          sock.destroy();
          reject(new SkywireError((res.error?.code ?? 'INTERNAL') as ErrorCode, res.error?.message ?? 'the node refused'));
        }
      } catch {
        sock.destroy();
        reject(new SkywireError('CONTROL_UNAVAILABLE', `garbled answer from ${path}`));
      }
    };
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
    sock.on('data', onData);
    sock.once('error', (e: NodeJS.ErrnoException) => reject(controlUnavailable(home, path, e)));
  });
};
