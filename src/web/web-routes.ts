// What the dashboard's HTTP API does and who may call it. Deny by default, in this order:
//  1. Host must be a loopback name, the address the server is bound to, or one the operator
//     added (--web-host): a DNS-rebinding page cannot talk to it under its own name.
//  2. Everything but the login and the session probe needs a live session cookie.
//  3. Every POST and every WebSocket must come from this origin (Origin is http(s)://Host),
//     and a POST must carry the session's CSRF token in X-CSRF-Token.
// Each route maps onto one of the master's control handlers (src/master/master-control.ts), the
// same code `skywire nodes`, `config set` and `app` use, so the page can do nothing the CLI
// cannot; file-path arguments (deploy from a path, export to a path) are not reachable from here.
import type { IncomingHttpHeaders } from 'node:http';
import type { WebSocket } from 'ws';
import type { ControlHandler } from '../env/control-server.ts';
import type { WebRequest, WebResponse, WebRoutes, SocketDecision } from '../env/web-http.ts';
import { SkywireError, isSkywireError } from '../errors.ts';
import { SESSION_COOKIE, SESSION_IDLE_MS, type Session, type WebAuth } from './web-auth.ts';
import type { FleetFeed } from './fleet-feed.ts';
import { bridgeService } from './service-bridge.ts';

const LOOPBACK: readonly string[] = Object.freeze(['localhost', '127.0.0.1', '[::1]']);

/** The host name of a Host header ("[::1]:8080" -> "[::1]", "a:1" -> "a"), lower case. */
export const hostName = (host: string): string => {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
};

export interface RouteDeps {
  auth: WebAuth;
  feed: FleetFeed;
  handlers: ReadonlyMap<string, ControlHandler>;
  master: { address: string; name: string };
  /** Names besides loopback the page may be reached by (the bound address, --web-host). */
  hosts: readonly string[];
  /** Bundle uploads (src/web/web-deploy.ts); absent, the deploy socket is refused. */
  deploy?: (ws: WebSocket) => void;
}

type Handler = (req: WebRequest, s: Session) => Promise<unknown>;

const status = (e: unknown): number => {
  if (!isSkywireError(e)) return 500;
  if (e.code === 'UNKNOWN_NODE' || e.code === 'UNKNOWN_TAG' || e.code === 'APP_NOT_FOUND') return 404;
  if (e.code === 'NOT_ADMITTED' || e.code === 'NAME_TAKEN') return 409;
  if (e.code === 'CONTROL_TIMEOUT') return 504;
  return 400;
};

const body = (req: WebRequest): Record<string, unknown> => {
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw new SkywireError('BAD_REQUEST', 'the request needs a JSON object body');
  return req.body as Record<string, unknown>;
};

const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || v === '' || v.length > 200) throw new SkywireError('BAD_REQUEST', `${what} is required`);
  return v;
};

