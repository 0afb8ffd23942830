// Client side of the terminal frames, with the local terminal abstracted away (cmd-term.ts
// binds it to the real tty): keystrokes go out as Data frames, window changes as Resize, remote
// output is written as it comes, and the Exit frame gives the status to exit with.
import type { Duplex, Readable, Writable } from 'node:stream';
import { FrameDecoder, FrameType, dataFrames, parseJson, resizeFrame } from './frame.ts';

export interface TermClientIo {
  input: Readable;
  output: Writable;
  /** Where refusals and a lost connection are reported. */
  errors: Writable;
  /** When input is not a terminal, its end is passed on as ^D so the remote shell sees EOF. */
  inputIsTty: boolean;
  onResize(cb: (cols: number, rows: number) => void): void;
}

/** The shell's exit status: its code, 128 + signal like sh, 255 if the connection was lost. */
export const exitStatus = (e: Record<string, unknown>): number =>
  typeof e.code === 'number' ? e.code : typeof e.signal === 'number' ? 128 + e.signal : 255;

export const runTermClient = (sock: Duplex, io: TermClientIo): Promise<number> =>
  new Promise((resolve) => {
    let status: number | undefined;
    const finish = (s: number): void => {
      if (status !== undefined) return;
      status = s;
      io.input.off('data', onInput);
      io.input.pause();
      resolve(s);
    };
    const decoder = new FrameDecoder();
    sock.on('data', (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) {
        if (f.type === FrameType.Data) {
          if (!io.output.write(Buffer.from(f.payload))) {
            sock.pause();
            io.output.once('drain', () => sock.resume());
          }
        } else if (f.type === FrameType.Exit) finish(exitStatus(parseJson(f.payload) ?? {}));
        else if (f.type === FrameType.Error) {
          io.errors.write(`skywire: ${String(parseJson(f.payload)?.message ?? 'terminal error')}\n`);
          finish(255);
        }
      }
      if (decoder.broken) finish(255);
    });
    const lost = (): void => {
      if (status === undefined) io.errors.write('skywire: connection to the terminal lost\n');
      finish(255);
    };
    sock.on('end', lost);
    sock.on('close', lost);
    sock.on('error', () => undefined);
    const onInput = (c: Buffer | string): void => {
      for (const f of dataFrames(typeof c === 'string' ? Buffer.from(c) : c)) sock.write(f);
    };
    io.input.on('data', onInput);
    io.input.on('end', () => {
      if (!io.inputIsTty && status === undefined) sock.write(dataFrames(Buffer.from([4]))[0]);
    });
    io.onResize((cols, rows) => { if (status === undefined) sock.write(resizeFrame(cols, rows)); });
    sock.resume();
    io.input.resume();
  });
