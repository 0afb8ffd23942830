// Apps for sandbox and SDK tests: a node home with apps written straight into HOME/apps/NAME,
// the SDK bundle built once per test process, a sandboxed run collected to its exit, and two
// real nodes on loopback UDP (runNode, in this process) linked to each other.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { appPaths, type AppPaths } from '../../src/apps/app-paths.ts';
import { parseManifest, type Manifest } from '../../src/apps/manifest.ts';
import { buildSdk } from '../../src/apps/sdk-build.ts';
import { createIdentity } from '../../src/identity/key-file.ts';
import { nodeSuite } from '../../src/identity/node-suite.ts';
import { runNode, type RunningNode } from '../../src/cli/run-node.ts';
import { controlRequest } from '../../src/env/control-client.ts';
import { tmpHome, until } from './cli.ts';

export interface TestApp { paths: AppPaths; manifest: Manifest }

/** Writes HOME/apps/NAME/src (manifest.json + files), config/ and data/. */
export const writeApp = (home: string, manifest: Record<string, unknown> & { name: string }, files: Record<string, string>, config: Record<string, string> = {}): TestApp => {
  const paths = appPaths(home, manifest.name);
  const m = parseManifest({ version: '1.0.0', entry: 'main.mjs', ...manifest }, 'test manifest');
  for (const d of [paths.src, paths.config, paths.data]) mkdirSync(d, { recursive: true });
  writeFileSync(join(paths.src, 'manifest.json'), JSON.stringify(m));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(paths.src, f), text);
  for (const [f, text] of Object.entries(config)) writeFileSync(join(paths.config, f), text);
  return { paths, manifest: m };
};

let sdk: Promise<string> | undefined;
/** The SDK bundle, built once per test file into a temporary directory. */
export const sdkBundle = (): Promise<string> => (sdk ??= buildSdk(join(tmpHome('sdk'), 'app.mjs')));

export interface Exited { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Collects a child's output until it exits; kills it after `ms`. */
export const collect = (proc: ChildProcess, ms = 20_000): Promise<Exited> => new Promise((resolve) => {
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (c: Buffer) => { stdout += c.toString(); });
  proc.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
  const timer = setTimeout(() => proc.kill('SIGKILL'), ms);
  proc.on('close', (code, signal) => {
    clearTimeout(timer);
    resolve({ code, signal, stdout, stderr });
  });
});

/** The last stdout line of an app that reports its findings as one JSON object. */
export const report = <T>(r: Exited): T => {
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`app did not report (exit ${r.code} ${r.signal}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
};

const freeUdpPort = async (): Promise<number> => {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
};

export interface TestNode { home: string; address: string; running: RunningNode }

/** Two linked nodes with an established route a -> b. */
export const startNodePair = async (): Promise<{ a: TestNode; b: TestNode; stop(): Promise<void> }> => {
  const quiet = { info: () => undefined, warn: () => undefined };
  const spec = await Promise.all(['a', 'b'].map(async (n) => {
    const home = tmpHome(`appsdk-${n}`);
    return { home, address: createIdentity(nodeSuite(), home, new Uint8Array(randomBytes(32))).address, port: await freeUdpPort() };
  }));
  const [sa, sb] = spec as [typeof spec[0], typeof spec[0]];
  for (const [me, other] of [[sa, sb], [sb, sa]] as const) {
    writeFileSync(join(me.home, 'config.json'), JSON.stringify({ version: 1, listen: `127.0.0.1:${me.port}`, peers: [`${other.address}@127.0.0.1:${other.port}`], link: { keepaliveMs: 500, deadAfterMs: 2000 } }));
  }
  const a = { home: sa.home, address: sa.address, running: await runNode({ home: sa.home, peer: [] }, quiet) };
  const b = { home: sb.home, address: sb.address, running: await runNode({ home: sb.home, peer: [] }, quiet) };
  await until(async () => ((await controlRequest(a.home, { cmd: 'route', address: b.address }, 15_000)) as { state: string }).state === 'established' || undefined, 30_000, 'route a->b');
  return { a, b, stop: async () => { await a.running.stop('test done'); await b.running.stop('test done'); } };
};
