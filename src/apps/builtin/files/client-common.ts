// Types and local-file errors shared by client-put.ts and client-get.ts.
import { SkywireError } from '../../../errors.ts';

export type Progress = (done: number, total: number) => void;
export interface PutResult { size: number; sha256: string; resumedAt: number; sent: number }
export interface GetResult { size: number; sha256: string }

/** A local file problem as a coded error, so the CLI prints one line for it like any other. */
export const localError = (e: unknown, file: string): SkywireError => {
  if (e instanceof SkywireError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new SkywireError('FS_NOT_FOUND', `local file ${file} does not exist`);
  return new SkywireError('BAD_REQUEST', `local file ${file}: ${code ?? (e as Error).message}`);
};
