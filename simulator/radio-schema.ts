// Scenario YAML for shared radio channels:
//   radio: { bitrate: 1200, nodes: [n0, n1, n2], loss: 0.05, mode: amateur }
// or a list of such channels (a node on several has one radio per channel, as a relay with two
// handhelds on different frequencies would). Every pair of nodes on one channel are neighbours over it (unless
// the topology already links them by wire). Durations are integer ms.
import { z } from 'zod';
import { MAX_BITRATE, MIN_BITRATE } from '../src/radio/radio-params.ts';

const node = z.string().regex(/^n\d+$/, 'expected a node name like "n3"');

export const radioChannelSchema = z.object({
  bitrate: z.number().min(MIN_BITRATE).max(MAX_BITRATE),
  nodes: z.array(node).min(2),
  loss: z.number().min(0).max(1).default(0),
  mode: z.enum(['amateur', 'encrypted']).default('encrypted'),
  txDelayMs: z.number().int().min(0).max(2550).default(300),
  txTailMs: z.number().int().min(0).max(2550).default(50),
  persistence: z.number().gt(0).max(1).default(0.25),
  /** Default: slotFor(bitrate), 100 ms or two carrier-detect lags. */
  slotMs: z.number().int().min(1).optional(),
  /** Carrier-detect lag: how long after a station keys up the others hear it; default dcdLagMs(bitrate), 16 bit times. */
  dcdMs: z.number().int().min(0).optional(),
  dutyCycle: z.number().gt(0).max(1).default(1),
  controlShare: z.number().gt(0).max(0.5).default(0.02),
}).strict();

export const radioSchema = z.union([radioChannelSchema, z.array(radioChannelSchema).min(1)])
  .transform((r) => (Array.isArray(r) ? r : [r]))
  .refine((list) => list.every((c) => new Set(c.nodes).size === c.nodes.length), 'a node is listed twice on one radio channel');

export type RadioChannelSpec = z.output<typeof radioChannelSchema>;
