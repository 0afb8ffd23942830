// The node's outbound TCP for apps with the 'tcp-exit' capability (the SOCKS5 exit). The name is
// resolved here, at the exit, and EVERY address it resolves to is checked against the policy
// before any connect: a public-looking name that also resolves into the LAN (DNS rebinding) is
// refused as a whole rather than raced.
import { lookup } from 'node:dns/promises';
import { connect, isIP, type Socket } from 'node:net';
import { SkywireError, type ErrorCode } from '../errors.ts';
import { checkDestination, type ExitPolicy } from '../apps/exit-policy.ts';

export type ExitConnector = (host: string, port: number) => Promise<Socket>;
export interface ExitOptions { connectTimeoutMs?: number }

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

const CODE_OF: Readonly<Record<string, ErrorCode>> = Object.freeze({
  ECONNREFUSED: 'refused', ENOTFOUND: 'unreachable', EAI_AGAIN: 'unreachable', EAI_NONAME: 'unreachable', EAI_NODATA: 'unreachable',
  EHOSTUNREACH: 'unreachable', ENETUNREACH: 'unreachable', EADDRNOTAVAIL: 'unreachable', ETIMEDOUT: 'timeout', ECONNRESET: 'reset',
});

/** The errno stays the cause, so the SOCKS reply can still tell a network from a host. */
const mapped = (e: unknown, what: string): SkywireError => {
  const errno = (e as NodeJS.ErrnoException).code ?? '';
  return new SkywireError(CODE_OF[errno] ?? 'unreachable', `${what}: ${errno || (e as Error).message}`, { cause: e });
};

const resolve = async (host: string): Promise<string[]> => {
  if (isIP(host) !== 0) return [host];
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch (e) {
    throw mapped(e, `cannot resolve "${host}" at the exit`);
  }
};

const connectOne = (ip: string, port: number, timeoutMs: number): Promise<Socket> =>
  new Promise((ok, ko) => {
    // Half-open: the client's FIN must travel on as a FIN, not close the reply direction.
    const sock = connect({ host: ip, port, allowHalfOpen: true });
    sock.setTimeout(timeoutMs, () => sock.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    const onError = (e: Error): void => ko(mapped(e, `cannot connect to ${ip} port ${port}`));
    sock.once('error', onError);
    sock.once('connect', () => {
      sock.setTimeout(0);
      sock.off('error', onError);
      ok(sock);
    });
  });

export const exitConnector = (policy: ExitPolicy, opts: ExitOptions = {}): ExitConnector => async (host, port) => {
  const ips = await resolve(host);
  if (ips.length === 0) throw new SkywireError('unreachable', `"${host}" has no address`);
  for (const ip of ips) {
    const v = checkDestination(policy, ip, port);
    if (!v.ok) throw new SkywireError('SOCKS_POLICY', ip === host ? `refused: ${v.reason}` : `refused: "${host}" resolves to ${ip}: ${v.reason}`);
  }
  // In resolver order (as a browser would, minus the racing): "localhost" may be ::1 first
  // while the service listens only on 127.0.0.1.
  let last: unknown;
  for (const ip of ips) {
    try {
      return await connectOne(ip, port, opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    } catch (e) {
      last = e;
    }
  }
  throw last;
};
