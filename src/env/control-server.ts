// The node's local control socket: HOME/control.sock, mode 0660 (owner and group; the home's own
// mode decides who reaches it: 0700 by default, 0750 under packaging/skywire.service, so the
// 'skywire' group is who may run `skywire status` on a Pi). One JSON request line in,
// one JSON response line out. A second node on the same home is refused, a stale socket reused.
import { createServer, type Server, type Socket } from 'node:net';
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { SkywireError } from '../errors.ts';
import { controlRequest } from './control-client.ts';

export const CONTROL_SOCKET = 'control.sock';
export type ControlHandler = (req: Record<string, unknown>) => Promise<unknown> | unknown;

/** A handler's answer that turns the connection into a byte pipe after the JSON reply line
 *  (`skywire connect` / `accept`: stdin and stdout joined to an overlay stream). */
export class Takeover {
  constructor(readonly result: unknown, readonly run: (sock: Socket) => void) {}
}

export interface ControlServer { path: string; close(): Promise<void> }

export const openControlServer = async (home: string, handler: ControlHandler): Promise<ControlServer> => {
  const path = join(home, CONTROL_SOCKET);
  if (existsSync(path)) {
    const alive = await controlRequest(home, { cmd: 'ping' }, 500).then(() => true, () => false);
    if (alive) throw new SkywireError('NODE_RUNNING', `a node is already running with home ${home} (its control socket ${path} answers); stop it first`);
    unlinkSync(path); // left behind by a node that was killed: safe to replace
  }
  // Half-open allowed: a piped stream's end in one direction (FIN) must not close the other.
  const conns = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (sock) => {
    conns.add(sock);
    sock.once('close', () => conns.delete(sock));
    let buf = Buffer.alloc(0);
    sock.on('error', () => sock.destroy());
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > 65536) return void sock.destroy();
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      sock.off('data', onData);
      sock.pause();
      const line = buf.subarray(0, nl).toString('utf8');
      const rest = buf.subarray(nl + 1);
      answer(line).then((out) => {
        if (out instanceof Takeover) {
          sock.write(JSON.stringify({ ok: true, result: out.result }) + '\n');
          if (rest.length > 0) sock.unshift(rest);
          out.run(sock);
          sock.resume();
        } else sock.end(JSON.stringify(out) + '\n');
      }).catch(() => sock.destroy());
    };
    sock.on('data', onData);
  });
  const answer = async (line: string): Promise<unknown> => {
    try {
      const req: unknown = JSON.parse(line);
      if (typeof req !== 'object' || req === null) return { ok: false, error: { code: 'BAD_REQUEST', message: 'request must be a JSON object' } };
      const result = await handler(req as Record<string, unknown>);
      return result instanceof Takeover ? result : { ok: true, result };
    } catch (e) {
      const err = e as { code?: string; message?: string };
      return { ok: false, error: { code: err.code ?? 'INTERNAL', message: err.message ?? String(e) } };
    }
  };
  const old = process.umask(0o117); // the socket is born 0660: no window where others may connect
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(old);
  }
  chmodSync(path, 0o660);
  return {
    path,
    // Long-lived connections (a piped stream, `skywire socks`) end with the node: close() would
    // otherwise wait for them forever. It resolves once each has emitted 'close', so what a
    // takeover holds (the SOCKS listener) is gone when the node's stop resolves: the server's
    // own 'close' comes earlier, as soon as the connections are destroyed, not closed.
    close: async () => {
      const closed = [...conns].map((c) => new Promise<void>((resolve) => {
        if (c.closed) resolve(); else c.once('close', () => resolve());
      }));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of conns) c.destroy();
      });
      await Promise.all(closed);
    },
  };
};
