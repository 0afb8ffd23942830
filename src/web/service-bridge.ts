// The browser's terminal and log follower: the same signed paths as `skywire term` and
// `skywire logs` (the master's 'term' or 'logs' handler signs the command, the node checks it
// and opens the service), with the service frames (src/term/frame.ts) turned into WebSocket
// messages here so the page needs no codec: binary messages are the service's bytes both ways;
// text messages are JSON, from the page {resize: [cols, rows]}, to the page {open: {...}},
// {exit: {code, signal}} or {error: {...}}.
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ControlHandler } from '../env/control-server.ts';
import { Takeover } from '../env/control-server.ts';
import { FrameDecoder, FrameType, dataFrames, parseJson, resizeFrame } from '../term/frame.ts';

/** Bytes queued to a slow browser before the node's output waits. */
const HIGH_WATER = 1 << 20;

/** `request`: the control request for the master's handler (cmd, address and its arguments). */
export const bridgeService = (ws: WebSocket, handler: ControlHandler, request: Record<string, unknown>): void => {
  let local: Duplex | undefined;
  const fail = (code: string, message: string): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ error: { code, message } }));
    ws.close(1000);
  };
  ws.on('error', () => ws.terminate());
  // Until the service is open, page messages are dropped: there is nothing to type into yet.
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!local) return;
    if (isBinary) {
      for (const f of dataFrames(data)) local.push(f);
      return;
    }
    try {
      const m = JSON.parse(data.toString('utf8')) as { resize?: unknown };
      if (Array.isArray(m.resize) && m.resize.length === 2) local.push(resizeFrame(Number(m.resize[0]), Number(m.resize[1])));
    } catch { /* not JSON: ignored */ }
  });
  ws.on('close', () => local?.destroy());
  Promise.resolve(handler(request)).then((t) => {
    if (!(t instanceof Takeover)) return fail('INTERNAL', `the ${String(request.cmd)} service did not open`);
    if (ws.readyState !== ws.OPEN) return;
    const decoder = new FrameDecoder();
    local = new Duplex({
      // What the node sends: frames, turned into messages for the page.
      write(chunk: Buffer, _enc, done) {
        let last: Buffer | string | undefined;
        const flush = (cb?: () => void): void => { if (last !== undefined) ws.send(last, { binary: typeof last !== 'string' }, cb); last = undefined; };
        for (const f of decoder.push(chunk)) {
          flush();
          if (f.type === FrameType.Data) last = Buffer.from(f.payload);
          else if (f.type === FrameType.Exit) last = JSON.stringify({ exit: parseJson(f.payload) ?? {} });
          else if (f.type === FrameType.Error) last = JSON.stringify({ error: parseJson(f.payload) ?? { message: 'terminal error' } });
        }
        if (decoder.broken) { ws.close(1002); return done(); }
        // Back-pressure: while the page is behind, the node's output waits for this message
        // to reach the socket before the next chunk is taken.
        if (ws.bufferedAmount < HIGH_WATER || last === undefined) { flush(); return done(); }
        flush(() => done());
      },
      read() { /* pushed from ws messages */ },
      final(done) { ws.close(1000); done(); },
    });
    ws.send(JSON.stringify({ open: t.result }));
    // The takeover joins its "socket" to the node's stream with pipe and events only.
    t.run(local as unknown as Socket);
  }, (e: Error & { code?: string }) => fail(e.code ?? 'INTERNAL', e.message));
};
