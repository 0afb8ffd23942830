// `set-config`: the master pushes a whole config document with a version number. The node
// refuses a version not above the one it has (an old push arriving late must not win), checks
// the document exactly as it would at start, keeps its master key and relays unless the push
// names new ones (a push must not cut the node off from its master), and replaces
// HOME/config.json atomically. Peers are added live; other fields take effect at restart.
import { configPath, parseNodeConfig, readConfigDocument, type NodeConfig } from '../config/node-config.ts';
import { writeFileAtomic } from '../config/atomic-write.ts';
import { SkywireError } from '../errors.ts';

export interface SetConfigResult { applied: number; previous: number; config: NodeConfig }

export const setConfig = (home: string, args: Record<string, unknown>): SetConfigResult => {
  const version = args.version;
  const doc = args.config;
  if (!Number.isSafeInteger(version) || (version as number) < 1) throw new SkywireError('BAD_REQUEST', 'set-config: "version" must be a positive integer');
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new SkywireError('BAD_REQUEST', 'set-config: "config" must be a JSON object (the content of config.json)');
  const current = readConfigDocument(home);
  const previous = typeof current.configVersion === 'number' ? current.configVersion : 0;
  if ((version as number) <= previous) {
    throw new SkywireError('CONFIG_VERSION', `set-config: version ${String(version)} is not newer than the applied version ${previous}; push version ${previous + 1} or higher`);
  }
  const d = doc as Record<string, unknown>;
  const next = {
    ...d,
    version: 1,
    master: d.master ?? current.master,
    relays: d.relays ?? current.relays,
    configVersion: version,
  };
  const text = JSON.stringify(next, null, 2) + '\n';
  const config = parseNodeConfig(text, `pushed config version ${String(version)}`);
  writeFileAtomic(configPath(home), text);
  return { applied: version as number, previous, config };
};
