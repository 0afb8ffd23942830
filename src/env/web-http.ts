// The dashboard's HTTP and WebSocket server (node:http and the `ws` package): sockets, bodies,
// static files and headers live here; who may do what is decided by the routes it is given
// (src/web/web-routes.ts). Static files are a fixed list read once from the bundle directory
// (dist/web, built by `npm install`), so no request path ever reaches the file system.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { SkywireError } from '../errors.ts';
import { parseHostPort } from './host-port.ts';

export interface WebRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body of a POST (undefined when none). */
  body: unknown;
}
export interface WebResponse { status: number; json?: unknown; headers?: Record<string, string> }
export type SocketDecision = { refuse: number; reason: string } | { accept: (ws: WebSocket) => void };
export interface WebRoutes {
  api(req: WebRequest): Promise<WebResponse>;
  socket(req: WebRequest): SocketDecision;
}
export interface WebServer { host: string; port: number; url: string; close(): Promise<void> }

const MAX_BODY = 1 << 20;
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.map': 'application/json' };

// The page loads nothing from elsewhere (no CDN, works offline) and may not be framed.
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The bundle's files by URL path ('/' is index.html); empty when the page was not built. */
const loadStatic = (dir: string): Map<string, { type: string; bytes: Buffer }> => {
  const files = new Map<string, { type: string; bytes: Buffer }>();
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) files.set(`/${name}`, { type, bytes: readFileSync(join(dir, name)) });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
};

const readBody = (req: IncomingMessage): Promise<unknown> => new Promise((resolve, reject) => {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_BODY) { reject(Object.assign(new Error('body too large'), { status: 413 })); req.destroy(); return; }
    chunks.push(c);
  });
  req.on('error', reject);
  req.on('end', () => {
    if (size === 0) return resolve(undefined);
    try {
      resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch {
      reject(Object.assign(new Error('the body is not JSON'), { status: 400 }));
    }
  });
});

const toRequest = (req: IncomingMessage, body: unknown): WebRequest => {
  const url = new URL(req.url ?? '/', 'http://x');
  return { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
};

const send = (res: ServerResponse, status: number, type: string, bytes: Buffer | string, extra: Record<string, string> = {}): void => {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(bytes);
};

export const startWebServer = async (o: { listen: string; staticDir: string; routes: WebRoutes; log(line: string): void }): Promise<WebServer> => {
  const { host, port } = parseHostPort(o.listen, '--web');
  const files = loadStatic(o.staticDir);
  if (files.size === 0) o.log(`the dashboard page is not built (${o.staticDir} is missing): run "npm install" or "npm run build"; the API still answers`);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!path.startsWith('/api/')) {
      const f = req.method === 'GET' || req.method === 'HEAD' ? files.get(path) : undefined;
      if (f) return send(res, 200, f.type, f.bytes);
      return send(res, 404, 'text/plain; charset=utf-8', files.size === 0 && path === '/' ? 'the dashboard page is not built: run "npm install" or "npm run build"\n' : 'not found\n');
    }
    readBody(req).then((body) => o.routes.api(toRequest(req, body))).then(
      (r) => send(res, r.status, 'application/json', JSON.stringify(r.json ?? {}), r.headers),
      (e: Error & { status?: number; code?: string }) => send(res, e.status ?? 500, 'application/json', JSON.stringify({ error: { code: e.code ?? 'INTERNAL', message: e.message } })),
    );
  });
  server.on('clientError', (_e, sock) => sock.destroy());
  server.on('upgrade', (req: IncomingMessage, sock: Duplex, head: Buffer) => {
    sock.on('error', () => sock.destroy());
    const d = o.routes.socket(toRequest(req, undefined));
    if ('refuse' in d) {
      sock.end(`HTTP/1.1 ${d.refuse} ${d.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, sock, head, (ws) => d.accept(ws));
  });
  // Slow or idle clients cannot hold sockets for ever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.maxConnections = 256;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new SkywireError('BAD_LISTEN', `cannot serve the dashboard on ${host}:${port} (${e.code}); pick another --web HOST:PORT`)));
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as { port: number }).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    host, port: bound, url: `http://${shown}:${bound}/`,
    close: () => new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};
