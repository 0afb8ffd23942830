// First boot: fold the boot file into HOME/config.json (master key, relays, name), keeping every
// other setting, and write it atomically. Applying the same file twice changes nothing, so the
// node may re-apply it on every start and whenever the operator edits it.
import { configPath, parseNodeConfig, readConfigDocument } from '../config/node-config.ts';
import { writeFileAtomic } from '../config/atomic-write.ts';
import type { MasterFile } from './master-file.ts';

export const applyBootFile = (home: string, mf: MasterFile): boolean => {
  const doc = readConfigDocument(home);
  const next: Record<string, unknown> = {
    ...doc,
    version: 1,
    master: Buffer.from(mf.masterKey).toString('base64'),
    relays: mf.relays.map((r) => `${r.address}@${r.endpoint}`),
    ...(mf.name === undefined ? {} : { name: mf.name }),
    ...(mf.stub === undefined ? {} : { stub: mf.stub }),
  };
  const text = JSON.stringify(next, null, 2) + '\n';
  if (JSON.stringify(doc, null, 2) + '\n' === text) return false;
  parseNodeConfig(text, configPath(home)); // never write a config the node could not load
  writeFileAtomic(configPath(home), text);
  return true;
};
