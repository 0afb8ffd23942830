// The node side of `skywire app ...`: master-signed commands that list, start, stop, remove,
// install (deploy/update), export and import apps. Install and import carry a payload whose
// size and SHA-256 are inside the signed command, so the bytes are as much the master's word
// as the command is; a payload that differs is refused before anything is unpacked.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { STREAM_TAKEN, type CommandContext, type CommandServer } from '../command/command-server.ts';
import type { SignedCommand } from '../command/command-types.ts';
import { jsonFrame } from '../command/frames.ts';
import { fail, SkywireError } from '../errors.ts';
import { checkAppName } from './app-paths.ts';
import type { AppManager } from './app-manager.ts';
import type { Manifest } from './manifest.ts';
import { receivePayload, sendPayload } from './payload-frames.ts';
import { SOFTWARE_NAME } from './self-bundle.ts';
import { applyConfigPush, checkConfigPush, readConfigFiles } from './app-config-push.ts';
import { readLogFrom } from './app-log.ts';

export interface AppCodec {
  extractBundle(bytes: Uint8Array, dest: string): Promise<{ manifest: Manifest }>;
  packArchive(appRoot: string): Promise<Buffer>;
  unpackArchive(bytes: Uint8Array, destRoot: string): Promise<{ manifest: Manifest }>;
}

const MAX_PAYLOAD = 512 * 1024 * 1024;

const nameOf = (c: SignedCommand): string => checkAppName(String(c.args.name ?? ''));

const expected = (c: SignedCommand): { size: number; sha256: string } => {
  const { size, sha256 } = c.args;
  if (!Number.isSafeInteger(size) || (size as number) < 0 || (size as number) > MAX_PAYLOAD) fail('BAD_REQUEST', 'size must be a byte count up to 512 MiB');
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) fail('BAD_REQUEST', 'sha256 must be 64 lowercase hex digits');
  return { size: size as number, sha256: sha256 as string };
};

/** Takes the stream: ready, payload, one reply frame, whatever the outcome. */
const withPayload = (c: SignedCommand, ctx: CommandContext, act: (bytes: Buffer) => Promise<unknown>): typeof STREAM_TAKEN => {
  const reply = (r: unknown): void => void ctx.stream.end(jsonFrame(r));
  void (async () => {
    const want = expected(c);
    ctx.stream.write(jsonFrame({ ready: true }));
    const got = await receivePayload(ctx.stream, want.size);
    if (got.bytes.length !== want.size || got.sha256 !== want.sha256) {
      throw new SkywireError('BUNDLE_MISMATCH', `received ${got.bytes.length} bytes with SHA-256 ${got.sha256}, but the master signed ${want.size} bytes with ${want.sha256}`);
    }
    return act(got.bytes);
  })().then(
    (result) => reply({ ok: true, result }),
    (e: { code?: string; message?: string }) => reply({ ok: false, error: { code: e.code ?? 'INTERNAL', message: e.message ?? String(e) } }),
  );
  return STREAM_TAKEN;
};

/** The node's own software, deployed as the reserved app name "skywire" (self-update.ts). */
export interface SoftwareHooks { install(unpacked: string, m: Manifest): void; restart(): void }

export const registerAppCommands = (server: CommandServer, mgr: AppManager, codec: AppCodec, software?: SoftwareHooks): void => {
  server.register('app-list', () => mgr.list());
  server.register('app-start', (c) => { mgr.start(nameOf(c)); return { name: nameOf(c), state: mgr.get(nameOf(c)).state }; });
  server.register('app-stop', async (c) => { await mgr.stop(nameOf(c)); return { name: nameOf(c), state: mgr.get(nameOf(c)).state }; });
  // The app's output (HOME/run/apps/NAME/app.log) for `skywire app logs`, a slice at a time.
  server.register('app-logs', (c) => {
    const name = nameOf(c);
    mgr.get(name);
    const since = c.args.since === undefined ? undefined : Math.max(0, Math.floor(Number(c.args.since)) || 0);
    const lines = Math.min(10_000, Math.max(1, Math.floor(Number(c.args.lines ?? 50)) || 50));
    return { name, ...readLogFrom(join(mgr.paths(name).run, 'app.log'), since, lines) };
  });
  server.register('app-remove', async (c) => { await mgr.remove(nameOf(c)); return { name: nameOf(c), removed: true }; });

  // New config from the master, then a restart if the app was running, so it reads it.
  // The app's config/ for the dashboard's editor (bounded as a push is).
  server.register('app-config-get', (c) => { mgr.get(nameOf(c)); return { name: nameOf(c), ...readConfigFiles(mgr.paths(nameOf(c))) }; });
  server.register('app-config', async (c) => {
    const name = nameOf(c);
    const a = mgr.get(name);
    const p = mgr.paths(name);
    const push = checkConfigPush(p, c.args);
    const wasUp = a.state !== 'installed';
    if (wasUp) await mgr.stop(name);
    try {
      applyConfigPush(p, push);
    } finally {
      if (wasUp) mgr.start(name);
    }
    return { name, version: push.version, files: [...push.files.keys()].sort(), restarted: wasUp };
  });

  server.register('app-install', (c, ctx) => withPayload(c, ctx, async (bytes) => {
    const dir = mgr.scratch();
    try {
      const { manifest } = await codec.extractBundle(bytes, dir);
      if (manifest.name !== nameOf(c) || manifest.version !== c.args.version) {
        fail('BUNDLE_MISMATCH', `the bundle holds ${manifest.name} ${manifest.version}, the master signed ${nameOf(c)} ${String(c.args.version)}`);
      }
      if (manifest.name !== SOFTWARE_NAME) return await mgr.installUnpacked(dir, manifest);
      if (!software) fail('APP_DENIED', 'this node does not take software updates');
      software!.install(dir, manifest);
      software!.restart();
      return { name: manifest.name, version: manifest.version, outcome: 'restarting' };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }));

  server.register('app-import', (c, ctx) => withPayload(c, ctx, async (bytes) => {
    const dir = mgr.scratch();
    try {
      const root = join(dir, 'app');
      mkdirSync(root);
      const { manifest } = await codec.unpackArchive(bytes, root);
      if (manifest.name !== nameOf(c)) fail('BUNDLE_MISMATCH', `the archive holds ${manifest.name}, the master signed ${nameOf(c)}`);
      return await mgr.importRoot(root, manifest);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }));

  // Export: stop first (so data/ is not written while it is packed) unless asked not to; the
  // app is started again afterwards unless the master is moving it (keepStopped).
  // A failed export (packing, or sending) starts the app again even when the master asked to
  // keep it stopped: nothing was exported, so nothing may be left down.
  server.register('app-export', async (c, ctx) => {
    const name = nameOf(c);
    const a = mgr.get(name);
    const wasUp = a.state !== 'installed';
    await mgr.stop(name);
    let sent = false;
    try {
      const bytes = await codec.packArchive(mgr.paths(name).root);
      if (wasUp && c.args.keepStopped !== true) mgr.start(name);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      ctx.stream.write(jsonFrame({ ready: true, size: bytes.length, sha256 }));
      await sendPayload(ctx.stream, bytes);
      ctx.stream.end(jsonFrame({ ok: true, result: { name, size: bytes.length, sha256 } }));
      sent = true;
    } finally {
      if (!sent && wasUp && mgr.get(name).state === 'installed') mgr.start(name);
    }
    return STREAM_TAKEN;
  });
};
