// What one direction of a simulated link does to a datagram. Scenario files give these in
// human units (scenario-schema.ts); the network works in integer ms and bits per second.
export interface LinkParams {
  /** Base one-way delay. */
  latencyMs: number;
  /** Extra delay drawn uniformly from [0, jitterMs] per datagram. */
  jitterMs: number;
  /** Probability that a datagram is lost on the wire. */
  loss: number;
  /** Probability that a datagram arrives twice (the copy with its own jitter). */
  duplicate: number;
  /** Probability of an extra delay (1 to latency + jitter + 1 ms) that lets later datagrams overtake. */
  reorder: number;
  /** Serialisation rate; undefined means infinitely fast (no queueing). */
  bandwidthBps?: number | undefined;
  /** Per-direction transmit queue limit for bandwidth-limited links; beyond it, tail drop. */
  queueBytes: number;
}

export const DEFAULT_LINK_PARAMS: LinkParams = {
  latencyMs: 10,
  jitterMs: 0,
  loss: 0,
  duplicate: 0,
  reorder: 0,
  bandwidthBps: undefined,
  queueBytes: 64 * 1024,
};

export const withLinkParamDefaults = (...parts: (Partial<LinkParams> | undefined)[]): LinkParams => {
  const out: LinkParams = { ...DEFAULT_LINK_PARAMS };
  // Explicit undefined fields in a part must not erase defaults (except bandwidth, where
  // undefined is meaningful and already the default).
  for (const p of parts) for (const [k, v] of Object.entries(p ?? {})) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
};
