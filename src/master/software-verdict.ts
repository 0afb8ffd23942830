// The end of a node software deploy, as the master sees it: the node restarts and registers
// again, with the new version (then its status must say committed) or the old one (the
// launcher rolled the trial back).
import { filter, firstValueFrom, timeout, of, catchError } from 'rxjs';
import { SOFTWARE_NAME } from '../apps/self-bundle.ts';
import { HEALTH_MS } from '../apps/self-update.ts';
import { clockScheduler } from '../env/clock-scheduler.ts';
import type { CommandReply } from '../command/command-server.ts';
import type { MasterService } from './master-service.ts';
import type { NodeRecord } from './registry.ts';

/** A software update ends with the node registering again: with the new version once the trial
 *  is healthy (committed), or with the old one after the launcher rolled the trial back. */
export const nextRegistration = (m: MasterService, node: string): Promise<NodeRecord | null> =>
  firstValueFrom(m.server.registered$.pipe(
    filter((r) => r.address === node),
    timeout({ first: HEALTH_MS + 60_000, scheduler: clockScheduler(m.overlay.node.clock) }),
    catchError(() => of(null)),
  ));

/** The node registered again: with the old version, the launcher rolled the trial back; with
 *  the new one, the trial is healthy and commits itself at once, which its status confirms. */
export const softwareVerdict = async (m: MasterService, node: string, r: NodeRecord | null, version: string): Promise<CommandReply> => {
  if (r === null) return { ok: false, error: { code: 'timeout', message: 'the node did not come back after the software update' } };
  const verdict = (outcome: string): CommandReply => ({ ok: true, result: { name: SOFTWARE_NAME, version: r.version, outcome } });
  if (r.version !== version) return verdict('rolled-back');
  for (let i = 0; i < 30; i++) {
    const st = await m.command(node, 'status', {}, 10_000);
    const sw = st.ok ? (st.result as { software?: { current: string | null } }).software : undefined;
    if (sw?.current === version) return verdict('committed');
    await new Promise<void>((res) => m.overlay.node.clock.setTimeout(res, 1000));
  }
  return { ok: false, error: { code: 'timeout', message: `${version} registered but did not report itself committed` } };
};

