// Deploys from the dashboard: the page sends one JSON message {size, target: {node | tag | all}}
// and then the bundle in binary messages; the master checks the bundle (its manifest), answers
// {accepted: {name, version, total, nodes}} and streams the same progress as `skywire app
// deploy` ({node, sent, total, phase}, then {node, phase: 'done', reply}), ending with {done,
// results}. One upload at a time and at most MAX_DEPLOY_BYTES, so the page cannot make the
// master hold more than one bundle in memory.
import type { WebSocket } from 'ws';
import type { Manifest } from '../apps/manifest.ts';
import type { CommandReply } from '../command/command-server.ts';

export const MAX_DEPLOY_BYTES = 128 << 20;

export interface Deployer {
  /** The accepted nodes a target names (MasterService.targets), or a thrown SkywireError. */
  targets(t: { node?: unknown; tag?: unknown; all?: unknown }): string[];
  nameOf(address: string): string;
  peek(bytes: Uint8Array): Promise<Manifest>;
  run(manifest: Manifest, bytes: Uint8Array, targets: readonly string[], line: (v: unknown) => void): Promise<{ node: string; reply: CommandReply }[]>;
}

/** The dashboard's deploy socket handler; one upload at a time per dashboard. */
export const deployServer = (d: Deployer): ((ws: WebSocket) => void) => {
  let busy = false;
  return (ws) => serve(ws, d, () => busy, (b) => { busy = b; });
};

const serve = (ws: WebSocket, d: Deployer, isBusy: () => boolean, setBusy: (b: boolean) => void): void => {
  const send = (v: unknown): void => { if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(v)); };
  const fail = (code: string, message: string): void => { send({ error: { code, message } }); ws.close(1000); };
  if (isBusy()) return fail('DEPLOY_FAILED', 'another deploy from the dashboard is running; wait for it to finish');
  setBusy(true);
  ws.on('close', () => setBusy(false));
  ws.on('error', () => ws.terminate());
  let want = -1;
  let targets: string[] = [];
  const chunks: Buffer[] = [];
  let got = 0;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (want < 0) {
      if (isBinary) return fail('BAD_REQUEST', 'send {size, target} first');
      try {
        const m = JSON.parse(data.toString('utf8')) as { size?: unknown; target?: { node?: unknown; tag?: unknown; all?: unknown } };
        const size = Number(m.size);
        if (!Number.isInteger(size) || size < 1 || size > MAX_DEPLOY_BYTES) return fail('BAD_REQUEST', `a bundle is 1 to ${MAX_DEPLOY_BYTES} bytes`);
        targets = d.targets(m.target ?? {});
        want = size;
      } catch (e) {
        return fail((e as { code?: string }).code ?? 'BAD_REQUEST', (e as Error).message);
      }
      return;
    }
    if (!isBinary || got + data.length > want) return fail('BAD_REQUEST', 'more bytes than the size said');
    chunks.push(data);
    got += data.length;
    if (got < want) return;
    const bytes = Buffer.concat(chunks);
    chunks.length = 0;
    d.peek(bytes).then(async (manifest) => {
      send({ accepted: { name: manifest.name, version: manifest.version, total: bytes.length, nodes: targets.map((a) => ({ address: a, name: d.nameOf(a) })) } });
      const results = await d.run(manifest, bytes, targets, send);
      send({ done: true, results });
      ws.close(1000);
    }).catch((e: Error & { code?: string }) => fail(e.code ?? 'BUNDLE_INVALID', e.message));
  });
};
