// Turns whatever a request threw into a reply with a code the client can branch on. Messages
// name the client's path, never the host path of the data directory.
import { isSkywireError, type ErrorCode } from '../../../errors.ts';
import type { ErrorReply } from './files-protocol.ts';

const ERRNO: Readonly<Record<string, readonly [ErrorCode, string]>> = Object.freeze({
  ENOENT: ['FS_NOT_FOUND', 'does not exist'],
  ENOTDIR: ['FS_NOT_FOUND', 'does not exist (a file is where a directory would be)'],
  EEXIST: ['FS_EXISTS', 'already exists'],
  EISDIR: ['FS_EXISTS', 'is a directory'],
  ENOTEMPTY: ['BAD_REQUEST', 'is a directory that is not empty'],
  ENOSPC: ['QUOTA_EXCEEDED', 'cannot be stored: the node\'s disk is full'],
  EDQUOT: ['QUOTA_EXCEEDED', 'cannot be stored: the node\'s disk quota is used up'],
  EACCES: ['INTERNAL', 'is not accessible to the files app (permissions on the node)'],
  EPERM: ['INTERNAL', 'is not accessible to the files app (permissions on the node)'],
});

export const errorReply = (e: unknown, rel: string): ErrorReply => {
  if (isSkywireError(e)) return { ok: false, code: e.code, message: e.message };
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const known = ERRNO[code];
  if (known) return { ok: false, code: known[0], message: `"${rel}" ${known[1]}` };
  return { ok: false, code: 'INTERNAL', message: `"${rel}": unexpected ${code || 'error'} on the node; see the files app's log` };
};
