// A small lab of Linux network namespaces for firewall and NAT tests: one hub namespace with a
// bridge, and one namespace per host joined to it by a veth pair on 10.N.0.0/24. Only addresses
// in these namespaces are ever used; teardown deletes every namespace (and with it every veth).
import { existsSync } from 'node:fs';
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';

// Absolute paths: under npm/ava, node_modules/.bin comes first in PATH, and @vercel/nft ships a
// binary called `nft` that would shadow the firewall tool.
const sbin = (tool: string): string => ['/usr/sbin', '/sbin', '/usr/bin', '/bin'].map((d) => `${d}/${tool}`).find((p) => existsSync(p)) ?? tool;
const IP = sbin('ip');
const NFT = sbin('nft');

const run = (...args: string[]): string => {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
};

/** Why namespace tests cannot run here, or undefined when they can. */
export const netnsUnavailable = (): string | undefined => {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  if (!existsSync(IP)) return 'ip is not installed (apt-get install iproute2)';
  if (!existsSync(NFT)) return 'nft is not installed (apt-get install nftables)';
  return undefined;
};

export class NetLab {
  readonly hosts = new Map<string, string>();
  private readonly hub: string;
  private readonly procs: ChildProcess[] = [];

  /** `tag` keeps concurrent labs apart; `subnet` is the second octet of 10.X.0.0/24. */
  constructor(private readonly tag: string, private readonly subnet: number) {
    this.hub = `${tag}-hub`;
    this.cleanupStale();
    run(IP, 'netns', 'add', this.hub);
    run(IP, '-n', this.hub, 'link', 'add', 'br0', 'type', 'bridge');
    run(IP, '-n', this.hub, 'link', 'set', 'br0', 'up');
  }

  /** Adds a host namespace with address 10.subnet.0.index; returns that address. */
  host(name: string, index: number): string {
    const ns = this.ns(name);
    const ip = `10.${this.subnet}.0.${index}`;
    const outer = `${this.tag.slice(0, 6)}${index}o`;
    const inner = `${this.tag.slice(0, 6)}${index}i`;
    run(IP, 'netns', 'add', ns);
    run(IP, 'link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
    run(IP, 'link', 'set', outer, 'netns', this.hub);
    run(IP, 'link', 'set', inner, 'netns', ns);
    run(IP, '-n', this.hub, 'link', 'set', outer, 'master', 'br0', 'up');
    run(IP, '-n', ns, 'addr', 'add', `${ip}/24`, 'dev', inner);
    run(IP, '-n', ns, 'link', 'set', inner, 'up');
    run(IP, '-n', ns, 'link', 'set', 'lo', 'up');
    this.hosts.set(name, ip);
    return ip;
  }

  /** A stateful firewall: new inbound connections are dropped, replies to outbound ones pass. */
  firewall(name: string): void {
    const rules = `table inet skyfw {
  chain input { type filter hook input priority 0; policy drop;
    iif lo accept
    ct state established,related accept
    counter comment "dropped-new-inbound"
  }
}`;
    const r = spawnSync(IP, ['netns', 'exec', this.ns(name), NFT, '-f', '-'], { input: rules, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`nft failed: ${r.stderr}`);
  }

  /** A NAT on the host itself that rewrites UDP source port `from` to `to` on the way out
   *  (conntrack maps the replies back); datagrams nobody asked for, to port `to`, find no mapping. */
  portNat(name: string, from: number, to: number): void {
    const ip = this.hosts.get(name);
    const rules = `table ip skynat {
  chain post { type nat hook postrouting priority 100;
    oif != lo udp sport ${from} snat to ${ip}:${to}
  }
}`;
    const r = spawnSync(IP, ['netns', 'exec', this.ns(name), NFT, '-f', '-'], { input: rules, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`nft failed: ${r.stderr}`);
  }

  /** Packets the firewall dropped so far. */
  droppedInbound(name: string): number {
    const out = run(IP, 'netns', 'exec', this.ns(name), NFT, 'list', 'chain', 'inet', 'skyfw', 'input');
    return Number(/counter packets (\d+)/.exec(out)?.[1] ?? 0);
  }

  spawn(name: string, cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
    const p = spawn(IP, ['netns', 'exec', this.ns(name), cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    this.procs.push(p);
    return p;
  }

  exec(name: string, cmd: string, args: string[], timeoutMs = 60_000): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(IP, ['netns', 'exec', this.ns(name), cmd, ...args], { encoding: 'utf8', timeout: timeoutMs });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  ns(name: string): string {
    return `${this.tag}-${name}`;
  }

  destroy(): void {
    for (const p of this.procs) p.kill('SIGKILL');
    for (const name of this.hosts.keys()) spawnSync(IP, ['netns', 'del', this.ns(name)]);
    spawnSync(IP, ['netns', 'del', this.hub]);
  }

  /** A previous run killed before teardown leaves namespaces behind; they would clash. */
  private cleanupStale(): void {
    const list = spawnSync(IP, ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
    for (const line of list.split('\n')) {
      const ns = line.split(' ')[0];
      if (ns && ns.startsWith(`${this.tag}-`)) spawnSync(IP, ['netns', 'del', ns]);
    }
  }
}
