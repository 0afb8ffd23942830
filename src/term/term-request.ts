// The master's control handler for `skywire term`: signs a 'term' command for the node, opens
// the terminal and turns the control connection into the framed terminal stream.
import { Takeover } from '../env/control-server.ts';
import type { ServiceOpener } from './open-service.ts';
import { joinSocket } from './join-socket.ts';
import { TERM_PORT } from './service-ports.ts';

const dim = (v: unknown, dflt: number): number => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : dflt;
};

export const termRequest = async (opener: ServiceOpener, req: Record<string, unknown>, port = TERM_PORT): Promise<Takeover> => {
  const address = String(req.address);
  const args: Record<string, unknown> = { cols: dim(req.cols, 80), rows: dim(req.rows, 24) };
  if (typeof req.term === 'string') args.term = req.term;
  const { stream, info } = await opener.open(address, port, 'term', args);
  return new Takeover({ address, pid: info.pid }, (sock) => joinSocket(sock, stream));
};
