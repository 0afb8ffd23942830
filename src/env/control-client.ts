// Client side of the control socket, used by `skywire status` and friends.
import { createConnection } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { homePermissionError } from '../node/home-dir.ts';
import { SkywireError, type ErrorCode } from '../errors.ts';

/** Why the control socket cannot be reached: permission (a home of another user; do not tell
 *  them to start a second node), no such home, or no node running on it. */
export const controlUnavailable = (home: string, path: string, e: NodeJS.ErrnoException): SkywireError => {
  if (e.code === 'EACCES' || e.code === 'EPERM') return homePermissionError(home, e.code);
  if (e.code === 'ENOENT' && !existsSync(home)) return new SkywireError('CONTROL_UNAVAILABLE', `there is no home ${home}: give the node's home with --home DIR (or SKYWIRE_HOME), or create one with "skywire init --home ${home}"`);
  return new SkywireError('CONTROL_UNAVAILABLE', `no node is running with home ${home} (${e.code} on ${path}); start one with "skywire node --home ${home} --listen HOST:PORT"`);
};

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
      reject(controlUnavailable(home, path, e));
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
