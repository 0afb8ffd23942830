// Whole AX.25 frames to and from a KISS TNC on a serial port. Opens the device, sends the
// channel parameters (TXDELAY, P, SlotTime, TxTail, FullDuplex) on every open, decodes the byte
// stream with the KISS decoder, and when the device goes away (a USB TNC unplugged, direwolf
// or socat restarted) polls for its path and reopens it. Writes while it is gone are counted.
import { accessSync, constants as fsc, realpathSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { Subject } from 'rxjs';
import { SkywireError } from '../errors.ts';
import { KissCmd, KissDecoder, kissData, kissParam } from '../radio/kiss.ts';
import type { FrameIo } from '../radio/radio-carrier.ts';

export interface KissSerialOptions {
  device: string;
  baud: number;
  kissPort: number;
  txDelayMs: number;
  persistence: number;
  slotMs: number;
  txTailMs: number;
  fullDuplex: boolean;
  pollMs: number;
  /** Largest KISS frame accepted from the TNC. */
  maxFrame: number;
}

export type SerialState = 'open' | 'waiting' | 'closed';

export interface SerialStats { opens: number; writeErrors: number; droppedWhileDown: number }

/** Checks the device before serialport does, because its errors carry no errno code. */
export const checkDevice = (device: string): void => {
  try {
    accessSync(device, fsc.R_OK | fsc.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new SkywireError('SERIAL_NOT_FOUND', `serial device ${device} does not exist: check radio.device (ls /dev/serial/by-id/ lists USB TNCs; for direwolf use the pty it prints, e.g. /tmp/kisstnc) and that the TNC is plugged in`);
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new SkywireError('SERIAL_PERMISSION', `no permission to open serial device ${device}: add yourself to the dialout group (sudo usermod -aG dialout $USER, then log in again) or fix the device's mode`);
    }
    throw new SkywireError('SERIAL_OPEN', `cannot open serial device ${device} (${code ?? (e as Error).message})`);
  }
};

export class KissSerialIo implements FrameIo {
  readonly frames$ = new Subject<Uint8Array>();
  readonly stats: SerialStats = { opens: 0, writeErrors: 0, droppedWhileDown: 0 };
  readonly decoder: KissDecoder;
  state: SerialState = 'waiting';
  private port: SerialPort | undefined;
  private poll: NodeJS.Timeout | undefined;
  private watch: NodeJS.Timeout | undefined;
  private readonly state$ = new Subject<SerialState>();
  readonly states$ = this.state$.asObservable();

  constructor(private readonly o: KissSerialOptions) {
    this.decoder = new KissDecoder(o.maxFrame);
  }

  /** First open: a wrong path or permission is an error for the caller, not a retry. */
  async open(): Promise<void> {
    checkDevice(this.o.device);
    await this.tryOpen();
  }

  transmit(frame: Uint8Array): void {
    const p = this.port;
    if (this.state !== 'open' || !p) { this.stats.droppedWhileDown++; return; }
    p.write(Buffer.from(kissData(frame, this.o.kissPort)), (err) => { if (err) this.stats.writeErrors++; });
  }

  busy(): boolean {
    return false; // the TNC senses the channel itself, with the P and SlotTime we send it
  }

  async close(): Promise<void> {
    this.setState('closed');
    if (this.poll) clearTimeout(this.poll);
    if (this.watch) clearTimeout(this.watch);
    const p = this.port;
    this.port = undefined;
    if (p?.isOpen) await new Promise<void>((res) => p.close(() => res()));
    this.frames$.complete();
    this.state$.complete();
  }

  private tryOpen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const p = new SerialPort({ path: this.o.device, baudRate: this.o.baud, autoOpen: false });
      p.open((err) => {
        if (err) return reject(new SkywireError('SERIAL_OPEN', `cannot open serial device ${this.o.device}: ${err.message}`));
        if (this.state === 'closed') { p.close(); return resolve(); }
        this.port = p;
        this.stats.opens++;
        p.on('data', (chunk: Buffer) => {
          for (const f of this.decoder.push(chunk)) if (f.cmd === KissCmd.Data && f.port === this.o.kissPort) this.frames$.next(f.data);
        });
        p.on('error', () => undefined); // a disconnect also arrives as 'close'
        p.on('close', () => this.lost(p));
        this.sendParams(p);
        this.setState('open');
        this.watchPresence(p, this.where());
        resolve();
      });
    });
  }

  private sendParams(p: SerialPort): void {
    const o = this.o;
    const k = o.kissPort;
    const bytes = [
      kissParam(KissCmd.TxDelay, o.txDelayMs / 10, k),
      kissParam(KissCmd.Persistence, o.persistence * 256 - 1, k), // KISS: P = p * 256 - 1
      kissParam(KissCmd.SlotTime, o.slotMs / 10, k),
      kissParam(KissCmd.TxTail, o.txTailMs / 10, k),
      kissParam(KissCmd.FullDuplex, o.fullDuplex ? 1 : 0, k),
    ];
    for (const b of bytes) p.write(Buffer.from(b));
  }

  /** What the device path points at now (a USB TNC's node, or socat's/direwolf's pty), or null. */
  private where(): string | null {
    try {
      return realpathSync(this.o.device);
    } catch {
      return null;
    }
  }

  // A pty whose other end went away does not always wake the poller that would report it, and
  // an unplugged USB TNC removes its device node: the path going away or pointing elsewhere is
  // the unplug, whatever serialport noticed.
  private watchPresence(p: SerialPort, opened: string | null): void {
    this.watch = setTimeout(() => {
      this.watch = undefined;
      if (this.port !== p || this.state === 'closed') return;
      if (opened !== null && this.where() === opened) return this.watchPresence(p, opened);
      this.lost(p);
      if (p.isOpen) p.close(() => undefined);
    }, this.o.pollMs);
  }

  private lost(p: SerialPort): void {
    if (this.port !== p || this.state === 'closed') return;
    this.port = undefined;
    this.setState('waiting');
    this.schedulePoll();
  }

  private schedulePoll(): void {
    if (this.state === 'closed') return;
    this.poll = setTimeout(() => {
      this.poll = undefined;
      try {
        checkDevice(this.o.device);
      } catch {
        return this.schedulePoll();
      }
      this.tryOpen().catch(() => this.schedulePoll());
    }, this.o.pollMs);
  }

  private setState(s: SerialState): void {
    if (this.state === s) return;
    this.state = s;
    this.state$.next(s);
  }
}
