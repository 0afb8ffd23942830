// `skywire node`: a real node on UDP with its control socket and persisted state. The wiring
// of real env implementations into the sans-IO node happens here and nowhere else.
import { networkInterfaces } from 'node:os';
import { attachReachProbe } from '../node/reach-probe.ts';
import { randomBytes } from 'node:crypto';
import { openUdpCarrier } from '../env/udp-carrier.ts';
import { udpBatchUnavailable } from '../env/udp-batch.ts';
import { realClock } from '../env/real-clock.ts';
import { realRandom } from '../env/real-random.ts';
import { nullTrace } from '../env/trace.ts';
import { openControlServer } from '../env/control-server.ts';
import { nodeSuite } from '../identity/node-suite.ts';
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import { keyFilePath, loadOrCreateIdentity } from '../identity/key-file.ts';
import { KERNEL_GUARD_DEFAULTS, loadNodeConfig } from '../config/node-config.ts';
import { guardOffStatus, openNftGuard, type NftGuard, type NftGuardStatus } from '../env/nft-guard.ts';
import { parseHostPort } from '../env/host-port.ts';
import { fleetEndpoints } from '../node/kernel-guard.ts';
import { parsePeerSpec } from '../config/peer-spec.ts';
import { SkyNode } from '../node/node.ts';
import { openNodeState, recordStatus } from '../node/node-state.ts';
import { DiskHealth, mustWrite } from '../node/disk-health.ts';
import { join } from 'node:path';
import { prepareHome } from '../node/home-dir.ts';
import { acquireHomeLock, type HomeLock } from '../node/home-lock.ts';
import { linkProblem } from '../node/link-problem.ts';
import { resolveTarget } from '../node/resolve-target.ts';
import { exitAfter } from './last-resort.ts';
import type { Logger } from './logger.ts';
import { Overlay } from '../overlay/overlay.ts';
import { pingRequest, routeRequest } from './control-routes.ts';
import { acceptRequest, connectRequest } from './control-streams.ts';
import { socksListenRequest } from './socks-listen-request.ts';
import type { ControlHandler } from '../env/control-server.ts';
import type { PeerSpec } from '../config/peer-spec.ts';
import { NodeAgent } from '../master/node-agent.ts';
import { startBootWatch } from './boot-watch.ts';
import { attachNodeServices } from './node-services.ts';
import { LogRing } from '../logs/log-ring.ts';
import { attachApps, type NodeApps } from './node-apps.ts';
import { hostMetricsSampler } from '../env/host-metrics.ts';
import { MAX_APPS } from '../master/node-metrics.ts';
import { watchSoftwareTrial } from './software-trial.ts';
import { readSoftwareState } from '../apps/self-update.ts';
import { SKYWIRE_VERSION } from '../version.ts';
import { attachSms } from '../sms/attach-sms.ts';
import { attachRadio, type NodeRadio } from './node-radio.ts';
import { radioPeers } from '../radio/radio-config.ts';
import { radioTopologyTimers } from '../radio/radio-topology.ts';
import { attachMembershipStore, type MembershipStore } from '../membership/membership-store.ts';

export interface RunNodeOptions {
  home: string;
  listen?: string | undefined;
  peer: string[];
  acceptUnknown?: boolean | undefined;
  /** Boot partition directory: DIR/skywire/master.txt names the master (first boot). */
  boot?: string | undefined;
  bootPollMs?: number | undefined;
  /** How often the node reports link and route changes to its master. */
  heartbeatMs?: number | undefined;
  /** Count every linked neighbour as configured in topology (the master: nodes come to it). */
  trustAllNeighbours?: boolean | undefined;
  /** Extra control-socket requests (the master's); consulted before the node's own. */
  controlHandlers?: ReadonlyMap<string, ControlHandler> | undefined;
  /** The master's registry lookup of a node by name or prefix (src/node/resolve-target.ts). */
  resolveName?: ((ref: string) => { address: string; name: string }) | undefined;
  /** Extra fields for `skywire status` (the master's registry summary). */
  extraStatus?: (() => Record<string, unknown>) | undefined;
  /** After a master's 'restart' command stopped the node cleanly; default exit 0 (systemd restarts). */
  onRestart?: (() => void) | undefined;
  /** Topology stub (overrides config.json "stub"): see src/topology/topology-options.ts. */
  stub?: boolean | undefined;
  /** The kernel guard (overrides config.json "kernelGuard" when true): src/env/nft-guard.ts. */
  kernelGuard?: boolean | undefined;
  /** Several nodes in one process (benchmarks, the local demo) may share a suite. */
  suite?: CryptoSuite | undefined;
}
/** disk: the files this node cannot write right now (status "disk"); the master's registry joins it. */
export interface RunningNode { node: SkyNode; overlay: Overlay; agent: NodeAgent; radio: NodeRadio | undefined; apps: NodeApps; disk: DiskHealth; stop(reason: string): Promise<void> }

