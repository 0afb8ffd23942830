// The first line of every connection an app opens to its node: which operation it wants.
// The schema is the single definition of the wire; the SDK imports only its type.
import { z } from 'zod';

const port = z.number().int().min(1).max(65535);

export const appRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('hello') }).strict(),
  z.object({ op: z.literal('ready') }).strict(),
  z.object({ op: z.literal('dial'), address: z.string().min(1).max(64), port }).strict(),
  z.object({ op: z.literal('listen'), port }).strict(),
  z.object({ op: z.literal('accept'), id: z.number().int().min(1) }).strict(),
  z.object({ op: z.literal('send') }).strict(),
  z.object({ op: z.literal('datagrams'), port }).strict(),
  z.object({ op: z.literal('tcp-connect'), host: z.string().min(1).max(253), port }).strict(),
  z.object({ op: z.literal('tcp-splice'), id: z.number().int().min(1), host: z.string().min(1).max(253), port }).strict(),
]);

export type AppRequest = z.infer<typeof appRequestSchema>;
export type AppReply = { ok: true; [k: string]: unknown } | { ok: false; error: { code: string; message: string } };
/** One line per incoming stream on a listen connection. */
export interface IncomingNotice { stream: number; peer: string; member?: boolean; role?: string | null; name?: string | null }

/** The longest first line an app may send: requests are tiny, anything longer is garbage. */
export const MAX_REQUEST_LINE = 4096;

export const parseAppRequest = (line: string): { ok: true; req: AppRequest } | { ok: false; message: string } => {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return { ok: false, message: 'the first line must be one JSON object, e.g. {"op":"hello"}' };
  }
  const r = appRequestSchema.safeParse(doc);
  if (r.success) return { ok: true, req: r.data };
  const first = r.error.issues[0]!;
  return { ok: false, message: `bad request: ${first.path.join('.') || '(top)'}: ${first.message}` };
};
