// Who may use the master's web dashboard. One login token, made when the master starts and
// shown only to whoever runs it (its console and HOME/web-login, mode 0600), is traded for a
// session: a random id in an HttpOnly, SameSite=Strict cookie, plus a CSRF token the page sends
// in a header with every state-changing request. The session table is bounded (oldest out),
// sessions end after an idle hour, and failed logins are rate-limited: ten per minute in all,
// because a guessed token is the whole fleet.
import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../env/clock.ts';

export const SESSION_COOKIE = 'skywire_session';
export const MAX_SESSIONS = 64;
export const SESSION_IDLE_MS = 60 * 60_000;
export const LOGIN_FAILURES_PER_MINUTE = 10;

export interface Session { id: string; csrf: string; createdMs: number; usedMs: number }

export interface WebAuthCounters { logins: number; loginFailures: number; loginThrottled: number; sessionsEvicted: number; refused: Record<string, number> }

export type LoginResult = { ok: true; session: Session } | { ok: false; reason: 'bad-token' | 'throttled' };

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export class WebAuth {
  private readonly sessions = new Map<string, Session>();
  private failures: number[] = [];
  readonly counters: WebAuthCounters = { logins: 0, loginFailures: 0, loginThrottled: 0, sessionsEvicted: 0, refused: {} };

  /** `token`: the login token; `random`: url-safe random strings of 32 bytes (src/env). */
  constructor(private readonly token: string, private readonly clock: Clock, private readonly random: () => string) {}

  login(offered: unknown): LoginResult {
    const now = this.clock.now();
    this.failures = this.failures.filter((t) => now - t < 60_000);
    if (this.failures.length >= LOGIN_FAILURES_PER_MINUTE) {
      this.counters.loginThrottled++;
      return { ok: false, reason: 'throttled' };
    }
    if (typeof offered !== 'string' || !same(offered.trim(), this.token)) {
      this.failures.push(now);
      this.counters.loginFailures++;
      return { ok: false, reason: 'bad-token' };
    }
    this.expire(now);
    if (this.sessions.size >= MAX_SESSIONS) {
      // Maps keep insertion order, and a used session is re-inserted: the first is the least recent.
      this.sessions.delete(this.sessions.keys().next().value!);
      this.counters.sessionsEvicted++;
    }
    const session: Session = { id: this.random(), csrf: this.random(), createdMs: now, usedMs: now };
    this.sessions.set(session.id, session);
    this.counters.logins++;
    return { ok: true, session };
  }

  /** The live session a request's cookie names, or undefined. */
  session(cookieHeader: string | undefined): Session | undefined {
    const id = cookieValue(cookieHeader, SESSION_COOKIE);
    if (id === undefined) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const now = this.clock.now();
    if (now - s.usedMs > SESSION_IDLE_MS) {
      this.sessions.delete(id);
      return undefined;
    }
    s.usedMs = now;
    this.sessions.delete(id);
    this.sessions.set(id, s);
    return s;
  }

  csrfOk(s: Session, header: unknown): boolean {
    return typeof header === 'string' && same(header, s.csrf);
  }

  logout(s: Session): void {
    this.sessions.delete(s.id);
  }

  refuse(reason: string): void {
    this.counters.refused[reason] = (this.counters.refused[reason] ?? 0) + 1;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  private expire(now: number): void {
    for (const [id, s] of this.sessions) if (now - s.usedMs > SESSION_IDLE_MS) this.sessions.delete(id);
  }
}

/** One cookie's value from a Cookie header (no library: the grammar we accept is name=value; ...). */
export const cookieValue = (header: string | undefined, name: string): string | undefined => {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
};
