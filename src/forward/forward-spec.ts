// The `LPORT:HOST:PORT` argument of `skywire forward`, as in ssh -L (HOST may be [v6]).
import { SkywireError } from '../errors.ts';

export interface ForwardSpec { lport: number; host: string; port: number }

const portOf = (s: string, what: string, spec: string): number => {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < 1 || n > 65535) throw new SkywireError('BAD_REQUEST', `${what} in "${spec}" must be 1..65535 (LPORT:HOST:PORT, e.g. 2222:127.0.0.1:22)`);
  return n;
};

export const parseForwardSpec = (spec: string): ForwardSpec => {
  const m = /^(\d+):(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d+)$/.exec(spec);
  if (!m) throw new SkywireError('BAD_REQUEST', `forward spec "${spec}" must be LPORT:HOST:PORT, e.g. 2222:127.0.0.1:22`);
  const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
  return { lport: portOf(m[1]!, 'LPORT', spec), host, port: portOf(m[3]!, 'PORT', spec) };
};
