// The master's control handler for `skywire logs`: signs a 'logs' command for the node, opens
// its logs port and turns the control connection into the framed log stream (Data frames of
// text, an Exit frame at the end of a non-following read). Nothing is stored on the master.
import { Takeover } from '../env/control-server.ts';
import type { ServiceOpener } from '../term/open-service.ts';
import { joinSocket } from '../term/join-socket.ts';
import { LOGS_PORT } from '../term/service-ports.ts';

export const logsRequest = async (opener: ServiceOpener, req: Record<string, unknown>): Promise<Takeover> => {
  const address = String(req.address);
  // The node bounds `lines` itself (src/logs/attach-logs.ts).
  const args: Record<string, unknown> = { follow: req.follow === true, lines: req.lines ?? 100 };
  if (typeof req.app === 'string') args.app = req.app;
  const { stream } = await opener.open(address, LOGS_PORT, 'logs', args);
  return new Takeover({ address, ...args }, (sock) => joinSocket(sock, stream));
};
