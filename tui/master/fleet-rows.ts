// The fleet table's rows: filter, sort and format plain NodeViews. Pure and linear in the
// fleet size, so 300+ nodes cost well under a frame (bench/tui.ts measures it).
import type { NodeView } from '../../src/master/fleet-view.ts';
import { agoS, fit } from '../screen.ts';

export const SORTS = ['name', 'last seen', 'online', 'links'] as const;
export type SortKey = typeof SORTS[number];
export const SHOW = ['all', 'online', 'offline'] as const;
export type Show = typeof SHOW[number];
export interface FleetQuery { sort: SortKey; show: Show; filter: string }

const byKey: Record<SortKey, (a: NodeView, b: NodeView) => number> = {
  name: (a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }) || a.address.localeCompare(b.address),
  'last seen': (a, b) => b.lastSeenMs - a.lastSeenMs,
  online: (a, b) => Number(a.online) - Number(b.online),
  links: (a, b) => a.linksUp - b.linksUp,
};

export const selectNodes = (all: NodeView[], q: FleetQuery): NodeView[] => {
  const f = q.filter.toLowerCase();
  return all
    .filter((n) => (q.show === 'all' || n.online === (q.show === 'online')) && (!f || n.name.toLowerCase().includes(f) || n.address.startsWith(f)))
    .sort((a, b) => byKey[q.sort](a, b) || a.name.localeCompare(b.name, undefined, { numeric: true }));
};

export const FLEET_HEADER = `${fit('name', 12)}${fit('address', 14)}${fit('status', 9)}${fit('seen', 6)}${fit('links', 6)}${fit('via', 10)}${fit('cfg', 4)}enrol`;

export const fleetRow = (n: NodeView, nowWall: number, nameOf: (a: string) => string = (a) => a.slice(0, 8)): string =>
  `${fit(n.name || '-', 12)}${fit(n.address.slice(0, 12), 14)}${fit(n.online ? 'online' : 'OFFLINE', 9)}` +
  `${fit(agoS(Math.max(0, nowWall - n.lastSeenMs)), 6)}${fit(`${n.linksUp}/${n.links}`, 6)}${fit(n.via ? (n.via === 'direct' ? 'direct' : nameOf(n.via)) : '-', 10)}` +
  `${fit(`v${n.configVersion}`, 4)}${n.enrolment}`;
