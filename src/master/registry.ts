// The master's registry of nodes in HOME/registry.json (lowdb; written atomically and durably,
// so a crash leaves the old or new registry). Heartbeats mark it dirty and one write per flushMs
// carries all of them; enrolment and command sequence numbers are flushed before anyone relies
// on them. Writes go through a DurableFile: on a full disk they are retried with backoff and
// shown in `skywire status`; flush() fails with WRITE_FAILED rather than pretend.
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { durableJson } from '../config/durable-json.ts';
import { SkywireError } from '../errors.ts';
import { DiskHealth, errnoOf } from '../node/disk-health.ts';
import type { DurableFile } from '../node/durable-file.ts';
import type { Clock, TimerHandle } from '../env/clock.ts';
import type { LinkInfo, RouteInfo } from './registration-wire.ts';
import type { NodeMetrics } from './node-metrics.ts';

/** removed: `skywire nodes remove` revoked it; it is refused until approved again. */
export type Enrolment = 'accepted' | 'pending' | 'removed';

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
  /** Its current membership credential (base64), while accepted. */
  credential?: string | undefined;
  role?: 'node' | 'relay' | undefined;
  /** Why it is pending, when it is not only waiting for approval (e.g. 'name-taken'). */
  held?: string | undefined;
  /** The newest device data the node reported (fields it never sent are absent). */
  metrics?: Partial<NodeMetrics> | undefined;
  /** The operator's labels (`skywire nodes tag`), for --tag on fleet commands. */
  tags?: string[] | undefined;
}

export interface RevocationState { seq: number; entries: Record<string, number> }
export interface RegistryData { version: 1; nodes: Record<string, NodeRecord>; revocations?: RevocationState; credentialSerial?: number }

export class Registry {
  private timer: TimerHandle | undefined;
  /** Sequence numbers for nodes addressed before they registered (not persisted: a node that
   *  never registered has nothing of ours to replay). Each one was 1 before, so a second
   *  command to such a node was refused as a replay. */
  private readonly unregisteredSeq = new Map<string, number>();

  private readonly file: DurableFile;

  private constructor(private readonly db: Low<RegistryData>, private readonly clock: Clock, private readonly flushMs: number, path: string, disk: DiskHealth) {
    this.file = disk.file(path, () => db.write());
  }

  /** `disk`: the node's book of failing writes (status shows them); without one, failures go to stderr. */
  static async open(home: string, clock: Clock, flushMs = 1000, disk?: DiskHealth): Promise<Registry> {
    const path = join(home, 'registry.json');
    const empty = (): RegistryData => ({ version: 1, nodes: {} });
    let db = new Low<RegistryData>(durableJson<RegistryData>(path), empty());
    try {
      await db.read();
    } catch {
      renameSync(path, `${path}.corrupt-${clock.wallMs()}`);
      db = new Low<RegistryData>(durableJson<RegistryData>(path), empty());
    }
    if (db.data.version !== 1 || typeof db.data.nodes !== 'object') db.data = empty();
    const health = disk ?? new DiskHealth(clock, { info: () => undefined, warn: (m) => process.stderr.write(`registry: ${m}\n`) });
    return new Registry(db, clock, flushMs, path, health);
  }

  get nodes(): Record<string, NodeRecord> {
    return this.db.data.nodes;
  }

  get(address: string): NodeRecord | undefined {
    return Object.hasOwn(this.db.data.nodes, address) ? this.db.data.nodes[address] : undefined;
  }

  /** The revocation list's state (mutable; markDirty after changing it). */
  revocations(): RevocationState {
    return (this.db.data.revocations ??= { seq: 0, entries: {} });
  }

  nextCredentialSerial(): number {
    this.db.data.credentialSerial = (this.db.data.credentialSerial ?? 0) + 1;
    this.markDirty();
    return this.db.data.credentialSerial;
  }

  /** Another accepted node (not `address`) that holds `name`: names are unique among the
   *  accepted, so `skywire term NAME` can mean only one node. */
  nameHolder(name: string, address: string): NodeRecord | undefined {
    if (name === '') return undefined;
    return Object.values(this.db.data.nodes).find((n) => n.name === name && n.address !== address && n.enrolment === 'accepted');
  }

  /** Forgets a record (an evicted stranger's pending registration). */
  drop(address: string): void {
    if (!Object.hasOwn(this.db.data.nodes, address)) return;
    delete this.db.data.nodes[address];
    this.markDirty();
  }

  put(r: NodeRecord): void {
    this.db.data.nodes[r.address] = r;
    this.markDirty();
  }

  /** Schedules one write for everything changed in the next flushMs. */
  markDirty(): void {
    this.timer ??= this.clock.setTimeout(() => {
      this.timer = undefined;
      this.file.request();
    }, this.flushMs);
  }

  /** Writes now; rejects with WRITE_FAILED (file and errno) if that write fails. The data stays
   *  in memory and is retried in the background either way. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    try {
      await this.file.saveOrFail();
    } catch (e) {
      throw new SkywireError('WRITE_FAILED', `cannot write ${this.file.path} (${errnoOf(e)}); the change is kept in memory and retried: free space on the master's disk`, { cause: e });
    }
  }

  /** Last write at shutdown (no more retries); false when the registry is not on disk. */
  close(): Promise<boolean> {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.file.request();
    return this.file.close();
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
