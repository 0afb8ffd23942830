// `skywire doctor`: what is wrong with this node, checked one thing at a time, like `tailscale
// netcheck`: the home and identity, the running node, the master and registration, every link
// (with why it is down: src/node/link-problem.ts), the nearest relay, the clock, the disk and
// each TNC. Every check is ok, warn or fail, with the fix; the exit status is 1 if any failed.
import { existsSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { parseHostPort } from '../env/host-port.ts';
import type { ProbeResult } from '../node/reach-probe.ts';
import { controlRequest } from '../env/control-client.ts';
import { realClock } from '../env/real-clock.ts';
import { keyFilePath } from '../identity/key-file.ts';
import { isSkywireError } from '../errors.ts';
import { loadNodeConfig } from '../config/node-config.ts';
import type { NodeStatus } from '../node/node-status.ts';
import type { AgentStatus } from '../master/node-agent.ts';
import type { RadioStatus } from './node-radio.ts';
import type { DiskStatus } from '../node/disk-health.ts';
import type { NftGuardStatus } from '../env/nft-guard.ts';

export type Verdict = 'ok' | 'warn' | 'fail';

export interface Check { name: string; verdict: Verdict; detail: string }

type Running = NodeStatus & { master?: AgentStatus; radios?: RadioStatus[]; disk?: DiskStatus; kernelGuard?: NftGuardStatus | null };

/** A Pi without a real-time clock boots in 1970 until NTP answers; credentials would be refused. */
const EARLIEST_SANE_MS = Date.UTC(2026, 0, 1);
const LOW_DISK_BYTES = 64 * 1024 * 1024;

export const runDoctor = async (home: string): Promise<Check[]> => {
  const checks: Check[] = [];
  const add = (name: string, verdict: Verdict, detail: string): void => void checks.push({ name, verdict, detail });
  if (!existsSync(home)) {
    add('home', 'fail', `${home} does not exist: create a node with "skywire init --home ${home}", or give --home DIR / SKYWIRE_HOME`);
    return checks;
  }
  add('home', 'ok', home);
  add('identity', existsSync(keyFilePath(home)) ? 'ok' : 'fail', existsSync(keyFilePath(home)) ? keyFilePath(home) : `no ${keyFilePath(home)}: "skywire init --home ${home}" creates it (a node also makes it on its first start)`);
  try {
    const c = loadNodeConfig(home);
    add('config', 'ok', `${join(home, 'config.json')}: ${c.peers.length} peer(s), ${c.relays.length} relay(s), ${c.radios.length} radio(s)${c.master ? ', a master' : ''}`);
  } catch (e) {
    add('config', 'fail', isSkywireError(e) ? e.message : String(e));
  }
  // The wall clock: membership credentials carry validity times.
  const now = realClock().wallMs();
  const synced = existsSync('/run/systemd/timesync/synchronized');
  if (now < EARLIEST_SANE_MS) add('clock', 'fail', `the clock says ${new Date(now).toISOString()}: set it or wait for NTP (timedatectl); credentials are refused until it is right`);
  else add('clock', synced || !existsSync('/run/systemd/timesync') ? 'ok' : 'warn', `${new Date(now).toISOString()}${synced ? ', synchronised by systemd-timesyncd' : existsSync('/run/systemd/timesync') ? ', NOT yet synchronised (timedatectl timesync-status)' : ''}`);
  try {
    const fs = statfsSync(home);
    const free = fs.bavail * fs.bsize;
    add('disk', free < LOW_DISK_BYTES ? (free === 0 ? 'fail' : 'warn') : 'ok', `${(free / 1048576).toFixed(0)} MiB free of ${((fs.blocks * fs.bsize) / 1048576).toFixed(0)} MiB where ${home} is${free < LOW_DISK_BYTES ? ': the node keeps running but cannot save state or messages; free space' : ''}`);
  } catch (e) {
    add('disk', 'warn', `cannot read the free space of ${home} (${(e as NodeJS.ErrnoException).code})`);
  }
  let s: Running;
  try {
    s = (await controlRequest(home, { cmd: 'status' })) as Running;
  } catch (e) {
    add('node', 'fail', isSkywireError(e) ? e.message : String(e));
    return checks;
  }
  add('node', 'ok', `${s.name === s.address ? s.address : `${s.name} (${s.address})`}, up ${Math.round(s.uptimeMs / 1000)} s`);
  for (const f of s.disk?.failing ?? []) add('disk writes', 'fail', `cannot write ${f.file} (${f.errno}), ${f.retries} retries: free space or fix its permissions`);
  const m = s.master;
  if (!m?.master) add('master', 'warn', 'none configured: put the master\'s key in the boot partition\'s skywire/master.txt (node --boot), or "master" in config.json');
  else {
    const r = m.registration;
    const state = r?.state ?? 'unknown';
    const verdict: Verdict = state === 'registered' ? 'ok' : state === 'pending' ? 'warn' : 'fail';
    const hint = state === 'pending' ? ': waiting for approval ("skywire nodes approve" on the master)'
      : state === 'removed' ? ': removed from the fleet by the master'
      : state === 'registered' ? '' : `${r?.lastError ? ` (${r.lastError})` : ''}: the master is not reachable; see the links below`;
    add('master', verdict, `${m.master}: ${state}${hint}`);
  }
  const masterLink = m?.master ? s.links.find((l) => l.peer === m.master) : undefined;
  for (const l of s.links) {
    const up = l.state === 'up' || l.state === 'rekeying';
    add(`link ${l.peer}`, up ? 'ok' : l.problem ? 'fail' : 'warn', up
      ? `${l.state} via ${l.carrier} ${l.endpoint ?? '?'}, rtt ${l.rttMs ?? '-'} ms, loss ${l.lossPct} %`
      : l.problem ?? `${l.state} (no diagnosis yet: a handshake takes a few seconds)`);
  }
  if (s.links.length === 0) add('links', 'warn', 'no peers configured: add relays or peers in config.json, or --peer ADDRESS@HOST:PORT');
  // The nearest relay: the configured relays that are up, by round-trip time.
  let relays: string[] = [];
  try { relays = loadNodeConfig(home).relays.map((r) => r.address); } catch { /* reported above */ }
  // A link just up has no round trip yet: it is up all the same (it sorts last).
  const upRelays = s.links.filter((l) => relays.includes(l.peer) && (l.state === 'up' || l.state === 'rekeying')).sort((a, b) => (a.rttMs ?? Infinity) - (b.rttMs ?? Infinity));
  if (relays.length > 0) {
    add('relay', upRelays.length > 0 ? 'ok' : 'fail', upRelays.length > 0
      ? `nearest ${upRelays[0]!.peer} ${upRelays[0]!.rttMs === null ? '(no round trip measured yet)' : `at ${upRelays[0]!.rttMs} ms`} (${upRelays.length} of ${relays.length} up)`
      : `none of ${relays.length} relay(s) is up: behind a firewall this node is reachable only through one`);
  }
  if (masterLink === undefined && m?.master && m.registration?.state === 'registered') add('path to master', 'ok', 'through a relay (no direct link)');
  const g = s.kernelGuard;
  if (g) {
    add('kernel guard', g.on && !g.error ? 'ok' : 'warn', g.on
      ? `nftables table inet ${g.table}: ${g.fleetEndpoints} fleet endpoint(s) pass, ${g.dropped.perSource + g.dropped.global} stranger packet(s) dropped${g.error ? `; last update failed: ${g.error}` : ''}`
      : `off: ${g.error ?? 'not started'}; until it is on, a stranger's flood costs this node's CPU (README "Floods")`);
  }
  await reachability(home, add);
  for (const r of s.radios ?? []) {
    add(`radio ${r.device}`, r.serial === 'open' ? 'ok' : 'fail', r.serial === 'open'
      ? `TNC open, ${r.bitrate} bit/s, ${r.mode}${r.station ? `, station ${r.station}` : ''}, airtime ${r.airtimePct ?? 0} %`
      : `${r.serial}${r.error ? `: ${r.error}` : ''}`);
  }
  return checks;
};

/** The relays' view of this node (src/node/reach-probe.ts): is there a NAT, and does a datagram
 *  from a source this node never sent to get in (then peers can link to it directly). */
const reachability = async (home: string, add: (name: string, verdict: Verdict, detail: string) => void): Promise<void> => {
  let r: { listen: string; localAddresses: string[]; results: ProbeResult[] };
  try {
    r = (await controlRequest(home, { cmd: 'probe', timeoutMs: 2000 })) as typeof r;
  } catch (e) {
    add('reachability', 'warn', `cannot ask the node to probe: ${isSkywireError(e) ? e.message : String(e)}`);
    return;
  }
  if (r.results.length === 0) {
    add('reachability', 'warn', 'no relay or master link is up to ask how this node is seen from outside');
    return;
  }
  const local = splitEndpoint(r.listen);
  const mine = new Set(r.localAddresses);
  if (local && !['0.0.0.0', '::'].includes(local.host)) mine.add(local.host);
  for (const p of r.results) {
    const seen = p.observed ? splitEndpoint(p.observed) : null;
    if (!p.observed || !seen) {
      add('nat', 'warn', `${p.relay} did not answer the probe in 2 s (a relay older than this version, or the link is lossy)`);
      continue;
    }
    if (!mine.has(seen.host)) add('nat', 'ok', `behind a NAT: ${p.relay} sees this node at ${p.observed}, it listens on ${r.listen}`);
    else if (local && seen.port !== local.port) add('nat', 'warn', `the port is translated: ${p.relay} sees ${p.observed}, this node listens on ${r.listen} (a NAT or firewall on this machine)`);
    else add('nat', 'ok', `none: ${p.relay} sees this node at its own address ${p.observed} (${p.ms} ms)`);
    if (p.echo === true) add('udp inbound', 'ok', `reachable from outside: ${p.relay}'s datagram from another port arrived, so peers can link to ${p.observed} directly`);
    else if (p.echo === false) add('udp inbound', 'warn', `not reachable unasked: a datagram from a new source (${p.relay}, another port) was filtered by a NAT or firewall; other nodes reach this one through its relays, or open UDP ${local?.port ?? ''} inbound`);
  }
};

const splitEndpoint = (e: string): { host: string; port: number } | null => {
  try { return parseHostPort(e, 'endpoint'); } catch { return null; }
};

export const formatChecks = (checks: Check[]): string =>
  checks.map((c) => `${c.verdict === 'ok' ? ' ok ' : c.verdict === 'warn' ? 'warn' : 'FAIL'}  ${c.name.padEnd(14)} ${c.detail}`).join('\n') + '\n';

