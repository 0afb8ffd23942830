// Entry of the built-in SOCKS5 exit app: serves SOCKS5 on its overlay port and opens every
// destination through the node (sdk.tcpSplice), which resolves names, enforces the exit
// policy and then moves the session's bytes itself; the sandbox gives this process no network
// of its own. A bad config/socks.json is one clear line on stderr and exit 1, so the node
// reports the start as failed.
import { connectApp } from '../../sdk/index.ts';
import type { SocksAuth } from '../../exit-policy.ts';
import { serveSocks } from './serve-socks.ts';
import { readSocksConfig } from './socks-config.ts';
import { SOCKS_PORT } from './socks-port.ts';

const log = (line: string): void => void process.stderr.write(`socks: ${line}\n`);

const authIn = (configDir: string): SocksAuth | undefined => {
  try {
    return readSocksConfig(configDir).auth;
  } catch (e) {
    log((e as Error).message);
    return process.exit(1);
  }
};

const sdk = await connectApp();
const auth = authIn(sdk.paths.config);
await sdk.listen(SOCKS_PORT, (stream) => { serveSocks(stream, { auth, log, connect: (h, p) => sdk.tcpConnect(h, p), splice: (st, h, p, o) => sdk.tcpSplice(st, h, p, o) }).catch(() => stream.destroy()); });
await sdk.ready();
