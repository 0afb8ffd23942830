// The master's registry of nodes in HOME/registry.json (lowdb; its writer renames a fully
// written temp file, so a crash leaves the old or new registry). Heartbeats mark it dirty and one
// write per flushMs carries all of them; enrolment and command sequence numbers are flushed
// before anyone relies on them.
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { Clock, TimerHandle } from '../env/clock.ts';
import type { LinkInfo, RouteInfo } from './registration-wire.ts';

export type Enrolment = 'accepted' | 'pending';

export interface NodeRecord {
  address: string;
  publicKey: string;
  name: string;
  version: string;
  enrolment: Enrolment;
  firstSeenMs: number;
  lastSeenMs: number;
  links: Record<string, LinkInfo>;
  routes: Record<string, RouteInfo>;
  configVersion: number;
  /** The master's path to the node (master first, node last), or null when unknown. */
  path: string[] | null;
  /** Highest command sequence number signed for this node. */
  commandSeq: number;
}

export interface RegistryData { version: 1; nodes: Record<string, NodeRecord> }

export class Registry {
  private timer: TimerHandle | undefined;
  /** Sequence numbers for nodes addressed before they registered (not persisted: a node that
   *  never registered has nothing of ours to replay). Each one was 1 before, so a second
   *  command to such a node was refused as a replay. */
  private readonly unregisteredSeq = new Map<string, number>();

  private constructor(private readonly db: Low<RegistryData>, private readonly clock: Clock, private readonly flushMs: number) {}

  static async open(home: string, clock: Clock, flushMs = 1000): Promise<Registry> {
    const path = join(home, 'registry.json');
    const empty = (): RegistryData => ({ version: 1, nodes: {} });
    let db = new Low<RegistryData>(new JSONFile(path), empty());
    try {
      await db.read();
    } catch {
      renameSync(path, `${path}.corrupt-${clock.wallMs()}`);
      db = new Low<RegistryData>(new JSONFile(path), empty());
    }
    if (db.data.version !== 1 || typeof db.data.nodes !== 'object') db.data = empty();
    return new Registry(db, clock, flushMs);
  }

  get nodes(): Record<string, NodeRecord> {
    return this.db.data.nodes;
  }

  get(address: string): NodeRecord | undefined {
    return Object.hasOwn(this.db.data.nodes, address) ? this.db.data.nodes[address] : undefined;
  }

  put(r: NodeRecord): void {
    this.db.data.nodes[r.address] = r;
    this.markDirty();
  }

  /** Schedules one write for everything changed in the next flushMs. */
  markDirty(): void {
    this.timer ??= this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.db.write();
    }, this.flushMs);
  }

  async flush(): Promise<void> {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.db.write();
  }

  /** Reserves the next command sequence number for a node (persist with flush() before use). */
  nextSeq(address: string): number {
    const r = this.get(address);
    if (!r) {
      const next = (this.unregisteredSeq.get(address) ?? 0) + 1;
      this.unregisteredSeq.set(address, next);
      return next;
    }
    r.commandSeq = Math.max(r.commandSeq, this.unregisteredSeq.get(address) ?? 0) + 1;
    this.unregisteredSeq.delete(address);
    this.markDirty();
    return r.commandSeq;
  }
}
