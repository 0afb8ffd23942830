// The scenario file format. Objects are strict so a misspelt field is an error, not a silently
// ignored setting; durations are normalised to integer ms here, once.
import { z } from 'zod';
import type { LinkConfig } from '../src/link/link-config.ts';
import { DEFAULT_LINK_PARAMS, type LinkParams } from './link-params.ts';
import { durationField } from './duration.ts';
import { smsSchema, type SmsSpec } from './sim-sms.ts';
import { radioSchema, type RadioChannelSpec } from './radio-schema.ts';

export { parseDuration } from './duration.ts';

const MAX_NODES = 100_000;
const name = z.string().regex(/^n\d+$/, 'expected a node name like "n3"');
const prob = z.number().min(0).max(1);
// Partition groups may name ranges ("n0..n29") so a 300-node split fits on a line.
const RANGE = /^n(\d+)\.\.n(\d+)$/;
const member = z.string().regex(/^n\d+(?:\.\.n\d+)?$/, 'expected a node name like "n3" or a range like "n0..n9"')
  .refine((v) => {
    const m = RANGE.exec(v);
    return !m || Number(m[1]) <= Number(m[2]);
  }, 'a range goes from the lower to the higher node, like "n0..n9"')
  .refine((v) => Number(RANGE.exec(v)?.[2] ?? 0) < MAX_NODES, 'range ends beyond the largest possible node');
const at = durationField();

const topologySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('edges'), edges: z.array(z.tuple([name, name])) }).strict(),
  z.object({ kind: z.literal('line') }).strict(),
  z.object({ kind: z.literal('star'), hubs: z.number().int().min(1).default(1) }).strict(),
  z.object({ kind: z.literal('ring') }).strict(),
  z.object({ kind: z.literal('grid'), width: z.number().int().min(1) }).strict(),
  z.object({ kind: z.literal('random'), degree: z.number().int().min(2) }).strict(),
]);

const faultSchema = z.discriminatedUnion('kind', [
  z.object({ at, kind: z.enum(['cut', 'restore']), a: name, b: name }).strict(),
  z.object({ at, kind: z.literal('partition'), groups: z.tuple([z.array(member).min(1), z.array(member).min(1)]) }).strict(),
  z.object({ at, kind: z.literal('heal') }).strict(),
  z.object({ at, kind: z.enum(['crash', 'restart']), node: name }).strict(),
  z.object({ at, kind: z.literal('clock-offset'), node: name, offset: durationField({ negative: true }) }).strict(),
]);

const linkSchema = z.object({
  latency: durationField().default(DEFAULT_LINK_PARAMS.latencyMs),
  jitter: durationField().default(DEFAULT_LINK_PARAMS.jitterMs),
  loss: prob.default(0),
  duplicate: prob.default(0),
  reorder: prob.default(0),
  bandwidth: z.number().positive().optional(),
  queueBytes: z.number().int().positive().default(DEFAULT_LINK_PARAMS.queueBytes),
}).strict();

const ms = z.number().int().positive();
// Node link timers, for scenarios that need faster or slower links than the defaults.
const linkConfigSchema = z.object({
  keepaliveMs: ms, deadAfterMs: ms, handshakeRetryMs: ms, handshakeAttempts: ms,
  backoffBaseMs: ms, backoffMaxMs: ms, rekeyAfterMs: ms, rekeyAfterPackets: ms, acceptUnknown: z.boolean(),
}).partial().strict();

// Bulk streams between nodes; each one's bytes are checked end to end by SHA-256.
const streamSchema = z.object({ at, from: name, to: name, bytes: z.number().int().min(0).max(1_000_000_000), port: z.number().int().min(1).max(65535).default(7) }).strict();
// Random failures drawn from the seed: links cut and nodes crashed, each restored after downFor.
const chaosSchema = z.object({
  linkFailures: z.number().int().min(0).default(0),
  crashes: z.number().int().min(0).default(0),
  from: at,
  to: at,
  downFor: durationField({ positive: true }),
}).strict();

export const scenarioSchema = z.object({
  name: z.string().min(1),
  seed: z.number().int().min(0).default(1),
  duration: durationField({ positive: true }),
  nodes: z.number().int().min(1).max(MAX_NODES),
  topology: topologySchema,
  link: linkSchema.prefault({}),
  linkConfig: linkConfigSchema.optional(),
  faults: z.array(faultSchema).default([]),
  streams: z.array(streamSchema).default([]),
  chaos: chaosSchema.optional(),
  sms: smsSchema.optional(),
  radio: radioSchema.optional(),
  /** Leaves whose topology is a stub: they learn only their neighbours' records and fetch the
   *  records on a path when they dial (see docs/PROTOCOL.md, Stubs). */
  stubs: z.array(member).default([]),
  expect: z.object({ allLinksUp: z.boolean().optional(), streamsIntact: z.boolean().optional(), noLoops: z.boolean().optional() }).strict().optional(),
}).strict();

export type Topology = z.output<typeof topologySchema>;
type FileFault = z.output<typeof faultSchema>;
/** A fault with partition ranges expanded to node names. */
export type Fault = Exclude<FileFault, { kind: 'partition' }> | { at: number; kind: 'partition'; groups: [string[], string[]] };

const expand = (items: string[]): string[] =>
  items.flatMap((item) => {
    const m = RANGE.exec(item);
    if (!m) return [item];
    const lo = Number(m[1]), hi = Number(m[2]);
    return Array.from({ length: hi - lo + 1 }, (_, i) => `n${lo + i}`);
  });

const expandFault = (f: FileFault): Fault =>
  f.kind === 'partition' ? { ...f, groups: [expand(f.groups[0]), expand(f.groups[1])] } : f;

export interface Scenario {
  name: string;
  seed: number;
  /** Integer ms of virtual time. */
  duration: number;
  nodes: number;
  topology: Topology;
  link: LinkParams;
  linkConfig?: Partial<LinkConfig> | undefined;
  faults: Fault[];
  streams: StreamSpec[];
  chaos?: Chaos | undefined;
  sms?: SmsSpec | undefined;
  radio?: RadioChannelSpec[] | undefined;
  /** Node names (ranges expanded) whose topology is a stub. */
  stubs?: string[] | undefined;
  expect?: { allLinksUp?: boolean | undefined; streamsIntact?: boolean | undefined; noLoops?: boolean | undefined } | undefined;
}

export type StreamSpec = z.output<typeof streamSchema>;
export type Chaos = z.output<typeof chaosSchema>;

/** Parsed file fields in the simulator's units (link durations become *Ms fields). */
export const toScenario = (d: z.output<typeof scenarioSchema>): Scenario => ({
  name: d.name,
  seed: d.seed,
  duration: d.duration,
  nodes: d.nodes,
  topology: d.topology,
  link: {
    latencyMs: d.link.latency, jitterMs: d.link.jitter, loss: d.link.loss, duplicate: d.link.duplicate,
    reorder: d.link.reorder, bandwidthBps: d.link.bandwidth, queueBytes: d.link.queueBytes,
  },
  linkConfig: d.linkConfig,
  faults: d.faults.map(expandFault),
  streams: d.streams,
  chaos: d.chaos,
  sms: d.sms,
  radio: d.radio,
  stubs: expand(d.stubs),
  expect: d.expect,
});
