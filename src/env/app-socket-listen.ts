// The unix socket through which one sandboxed app reaches its node. Only the node's user may
// enter the directory (0700) and use the socket (0600); the sandbox gets the socket itself
// bind-mounted, so no other path on the host is needed to reach it.
import { createServer, type Socket } from 'node:net';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AppSocket { close(): Promise<void> }

/** An app opens one connection per operation; more than this at once is a runaway app. */
const MAX_CONNECTIONS = 1024;

export const listenAppSocket = async (path: string, onConnection: (sock: Socket) => void): Promise<AppSocket> => {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  chmodSync(dirname(path), 0o700); // mkdir's mode applies only to a directory it creates
  // A socket left by a node that was killed; the app manager runs one host per app.
  rmSync(path, { force: true });
  // Half-open: an app's end() of a stream is a FIN for the peer, its other direction stays up.
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: false }, (sock) => {
    sock.on('error', () => sock.destroy());
    onConnection(sock);
  });
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return {
    close: () => new Promise<void>((resolve) => server.close(() => {
      rmSync(path, { force: true });
      resolve();
    })),
  };
};
