// src/manifest.json of an app: what it is, how to start it, which overlay ports it may listen
// on, how the node knows it is healthy, and what it may reach beyond the overlay (nothing, by
// default). Validated with zod so a bad manifest names the field that is wrong.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fail } from '../errors.ts';
import { APP_NAME } from './app-paths.ts';

/** Overlay ports below 16 belong to the system (register, commands, terminal, forward). */
export const FIRST_APP_PORT = 16;

export const manifestSchema = z.object({
  name: z.string().regex(APP_NAME, 'lowercase letters, digits and dashes'),
  version: z.string().min(1).max(64),
  /** Path of the entry module inside src/, run with the node's own Node.js. */
  entry: z.string().min(1).refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must be a relative path inside src/'),
  /** Overlay ports the app may listen on. */
  ports: z.array(z.number().int().min(FIRST_APP_PORT).max(65535)).default([]),
  health: z.object({
    /** Healthy once the app listens on this port (and a probe stream is accepted); without a
     *  port, once the app calls ready() through the SDK. */
    port: z.number().int().min(FIRST_APP_PORT).max(65535).optional(),
    /** How long a start may take to become healthy before it counts as failed. */
    timeoutMs: z.number().int().min(100).max(600_000).default(15_000),
  }).default({ timeoutMs: 15_000 }),
  /** Who may open streams or send datagrams to each port, enforced by the node before the app
   *  sees a byte: "master", "fleet" (members of the master's fleet; the default), "anyone", or
   *  a list of addresses. Keys are port numbers as strings. */
  access: z.record(z.string().regex(/^\d+$/, 'a port number'), z.union([z.enum(['master', 'fleet', 'anyone']), z.array(z.string().regex(/^[a-z2-7]{26}$/, 'a skywire address')).max(1024)])).default({}),
  /** What the app may use of the node, enforced by the sandbox (src/env/cgroup-limits.ts,
   *  src/env/sandbox-quota.ts): processes and threads, memory (RSS, page cache and its /tmp),
   *  CPU (100 = one core) and bytes under data/. The files app's own byte quota (1 GiB by
   *  default) sits below diskMiB. */
  limits: z.object({
    pids: z.number().int().min(8).max(32_768).default(64),
    memoryMiB: z.number().int().min(32).max(1024 * 1024).default(256),
    cpuPercent: z.number().int().min(1).max(6400).default(100),
    diskMiB: z.number().int().min(1).max(1024 * 1024 * 1024).default(2048),
  }).strict().default({ pids: 64, memoryMiB: 256, cpuPercent: 100, diskMiB: 2048 }),
  /** 'tcp-exit': may ask the node to open TCP connections outside the overlay, subject to the
   *  exit policy in the app's config (the SOCKS5 exit). Nothing else is granted. */
  capabilities: z.array(z.enum(['tcp-exit'])).default([]),
}).strict();

export type Manifest = z.infer<typeof manifestSchema>;

/** Who may call `port` of this app: its manifest's entry, else fleet members only. */
export const portAccess = (m: Manifest, port: number): 'master' | 'fleet' | 'anyone' | readonly string[] => m.access[String(port)] ?? 'fleet';

export const parseManifest = (doc: unknown, where: string): Manifest => {
  const r = manifestSchema.safeParse(doc);
  if (r.success) return r.data;
  const first = r.error.issues[0]!;
  return fail('MANIFEST_INVALID', `${where}: ${first.path.join('.') || '(top)'}: ${first.message}`);
};

export const readManifest = (srcDir: string): Manifest => {
  const file = join(srcDir, 'manifest.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return fail('MANIFEST_INVALID', `${file} is missing or unreadable (${(e as NodeJS.ErrnoException).code}): an app's src/ needs a manifest.json with name, version and entry`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail('MANIFEST_INVALID', `${file}: not JSON (${(e as Error).message})`);
  }
  return parseManifest(doc, file);
};
