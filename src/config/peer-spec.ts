// "ADDRESS@HOST:PORT" peer specs, as given on the command line and in config files.
import { parseAddress } from '../identity/address.ts';
import { parseHostPort } from '../env/host-port.ts';
import { SkywireError, isSkywireError } from '../errors.ts';

export interface PeerSpec { address: string; endpoint: string }

export const parsePeerSpec = (text: string, where = '--peer'): PeerSpec => {
  const at = text.indexOf('@');
  if (at < 0) throw new SkywireError('BAD_PEER', `${where}: "${text}" must be ADDRESS@HOST:PORT (the address is what "skywire id" prints on the peer)`);
  const address = text.slice(0, at);
  const endpoint = text.slice(at + 1);
  try {
    parseAddress(address, `${where} address`);
    parseHostPort(endpoint, `${where} endpoint`);
  } catch (e) {
    if (isSkywireError(e)) throw new SkywireError('BAD_PEER', `${where}: ${e.message}`);
    throw e;
  }
  return { address, endpoint };
};
