// Device data on the registration stream: the node's machine figures (src/env/host-metrics.ts)
// and its apps' states, sent whole with the registration and then, in each heartbeat, only the
// fields that changed. The master keeps the newest set per node. Untrusted input: a field out of
// range or of the wrong type is dropped (counted by the caller), never thrown, and an app table
// is bounded, so a node cannot grow the master's registry by what it reports.
import type { HostMetrics } from '../env/host-metrics.ts';
import { APP_NAME } from '../apps/app-paths.ts';
import { diff } from './delta.ts';

export interface AppBrief { state: string; version: string | null }
export interface NodeMetrics extends HostMetrics {
  /** Its apps by name (at most MAX_APPS). */
  apps: Record<string, AppBrief>;
}

export const MAX_APPS = 64;
const MAX_STATE = 32;
const MAX_VERSION = 64;

type Check = (v: unknown) => boolean;
const num = (lo: number, hi: number): Check => (v) => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
const orNull = (c: Check): Check => (v) => v === null || c(v);
const TB = 1 << 30; // in MB: a petabyte

const FIELDS: Record<keyof HostMetrics, Check> = {
  cpuPct: orNull(num(0, 100)),
  load1: num(0, 1e6),
  memUsedMB: num(0, TB),
  memTotalMB: num(0, TB),
  diskUsedMB: orNull(num(0, TB)),
  diskTotalMB: orNull(num(0, TB)),
  tempC: orNull(num(-100, 300)),
  uptimeS: num(0, 1e11),
};

const appsOf = (v: unknown): Record<string, AppBrief> | undefined => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > MAX_APPS) return undefined;
  const out: Record<string, AppBrief> = {};
  for (const [name, a] of entries) {
    if (!APP_NAME.test(name) || typeof a !== 'object' || a === null) return undefined;
    const { state, version } = a as { state?: unknown; version?: unknown };
    if (typeof state !== 'string' || state.length > MAX_STATE) return undefined;
    if (version !== null && (typeof version !== 'string' || version.length > MAX_VERSION)) return undefined;
    out[name] = { state, version };
  }
  return out;
};

/** Applies a (partial) metrics object from a node onto `target`; returns how many fields were
 *  taken and how many were refused. */
export const applyMetrics = (target: Partial<NodeMetrics>, v: unknown): { taken: number; refused: number } => {
  let taken = 0;
  let refused = 0;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { taken, refused: v === undefined ? 0 : 1 };
  for (const [k, value] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'apps') {
      const apps = appsOf(value);
      if (apps) { target.apps = apps; taken++; } else refused++;
    } else if (Object.hasOwn(FIELDS, k) && FIELDS[k as keyof HostMetrics](value)) {
      (target as Record<string, unknown>)[k] = value;
      taken++;
    } else refused++;
  }
  return { taken, refused };
};

/** The fields of `next` that differ from `prev` (all of them when there is no prev): the
 *  heartbeat's own delta over the fields (no field is ever removed, so only `set` is sent). */
export const metricsDelta = (prev: NodeMetrics | undefined, next: NodeMetrics): Partial<NodeMetrics> =>
  (prev ? diff<unknown>(new Map(Object.entries(prev)), new Map(Object.entries(next))).set as Partial<NodeMetrics> : next);
