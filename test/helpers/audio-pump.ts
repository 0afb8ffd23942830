// Carries one direwolf's transmit audio to the other's stdin at the real sample rate, filling the
// gaps with silence. Without it the receiving modem only gets samples while the other side
// transmits: at the end of a transmission its input simply stops, its carrier detect never
// drops, and it waits for a clear channel forever (and decodes the last frame late).
import { constants as fsc, openSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';

export interface AudioPump { stop(): void; bytesIn: () => number }

export const startPump = (fifo: string, out: Writable, bytesPerSec: number): AudioPump => {
  // O_RDWR never blocks on a FIFO, and keeps it open when the writer comes and goes.
  const fd = openSync(fifo, fsc.O_RDWR | fsc.O_NONBLOCK);
  const sock = new Socket({ fd, readable: true, writable: false });
  const pending: Buffer[] = [];
  let queued = 0;
  let total = 0;
  sock.on('data', (b: Buffer) => { pending.push(b); queued += b.length; total += b.length; });
  sock.on('error', () => undefined);
  out.on('error', () => undefined); // the modem exited (EPIPE): its own exit is what gets reported
  const tickMs = 20;
  let due = 0;
  let last = Date.now();
  const silence = Buffer.alloc(Math.ceil((bytesPerSec * tickMs * 4) / 1000));
  const timer = setInterval(() => {
    const now = Date.now();
    due += ((now - last) * bytesPerSec) / 1000;
    last = now;
    let n = Math.floor(due / 2) * 2; // whole 16-bit samples
    due -= n;
    const chunks: Buffer[] = [];
    while (n > 0 && queued > 0) {
      const head = pending[0]!;
      const take = Math.min(n, head.length);
      chunks.push(head.subarray(0, take));
      if (take === head.length) pending.shift(); else pending[0] = head.subarray(take);
      queued -= take;
      n -= take;
    }
    while (n > 0) {
      const take = Math.min(n, silence.length);
      chunks.push(silence.subarray(0, take));
      n -= take;
    }
    if (!out.destroyed) out.write(Buffer.concat(chunks));
  }, tickMs);
  return { stop: () => { clearInterval(timer); sock.destroy(); }, bytesIn: () => total };
};
