// Every file and directory under a root as sorted "path exec sha256" lines (directories end
// in "/"), so two trees compare with one deepEqual: names, contents and the executable bit.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const listing = (root: string, rel = ''): string[] =>
  readdirSync(join(root, rel)).sort().flatMap((n) => {
    const p = rel ? `${rel}/${n}` : n;
    const s = statSync(join(root, p));
    if (s.isDirectory()) return [`${p}/`, ...listing(root, p)];
    return [`${p} ${(s.mode & 0o100) !== 0 ? 'x' : '-'} ${createHash('sha256').update(readFileSync(join(root, p))).digest('hex')}`];
  });
