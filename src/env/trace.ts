// Trace events are canonical JSON lines: sorted keys, integer time, no wall clock, no object
// identity, so that one scenario and seed always produce byte-identical traces.
export type TraceValue = string | number | boolean | null | TraceValue[] | { [k: string]: TraceValue };
export type TraceEvent = { t: number; node?: string; ev: string } & { [k: string]: TraceValue | undefined };

export interface Trace {
  emit(event: TraceEvent): void;
}

export const nullTrace: Trace = { emit: () => {} };

const canon = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canon(x);
    }
    return out;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
};

/** One canonical JSON line (no trailing newline). */
export const canonicalLine = (event: TraceEvent): string => JSON.stringify(canon(event));
