// Calls to the master's dashboard API. State-changing calls carry the session's CSRF token;
// the session itself is an HttpOnly cookie the page never sees.
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}

let csrf = '';
export const setCsrf = (t: string): void => { csrf = t; };

const parse = async <T>(r: Response): Promise<T> => {
  const body = (await r.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!r.ok) throw new ApiError(r.status, body.error?.code ?? String(r.status), body.error?.message ?? r.statusText);
  return body as T;
};

export const get = async <T>(path: string): Promise<T> => parse<T>(await fetch(path, { credentials: 'same-origin' }));

export const post = async <T>(path: string, body: unknown): Promise<T> => parse<T>(await fetch(path, {
  method: 'POST', credentials: 'same-origin',
  headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
  body: JSON.stringify(body),
}));

export interface SessionInfo { csrf: string; master: { address: string; name: string } }

/** A signed command's answer as the master's handlers return it (src/master/master-control.ts). */
export type CommandReply<T = unknown> = { ok: true; result: T } | { ok: false; refused: string } | { ok: false; error: { code: string; message: string } };
export interface Reply<T = unknown> { node: string; name: string; reply: CommandReply<T> }

/** Why a command did not succeed, in one line ('' when it did). */
export const why = (r: CommandReply): string => ('refused' in r ? `refused (${r.refused})` : 'error' in r ? `${r.error.code}: ${r.error.message}` : '');
export const errText = (e: unknown): string => (e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
