// Client side of the control socket, used by `skywire status` and friends.
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { SkywireError, type ErrorCode } from '../errors.ts';

export const controlRequest = (home: string, req: Record<string, unknown>, timeoutMs = 3000): Promise<unknown> => {
  const path = join(home, 'control.sock');
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new SkywireError('CONTROL_TIMEOUT', `the node at ${home} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
    sock.on('data', (c: string) => { buf += c; });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new SkywireError('CONTROL_UNAVAILABLE', `no node is running with home ${home} (${e.code} on ${path}); start one with "skywire node --home ${home} --listen HOST:PORT"`));
    });
    sock.on('end', () => {
      clearTimeout(timer);
      try {
        const res = JSON.parse(buf) as { ok: boolean; result?: unknown; error?: { code: string; message: string } };
        if (res.ok) resolve(res.result);
        else reject(new SkywireError((res.error?.code ?? 'INTERNAL') as ErrorCode, `${res.error?.message ?? 'the node answered with an error'}`));
      } catch {
        reject(new SkywireError('CONTROL_UNAVAILABLE', `garbled answer from ${path}`));
      }
    });
  });
};
