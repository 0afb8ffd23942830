// The master's control requests for terminals and forwards, ready to merge into its handler
// table. `resolve` turns a name or address prefix into the address of an admitted node through
// the registry, and refuses anything else.
import type { ControlHandler } from '../env/control-server.ts';
import type { Overlay } from '../overlay/overlay.ts';
import type { CommandSigner } from '../command/command-types.ts';
import { parseAddress } from '../identity/address.ts';
import { ServiceOpener } from './open-service.ts';
import { termRequest } from './term-request.ts';
import { forwardRequest } from '../forward/forward-request.ts';
import { logsRequest } from '../logs/logs-request.ts';

export interface MasterHandlerOptions {
  resolve?: (ref: string) => string;
  /** Persists the signer's sequence numbers before a signed command leaves (registry flush). */
  persist?: () => Promise<void>;
}

export const masterServiceHandlers = (overlay: Overlay, signer: CommandSigner, opts: MasterHandlerOptions = {}): Map<string, ControlHandler> => {
  const opener = new ServiceOpener(overlay, signer, opts.persist);
  // With a registry (the master), only admitted nodes: a name or address it does not know, or a
  // node waiting for approval, gets nothing. Without one (tests of the services alone), a full
  // address is used as is; the node still checks the signed command.
  const address = (req: Record<string, unknown>): Record<string, unknown> => {
    const ref = String(req.address);
    if (opts.resolve) return { ...req, address: opts.resolve(ref) };
    parseAddress(ref);
    return req;
  };
  return new Map<string, ControlHandler>([
    ['term', (req) => termRequest(opener, address(req))],
    ['forward', (req) => forwardRequest(opener, address(req))],
    ['logs', (req) => logsRequest(opener, address(req))],
  ]);
};
