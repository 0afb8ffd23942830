// Specification constants: changing any of these changes the wire format.
export const WIRE_VERSION = 1;

export const MsgType = {
  HandshakeInit: 0x01,
  HandshakeResp: 0x02,
  CookieReply: 0x03,
  Transport: 0x04,
  /** "Your init was not for me": sent (rate-limited) to an init whose mac1 is not for our
   *  address, so the sender learns it has the wrong key for this endpoint (src/node/link-problem.ts). */
  Misaddressed: 0x05,
  /** The reachability probe's echo: [1][0x06][token 16], sent by a relay from another port to
   *  the endpoint it sees a member at (src/node/reach-probe.ts). Unauthenticated: only a token
   *  the node sent over its encrypted link makes it count. */
  ProbeEcho: 0x06,
} as const;

export const KEY_BYTES = 32;
export const SIG_BYTES = 64;
export const MAC_BYTES = 16;
export const TAG_BYTES = 16;
export const ADDR_BYTES = 16;

export const INIT_BYTES = 2 + 4 + KEY_BYTES + KEY_BYTES + ADDR_BYTES + 8 + SIG_BYTES + MAC_BYTES + MAC_BYTES; // 190
export const INIT_SIGNED_BYTES = 2 + 4 + KEY_BYTES + KEY_BYTES + ADDR_BYTES + 8; // 94
export const RESP_BYTES = 2 + 4 + 4 + KEY_BYTES + KEY_BYTES + SIG_BYTES + MAC_BYTES; // 154
export const RESP_SIGNED_BYTES = 2 + 4 + 4 + KEY_BYTES + KEY_BYTES; // 74
export const COOKIE_NONCE_BYTES = 12;
export const COOKIE_BYTES = 2 + 4 + COOKIE_NONCE_BYTES + MAC_BYTES + TAG_BYTES; // 50
/** version, type, the init's sender index, our address: smaller than the init (no amplification). */
export const MISADDRESSED_BYTES = 2 + 4 + ADDR_BYTES; // 22
export const TRANSPORT_HEADER_BYTES = 2 + 4 + 8; // 14
export const TRANSPORT_OVERHEAD = TRANSPORT_HEADER_BYTES + TAG_BYTES; // 30

/** Inner (encrypted) message kinds carried in a transport packet's plaintext. */
export const InnerType = {
  Keepalive: 0x00,
  Ping: 0x01,
  Pong: 0x02,
  Payload: 0x10,
} as const;

export const DOMAIN = {
  init: 'skywire/link/v1/init',
  resp: 'skywire/link/v1/resp',
  keys: 'skywire/link/v1/keys',
  mac1: 'skywire/link/v1/mac1',
  cookie: 'skywire/link/v1/cookie',
} as const;
