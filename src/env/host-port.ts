// "host:port" and "[v6]:port" parsing with errors that say what is wrong.
import { SkywireError } from '../errors.ts';

export const parseHostPort = (text: string, what: string): { host: string; port: number } => {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]\s]+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SkywireError('BAD_LISTEN', `${what}: "${text}" is not HOST:PORT (for example 127.0.0.1:7000 or [::1]:7000)`);
  }
  return { host: m[1]!, port };
};
