// The kernel guard: an nftables table in front of the node's UDP port, so that a flood from
// strangers is dropped by the kernel before Node reads it. Node's dgram costs about 8 us of
// CPU per datagram on a 2-core VM even with an empty handler (5.6 us user, 2.8 us system), so
// a 60,000 packet/s junk flood took 93 % of the master's core and a member's stream fell to a
// quarter (bench/flood); no check in JavaScript can be cheaper than reading the packet.
//
// Packets from the endpoints of the node's fleet links (a set kept by the node, src/node/
// kernel-guard.ts) pass untouched. Everything else on the port (strangers registering, members
// that moved to a new endpoint, junk) passes up to a rate per source address and a rate in all,
// and the rest is dropped and counted. A member that roams is back in the set within a sync
// period (its first packets ride the strangers' rate meanwhile).
//
// One table per port (`inet skywire_PORT`), replaced on start (a table left by kill -9 goes) and
// deleted on stop. Needs root or CAP_NET_ADMIN and the nft tool; without them the node runs as
// before and says why in status and doctor.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { parseHostPort } from './host-port.ts';
import { MsgType, WIRE_VERSION } from '../wire/constants.ts';

export interface NftGuardOptions {
  /** The bound UDP port the table guards. */
  port: number;
  /** Packets per second one stranger address may send (burst: twice that). */
  perSourcePerSec: number;
  /** Packets per second all strangers together may send (burst: twice that). */
  globalPerSec: number;
  /** The same for handshake initiations alone (each costs the node public-key work). */
  initsPerSourcePerSec: number;
  initsGlobalPerSec: number;
}

export interface NftGuardStatus {
  on: boolean;
  table: string;
  /** Endpoints in the fleet set (their packets skip the limits). */
  fleetEndpoints: number;
  /** Packets the kernel dropped: handshake inits over their rates, other packets over one
   *  source's rate, over the strangers' total rate. */
  dropped: { handshakes: number; perSource: number; global: number };
  /** Set updates applied, and counter readings (each sync period). */
  syncs: number;
  reads: number;
  error: string | null;
}

export interface NftGuard {
  /** Makes the fleet set exactly `endpoints` ("host:port"); a no-op when nothing changed. */
  sync(endpoints: Iterable<string>): void;
  status(): NftGuardStatus;
  close(): Promise<void>;
}

// Absolute: under npm, node_modules/.bin comes first in PATH and @vercel/nft ships a binary
// called `nft` that would shadow the firewall tool.
const nftPath = (): string | undefined => ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft'].find((p) => existsSync(p));

/** Runs one nft transaction (atomic: all of it or none) and resolves with stdout. */
const nft = (bin: string, script: string, args: string[] = ['-f', '-']): Promise<string> => new Promise((resolve, reject) => {
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { err = (err + c.toString()).slice(-2000); });
  child.on('error', (e) => reject(e));
  child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(firstLine(err) || `nft exited with ${code}`))));
  child.stdin.on('error', () => undefined); // nft gone before reading: its exit code says why
  child.stdin.end(script);
});

const firstLine = (s: string): string => s.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';

export const tableName = (port: number): string => `skywire_${port}`;

/** The table's ruleset; `table {}` then `delete table` makes the replace work whether or not an
 *  old one is there, in one transaction. */
export const guardRuleset = (o: NftGuardOptions): string => {
  const t = `inet ${tableName(o.port)}`;
  const rate = (n: number): string => { const r = Math.max(1, Math.round(n)); return `${r}/second burst ${r * 2} packets`; };
  // A handshake init (wire version 1, type 1: the second payload byte, bit 72 after the UDP
  // header) costs the node a signature check and a key exchange: strangers get far fewer of
  // those than other packets.
  const init = `@th,64,16 0x${((WIRE_VERSION << 8) | MsgType.HandshakeInit).toString(16).padStart(4, '0')}`;
  return `table ${t} {}
delete table ${t}
table ${t} {
  set fleet4 { type ipv4_addr . inet_service; }
  set fleet6 { type ipv6_addr . inet_service; }
  set sources4 { type ipv4_addr; size 65535; flags dynamic,timeout; timeout 1m; }
  set sources6 { type ipv6_addr; size 65535; flags dynamic,timeout; timeout 1m; }
  set inits4 { type ipv4_addr; size 65535; flags dynamic,timeout; timeout 1m; }
  set inits6 { type ipv6_addr; size 65535; flags dynamic,timeout; timeout 1m; }
  counter handshakes {}
  counter per_source {}
  counter global {}
  chain guard {
    ip saddr . udp sport @fleet4 accept
    ip6 saddr . udp sport @fleet6 accept
    ${init} update @inits4 { ip saddr limit rate over ${rate(o.initsPerSourcePerSec)} } counter name handshakes drop
    ${init} update @inits6 { ip6 saddr limit rate over ${rate(o.initsPerSourcePerSec)} } counter name handshakes drop
    ${init} limit rate over ${rate(o.initsGlobalPerSec)} counter name handshakes drop
    update @sources4 { ip saddr limit rate over ${rate(o.perSourcePerSec)} } counter name per_source drop
    update @sources6 { ip6 saddr limit rate over ${rate(o.perSourcePerSec)} } counter name per_source drop
    limit rate over ${rate(o.globalPerSec)} counter name global drop
  }
  chain input {
    type filter hook input priority filter - 10; policy accept;
    udp dport ${o.port} jump guard
  }
}
`;
};

