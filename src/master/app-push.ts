// The master's side of a command that carries a payload (install, import) or brings one back
// (export): sign, dial the node's command port, then follow src/apps/payload-frames.ts. Every
// failure becomes a CommandReply, like sendCommand's, so `deploy --all` reports each node.
import type { Duplex } from 'node:stream';
import { createHash } from 'node:crypto';
import type { CommandBody } from '../command/command-types.ts';
import type { CommandReply } from '../command/command-server.ts';
import { frame, parseJsonFrame } from '../command/frames.ts';
import { FrameQueue } from '../command/frame-queue.ts';
import { COMMAND_PORT } from '../command/ports.ts';
import { CHUNK, sendPayload } from '../apps/payload-frames.ts';
import type { MasterService } from './master-service.ts';
import { SkywireError } from '../errors.ts';

const STEP_MS = 30_000;
const CONNECT_MS = 15_000;
/** Unpacking, the old version's stop and the new one's health check happen before the reply. */
const VERDICT_MS = 10 * 60_000;

const failure = (code: string, message: string): CommandReply => ({ ok: false, error: { code, message } });
const asReply = (f: Uint8Array | null, what: string): CommandReply => {
  const r = f && (parseJsonFrame(f) as CommandReply | undefined);
  return r && typeof r === 'object' && 'ok' in r ? r : failure(f ? 'INTERNAL' : 'timeout', f ? `garbled ${what}` : `no ${what} from the node`);
};

/** One dial: connected, or an error after CONNECT_MS. */
const connect = (m: MasterService, address: string, label: string): Promise<Duplex> => {
  const stream = m.overlay.dial(address, COMMAND_PORT);
  const clock = m.overlay.node.clock;
  return new Promise<Duplex>((resolve, reject) => {
    // A node that is down would otherwise hold the move or deploy for the stream's own give-up.
    const t = clock.setTimeout(() => {
      const route = m.overlay.router.routes.get(address)?.state ?? 'none';
      stream.destroy();
      reject(new SkywireError('timeout', `${label} did not answer within ${CONNECT_MS / 1000} s (offline? route ${route})`));
    }, CONNECT_MS);
    stream.once('connect', () => { clock.clearTimeout(t); resolve(stream); });
    stream.once('error', (e) => { clock.clearTimeout(t); reject(e); });
  });
};

const open = async (m: MasterService, ref: string, cmd: CommandBody['cmd'], args: Record<string, unknown>): Promise<{ stream: Duplex; q: FrameQueue }> => {
  const r = m.admitted(ref);
  const signed = m.signer.sign(r.address, cmd, args);
  await m.registry.flush();
  const label = r.name || r.address;
  let stream: Duplex;
  try {
    stream = await connect(m, r.address, label);
  } catch (e) {
    // A node that restarted and registered again may still have our old route pinned (kept
    // alive until its silence is noticed): start a fresh route once before giving up.
    if ((e as { code?: string }).code !== 'timeout') throw e;
    m.overlay.router.close(r.address);
    stream = await connect(m, r.address, label);
  }
  stream.on('error', () => undefined);
  const q = new FrameQueue(stream, m.overlay.node.clock, CHUNK + 16);
  stream.write(frame(signed));
  return { stream, q };
};

const caught = (e: unknown): CommandReply => {
  const err = e as { code?: string; message?: string };
  return failure(err.code ?? 'INTERNAL', err.message ?? String(e));
};

/** Sends `bytes` with a command that names their size and SHA-256; the node's verdict. */
export const pushPayload = async (m: MasterService, ref: string, cmd: CommandBody['cmd'], args: Record<string, unknown>,
  bytes: Uint8Array, onProgress?: (sent: number, phase: 'sending' | 'installing') => void): Promise<CommandReply> => {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let stream: Duplex | undefined;
  try {
    const o = await open(m, ref, cmd, { ...args, size: bytes.length, sha256 });
    stream = o.stream;
    const first = await o.q.next(STEP_MS);
    const ready = first && (parseJsonFrame(first) as { ready?: boolean } | undefined);
    if (!ready || ready.ready !== true) return asReply(first, 'answer');
    await sendPayload(o.stream, bytes, (n) => onProgress?.(n, 'sending'));
    onProgress?.(bytes.length, 'installing');
    return asReply(await o.q.next(VERDICT_MS), 'verdict');
  } catch (e) {
    return caught(e);
  } finally {
    stream?.destroy();
  }
};

/** Runs a command whose answer is a payload (export): the bytes, checked against the SHA-256
 *  the node announced, and the reply. */
export const pullPayload = async (m: MasterService, ref: string, cmd: CommandBody['cmd'], args: Record<string, unknown>): Promise<{ reply: CommandReply; bytes?: Buffer }> => {
  let stream: Duplex | undefined;
  try {
    const o = await open(m, ref, cmd, args);
    stream = o.stream;
    const first = await o.q.next(VERDICT_MS);
    const head = first && (parseJsonFrame(first) as { ready?: boolean; size?: number; sha256?: string } | undefined);
    if (!head || head.ready !== true) return { reply: asReply(first, 'answer') };
    const parts: Uint8Array[] = [];
    for (;;) {
      const f = await o.q.next(STEP_MS);
      if (f === null) return { reply: failure('reset', 'the node stopped sending the archive') };
      if (f.length === 0) break;
      parts.push(f);
    }
    const bytes = Buffer.concat(parts);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== head.sha256 || bytes.length !== head.size) return { reply: failure('BUNDLE_MISMATCH', `received ${bytes.length} bytes with SHA-256 ${sha}; the node announced ${String(head.size)} with ${String(head.sha256)}`) };
    return { reply: asReply(await o.q.next(STEP_MS), 'reply'), bytes };
  } catch (e) {
    return { reply: caught(e) };
  } finally {
    stream?.destroy();
  }
};
