// `skywire master`: a node (runNode) that also keeps the registry, answers registrations on port
// 1, signs commands and issues membership credentials. Links from unknown nodes are accepted
// (nodes find the master, not the other way round), but a stranger's routes reach only the
// registration port: membership (src/membership) decides everything else.
import type { ControlHandler } from '../env/control-server.ts';
import { Registry } from '../master/registry.ts';
import { SkywireError } from '../errors.ts';
import { MasterService, type MasterOptions } from '../master/master-service.ts';
import { masterControlHandlers } from '../master/master-control.ts';
import { masterServiceHandlers } from '../term/master-handlers.ts';
import { appControlHandlers, deployBundle, peekManifest } from '../master/app-control.ts';
import { appCodec } from './node-apps.ts';
import { runNode, type RunningNode } from './run-node.ts';
import type { Logger } from './logger.ts';
import { startDashboard, type Dashboard } from '../web/dashboard.ts';

export interface RunMasterOptions extends MasterOptions {
  home: string; listen?: string | undefined; peer: string[]; kernelGuard?: boolean | undefined;
  /** Serve the web dashboard on this HOST:PORT (src/web), answering also to these host names. */
  web?: { listen: string; hosts?: readonly string[] } | undefined;
}
export interface RunningMaster extends RunningNode { master: MasterService; dashboard: Dashboard | undefined }

export const runMaster = async (opts: RunMasterOptions, log: Logger): Promise<RunningMaster> => {
  const handlers = new Map<string, ControlHandler>();
  let master: MasterService | undefined;
  const running = await runNode({
    home: opts.home, listen: opts.listen, peer: opts.peer, kernelGuard: opts.kernelGuard, acceptUnknown: true, trustAllNeighbours: true, controlHandlers: handlers,
    // route, ping, connect, fs and socks by a node's registered name (after the registry opened).
    resolveName: (ref) => {
      if (!master) throw new SkywireError('CONTROL_UNAVAILABLE', 'the master is still starting; try again in a moment');
      const r = master.resolve(ref);
      return { address: r.address, name: r.name };
    },
    extraStatus: () => ({ fleet: master ? { mode: opts.mode, nodes: Object.keys(master.registry.nodes).length, online: Object.values(master.registry.nodes).filter((r) => master!.online(r)).length, registrations: master.server.registrations, heartbeats: master.server.heartbeats, refusedRegistrations: master.server.refused } : null }),
  }, log);
  const registry = await Registry.open(opts.home, running.node.clock, undefined, running.disk);
  master = new MasterService(running.overlay, registry, opts);
  for (const [k, v] of masterControlHandlers(master)) handlers.set(k, v);
  for (const [k, v] of appControlHandlers(master, appCodec, opts.home)) handlers.set(k, v);
  log.info(`master ${running.node.address}: ${opts.mode === 'auto' ? 'accepting every node' : 'holding new nodes for approval'}${opts.allow.length ? `, ${opts.allow.length} allowlisted` : ''}`);
  const m = master;
  // Master-side services (terminal, forward) as control requests; m.signer persists each node's
  // seq in the registry.
  for (const [k, v] of masterServiceHandlers(running.overlay, m.signer, { resolve: (ref) => m.admitted(ref).address, persist: () => registry.flush() })) handlers.set(k, v);
  let dashboard: Dashboard | undefined;
  if (opts.web) {
    try {
      dashboard = await startDashboard({
        master: m, handlers, listen: opts.web.listen, hosts: opts.web.hosts, home: opts.home, log: (l) => log.warn(l),
        deployer: {
          targets: (t) => m.targets(t), nameOf: (a) => m.registry.get(a)?.name ?? '',
          peek: (b) => peekManifest(b, (x, d) => appCodec.extractBundle(x, d)),
          run: (mf, b, t, line) => deployBundle(m, mf, b, t, line),
        },
      });
    } catch (e) {
      await registry.close();
      await running.stop('the dashboard could not start');
      throw e;
    }
    log.info(`dashboard ${dashboard.url} (log in with the token in ${opts.home}/web-login, or open ${dashboard.loginUrl})`);
  }
  return {
    ...running, master: m, dashboard,
    stop: async (reason) => {
      await dashboard?.close();
      // Its last write is retried no more; a failure is logged and the node still stops.
      await registry.close();
      await running.stop(reason);
    },
  };
};
