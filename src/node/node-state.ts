// Persisted node state (HOME/state.json) through lowdb, whose steno writer replaces the file
// by rename: a kill -9 at any instant leaves the old or the new state, never a torn one.
// Opening only reads: the caller writes through its DurableFile (src/node/durable-file.ts), so a
// node on a full disk still starts, says so, and retries.
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { durableJson } from '../config/durable-json.ts';
import type { NodeStatus } from './node-status.ts';

export interface PeerRecord { lastHandshakeAt: number | null; handshakes: number; bytesIn: number; bytesOut: number }
export interface NodeStateData {
  version: 1;
  starts: number;
  cleanShutdown: boolean;
  lastStartAt: number | null;
  lastStopAt: number | null;
  peers: Record<string, PeerRecord>;
}

const empty = (): NodeStateData => ({ version: 1, starts: 0, cleanShutdown: true, lastStartAt: null, lastStopAt: null, peers: {} });

export interface OpenedState { db: Low<NodeStateData>; previousUnclean: boolean; quarantined: string | null }

/** Opens the state (the caller saves this start); a file that is not valid JSON is moved aside
 *  (it holds no secrets or keys). */
export const openNodeState = async (home: string, wallMs: number): Promise<OpenedState> => {
  const path = join(home, 'state.json');
  let db = new Low<NodeStateData>(durableJson<NodeStateData>(path), empty());
  let quarantined: string | null = null;
  try {
    await db.read();
  } catch {
    quarantined = `${path}.corrupt-${wallMs}`;
    renameSync(path, quarantined);
    db = new Low<NodeStateData>(durableJson<NodeStateData>(path), empty());
  }
  if (db.data.version !== 1 || typeof db.data.peers !== 'object') db.data = empty();
  const previousUnclean = db.data.starts > 0 && !db.data.cleanShutdown;
  db.data.starts++;
  db.data.cleanShutdown = false;
  db.data.lastStartAt = wallMs;
  return { db, previousUnclean, quarantined };
};

/** Folds the live link counters into the persisted record. */
export const recordStatus = (data: NodeStateData, status: NodeStatus): void => {
  for (const l of status.links) {
    data.peers[l.peer] = { lastHandshakeAt: l.lastHandshakeAt, handshakes: l.handshakes, bytesIn: l.bytesIn, bytesOut: l.bytesOut };
  }
};
