// A small test app for deploy tests: it counts its starts in data/, reads a greeting from
// config/, and answers on an overlay port; built with the real `skywire app build`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, sky, tmpHome } from './cli.ts';
import type { Proc } from './master-world.ts';

export const PORT = 30;

/** An app that counts its starts in data/ and greets on PORT; `broken` never listens there;
 *  `delayMs` holds it that long before it listens (a slow health check). */
export const writeHello = (version: string, broken = false, delayMs = 0): string => {
  const dir = tmpHome(`hello-${version}`);
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'config'));
  writeFileSync(join(dir, 'config', 'greeting.txt'), 'hello');
  writeFileSync(join(dir, 'src', 'manifest.json'), JSON.stringify({ name: 'hello', version, entry: 'main.mjs', ports: [PORT, PORT + 1], health: { port: PORT, timeoutMs: 4000 } }));
  writeFileSync(join(dir, 'src', 'main.mjs'), `
import { connectApp } from 'skywire/app';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const sdk = await connectApp();
console.log('hello ${version} starting');
const f = join(sdk.paths.data, 'starts.txt');
const n = existsSync(f) ? Number(readFileSync(f, 'utf8')) + 1 : 1;
writeFileSync(f, String(n));
const greeting = readFileSync(join(sdk.paths.config, 'greeting.txt'), 'utf8');
await new Promise((r) => setTimeout(r, ${delayMs}));
await sdk.listen(${broken ? PORT + 1 : PORT}, (s) => { s.write(greeting + ' ${version} starts=' + n + '\\n'); s.pipe(s); });
`);
  return dir;
};

export const build = (dir: string): { file: string; sha: string } => {
  const file = join(dir, 'app.skybundle');
  const r = sky('app', 'build', dir, '--out', file);
  if (r.code !== 0) throw new Error(r.stderr);
  return { file, sha: r.stdout.split(/\s+/)[0]! };
};

export const greet = (m: Proc, node: string): string =>
  spawnSync(process.execPath, [BIN, 'connect', '--home', m.home, node, String(PORT)], { input: 'echo\n', encoding: 'utf8', timeout: 20_000 }).stdout;

export const appsOn = (m: Proc, node: string): { name: string; version: string; state: string; lastUpdate: string }[] => {
  const r = sky('app', 'list', node, '--home', m.home, '--json');
  if (r.code !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { reply: { ok: boolean; result: never[] } }[])[0]!.reply.result;
};

