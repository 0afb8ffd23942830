// Scenario SMS traffic: an SmsService on every node at every boot, over an in-memory "disk"
// that keeps only what was saved (a crash loses the rest, as kill -9 would). Counts every
// inbox landing per message id, so the summary can prove each arrived exactly once.
import { z } from 'zod';
import { durationField } from './duration.ts';
import type { SimNode } from './sim-node.ts';
import { SmsService } from '../src/sms/sms-service.ts';
import { memorySmsStore, type SmsDisk } from '../src/sms/sms-store.ts';

const name = z.string().regex(/^n\d+$/, 'expected a node name like "n3"');
const ms = z.number().int().positive();
export const smsSchema = z.object({
  /** `count` messages from `from` to `to`, the first at `at`, then one every `every`. */
  messages: z.array(z.object({ at: durationField(), from: name, to: name, count: z.number().int().min(1).default(1), every: durationField({ positive: true }).default(1000), text: z.string().default('Water is rising near the bridge. We are safe at the school gym, 40 people. Need blankets.') }).strict()),
  options: z.object({ ackTimeoutMs: ms, maxRetryMs: ms, lifetimeMs: ms, routing: z.enum(['mapless', 'map']) }).partial().strict().optional(),
}).strict();
export type SmsSpec = z.output<typeof smsSchema>;

export interface SmsSimSummary {
  sent: number;
  delivered: number;
  duplicates: number;
  receipts: number;
  undelivered: number;
  allDeliveredOnce: boolean;
  deliveryMs: { median: number | null; max: number | null };
  /** From sending to the receipt back at the sender. */
  receiptMs: { median: number | null; max: number | null };
  counters: Record<string, number>;
}

interface Sched { schedule(at: number, fn: () => void, owner?: string): unknown }

export class SimSms {
  private readonly disks = new Map<string, SmsDisk>();
  private readonly services = new Map<string, SmsService>();
  private readonly sentAt = new Map<string, number>();
  private readonly landed = new Map<string, number>();
  private readonly delays: number[] = [];
  private readonly receipts = new Set<string>();
  private readonly receiptDelays: number[] = [];
  private readonly counters: Record<string, number> = {};
  /** The first message delivered more than once (the swarm's at-most-once invariant). */
  firstDuplicate: string | undefined;

  constructor(private readonly spec: SmsSpec, private readonly now: () => number) {}

  /** Called at every boot of every node, before it starts. */
  boot(n: SimNode): void {
    const old = this.services.get(n.name);
    if (old) this.fold(old);
    let disk = this.disks.get(n.name);
    if (!disk) this.disks.set(n.name, (disk = { saved: null }));
    this.services.set(n.name, new SmsService({
      layer: n.node!, topology: n.overlay!.topology, store: memorySmsStore(disk), options: this.spec.options,
      onDelivered: (e) => {
        const c = (this.landed.get(e.id) ?? 0) + 1;
        this.landed.set(e.id, c);
        if (c === 2) this.firstDuplicate ??= `${e.id} delivered twice (at ${n.name})`;
        if (c === 1 && this.sentAt.has(e.id)) this.delays.push(this.now() - this.sentAt.get(e.id)!);
      },
      onReceipt: (e) => {
        if (!this.receipts.has(e.id) && this.sentAt.has(e.id)) this.receiptDelays.push(this.now() - this.sentAt.get(e.id)!);
        this.receipts.add(e.id);
      },
    }));
  }

  schedule(queue: Sched, nodes: ReadonlyMap<string, SimNode>, addressOf: (name: string) => string): void {
    this.spec.messages.forEach((m, i) => {
      for (let k = 0; k < m.count; k++) {
        queue.schedule(m.at + k * m.every, () => {
          const svc = nodes.get(m.from)?.alive ? this.services.get(m.from) : undefined;
          if (!svc) return void (this.counters['source-down'] = (this.counters['source-down'] ?? 0) + 1);
          const at = this.now();
          void svc.send(addressOf(m.to), `${m.text} #${i}.${k}`).then((e) => void this.sentAt.set(e.id, at));
        }, 'scenario');
      }
    });
  }

  private fold(s: SmsService): void {
    for (const [k, v] of Object.entries(s.counters.snapshot())) this.counters[k] = (this.counters[k] ?? 0) + v;
  }

  summary(): SmsSimSummary {
    const counters = { ...this.counters };
    for (const s of this.services.values()) for (const [k, v] of Object.entries(s.counters.snapshot())) counters[k] = (counters[k] ?? 0) + v;
    const d = [...this.delays].sort((a, b) => a - b);
    const r = [...this.receiptDelays].sort((a, b) => a - b);
    const sent = this.sentAt.size;
    const delivered = [...this.sentAt.keys()].filter((id) => this.landed.has(id)).length;
    const duplicates = [...this.landed.values()].reduce((a, c) => a + c - 1, 0);
    return {
      sent, delivered, duplicates, receipts: this.receipts.size, undelivered: sent - delivered,
      allDeliveredOnce: sent > 0 && delivered === sent && duplicates === 0,
      deliveryMs: { median: d.length ? d[Math.floor((d.length - 1) / 2)]! : null, max: d.length ? d[d.length - 1]! : null },
      receiptMs: { median: r.length ? r[Math.floor((r.length - 1) / 2)]! : null, max: r.length ? r[r.length - 1]! : null },
      counters: Object.fromEntries(Object.entries(counters).sort(([a], [b]) => (a < b ? -1 : 1))),
    };
  }
}
