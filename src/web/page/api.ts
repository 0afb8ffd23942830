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
