// The initiator's side of a CookieReply: only the node that sent the init (and so knows the
// mac1 it carried) and expects this responder address can open the cookie.
import { DOMAIN } from '../wire/constants.ts';
import type { CookieReply } from '../wire/cookie-reply.ts';
import { open } from './aead.ts';
import { sha256 } from './kdf.ts';

export const openCookie = (responder: Uint8Array, initBytes: Uint8Array, reply: CookieReply): Uint8Array | null =>
  open(sha256(DOMAIN.cookie, responder), Buffer.from(reply.nonce), initBytes.subarray(158, 174), reply.sealedCookie);
