// Parsers for the three client messages of a SOCKS5 handshake. Each looks at the bytes received
// so far and answers "need more", "bad" (with the reply code to send, if any) or the message and
// how many bytes it used, so a message split anywhere by the network parses the same. Sans-IO
// and never throws: these bytes come from anyone on the overlay.
import { AddrType, AUTH_VERSION, Command, Reply, SOCKS_VERSION } from './socks-wire.ts';

export type Parsed<T> =
  | { kind: 'need' }
  /** `unsupported`: well-formed but asks for what this server does not do. */
  | { kind: 'bad'; why: string; reply?: number; unsupported?: true }
  | { kind: 'ok'; value: T; used: number };

export interface SocksRequest { host: string; port: number }

const NEED = { kind: 'need' } as const;
const bad = (why: string, reply?: number): Parsed<never> => ({ kind: 'bad', why, ...(reply === undefined ? {} : { reply }) });
const unsupported = (why: string, reply: number): Parsed<never> => ({ kind: 'bad', why, reply, unsupported: true });

/** VER NMETHODS METHODS... */
export const parseGreeting = (b: Buffer): Parsed<number[]> => {
  if (b.length < 2) return b.length === 1 && b[0] !== SOCKS_VERSION ? bad(`version ${b[0]} is not SOCKS5`) : NEED;
  if (b[0] !== SOCKS_VERSION) return bad(`version ${b[0]} is not SOCKS5`);
  const used = 2 + b[1]!;
  return b.length < used ? NEED : { kind: 'ok', value: [...b.subarray(2, used)], used };
};

/** RFC 1929: VER ULEN UNAME PLEN PASSWD. */
export const parseUserPass = (b: Buffer): Parsed<{ username: Buffer; password: Buffer }> => {
  if (b.length >= 1 && b[0] !== AUTH_VERSION) return bad(`username/password version ${b[0]} is not 1`);
  if (b.length < 2) return NEED;
  const ulen = b[1]!;
  if (b.length < 3 + ulen) return NEED;
  const used = 3 + ulen + b[2 + ulen]!;
  if (b.length < used) return NEED;
  return { kind: 'ok', value: { username: b.subarray(2, 2 + ulen), password: b.subarray(3 + ulen, used) }, used };
};

const ipv6Text = (a: Buffer): string =>
  Array.from({ length: 8 }, (_, i) => a.readUInt16BE(i * 2).toString(16)).join(':');

// A name goes to the exit's resolver as is: printable ASCII only, so no NUL or control byte can
// change what the resolver is asked (clients send IDNs as punycode).
const NAME = /^[\x21-\x7e]+$/;

/** VER CMD RSV ATYP DST.ADDR DST.PORT; only CONNECT is served. */
export const parseRequest = (b: Buffer): Parsed<SocksRequest> => {
  if (b.length >= 1 && b[0] !== SOCKS_VERSION) return bad(`request version ${b[0]} is not SOCKS5`, Reply.generalFailure);
  if (b.length < 2) return NEED;
  if (b[1] !== Command.connect) {
    const name = b[1] === Command.bind ? 'BIND' : b[1] === Command.udpAssociate ? 'UDP ASSOCIATE' : `command ${b[1]}`;
    return unsupported(`${name} is not supported (only CONNECT)`, Reply.commandNotSupported);
  }
  if (b.length < 4) return NEED;
  const atyp = b[3]!;
  let host: string;
  let at: number;
  if (atyp === AddrType.ipv4) {
    if (b.length < 10) return NEED;
    host = [...b.subarray(4, 8)].join('.');
    at = 8;
  } else if (atyp === AddrType.ipv6) {
    if (b.length < 22) return NEED;
    host = ipv6Text(b.subarray(4, 20));
    at = 20;
  } else if (atyp === AddrType.domain) {
    if (b.length < 5) return NEED;
    at = 5 + b[4]!;
    if (b.length < at + 2) return NEED;
    host = b.subarray(5, at).toString('latin1');
    if (!NAME.test(host)) return bad('the domain name is empty or has bytes outside printable ASCII', Reply.hostUnreachable);
  } else return unsupported(`address type ${atyp} is not supported (IPv4 1, domain 3, IPv6 4)`, Reply.addressTypeNotSupported);
  return { kind: 'ok', value: { host, port: b.readUInt16BE(at) }, used: at + 2 };
};
