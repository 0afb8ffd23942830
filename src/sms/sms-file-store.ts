// HOME/sms.json through lowdb, with an adapter that writes atomically *and durably* (temp file,
// fsync, rename, fsync of the directory): a custody ack goes out only after this returns, so
// neither kill -9 nor a power cut can lose a message the node acknowledged. Writes go through a
// DurableFile: on a full disk they are retried with backoff and shown in `skywire status`.
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { durableJson } from '../config/durable-json.ts';
import { SkywireError } from '../errors.ts';
import type { DiskHealth } from '../node/disk-health.ts';
import { emptySmsData, isSmsData, type SmsData, type SmsStore } from './sms-store.ts';

export const SMS_FILE = 'sms.json';

/** Reads the store without opening it for writing (the CLI's inbox and outbox views). */
export const readSmsFile = (home: string): SmsData => {
  const path = join(home, SMS_FILE);
  if (!existsSync(path)) return emptySmsData();
  try {
    const d: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (isSmsData(d)) return d;
  } catch { /* reported below */ }
  throw new SkywireError('SMS_STORE_CORRUPT', `${path} is not an SMS store; move it aside to start with an empty one`);
};

/** Opens the node's store. An unreadable file is moved aside (named in the error log), never overwritten. */
export const openSmsFileStore = async (home: string, disk: DiskHealth, warn: (m: string) => void): Promise<SmsStore> => {
  const path = join(home, SMS_FILE);
  const db = new Low<SmsData>(durableJson<SmsData>(path), emptySmsData());
  try {
    await db.read();
    if (!isSmsData(db.data)) throw new Error('not an SMS store');
  } catch {
    const aside = `${path}.corrupt-${disk.clock.wallMs()}`;
    renameSync(path, aside);
    warn(`${path} was unreadable and was moved to ${aside}; starting with an empty SMS store`);
    db.data = emptySmsData();
  }
  const file = disk.file(path, () => db.write());
  return {
    data: db.data,
    file: path,
    save: () => file.save(),
    saveOrFail: () => file.saveOrFail(),
    persist: () => file.request(),
    get pending() { return file.pending; },
    close: () => file.close(),
  };
};
