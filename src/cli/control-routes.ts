// Control requests about routes: `skywire route` (set up if needed, then report) and
// `skywire ping` (end-to-end echoes over the route, with the hop count).
import { firstValueFrom, filter, timeout, take, toArray, catchError, of } from 'rxjs';
import type { Overlay } from '../overlay/overlay.ts';
import { parseAddress } from '../identity/address.ts';
import type { RouteActor } from '../../actors/route-actor.ts';

const settled = (r: RouteActor, ms: number): Promise<unknown> =>
  firstValueFrom(r.state$.pipe(filter((s) => s === 'established' || s === 'failed' || s === 'closed'), timeout({ first: ms, with: () => of('timeout') }), catchError(() => of('closed'))), { defaultValue: 'closed' });

export const routeRequest = async (o: Overlay, req: Record<string, unknown>): Promise<unknown> => {
  const address = String(req.address);
  parseAddress(address, 'destination address');
  const r = o.router.route(address);
  await settled(r, Number(req.timeoutMs ?? 10_000));
  return o.routes().find((x) => x.dest === address) ?? { dest: address, state: r.state, path: null, hops: null, repairs: 0 };
};

export interface PingResult { seq: number; rttMs: number | null; hops: number | null }

export const pingRequest = async (o: Overlay, req: Record<string, unknown>): Promise<{ dest: string; path: string[] | null; probes: PingResult[] }> => {
  const address = String(req.address);
  parseAddress(address, 'destination address');
  const count = Math.min(100, Math.max(1, Number(req.count ?? 4)));
  const r = o.router.route(address);
  await settled(r, 10_000);
  const probes: PingResult[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const got = firstValueFrom(r.conv.pongs.pipe(filter((p) => p.id === seq), take(1), toArray(), timeout({ first: 2000, with: () => of([]) })));
    const sent = r.state === 'established' && r.conv.ping(seq);
    const pong = sent ? (await got)[0] : undefined;
    probes.push({ seq, rttMs: pong?.rttMs ?? null, hops: r.attempt ? r.attempt.path.length - 1 : null });
    if (seq < count) await new Promise<void>((res) => o.node.clock.setTimeout(() => res(), 1000));
  }
  return { dest: address, path: r.attempt?.path ?? null, probes };
};