const SAVE_EVERY_MS = 30_000;
/** How often the kernel guard's fleet set follows the links: a member that moved rides the
 *  strangers' rate at most this long. */
const GUARD_SYNC_MS = 5_000;

export const runNode = async (opts: RunNodeOptions, log: Logger): Promise<RunningNode> => {
  // Before anything in the home is read or written: a usable home, and no other node on it.
  prepareHome(opts.home);
  const lock = acquireHomeLock(opts.home);
  try {
    return await startNode(opts, log, lock);
  } catch (e) {
    lock.release();
    throw e;
  }
};

const startNode = async (opts: RunNodeOptions, consoleLog: Logger, lock: HomeLock): Promise<RunningNode> => {
  const clock = realClock();
  // Every line still goes to the console; the last ones are also kept for `skywire logs`.
  const log = new LogRing(consoleLog, clock.wallMs);
  const startedAt = clock.now();
  const suite = opts.suite ?? nodeSuite();
  // First boot: keys first, then the boot file folded into config.json, then the config read.
  // The one write a node cannot start without; every other one is retried (DiskHealth).
  const { identity, created } = mustWrite(keyFilePath(opts.home), 'the node cannot create its identity', () => loadOrCreateIdentity(suite, opts.home, () => new Uint8Array(randomBytes(32))));
  const disk = new DiskHealth(clock, log);
  if (created) log.info(`created identity ${identity.address} in ${opts.home}`);
  const boot = opts.boot === undefined ? undefined : startBootWatch(opts.home, opts.boot, clock, opts.bootPollMs ?? 2000, log);
  const config = loadNodeConfig(opts.home);
  const cliPeers = opts.peer.map((p) => parsePeerSpec(p));
  const listen = opts.listen ?? config.listen ?? '0.0.0.0:7000';
  const carrier = await openUdpCarrier(listen);
  const node = new SkyNode({ clock, random: realRandom(), trace: nullTrace, suite, identity, name: config.name }, { ...config.link, acceptUnknown: opts.acceptUnknown ?? config.link.acceptUnknown });
  node.attach(carrier);
  const radioNeighbours = config.radios.flatMap((r) => radioPeers(r).map((p) => p.address));
  const staticPeers = opts.trustAllNeighbours ? undefined : [...[...config.peers, ...config.relays, ...cliPeers].map((p) => p.address), ...radioNeighbours];
  // A radio's bit rate sets the topology's pace (src/radio/radio-topology.ts), as in the simulator.
  // The slowest radio sets it: records must fit that channel's share.
  const slowest = [...config.radios].sort((a, b) => a.bitrate - b.bitrate)[0];
  const radioTimers = slowest ? radioTopologyTimers(slowest.bitrate, slowest.txDelayMs + slowest.txTailMs) : {};
  // Real nodes move 64 KB packets on loopback paths (path MTU): 256 KiB buffers would hold only
  // four of them in flight, so they get 1 MiB (bench/throughput: +20-35 % over one to three
  // relays). A limit, not an allocation; the simulator keeps the defaults.
  const overlay = new Overlay(node, { topology: { staticPeers, stub: opts.stub ?? config.stub ?? false, ...radioTimers }, stream: { sendBufferBytes: 1 << 20, receiveBufferBytes: 1 << 20 } });
  const addPeer = (p: PeerSpec): void => void (p.address !== identity.address && node.addPeer(p.address, carrier, p.endpoint));
  for (const p of [...config.peers, ...config.relays, ...cliPeers]) addPeer(p);
  const { db, previousUnclean, quarantined } = await openNodeState(opts.home, clock.wallMs());
  const stateFile = disk.file(join(opts.home, 'state.json'), () => db.write());
  stateFile.request(); // this start; on a full disk the warning names the file and the errno
  if (previousUnclean) log.warn('the previous run did not shut down cleanly (killed or power loss); state is from its last save');
  if (quarantined) log.warn(`state.json was unreadable and was moved to ${quarantined}; starting with empty state`);
  let radios: NodeRadio[] = [];
  let guard: NftGuard | undefined;
  let guardOff: NftGuardStatus | undefined;
  const status = (): Record<string, unknown> => ({
    ...node.status(), routes: overlay.routes(), tables: overlay.tables(), topology: { records: overlay.topology.records, stub: overlay.topology.options.stub }, radio: radios[0]?.status() ?? null, radios: radios.map((r) => r.status()), apps: apps.manager.list(), software: { version: SKYWIRE_VERSION, ...readSoftwareState(opts.home) }, boot: boot?.watcher.status ?? null, master: agent.status(), disk: disk.status(), membership: { ...overlay.membership.status(), saveError: membershipStore?.lastError ?? null, refusedStreams: { ...overlay.refusedCallers } }, services: services.status(),
    // Whether the native batched UDP path is in use (native/udp-batch), with its counters, or why not.
    udp: { listen: carrier.local, sendErrors: carrier.sendErrors, batch: carrier.udpBatch ?? null, batchOff: udpBatchUnavailable() ?? null },
    kernelGuard: guard?.status() ?? guardOff ?? null, ...opts.extraStatus?.(),
  });
  let membershipStore: MembershipStore | undefined;
  const hostMetrics = hostMetricsSampler(opts.home);
  // Set once the apps are attached below: a heartbeat or a logs request before that sees none.
  let attachedApps: NodeApps | undefined;
  const agent = new NodeAgent({
    home: opts.home, overlay, heartbeatMs: opts.heartbeatMs ?? 10_000, configVersion: config.configVersion,
    addPeer, status, log: (m) => log.info(m),
    // The saved credential and revocations belong to the master just set: load them now.
    onMaster: () => { membershipStore?.stop(); membershipStore = attachMembershipStore(opts.home, overlay.membership, (m) => log.warn(m)); },
    restart: () => restartNode('restart command from the master'),
    metrics: () => ({ ...hostMetrics(), apps: Object.fromEntries((attachedApps?.manager.list() ?? []).slice(0, MAX_APPS).map((a) => [a.name, { state: a.state, version: a.version }])) }),
  });
  if (config.master) agent.setMaster(new Uint8Array(Buffer.from(config.master, 'base64')), config.relays);
  boot?.onChange((mf) => agent.setMaster(mf.masterKey, mf.relays, mf.name));
  // The one place where node-side services that obey the master (terminal, forward) attach.
  const services = attachNodeServices({ overlay, agent, ring: log, appRunDir: (app) => (attachedApps?.manager.has(app) ? attachedApps.manager.paths(app).run : undefined) });
  const restartNode = (why: string): void => exitAfter(stop(why), 0, opts.onRestart);
  const apps = attachApps({ home: opts.home, overlay, agent, clock, allowWeakSandbox: config.apps.allowWeakSandbox, log, restart: () => restartNode('software update from the master') });
  attachedApps = apps;
  watchSoftwareTrial({ home: opts.home, agent, clock, log, exit: (code) => exitAfter(stop('software trial failed'), code) });
  const sms = await attachSms(overlay, { home: opts.home, disk, log: (m) => log.info(m) });
  const reach = attachReachProbe(node, overlay.membership);
  // This machine's addresses, as seen from the node's own network namespace (doctor may run in another).
  const localAddresses = (): string[] => Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((a) => a.address));
  // The relays, the master and the configured peers this node can ask how it is seen: those
  // with a link up, relays first.
  const probePeers = (): string[] => {
    const want = [...config.relays.map((r) => r.address), ...(agent.status().master ? [String(agent.status().master)] : []), ...config.peers.map((p) => p.address)];
    return [...new Set(want)].filter((a) => ['up', 'rekeying'].includes(node.links.get(a)?.state ?? ''));
  };
  const resolveSources = { home: opts.home, membership: overlay.membership, registry: opts.resolveName };
  const control = await openControlServer(opts.home, (req) => {
    const extra = opts.controlHandlers?.get(String(req.cmd)) ?? sms.handlers.get(String(req.cmd));
    if (extra) return extra(req);
    if (req.cmd === 'ping') return 'pong';
    // Names and prefixes become addresses here, once for every command that takes a node.
    const target = (ref: unknown): string => resolveTarget(resolveSources, String(ref)).address;
    if (req.cmd === 'resolve') return resolveTarget(resolveSources, String(req.ref));
    if (req.cmd === 'route' || req.cmd === 'route-ping' || req.cmd === 'connect') req = { ...req, address: target(req.address) };
    if (req.cmd === 'status') return status();
    if (req.cmd === 'probe') {
      return Promise.all(probePeers().slice(0, 3).map((p) => reach.probe(p, Math.min(Number(req.timeoutMs ?? 2000), 10_000))))
        .then((results) => ({ listen: carrier.local, localAddresses: localAddresses(), results }));
    }
    if (req.cmd === 'route') return routeRequest(overlay, req);
    if (req.cmd === 'route-ping') return pingRequest(overlay, req);
    if (req.cmd === 'connect') return connectRequest(overlay, req);
    if (req.cmd === 'accept') return acceptRequest(overlay, req);
    if (req.cmd === 'socks-listen') return socksListenRequest(overlay, req);
    throw Object.assign(new Error(`unknown command ${String(req.cmd)}`), { code: 'BAD_REQUEST' });
  });
  node.linkEvents$.subscribe((e) => log.info(`link ${e.peer} ${e.from} -> ${e.to}`));
  // A link that stays down says why, once per cause (not once per retry), and says when it is fixed.
  const problems = new Map<string, string>();
  let problemTimer = clock.setTimeout(function checkLinks() {
    for (const [peer, l] of node.links) {
      const p = linkProblem(l, clock.now());
      const key = p?.replace(/ for \d+ s/, '') ?? '';
      if (key === (problems.get(peer) ?? '')) continue;
      if (p) log.warn(`link ${peer}: ${p}`);
      else if (l.state === 'up') log.info(`link ${peer}: up again`);
      if (p) problems.set(peer, key); else problems.delete(peer);
    }
    for (const peer of problems.keys()) if (!node.links.has(peer)) problems.delete(peer);
    problemTimer = clock.setTimeout(checkLinks, 5000);
  }, 5000);
  const guardRates = config.kernelGuard ?? (opts.kernelGuard ? { ...KERNEL_GUARD_DEFAULTS } : undefined);
  let guardTimer: ReturnType<typeof clock.setTimeout> | undefined;
  if (guardRates) {
    guard = await openNftGuard({ port: parseHostPort(carrier.local, 'listen').port, ...guardRates });
    const g = guard.status();
    if (g.on) log.info(`kernel guard on: nftables table inet ${g.table} limits strangers to ${guardRates.perSourcePerSec}/s per address and ${guardRates.globalPerSec}/s in all`);
    else log.warn(`kernel guard off: ${g.error}`);
    // The master, admitted nodes, or (without a master) the configured peers.
    const configured = new Set(staticPeers ?? []);
    const sync = (): void => {
      guard?.sync(fleetEndpoints(node, overlay.membership, configured));
      guardTimer = clock.setTimeout(sync, GUARD_SYNC_MS);
    };
    if (g.on) sync();
  } else if (node.config.acceptUnknown) {
    // A master or public relay answers strangers: say in status and doctor that their floods
    // cost this node's CPU until the guard is on (off by default: it writes the host firewall).
    guardOff = guardOffStatus('', 'not enabled on a node that answers strangers: start it with --kernel-guard (or "kernelGuard": true in config.json)');
  }
  node.start();
  log.info(`node ${identity.address} listening on udp ${carrier.local} with ${node.links.size} peer(s)`);
  radios = config.radios.map((r, i) => attachRadio(node, r, clock, log, startedAt, i));
  let timer = clock.setTimeout(function save() {
    recordStatus(db.data, node.status());
    stateFile.request();
    timer = clock.setTimeout(save, SAVE_EVERY_MS);
  }, SAVE_EVERY_MS);
  let stopping: Promise<void> | undefined;
  const stop = (reason: string): Promise<void> => (stopping ??= (async () => {
    log.info(`stopping (${reason})`);
    clock.clearTimeout(timer);
    clock.clearTimeout(problemTimer);
    if (guardTimer) clock.clearTimeout(guardTimer);
    boot?.watcher.stop();
    agent.stop();
    services.stop();
    await apps.stop();
    sms.stop();
    reach.stop();
    recordStatus(db.data, node.status());
    overlay.stop();
    node.stop();
    await control.close();
    await carrier.close();
    await guard?.close();
    for (const r of radios) await r.close();
    db.data.cleanShutdown = true;
    db.data.lastStopAt = clock.wallMs();
    stateFile.request();
    // Last tries of state.json, sms.json (and the master's registry); failures were logged.
    const saved = await disk.close();
    lock.release();
    log.info(saved ? 'state saved; bye' : 'bye; some state could not be saved (see the warnings above)');
  })());
  return { node, overlay, agent, radio: radios[0], apps, disk, stop };
};
