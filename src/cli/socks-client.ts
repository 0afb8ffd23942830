// The local end of `skywire socks`: a TCP listener whose every connection becomes a stream to
// the exit node's SOCKS5 app through the local node's control socket. The SOCKS5 exchange
// itself runs end to end with the exit, so names are resolved there (socks5h) and this side
// only moves bytes. Loopback by default: on a LAN address anyone there could use the exit.
import { createServer, isIP, type Socket } from 'node:net';
import { SkywireError } from '../errors.ts';
import { controlRequest } from '../env/control-client.ts';
import { controlPipe } from '../env/control-pipe.ts';
import { parseHostPort } from '../env/host-port.ts';
import { ReplySniffer, RequestSniffer } from './socks-sniff.ts';
import { SOCKS_PORT } from '../apps/builtin/socks/socks-port.ts';

export const DEFAULT_SOCKS_LISTEN = '127.0.0.1:1080';

export interface SocksClientOptions {
  home: string;
  /** Overlay address of the node running the socks app. */
  exit: string;
  listen?: string | undefined;
  allowLan?: boolean | undefined;
  log?: ((line: string) => void) | undefined;
}
export interface SocksClient { host: string; port: number; close(): Promise<void> }

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

/** joinSocket (src/term/join-socket.ts) with the SOCKS exchange watched on the way through. */
const joinWatching = (tcp: Socket, sock: Socket, refused: (target: string | null, code: number, text: string, reason: string) => void): void => {
  const req = new RequestSniffer();
  const rep = new ReplySniffer((code, text, reason) => refused(req.target, code, text, reason));
  tcp.pipe(req).pipe(sock);
  sock.pipe(rep).pipe(tcp);
  sock.on('error', () => tcp.destroy());
  tcp.on('error', () => sock.destroy());
  tcp.on('close', (hadError) => { if (hadError) sock.destroy(); });
  sock.on('close', () => {
    rep.report();
    if (!sock.readableEnded) tcp.destroy();
  });
};

export const startSocksClient = async (o: SocksClientOptions): Promise<SocksClient> => {
  const { host, port } = parseHostPort(o.listen ?? DEFAULT_SOCKS_LISTEN, '--listen');
  if (!isLoopback(host) && o.allowLan !== true) {
    throw new SkywireError('BAD_LISTEN', `--listen ${host} is not a loopback address: anyone who can reach it could use your exit as an open proxy; add --allow-lan if that is what you want`);
  }
  // Fail now, not on the first connection, when no node runs with this home or the exit is
  // no node it knows; a name is resolved once, so every connection goes to the same node.
  const exit = (await controlRequest(o.home, { cmd: 'resolve', ref: o.exit })) as { address: string; name: string };
  const live = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (tcp) => {
    live.add(tcp);
    tcp.once('close', () => live.delete(tcp));
    tcp.on('error', () => undefined);
    controlPipe(o.home, { cmd: 'connect', address: exit.address, port: SOCKS_PORT }).then(
      ({ sock }) => (tcp.destroyed ? sock.destroy() : joinWatching(tcp, sock, (target, code, text, reason) =>
        o.log?.(`the exit ${o.exit} refused CONNECT ${target ?? '(unparsed request)'}: SOCKS reply ${code} (${text})${reason ? `: ${reason}` : ''}`))),
      (e: Error & { code?: string }) => {
        o.log?.(`no stream to the exit ${o.exit} [${e.code ?? 'INTERNAL'}]: ${e.message}`);
        tcp.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new SkywireError('BAD_LISTEN', `cannot listen on ${host}:${port} (${e.code}); pick another --listen`)));
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as { port: number };
  return {
    host,
    port: bound.port,
    close: () => new Promise<void>((resolve) => {
      for (const s of live) s.destroy();
      server.close(() => resolve());
    }),
  };
};
