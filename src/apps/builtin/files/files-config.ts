// config/files.json of the files app: { "quotaBytes": N }. A missing file means the default
// quota; a file that is there but wrong is an error, never silently the default.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fail } from '../../../errors.ts';

export const DEFAULT_QUOTA_BYTES = 1024 ** 3;

const schema = z.object({ quotaBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(DEFAULT_QUOTA_BYTES) }).strict();
export type FilesConfig = z.infer<typeof schema>;

export const readFilesConfig = (configDir: string): FilesConfig => {
  const file = join(configDir, 'files.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { quotaBytes: DEFAULT_QUOTA_BYTES };
    return fail('APP_INVALID', `${file} is unreadable (${(e as NodeJS.ErrnoException).code})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail('APP_INVALID', `${file} is not JSON (${(e as Error).message}); expected {"quotaBytes": <bytes>}`);
  }
  const r = schema.safeParse(doc);
  if (r.success) return r.data;
  const first = r.error.issues[0]!;
  return fail('APP_INVALID', `${file}: ${first.path.join('.') || '(top)'}: ${first.message}; expected {"quotaBytes": <bytes>}`);
};
