// Per-packet cost of the forwarding decision delivered through RxJS against a plain function
// call. The work is what a relay does per data packet: read the route ID, look up the rule,
// rewrite the ID. The data path uses plain calls (src/route/relay.ts); RxJS carries events
// (link changes, route transitions), where a few hundred nanoseconds do not matter. Packets do
// enter through one Subject (the carrier's received$): tens of ns against ~8 us of AEAD per packet.
import { Subject, filter, map } from 'rxjs';
import { print, rate } from './machine.ts';

const table = new Map<number, { out: string; id: number }>();
for (let i = 0; i < 1000; i++) table.set(i, { out: `peer${i % 4}`, id: (i * 7919) % 65536 });
const pkt = new Uint8Array(1400);
let forwarded = 0;
let id = 0;

const work = (p: Uint8Array): { rule: { out: string; id: number }; p: Uint8Array } | undefined => {
  const rule = table.get(((p[1]! << 8) | p[2]!) % 1000);
  if (!rule) return undefined;
  p[1] = rule.id >> 8;
  p[2] = rule.id & 0xff;
  return { rule, p };
};
const sink = (x: { rule: { out: string } } | undefined): void => { if (x) forwarded++; };
const next = (): Uint8Array => { pkt[1] = (id >> 8) & 0xff; pkt[2] = id++ & 0xff; return pkt; };

const plain = rate(() => sink(work(next())), 1500);

const subj = new Subject<Uint8Array>();
subj.subscribe((p) => sink(work(p)));
const rxSubscribe = rate(() => subj.next(next()), 1500);

const piped = new Subject<Uint8Array>();
piped.pipe(map(work), filter((x) => x !== undefined)).subscribe(sink);
const rxPipe = rate(() => piped.next(next()), 1500);

const ns = (r: { perSec: number }): number => Math.round(1e9 / r.perSec);
print('forwarding', {
  nsPerPacket: { plainCall: ns(plain), rxSubjectSubscribe: ns(rxSubscribe), rxSubjectPipeMapFilter: ns(rxPipe) },
  packetsPerSec: { plainCall: plain.perSec, rxSubjectSubscribe: rxSubscribe.perSec, rxSubjectPipeMapFilter: rxPipe.perSec },
  forwarded,
  choice: 'plain calls on the per-packet path; RxJS for control events',
});
