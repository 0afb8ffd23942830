// One admitted terminal: a PTY joined to its stream with frames. Output waits for the stream
// (backpressure pauses the PTY); the last frame is the shell's exit status, then FIN. If the
// stream ends or dies first, the shell gets SIGHUP as if its terminal was hung up.
import type { Duplex } from 'node:stream';
import type { Pty } from '../env/pty-spawn.ts';
import { FrameDecoder, FrameType, dataFrames, jsonFrame, parseResize } from './frame.ts';

export const runTermSession = (stream: Duplex, pty: Pty, onBadFrame: () => void): void => {
  let exited = false;
  pty.onData((bytes) => {
    let ok = true;
    for (const f of dataFrames(bytes)) ok = stream.write(f) && ok;
    if (!ok) {
      pty.pause();
      stream.once('drain', () => pty.resume());
    }
  });
  pty.onExit((e) => {
    exited = true;
    stream.end(jsonFrame(FrameType.Exit, { code: e.code, signal: e.signal }));
  });
  const decoder = new FrameDecoder();
  stream.on('data', (chunk: Buffer) => {
    for (const f of decoder.push(chunk)) {
      if (f.type === FrameType.Data) pty.write(Buffer.from(f.payload));
      else if (f.type === FrameType.Resize) {
        const r = parseResize(f.payload);
        if (r) pty.resize(r.cols, r.rows);
      }
      // Other frame types from a client are ignored: newer clients may send more kinds.
    }
    if (decoder.broken) {
      onBadFrame();
      stream.destroy();
    }
  });
  // A client never half-closes a terminal (stdin's end travels as ^D), so a FIN means it went
  // away (killed, control socket closed): hang up rather than leave an idle shell behind.
  stream.on('end', () => {
    if (!exited) pty.kill();
  });
  stream.on('error', () => undefined);
  stream.on('close', () => {
    if (!exited) pty.kill();
  });
  stream.resume();
};
