// RFC 1928 / RFC 1929 constants and the server's reply message. The reply code says why a
// CONNECT failed, so it is derived from the connector's error code and never from its message.
export const SOCKS_VERSION = 5;
export const AUTH_VERSION = 1;

export const Method = { none: 0x00, userPass: 0x02, noneAcceptable: 0xff } as const;
export const Command = { connect: 0x01, bind: 0x02, udpAssociate: 0x03 } as const;
export const AddrType = { ipv4: 0x01, domain: 0x03, ipv6: 0x04 } as const;

export const Reply = {
  succeeded: 0x00,
  generalFailure: 0x01,
  notAllowed: 0x02,
  networkUnreachable: 0x03,
  hostUnreachable: 0x04,
  connectionRefused: 0x05,
  ttlExpired: 0x06,
  commandNotSupported: 0x07,
  addressTypeNotSupported: 0x08,
} as const;

// Lowercase codes come from the node (SDK tcpConnect), errno names from a direct net.connect.
const BY_CODE: Readonly<Record<string, number>> = Object.freeze({
  SOCKS_POLICY: Reply.notAllowed,
  APP_DENIED: Reply.notAllowed,
  ENETUNREACH: Reply.networkUnreachable,
  unreachable: Reply.hostUnreachable,
  ENOTFOUND: Reply.hostUnreachable,
  EAI_AGAIN: Reply.hostUnreachable,
  EHOSTUNREACH: Reply.hostUnreachable,
  refused: Reply.connectionRefused,
  ECONNREFUSED: Reply.connectionRefused,
  timeout: Reply.ttlExpired,
  ETIMEDOUT: Reply.ttlExpired,
});

type Coded = { code?: unknown; cause?: { code?: unknown } };

export const replyFor = (err: unknown): number => {
  const e = (typeof err === 'object' && err !== null ? err : {}) as Coded;
  // The exit folds ENETUNREACH into 'unreachable' but keeps the errno as the cause.
  if (e.code === 'unreachable' && e.cause?.code === 'ENETUNREACH') return Reply.networkUnreachable;
  return BY_CODE[String(e.code)] ?? Reply.generalFailure;
};

/** VER REP RSV ATYP BND.ADDR BND.PORT; an IPv4 bound address, or 0.0.0.0:0 when unknown. */
export const encodeReply = (reply: number, bound?: { ip: string; port: number }): Buffer => {
  const octets = bound && /^\d+\.\d+\.\d+\.\d+$/.test(bound.ip) ? bound.ip.split('.').map(Number) : [0, 0, 0, 0];
  const port = bound && octets.some((o) => o !== 0) ? bound.port : 0;
  return Buffer.from([SOCKS_VERSION, reply, 0, AddrType.ipv4, ...octets, port >> 8, port & 0xff]);
};
