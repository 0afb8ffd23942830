// One end of the batched-UDP namespace test (test/udp-batch.test.ts), run inside a namespace:
//   recv LISTEN COUNT         prints {"ready":true}, then {"got":N,"ok":bool,"from":"ip:port"}
//   send LISTEN TO COUNT SIZE sends COUNT numbered packets in bursts of 40 per event-loop turn,
//                             prints {"sent":COUNT,"stats":{...}}
// Packet i holds i in its first 4 bytes and i & 255 after, so the receiver checks order and
// content of every byte.
import { openUdpCarrier } from '../../src/env/udp-carrier.ts';

const [mode, listen, a, b, c] = process.argv.slice(2);
const carrier = await openUdpCarrier(listen!);
const out = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};
// Exit once the carrier is closed; a failed close still exits (the test reads what was printed).
const closeAndExit = (): void => {
  carrier.close().catch(() => undefined).finally(() => process.exit(0));
};

if (mode === 'recv') {
  const count = Number(a);
  let got = 0;
  let ok = true;
  let from = '';
  const finish = (): void => {
    out({ got, ok, from });
    closeAndExit();
  };
  const timer = setTimeout(finish, 20_000);
  carrier.received$.subscribe(({ from: f, bytes }) => {
    from = f;
    const seq = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
    if (seq !== got || bytes.subarray(4).some((x) => x !== (seq & 255))) ok = false;
    if (++got === count) { clearTimeout(timer); finish(); }
  });
  out({ ready: true });
} else {
  const [to, count, size] = [a!, Number(b), Number(c)];
  let i = 0;
  const burst = (): void => {
    for (let k = 0; k < 40 && i < count; k++, i++) {
      const p = new Uint8Array(size).fill(i & 255);
      new DataView(p.buffer).setUint32(0, i);
      carrier.send(to, p);
    }
    if (i < count) setTimeout(burst, 1);
    else setTimeout(() => { out({ sent: count, stats: carrier.udpBatch ?? null, error: carrier.sendErrorFor?.(to) ?? null, errors: carrier.sendErrors }); closeAndExit(); }, 200);
  };
  burst();
}
