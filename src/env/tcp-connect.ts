// Outgoing TCP for the forward service: the node connects to HOST:PORT on behalf of its master.
// Half-open is allowed so an end from either side travels as a FIN and not a reset.
import { connect, type Socket } from 'node:net';

export type TcpConnector = (host: string, port: number) => Promise<Socket>;

const CONNECT_TIMEOUT_MS = 10_000;

export const tcpConnect: TcpConnector = (host, port) =>
  new Promise((resolve, reject) => {
    const sock = connect({ host, port, allowHalfOpen: true });
    sock.setTimeout(CONNECT_TIMEOUT_MS, () => sock.destroy(Object.assign(new Error(`connect to ${host}:${port} timed out`), { code: 'ETIMEDOUT' })));
    sock.once('error', reject);
    sock.once('connect', () => {
      sock.setTimeout(0);
      sock.off('error', reject);
      resolve(sock);
    });
  });
