// `skywire master --web HOST:PORT`: the dashboard in the master's process. Loopback by default;
// the login token lives in HOME/web-login (0600, made on first use, delete it to change it) and
// is printed at start with a URL that carries it in the fragment, which browsers never send.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlHandler } from '../env/control-server.ts';
import { startWebServer } from '../env/web-http.ts';
import { parseHostPort } from '../env/host-port.ts';
import type { MasterService } from '../master/master-service.ts';
import { packageRoot } from '../apps/package-files.ts';
import { SkywireError } from '../errors.ts';
import { WebAuth } from './web-auth.ts';
import { FleetFeed } from './fleet-feed.ts';
import { webRoutes } from './web-routes.ts';
import { deployServer, type Deployer } from './web-deploy.ts';

export const WEB_LOGIN_FILE = 'web-login';
export const DEFAULT_WEB_LISTEN = '127.0.0.1:8080';

export interface Dashboard {
  url: string;
  /** The URL with the token in its fragment: opening it logs in. */
  loginUrl: string;
  token: string;
  auth: WebAuth;
  feed: FleetFeed;
  close(): Promise<void>;
}

const TOKEN = /^[A-Za-z0-9_-]{32,128}$/;

/** The login token: HOME/web-login, made on first use. */
export const loginToken = (home: string, fresh: () => string): string => {
  const path = join(home, WEB_LOGIN_FILE);
  if (existsSync(path)) {
    const t = readFileSync(path, 'utf8').trim();
    if (!TOKEN.test(t)) throw new SkywireError('WEB_LOGIN', `${path} does not hold a login token (32-128 letters, digits, - or _); delete it and a new one is made`);
    return t;
  }
  const t = fresh();
  writeFileSync(path, `${t}\n`, { mode: 0o600, flag: 'wx' });
  return t;
};

export const startDashboard = async (o: { master: MasterService; handlers: ReadonlyMap<string, ControlHandler>; listen: string; hosts?: readonly string[]; home: string; staticDir?: string; deployer?: Deployer; log(line: string): void }): Promise<Dashboard> => {
  const node = o.master.overlay.node;
  const random = (): string => Buffer.from(node.random.bytes(32)).toString('base64url');
  const token = loginToken(o.home, random);
  const auth = new WebAuth(token, node.clock, random);
  const feed = new FleetFeed(o.master, node.clock).start();
  const listenHost = parseHostPort(o.listen, '--web').host;
  const unspecified = listenHost === '0.0.0.0' || listenHost === '::';
  const routes = webRoutes({ auth, feed, handlers: o.handlers, master: { address: node.address, name: node.name }, hosts: [...(unspecified ? [] : [listenHost]), ...(o.hosts ?? [])], ...(o.deployer ? { deploy: deployServer(o.deployer) } : {}) });
  try {
    const server = await startWebServer({ listen: o.listen, staticDir: o.staticDir ?? join(packageRoot(), 'dist', 'web'), routes, log: o.log });
    if (unspecified) o.log(`the dashboard listens on every address (${o.listen}): anyone who reaches it can try the login; prefer 127.0.0.1 and an "ssh -L" tunnel`);
    return {
      url: server.url, loginUrl: `${server.url}#token=${token}`, token, auth, feed,
      close: async () => {
        feed.stop();
        await server.close();
      },
    };
  } catch (e) {
    feed.stop();
    throw e;
  }
};
