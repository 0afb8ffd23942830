// The master's control handler for one forwarded TCP connection: signs a 'forward' command,
// opens the stream to the node and turns the control connection into the raw byte pipe.
import { Takeover } from '../env/control-server.ts';
import { SkywireError } from '../errors.ts';
import type { ServiceOpener } from '../term/open-service.ts';
import { joinSocket } from '../term/join-socket.ts';
import { FORWARD_PORT } from '../term/service-ports.ts';

export const forwardRequest = async (opener: ServiceOpener, req: Record<string, unknown>, port = FORWARD_PORT): Promise<Takeover> => {
  const address = String(req.address);
  const host = String(req.host ?? '');
  const dport = Number(req.port);
  if (host.length === 0 || !Number.isInteger(dport) || dport < 1 || dport > 65535) {
    throw new SkywireError('BAD_REQUEST', `forward needs host and port 1..65535, got ${host}:${String(req.port)}`);
  }
  const { stream } = await opener.open(address, port, 'forward', { host, port: dport });
  return new Takeover({ address, host, port: dport }, (sock) => joinSocket(sock, stream));
};
