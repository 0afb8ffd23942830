// The master's control requests for terminals and forwards, ready to merge into its handler
// table. `resolve` turns a name or address prefix into an address through the registry; a full
// address that the registry does not know is used as is, since the node itself decides whether
// to obey (a node that never registered can still be reached and still checks the signature).
import type { ControlHandler } from '../env/control-server.ts';
import type { Overlay } from '../overlay/overlay.ts';
import type { CommandSigner } from '../command/command-types.ts';
import { parseAddress } from '../identity/address.ts';
import { ServiceOpener } from './open-service.ts';
import { termRequest } from './term-request.ts';
import { forwardRequest } from '../forward/forward-request.ts';

export interface MasterHandlerOptions {
  resolve?: (ref: string) => string;
  /** Persists the signer's sequence numbers before a signed command leaves (registry flush). */
  persist?: () => Promise<void>;
}

export const masterServiceHandlers = (overlay: Overlay, signer: CommandSigner, opts: MasterHandlerOptions = {}): Map<string, ControlHandler> => {
  const opener = new ServiceOpener(overlay, signer, opts.persist);
  const address = (req: Record<string, unknown>): Record<string, unknown> => {
    const ref = String(req.address);
    if (!opts.resolve) return req;
    try {
      return { ...req, address: opts.resolve(ref) };
    } catch (e) {
      try {
        parseAddress(ref);
        return req;
      } catch {
        throw e;
      }
    }
  };
  return new Map<string, ControlHandler>([
    ['term', (req) => termRequest(opener, address(req))],
    ['forward', (req) => forwardRequest(opener, address(req))],
  ]);
};
