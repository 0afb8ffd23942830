// The node's local control socket: HOME/control.sock, owner-only. One JSON request line in,
// one JSON response line out. A second node on the same home is refused, a stale socket reused.
import { createServer, type Server } from 'node:net';
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { SkywireError } from '../errors.ts';
import { controlRequest } from './control-client.ts';

export const CONTROL_SOCKET = 'control.sock';
export type ControlHandler = (req: Record<string, unknown>) => Promise<unknown> | unknown;

export interface ControlServer { path: string; close(): Promise<void> }

export const openControlServer = async (home: string, handler: ControlHandler): Promise<ControlServer> => {
  const path = join(home, CONTROL_SOCKET);
  if (existsSync(path)) {
    const alive = await controlRequest(home, { cmd: 'ping' }, 500).then(() => true, () => false);
    if (alive) throw new SkywireError('NODE_RUNNING', `a node is already running with home ${home} (its control socket ${path} answers); stop it first`);
    unlinkSync(path); // left behind by a node that was killed: safe to replace
  }
  const server: Server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > 65536) return sock.destroy();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      buf = '';
      void answer(line).then((out) => sock.end(JSON.stringify(out) + '\n'));
    });
  });
  const answer = async (line: string): Promise<unknown> => {
    try {
      const req: unknown = JSON.parse(line);
      if (typeof req !== 'object' || req === null) return { ok: false, error: { code: 'BAD_REQUEST', message: 'request must be a JSON object' } };
      return { ok: true, result: await handler(req as Record<string, unknown>) };
    } catch (e) {
      const err = e as { code?: string; message?: string };
      return { ok: false, error: { code: err.code ?? 'INTERNAL', message: err.message ?? String(e) } };
    }
  };
  const old = process.umask(0o177); // the socket is born 0600: no window where others may connect
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(old);
  }
  chmodSync(path, 0o600);
  return {
    path,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
