// Node side of `skywire logs NODE`: a stream on the logs port, opened by a 'logs' command the
// master signed (the same gate as the terminal: the stream's peer must be the master and the
// command must verify). The node sends the last `lines` lines of its own log, or of one app's
// log file, then, with follow, each new line as it comes. Back-pressure: while the stream's
// buffer is full, new lines are counted instead of queued, and one line says how many were
// skipped once it drains, so a slow reader costs the node a bounded buffer.
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import type { Overlay } from '../overlay/overlay.ts';
import type { TimerHandle } from '../env/clock.ts';
import { FrameType, dataFrames, jsonFrame } from '../term/frame.ts';
import { readFirstFrame } from '../term/first-frame.ts';
import { admit, RefusalCounts, type GateDeps, type GateRefusal } from '../term/command-gate.ts';
import { refuse } from '../term/attach-terminal.ts';
import { FIRST_FRAME_TIMEOUT_MS, LOGS_PORT, MAX_COMMAND_BYTES } from '../term/service-ports.ts';
import { readLogFrom } from '../apps/app-log.ts';
import { APP_NAME } from '../apps/app-paths.ts';
import type { LogRing } from './log-ring.ts';

export type LogsRefusal = GateRefusal | 'no-such-app';

export interface LogsDeps extends GateDeps {
  ring: LogRing;
  /** The directory holding APP's app.log, or undefined when there is no such app. */
  appRunDir(app: string): string | undefined;
}

/** Followers at once: each holds a stream and, for an app, a poll timer. */
export const MAX_FOLLOWERS = 8;
const APP_POLL_MS = 500;
const MAX_BACKLOG_LINES = 2000;

export interface LogsService { readonly refused: RefusalCounts<LogsRefusal>; readonly open: number; stop(): void }

export const attachLogs = (overlay: Overlay, deps: LogsDeps): LogsService => {
  const refused = new RefusalCounts<LogsRefusal>();
  const live = new Set<Duplex>();
  const clock = overlay.node.clock;
  const deny = (stream: Duplex, reason: LogsRefusal, message: string): void => {
    refused.add(reason);
    refuse(stream, 'COMMAND_REFUSED', message);
  };
  overlay.listen(LOGS_PORT, 'fleet', (stream, from) => {
    stream.on('error', () => undefined);
    readFirstFrame(stream, clock, FIRST_FRAME_TIMEOUT_MS, MAX_COMMAND_BYTES).then((first) => {
      const r = admit(first, from.peer, 'logs', deps);
      if (!r.ok) return deny(stream, r.reason, `logs refused: ${r.reason}`);
      const a = r.command.args;
      const follow = a.follow === true;
      const lines = Math.min(MAX_BACKLOG_LINES, Math.max(0, Math.floor(Number(a.lines ?? 100)) || 0));
      const app = typeof a.app === 'string' ? a.app : undefined;
      const dir = app === undefined ? undefined : APP_NAME.test(app) ? deps.appRunDir(app) : undefined;
      if (app !== undefined && dir === undefined) return deny(stream, 'no-such-app', `there is no app "${app}" on this node`);
      if (follow && live.size >= MAX_FOLLOWERS) return deny(stream, 'timeout', `${MAX_FOLLOWERS} log followers are open on this node already`);
      stream.write(jsonFrame(FrameType.Open, { app: app ?? null, follow }));
      let skipped = 0;
      let blocked = false;
      const send = (text: string): void => {
        if (text === '' || stream.destroyed) return;
        if (blocked) { skipped += text.split('\n').length - 1; return; }
        let ok = true;
        for (const f of dataFrames(Buffer.from(text, 'utf8'))) ok = stream.write(f) && ok;
        if (!ok) {
          blocked = true;
          stream.once('drain', () => {
            blocked = false;
            if (skipped > 0) { const n = skipped; skipped = 0; send(`… ${n} line(s) skipped: the reader was slower than the log\n`); }
          });
        }
      };
      const done = (): void => { stream.write(jsonFrame(FrameType.Exit, { code: 0 })); stream.end(); };
      if (dir === undefined) {
        send(deps.ring.tail(lines).map((l) => `${l}\n`).join(''));
        if (!follow) return done();
        const sub = deps.ring.added$.subscribe((l) => send(`${l}\n`));
        live.add(stream);
        stream.once('close', () => { sub.unsubscribe(); live.delete(stream); });
        return;
      }
      const file = join(dir, 'app.log');
      const first2 = readLogFrom(file, undefined, lines);
      send(first2.text.endsWith('\n') || first2.text === '' ? first2.text : `${first2.text}\n`);
      if (!follow) return done();
      let next = first2.next;
      let timer: TimerHandle | undefined;
      const poll = (): void => {
        timer = clock.setTimeout(() => {
          try {
            const r2 = readLogFrom(file, next, MAX_BACKLOG_LINES);
            if (r2.restarted) send('… the app log was rotated\n');
            next = r2.next;
            send(r2.text);
          } catch { /* the file is being rotated: next poll */ }
          poll();
        }, APP_POLL_MS);
      };
      poll();
      live.add(stream);
      stream.once('close', () => { if (timer !== undefined) clock.clearTimeout(timer); live.delete(stream); });
    }).catch(() => stream.destroy());
  });
  return {
    refused,
    get open() { return live.size; },
    stop: () => {
      overlay.unlisten(LOGS_PORT);
      for (const s of live) s.destroy();
    },
  };
};
