// The master's control requests for apps: deploy (with per-node progress lines), list, start,
// stop, remove, export to a file and import from one. The CLI runs on the master's machine, so
// bundles and archives are passed as file paths, never through the JSON control line.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { Takeover, type ControlHandler } from '../env/control-server.ts';
import { writeFileAtomic } from '../config/atomic-write.ts';
import { SkywireError } from '../errors.ts';
import type { AppCodec } from '../apps/app-commands.ts';
import type { Manifest } from '../apps/manifest.ts';
import type { MasterService } from './master-service.ts';
import type { CommandReply } from '../command/command-server.ts';
import { pullPayload, pushPayload } from './app-push.ts';
import { moveApp } from './app-move.ts';
import { SOFTWARE_NAME } from '../apps/self-bundle.ts';
import { nextRegistration, softwareVerdict } from './software-verdict.ts';

const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || v === '') throw new SkywireError('BAD_REQUEST', `${what} is required`);
  return v;
};

const readInput = (file: string): Buffer => {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new SkywireError('BAD_REQUEST', `cannot read ${file} (${(e as NodeJS.ErrnoException).code})`);
  }
};

/** The manifest inside a bundle or archive, read by unpacking it to a scratch directory. */
/** Pushes a bundle to every target at once, reporting {node, sent, total, phase} as it goes and
 *  {node, phase: 'done', reply} per node; the node's reply says committed or rolled back and why.
 *  The node's own software waits for the node to come back and register with the new version. */
export const deployBundle = (m: MasterService, manifest: Manifest, bytes: Uint8Array, targets: readonly string[], line: (v: unknown) => void): Promise<{ node: string; reply: CommandReply }[]> =>
  Promise.all(targets.map(async (node) => {
    const comeback = manifest.name === SOFTWARE_NAME ? nextRegistration(m, node) : undefined;
    let reply = await pushPayload(m, node, 'app-install', { name: manifest.name, version: manifest.version }, bytes,
      (sent, phase) => line({ node, sent, total: bytes.length, phase }));
    if (comeback && reply.ok) {
      line({ node, sent: bytes.length, total: bytes.length, phase: 'restarting' });
      reply = await softwareVerdict(m, node, await comeback, manifest.version);
    }
    line({ node, phase: 'done', reply });
    return { node, reply };
  }));

export const peekManifest = async (bytes: Uint8Array, unpack: (b: Uint8Array, d: string) => Promise<{ manifest: Manifest }>): Promise<Manifest> => {
  const dir = mkdtempSync(join(tmpdir(), 'skywire-peek-'));
  try {
    return (await unpack(bytes, dir)).manifest;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export const appControlHandlers = (m: MasterService, codec: AppCodec, home: string): Map<string, ControlHandler> => {
  const h = new Map<string, ControlHandler>();
  const simple = (cmd: 'app-start' | 'app-stop' | 'app-remove') => async (req: Record<string, unknown>) =>
    ({ node: m.resolve(str(req.node, 'node')).address, name: m.resolve(str(req.node, 'node')).name, reply: await m.command(str(req.node, 'node'), cmd, { name: str(req.app, 'app') }, 60_000) });
  h.set('app-start', simple('app-start'));
  h.set('app-stop', simple('app-stop'));
  h.set('app-remove', simple('app-remove'));
  h.set('app-logs', async (req) => {
    const r = m.resolve(str(req.node, 'node'));
    return { node: r.address, name: r.name, reply: await m.command(r.address, 'app-logs', { name: str(req.app, 'app'), since: req.since, lines: req.lines }, 30_000) };
  });
  h.set('app-config', async (req) => {
    const r = m.admitted(str(req.node, 'node'));
    const app = str(req.app, 'app');
    const files = req.files as Record<string, string>;
    const version = req.version === undefined ? undefined : Number(req.version);
    // Without a version: one above what the node holds (asked first, signed then).
    const list = version === undefined ? await m.command(r.address, 'app-list', {}, 30_000) : undefined;
    const held = list?.ok ? ((list.result as { name: string; configVersion?: number }[]).find((a) => a.name === app)?.configVersion ?? 0) : 0;
    return { node: r.address, reply: await m.command(r.address, 'app-config', { name: app, version: version ?? held + 1, files }, 60_000) };
  });
  h.set('app-config-get', async (req) => {
    const r = m.admitted(str(req.node, 'node'));
    return { node: r.address, name: r.name, reply: await m.command(r.address, 'app-config-get', { name: str(req.app, 'app') }, 30_000) };
  });
  h.set('app-list', async (req) => {
    const targets = m.targets(req);
    return Promise.all(targets.map(async (t) => ({ node: t, name: m.resolve(t).name, reply: await m.command(t, 'app-list', {}, 30_000) })));
  });

  h.set('app-deploy', async (req) => {
    const bytes = readInput(str(req.file, 'file'));
    const manifest = await peekManifest(bytes, (b, d) => codec.extractBundle(b, d));
    const targets = m.targets(req);
    return new Takeover({ name: manifest.name, version: manifest.version, total: bytes.length, nodes: targets }, (sock: Socket) => {
      const line = (v: unknown): void => { if (!sock.destroyed) sock.write(JSON.stringify(v) + '\n'); };
      deployBundle(m, manifest, bytes, targets, line).then(
        (results) => sock.end(JSON.stringify({ done: true, results }) + '\n'),
        (e: unknown) => sock.end(JSON.stringify({ done: true, results: [], error: { code: (e as { code?: string }).code ?? 'INTERNAL', message: (e as Error).message } }) + '\n'),
      );
    });
  });

  h.set('app-export', async (req) => {
    const out = str(req.out, 'out');
    const { reply, bytes } = await pullPayload(m, str(req.node, 'node'), 'app-export', { name: str(req.app, 'app') });
    if (!reply.ok || !bytes) return { reply };
    writeFileAtomic(out, bytes, 0o600);
    return { reply, file: out };
  });

  h.set('app-import', async (req) => {
    const bytes = readInput(str(req.file, 'file'));
    const manifest = await peekManifest(bytes, (b, d) => codec.unpackArchive(b, d));
    const target = m.resolve(str(req.node, 'node'));
    return { node: target.address, name: target.name, reply: await pushPayload(m, str(req.node, 'node'), 'app-import', { name: manifest.name }, bytes) };
  });

  h.set('app-move', (req) => moveApp(m, str(req.app, 'app'), str(req.from, 'from'), str(req.to, 'to'), join(home, 'run', 'moves')));
  return h;
};
