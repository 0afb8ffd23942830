// `skywire socks`: a local SOCKS5 listener whose every connection becomes a stream to the exit
// node's SOCKS5 app. The listener runs inside the local node (control request socks-listen,
// src/cli/socks-listen-request.ts), so a connection's bytes go from the TCP socket straight into
// the overlay with no extra process on the way; the CLI holds the control connection open (its
// end closes the listener) and prints what the node reports. The SOCKS5 exchange itself runs end
// to end with the exit, so names are resolved there (socks5h) and this side only moves bytes.
// Loopback by default: on a LAN address anyone there could use the exit.
import { createServer, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createInterface } from 'node:readline';
import { SkywireError } from '../errors.ts';
import { controlRequest } from '../env/control-client.ts';
import { controlPipe } from '../env/control-pipe.ts';
import { parseHostPort } from '../env/host-port.ts';
import { batchedPipe } from '../env/batched-pipe.ts';
import { ReplySniffer, RequestSniffer } from './socks-sniff.ts';

export const DEFAULT_SOCKS_LISTEN = '127.0.0.1:1080';

export interface SocksClientOptions {
  home: string;
  /** Overlay address of the node running the socks app. */
  exit: string;
  listen?: string | undefined;
  allowLan?: boolean | undefined;
  log?: ((line: string) => void) | undefined;
}
export interface SocksClient {
  host: string;
  port: number;
  close(): Promise<void>;
  /** Resolves when the node's listener is gone (the node stopped, or close()). */
  readonly closed: Promise<void>;
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

const checkLoopback = (host: string, allowLan: boolean | undefined): void => {
  if (!isLoopback(host) && allowLan !== true) {
    throw new SkywireError('BAD_LISTEN', `--listen ${host} is not a loopback address: anyone who can reach it could use your exit as an open proxy; add --allow-lan if that is what you want`);
  }
};

/** joinSocket (src/term/join-socket.ts) with the SOCKS exchange watched on the way through. */
const joinWatching = (tcp: Socket, stream: Duplex, refused: (target: string | null, code: number, text: string, reason: string) => void): void => {
  const req = new RequestSniffer();
  const rep = new ReplySniffer((code, text, reason) => refused(req.target, code, text, reason));
  tcp.pipe(req).pipe(stream);
  stream.pipe(rep);
  batchedPipe(rep, tcp);
  stream.on('error', () => tcp.destroy());
  tcp.on('error', () => stream.destroy());
  tcp.on('close', (hadError) => { if (hadError) stream.destroy(); });
  stream.on('close', () => {
    rep.report();
    if (!stream.readableEnded) tcp.destroy();
  });
};

export interface SocksListener { host: string; port: number; close(): Promise<void> }

/** Open client connections, each an overlay stream to the exit: with --allow-lan anyone on the
 *  LAN could otherwise open streams without end. Beyond it a connection is closed at once. */
export const MAX_SOCKS_CONNECTIONS = 1024;

/** The listener itself (in the node): `open` gives the stream to the exit for one connection. */
export const listenSocks = async (o: { listen: string; allowLan?: boolean | undefined; exitName: string; open(): Promise<Duplex>; log(line: string): void; maxConnections?: number }): Promise<SocksListener & { readonly refused: number }> => {
  const max = o.maxConnections ?? MAX_SOCKS_CONNECTIONS;
  const { host, port } = parseHostPort(o.listen, '--listen');
  checkLoopback(host, o.allowLan);
  const live = new Set<Socket>();
  let refused = 0;
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (tcp) => {
    if (live.size >= max) {
      tcp.on('error', () => undefined).destroy();
      // Counted; said on the first and then every thousandth, so a flood cannot flood the log.
      if (refused++ % 1000 === 0) o.log(`${refused} connection(s) refused: ${max} are open, the most this proxy holds`);
      return;
    }
    live.add(tcp);
    tcp.once('close', () => live.delete(tcp));
    tcp.on('error', () => undefined);
    o.open().then(
      (stream) => (tcp.destroyed ? stream.destroy() : joinWatching(tcp, stream, (target, code, text, reason) =>
        o.log(`the exit ${o.exitName} refused CONNECT ${target ?? '(unparsed request)'}: SOCKS reply ${code} (${text})${reason ? `: ${reason}` : ''}`))),
      (e: Error & { code?: string }) => {
        o.log(`no stream to the exit ${o.exitName} [${e.code ?? 'INTERNAL'}]: ${e.message}`);
        tcp.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new SkywireError('BAD_LISTEN', `cannot listen on ${host}:${port} (${e.code}); pick another --listen`)));
    server.listen(port, host, () => resolve());
  });
  return {
    host,
    port: (server.address() as { port: number }).port,
    get refused() { return refused; },
    close: () => new Promise<void>((resolve) => {
      for (const s of live) s.destroy();
      server.close(() => resolve());
    }),
  };
};

export const startSocksClient = async (o: SocksClientOptions): Promise<SocksClient> => {
  const listen = o.listen ?? DEFAULT_SOCKS_LISTEN;
  // Checked here too, so the refusal needs no running node.
  const { host } = parseHostPort(listen, '--listen');
  checkLoopback(host, o.allowLan);
  // Fail now, not on the first connection, when no node runs with this home or the exit is
  // no node it knows; a name is resolved once, so every connection goes to the same node.
  const exit = (await controlRequest(o.home, { cmd: 'resolve', ref: o.exit })) as { address: string; name: string };
  const { result, sock } = await controlPipe(o.home, { cmd: 'socks-listen', address: exit.address, exitName: o.exit, listen, allowLan: o.allowLan === true });
  const bound = result as { host: string; port: number };
  sock.on('error', () => undefined);
  // Half-open control connection: the node's end (it stopped) is the end of the proxy.
  sock.once('end', () => sock.destroy());
  createInterface({ input: sock, crlfDelay: Infinity }).on('line', (line) => {
    try {
      const m = JSON.parse(line) as { log?: unknown };
      if (typeof m.log === 'string') o.log?.(m.log);
    } catch { /* a line we do not know: ignore */ }
  });
  const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
  return {
    host: bound.host,
    port: bound.port,
    closed,
    close: async () => {
      sock.destroy();
      await closed;
    },
  };
};
