// The requests a files server accepts (see files-protocol.ts), validated with zod so a bad one
// is answered with the field that is wrong instead of reaching the file system.
import { z } from 'zod';
import { fail } from '../../../errors.ts';
import { MAX_PATH } from './safe-path.ts';
import { UPLOAD_ID } from './partial-table.ts';

const path = z.string().max(MAX_PATH);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const uploadId = z.string().regex(UPLOAD_ID, '1 to 64 of A-Z a-z 0-9 _ -');

export const requestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('list'), path }),
  z.object({ op: z.literal('stat'), path }),
  z.object({ op: z.literal('read'), path, offset: count.optional(), length: count.optional() }),
  z.object({ op: z.literal('mkdir'), path, parents: z.boolean().optional() }),
  z.object({ op: z.literal('delete'), path, recursive: z.boolean().optional() }),
  z.object({ op: z.literal('begin'), path, size: count, sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits'), uploadId: uploadId.optional() }),
  z.object({ op: z.literal('commit') }),
  z.object({ op: z.literal('partials') }),
  z.object({ op: z.literal('rm-partial'), uploadId }),
]);

export type FilesRequest = z.infer<typeof requestSchema>;

export const parseRequest = (doc: Record<string, unknown>): FilesRequest => {
  const r = requestSchema.safeParse(doc);
  if (r.success) return r.data;
  const first = r.error.issues[0]!;
  return fail('BAD_REQUEST', `bad request ${JSON.stringify(String(doc.op ?? ''))}: ${first.path.join('.') || 'op'}: ${first.message}`);
};