export const webRoutes = (d: RouteDeps): WebRoutes => {
  // Bare names: an IPv6 literal in brackets, as it appears in a Host header.
  const allowedHosts = new Set([...LOOPBACK, ...d.hosts.map((h) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h).toLowerCase())]);
  const call = (cmd: string, args: Record<string, unknown>): Promise<unknown> => {
    const h = d.handlers.get(cmd);
    if (!h) throw new SkywireError('INTERNAL', `the master has no handler for ${cmd}`);
    return Promise.resolve(h({ cmd, ...args }));
  };
  const nodeArg = (req: WebRequest): string => str(req.query.get('node'), 'node');
  const get = new Map<string, Handler>([
    ['/api/nodes', () => call('nodes', {})],
    ['/api/topology', () => call('topology', {})],
    ['/api/metrics', (req) => call('metrics', { node: nodeArg(req) })],
    // The node's own account of its links and routes, through a signed status command.
    ['/api/status', (req) => call('node-command', { node: nodeArg(req), command: 'status', args: {}, timeoutMs: 15_000 })],
    ['/api/apps', (req) => call('app-list', { node: nodeArg(req) })],
    ['/api/config', (req) => call('config-get', { node: nodeArg(req) })],
    ['/api/app-config', (req) => call('app-config-get', { node: nodeArg(req), app: str(req.query.get('app'), 'app') })],
  ]);
  const post = new Map<string, Handler>([
    ['/api/approve', (req) => call('nodes-approve', { node: str(body(req).node, 'node') })],
    ['/api/remove', (req) => call('nodes-remove', { node: str(body(req).node, 'node') })],
    ['/api/tag', (req) => { const b = body(req); return call('nodes-tag', { node: str(b.node, 'node'), add: b.add, remove: b.remove }); }],
    ['/api/config', (req) => { const b = body(req); return call('config-set', { node: str(b.node, 'node'), config: b.config, version: b.version }); }],
    // Checked on the master before anything goes to the node: every issue with its field.
    ['/api/config-check', (req) => call('config-check', { config: body(req).config })],
    ['/api/restart', (req) => call('node-command', { node: str(body(req).node, 'node'), command: 'restart', args: {}, timeoutMs: 15_000 })],
    // An app's config/ replaced whole ({file name: base64}); versioned one above the node's.
    ['/api/app-config', (req) => { const b = body(req); return call('app-config', { node: str(b.node, 'node'), app: str(b.app, 'app'), files: b.files }); }],
    // Stop on one node, copy, start on the other, remove from the first once healthy.
    ['/api/app-move', (req) => { const b = body(req); return call('app-move', { app: str(b.app, 'app'), from: str(b.from, 'from'), to: str(b.to, 'to') }); }],
    ['/api/app', (req) => {
      const b = body(req);
      const verb = str(b.verb, 'verb');
      if (verb !== 'start' && verb !== 'stop' && verb !== 'remove') throw new SkywireError('BAD_REQUEST', 'verb must be start, stop or remove');
      return call(`app-${verb}`, { node: str(b.node, 'node'), app: str(b.app, 'app') });
    }],
  ]);

  const hostOk = (h: IncomingHttpHeaders): boolean => typeof h.host === 'string' && allowedHosts.has(hostName(h.host));
  // https too: behind a TLS reverse proxy (--web-host) the page's origin is https://Host. A
  // browser never lets a page send another site's Origin, so either scheme is this page.
  const sameOrigin = (h: IncomingHttpHeaders): boolean => {
    if (typeof h.origin !== 'string' || typeof h.host !== 'string') return false;
    const o = h.origin.toLowerCase();
    const host = h.host.toLowerCase();
    return o === `http://${host}` || o === `https://${host}`;
  };
  const refuse = (why: string, code: number, message: string): WebResponse => {
    d.auth.refuse(why);
    return { status: code, json: { error: { code: why, message } } };
  };

  return {
    async api(req) {
      if (!hostOk(req.headers)) return refuse('bad-host', 421, 'this dashboard answers only to its own address (add --web-host NAME to the master to use another name)');
      const s = d.auth.session(req.headers.cookie);
      if (req.method === 'POST' && !sameOrigin(req.headers)) return refuse('bad-origin', 403, 'cross-origin request refused');
      if (req.path === '/api/login' && req.method === 'POST') {
        const r = d.auth.login((req.body as { token?: unknown } | undefined)?.token);
        if (!r.ok) return refuse(r.reason === 'throttled' ? 'login-throttled' : 'bad-token', r.reason === 'throttled' ? 429 : 401,
          r.reason === 'throttled' ? 'too many failed logins: wait a minute' : 'wrong login token (the master prints it at start and keeps it in HOME/web-login)');
        return {
          status: 200, json: { csrf: r.session.csrf, master: d.master },
          headers: { 'Set-Cookie': `${SESSION_COOKIE}=${r.session.id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_IDLE_MS / 1000}` },
        };
      }
      if (req.path === '/api/session' && req.method === 'GET') {
        return s ? { status: 200, json: { csrf: s.csrf, master: d.master } } : refuse('no-session', 401, 'log in first');
      }
      if (!s) return refuse('no-session', 401, 'log in first');
      if (req.method === 'POST' && !d.auth.csrfOk(s, req.headers['x-csrf-token'])) return refuse('bad-csrf', 403, 'missing or wrong CSRF token');
      if (req.path === '/api/logout' && req.method === 'POST') {
        d.auth.logout(s);
        return { status: 200, json: {}, headers: { 'Set-Cookie': `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0` } };
      }
      const h = req.method === 'GET' ? get.get(req.path) : req.method === 'POST' ? post.get(req.path) : undefined;
      if (!h) return { status: 404, json: { error: { code: 'NOT_FOUND', message: `no ${req.method} ${req.path}` } } };
      try {
        return { status: 200, json: await h(req, s) };
      } catch (e) {
        const err = e as { code?: string; message?: string };
        return { status: status(e), json: { error: { code: err.code ?? 'INTERNAL', message: err.message ?? String(e) } } };
      }
    },
    socket(req): SocketDecision {
      if (!hostOk(req.headers)) { d.auth.refuse('bad-host'); return { refuse: 421, reason: 'Misdirected Request' }; }
      if (!sameOrigin(req.headers)) { d.auth.refuse('bad-origin'); return { refuse: 403, reason: 'Forbidden' }; }
      if (!d.auth.session(req.headers.cookie)) { d.auth.refuse('no-session'); return { refuse: 401, reason: 'Unauthorized' }; }
      if (req.path === '/api/term' || req.path === '/api/logs') {
        const cmd = req.path === '/api/term' ? 'term' : 'logs';
        const handler = d.handlers.get(cmd);
        const node = req.query.get('node');
        if (!handler || !node) return { refuse: 400, reason: 'Bad Request' };
        // Sizes and line counts are bounded where they are used (termRequest, the node's logs).
        const q = req.query;
        const request = cmd === 'term'
          ? { cmd, address: node, cols: q.get('cols'), rows: q.get('rows') }
          : { cmd, address: node, follow: q.get('follow') === '1', lines: q.get('lines') ?? 200, ...(q.get('app') ? { app: q.get('app') } : {}) };
        return { accept: (ws) => bridgeService(ws, handler, request) };
      }
      if (req.path === '/api/deploy') return d.deploy ? { accept: d.deploy } : { refuse: 404, reason: 'Not Found' };
      if (req.path !== '/api/feed') return { refuse: 404, reason: 'Not Found' };
      return {
        accept: (ws) => {
          ws.on('error', () => ws.terminate());
          // The page sends nothing on the feed; anything it does send is ignored.
          if (!d.feed.add(ws)) {
            ws.close(1013, 'too many pages open');
            return;
          }
          ws.on('close', () => d.feed.remove(ws));
        },
      };
    },
  };
};
