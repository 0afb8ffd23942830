// Scenario streams: a source dials, writes seeded pseudo-random bytes with backpressure and
// ends; the destination hashes what arrives. Equal SHA-256 on both sides means no byte was
// lost, duplicated or reordered, whatever the faults did to the route underneath.
import { createHash, type Hash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { StreamSpec } from './scenario-schema.ts';
import type { SeededRandom } from './sim-random.ts';
import type { Overlay } from '../src/overlay/overlay.ts';

export interface StreamResult {
  index: number; from: string; to: string; bytes: number;
  sent: number; delivered: number; sentSha: string; deliveredSha: string | null; intact: boolean;
  startedAt: number; finishedAt: number | null; error: string | null;
}

const CHUNK = 16 * 1024;

export class SimTraffic {
  readonly results: StreamResult[];
  /** Streams opened so far: until the first, no Duplex exists to defer work with nextTick. */
  started = 0;
  private readonly rx = new Map<number, { hash: Hash; bytes: number }>();
  /** With `verify`: every byte sent per stream, so each arriving chunk is compared at once. */
  private readonly sentBytes = new Map<number, { chunks: Buffer[]; all: Buffer }>();
  /** The first misdelivery seen (verify mode): the swarm's stream-order invariant. */
  fault: string | undefined;

  constructor(private readonly specs: StreamSpec[], private readonly random: SeededRandom, private readonly now: () => number, private readonly verify = false) {
    this.results = specs.map((s, index) => ({ index, from: s.from, to: s.to, bytes: s.bytes, sent: 0, delivered: 0, sentSha: '', deliveredSha: null, intact: false, startedAt: s.at, finishedAt: null, error: null }));
  }

  private remember(index: number, chunk: Uint8Array): void {
    let m = this.sentBytes.get(index);
    if (!m) this.sentBytes.set(index, (m = { chunks: [], all: Buffer.alloc(0) }));
    m.chunks.push(Buffer.from(chunk));
  }

  /** Does `chunk`, arriving at `offset` of stream `index`, hold exactly the bytes sent there? */
  private compare(index: number, offset: number, chunk: Buffer): void {
    if (this.fault) return;
    const m = this.sentBytes.get(index);
    const spec = this.specs[index]!;
    const what = `stream #${index} ${spec.from}->${spec.to}`;
    if (!m) return void (this.fault = `${what}: ${chunk.length} bytes arrived before any was sent`);
    if (offset + chunk.length > m.all.length && m.chunks.length > 0) {
      m.all = Buffer.concat([m.all, ...m.chunks]);
      m.chunks = [];
    }
    if (offset + chunk.length > m.all.length) return void (this.fault = `${what}: ${offset + chunk.length} bytes delivered, only ${m.all.length} sent`);
    const sent = m.all.subarray(offset, offset + chunk.length);
    if (!sent.equals(chunk)) {
      let i = 0;
      while (sent[i] === chunk[i]) i++;
      this.fault = `${what}: byte ${offset + i} delivered as 0x${chunk[i]!.toString(16)}, sent as 0x${sent[i]!.toString(16)} (out of order, duplicated or corrupted)`;
    }
  }

  ports(): number[] {
    return [...new Set(this.specs.map((s) => s.port))];
  }

  /** Installed on every node at every boot: hashes incoming scenario streams. */
  listen(o: Overlay): void {
    for (const port of this.ports()) {
      o.listen(port, 'fleet', (stream) => {
        let index = -1;
        let head = Buffer.alloc(0);
        stream.on('data', (chunk: Buffer) => {
          if (index < 0) {
            head = Buffer.concat([head, chunk]);
            if (head.length < 8) return;
            index = Number(head.readBigUInt64BE(0));
            chunk = head.subarray(8);
            if (!this.results[index]) return void stream.destroy();
            this.rx.set(index, { hash: createHash('sha256'), bytes: 0 });
          }
          const r = this.rx.get(index)!;
          if (this.verify) this.compare(index, r.bytes, chunk);
          r.hash.update(chunk);
          r.bytes += chunk.length;
          this.results[index]!.delivered = r.bytes;
        });
        stream.on('end', () => {
          const res = this.results[index];
          if (!res) return;
          res.deliveredSha = this.rx.get(index)!.hash.digest('hex');
          res.finishedAt = this.now();
          res.intact = res.deliveredSha === res.sentSha && res.delivered === res.bytes && res.sent === res.bytes;
          stream.end();
        });
        stream.on('error', () => {});
      });
    }
  }

  start(index: number, o: Overlay, toAddress: string): void {
    this.started++;
    const spec = this.specs[index]!;
    const res = this.results[index]!;
    const rnd = this.random.split(`stream:${index}`);
    const hash = createHash('sha256');
    let s: Duplex;
    try {
      s = o.dial(toAddress, spec.port);
    } catch (e) {
      res.error = (e as Error).message;
      return;
    }
    s.on('error', (e: Error & { code?: string }) => { res.error ??= e.code ?? e.message; });
    s.on('data', () => {});
    const head = Buffer.alloc(8);
    head.writeBigUInt64BE(BigInt(index));
    s.write(head);
    const pump = (): void => {
      while (res.sent < spec.bytes) {
        const n = Math.min(CHUNK, spec.bytes - res.sent);
        const chunk = rnd.bytes(n);
        hash.update(chunk);
        if (this.verify) this.remember(index, chunk);
        res.sent += n;
        if (!s.write(chunk)) return void s.once('drain', pump);
      }
      res.sentSha = hash.digest('hex');
      s.end();
    };
    pump();
  }
}