/** `host:port` endpoints as nft set elements, IPv4 and IPv6 apart; names and junk are left out. */
export const setElements = (endpoints: Iterable<string>): { v4: string[]; v6: string[] } => {
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  for (const e of endpoints) {
    let hp;
    try { hp = parseHostPort(e, 'endpoint'); } catch { continue; }
    const host = hp.host.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
    if (isIPv6(host)) v6.add(`${host} . ${hp.port}`);
    else if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) v4.add(`${host} . ${hp.port}`);
  }
  return { v4: [...v4].sort(), v6: [...v6].sort() };
};

/** A guard that is off: nothing synced, nothing dropped, and why. */
export const guardOffStatus = (table: string, error: string | null): NftGuardStatus =>
  ({ on: false, table, fleetEndpoints: 0, dropped: { handshakes: 0, perSource: 0, global: 0 }, syncs: 0, reads: 0, error });

export const openNftGuard = async (o: NftGuardOptions): Promise<NftGuard> => {
  const table = tableName(o.port);
  const bin = nftPath();
  const st = guardOffStatus(table, null);
  const why = (e: unknown): string => {
    const m = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'nft is not installed (apt-get install nftables)' : (e as Error).message;
    return /not permitted|EPERM/i.test(m) ? `${m} (the kernel guard needs root or CAP_NET_ADMIN)` : m;
  };
  if (!bin) st.error = 'nft is not installed (apt-get install nftables)';
  else {
    try {
      await nft(bin, guardRuleset(o));
      st.on = true;
    } catch (e) {
      st.error = why(e);
    }
  }
  // Transactions run one at a time, in order; while one runs, later syncs fold into the last.
  let running: Promise<void> = Promise.resolve();
  let wanted: string | undefined;
  let applied = '';
  let queued = false;
  let closed = false;
  const apply = (): void => {
    if (queued) return;
    queued = true;
    running = running.then(async () => {
      queued = false;
      if (!st.on || closed || wanted === undefined || wanted === applied) return;
      const want = wanted;
      const { v4, v6 } = JSON.parse(want) as { v4: string[]; v6: string[] };
      // Flush and refill in one transaction: no moment where a member is in neither.
      const script = [`flush set inet ${table} fleet4`, `flush set inet ${table} fleet6`,
        ...(v4.length ? [`add element inet ${table} fleet4 { ${v4.join(', ')} }`] : []),
        ...(v6.length ? [`add element inet ${table} fleet6 { ${v6.join(', ')} }`] : [])].join('\n');
      try {
        await nft(bin!, `${script}\n`);
        applied = want;
        st.fleetEndpoints = v4.length + v6.length;
        st.syncs++;
        st.error = null;
      } catch (e) {
        st.error = why(e); // tried again at the next sync
      }
      await readCounters();
    });
  };
  const readCounters = async (): Promise<void> => {
    try {
      const j = JSON.parse(await nft(bin!, '', ['-j', 'list', 'counters', 'table', 'inet', table])) as { nftables?: Array<{ counter?: { name: string; packets: number } }> };
      for (const x of j.nftables ?? []) {
        if (x.counter?.name === 'handshakes') st.dropped.handshakes = x.counter.packets;
        if (x.counter?.name === 'per_source') st.dropped.perSource = x.counter.packets;
        if (x.counter?.name === 'global') st.dropped.global = x.counter.packets;
      }
      st.reads++;
    } catch { /* the counters stay at their last reading */ }
  };
  return {
    sync(endpoints) {
      if (!st.on || closed) return;
      wanted = JSON.stringify(setElements(endpoints));
      if (wanted === applied) { running = running.then(readCounters); return; }
      apply();
    },
    status: () => ({ ...st, dropped: { ...st.dropped } }),
    async close() {
      closed = true;
      await running;
      if (!st.on) return;
      st.on = false;
      await nft(bin!, `delete table inet ${table}\n`).catch(() => undefined); // replaced at the next start if it stayed
    },
  };
};
