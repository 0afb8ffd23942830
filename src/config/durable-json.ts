// A lowdb adapter for files a node relies on after a crash (state.json, sms.json,
// registry.json): reads like lowdb's JSONFile (no file: null; bad JSON: throws, so the caller
// can move it aside), writes through writeFileAtomic (temp, fsync, rename, fsync of the
// directory), so a write that returned is on disk and a failed one leaves no temp file behind.
import { readFileSync } from 'node:fs';
import type { Adapter } from 'lowdb';
import { writeFileAtomic } from './atomic-write.ts';

export const durableJson = <T>(path: string): Adapter<T> => ({
  read: () => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve(null);
      return Promise.reject(e as Error);
    }
    try {
      return Promise.resolve(JSON.parse(text) as T);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  },
  // Synchronous inside: a sync throw would escape lowdb's promise chain, so it becomes a rejection.
  write: (data) => {
    try {
      writeFileAtomic(path, JSON.stringify(data));
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e as Error);
    }
  },
});
