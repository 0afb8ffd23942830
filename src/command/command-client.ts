// The master's side of one command: dial the node's command port, send the signed bytes, read
// the one JSON reply. Failures (unreachable, timeout, refused) become replies too, so `exec --all`
// can report every node and a summary instead of stopping at the first error.
import type { Overlay } from '../overlay/overlay.ts';
import type { CommandReply } from './command-server.ts';
import { frame, parseJsonFrame, readFrames } from './frames.ts';
import { COMMAND_PORT } from './ports.ts';

export const sendCommand = (overlay: Overlay, node: string, signed: Uint8Array, timeoutMs: number): Promise<CommandReply> =>
  new Promise((resolve) => {
    const clock = overlay.node.clock;
    let done = false;
    const finish = (r: CommandReply): void => {
      if (done) return;
      done = true;
      clock.clearTimeout(timer);
      stream.destroy();
      resolve(r);
    };
    const stream = overlay.dial(node, COMMAND_PORT);
    const timer = clock.setTimeout(() => finish({ ok: false, error: { code: 'timeout', message: `no reply from ${node} within ${timeoutMs} ms` } }), timeoutMs);
    stream.on('error', (e: Error & { code?: string }) => finish({ ok: false, error: { code: e.code ?? 'INTERNAL', message: e.message } }));
    stream.on('end', () => finish({ ok: false, error: { code: 'reset', message: `${node} closed the stream without a reply` } }));
    stream.once('connect', () => stream.write(frame(signed)));
    readFrames(stream, (bytes) => {
      const r = parseJsonFrame(bytes) as CommandReply | undefined;
      finish(r && typeof r === 'object' && 'ok' in r ? r : { ok: false, error: { code: 'INTERNAL', message: 'garbled reply' } });
    });
  });
