// The node's side of `skywire socks` (src/cli/socks-client.ts): control request socks-listen
// binds the SOCKS5 listener here and keeps it while the control connection stays open. Each
// connection dials the exit's SOCKS port over the overlay; what the CLI should print goes back
// as one JSON line {"log": ...} on the control connection.
import type { Socket } from 'node:net';
import { SkywireError } from '../errors.ts';
import { Takeover } from '../env/control-server.ts';
import { parseAddress } from '../identity/address.ts';
import type { Overlay } from '../overlay/overlay.ts';
import { SOCKS_PORT } from '../apps/builtin/socks/socks-port.ts';
import { dialConnected } from '../overlay/dial-connected.ts';
import { listenSocks } from './socks-client.ts';

export const socksListenRequest = async (o: Overlay, req: Record<string, unknown>): Promise<Takeover> => {
  const address = String(req.address);
  parseAddress(address, 'exit address');
  if (typeof req.listen !== 'string') throw new SkywireError('BAD_REQUEST', 'socks-listen needs "listen": "HOST:PORT"');
  const exitName = typeof req.exitName === 'string' ? req.exitName.slice(0, 100) : address;
  let ctl: Socket | undefined;
  const listener = await listenSocks({
    listen: req.listen, allowLan: req.allowLan === true, exitName,
    open: () => dialConnected(o, address, SOCKS_PORT),
    log: (line) => { if (ctl && !ctl.destroyed) ctl.write(JSON.stringify({ log: line }) + '\n'); },
  });
  return new Takeover({ host: listener.host, port: listener.port }, (sock) => {
    // The CLI may have gone while the listener was bound: its close has passed already.
    if (sock.destroyed) return void listener.close().catch(() => undefined);
    ctl = sock;
    // Nothing is expected from the CLI; its end or its death closes the listener.
    sock.on('data', () => undefined);
    sock.on('error', () => undefined);
    sock.once('end', () => sock.end());
    sock.once('close', () => { listener.close().catch(() => undefined); });
  });
};
