// config/files.json of the files app: { "quotaBytes": N, "maxEntries": N, "maxPendingUploads": N,
// "partialExpiryHours": H }, each optional. A missing file means the defaults; a file that is
// there but wrong is an error, never silently the default.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fail } from '../../../errors.ts';
import { DEFAULT_MAX_ENTRIES, DEFAULT_MAX_PENDING, DEFAULT_PARTIAL_EXPIRY_MS } from './files-store.ts';

export const DEFAULT_QUOTA_BYTES = 1024 ** 3;

const schema = z.object({
  quotaBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(DEFAULT_QUOTA_BYTES),
  maxEntries: z.number().int().min(1).max(100_000_000).default(DEFAULT_MAX_ENTRIES),
  maxPendingUploads: z.number().int().min(1).max(10_000).default(DEFAULT_MAX_PENDING),
  partialExpiryHours: z.number().positive().max(24 * 365).default(DEFAULT_PARTIAL_EXPIRY_MS / 3600_000),
}).strict();
const EXPECTED = 'expected {"quotaBytes": <bytes>, "maxEntries": <n>, "maxPendingUploads": <n>, "partialExpiryHours": <h>} (each optional)';
export type FilesConfig = z.infer<typeof schema>;

export const readFilesConfig = (configDir: string): FilesConfig => {
  const file = join(configDir, 'files.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return schema.parse({});
    return fail('APP_INVALID', `${file} is unreadable (${(e as NodeJS.ErrnoException).code})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail('APP_INVALID', `${file} is not JSON (${(e as Error).message}); ${EXPECTED}`);
  }
  const r = schema.safeParse(doc);
  if (r.success) return r.data;
  const first = r.error.issues[0]!;
  return fail('APP_INVALID', `${file}: ${first.path.join('.') || '(top)'}: ${first.message}; ${EXPECTED}`);
};
