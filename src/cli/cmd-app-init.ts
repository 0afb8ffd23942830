// `skywire app init DIR`: a working app skeleton to start from: a manifest with every field a
// new app needs, an entry module that answers on its port through the SDK, and a config file it
// reads. `skywire app build DIR` packs it as it is; the README's Applications section explains
// each field.
import type { Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fail } from '../errors.ts';
import { APP_NAME } from '../apps/app-paths.ts';
import { FIRST_APP_PORT } from '../apps/manifest.ts';

/** The skeleton's one port: the first app port clear of the ones the examples use. */
const PORT = FIRST_APP_PORT + 24;

export const skeletonManifest = (name: string): Record<string, unknown> => ({
  name,
  version: '0.1.0',
  entry: 'main.mjs',
  ports: [PORT],
  health: { port: PORT, timeoutMs: 15_000 },
  access: { [String(PORT)]: 'fleet' },
  limits: { pids: 64, memoryMiB: 256, cpuPercent: 100, diskMiB: 2048 },
  capabilities: [],
});

const MAIN = `// Entry module: runs in the app's sandbox with the node's Node.js. It may use the overlay
// through the SDK, its own config/ (read-only) and data/ directories, and nothing else.
import { connectApp } from 'skywire/app';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const sdk = await connectApp();
const greeting = readFileSync(join(sdk.paths.config, 'greeting.txt'), 'utf8').trim();
const counter = join(sdk.paths.data, 'visits.txt');

// Listening on the manifest's health port makes the deploy healthy.
await sdk.listen(${PORT}, (stream, caller) => {
  const visits = (existsSync(counter) ? Number(readFileSync(counter, 'utf8')) : 0) + 1;
  writeFileSync(counter, String(visits));
  stream.end(\`\${greeting}, \${caller.name ?? caller.peer}: visit \${visits}\\n\`);
});
`;

export const addAppInitCommand = (app: Command): void => {
  app.command('init <dir>')
    .description('write a working app skeleton into DIR (src/manifest.json, src/main.mjs, config/greeting.txt) to build and deploy')
    .option('--name <name>', 'app name (default: the directory name)')
    .action((dir: string, o: { name?: string }) => {
      const root = resolve(dir);
      const name = o.name ?? basename(root);
      if (!APP_NAME.test(name)) fail('APP_INVALID', `app name "${name}" must be 1-63 lowercase letters, digits or dashes; pass --name NAME`);
      if (existsSync(root) && readdirSync(root).length > 0) fail('APP_EXISTS', `${root} is not empty; pick a new directory (init never overwrites)`);
      try {
        mkdirSync(join(root, 'src'), { recursive: true });
        mkdirSync(join(root, 'config'), { recursive: true });
        writeFileSync(join(root, 'src', 'manifest.json'), `${JSON.stringify(skeletonManifest(name), null, 2)}\n`);
        writeFileSync(join(root, 'src', 'main.mjs'), MAIN);
        writeFileSync(join(root, 'config', 'greeting.txt'), 'hello\n');
      } catch (e) {
        fail('BAD_REQUEST', `cannot write ${root} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): pick a writable directory`);
      }
      process.stdout.write(`app ${name} in ${root}\nnext: skywire app build ${dir} && skywire app deploy ${name}-0.1.0.skybundle NODE && skywire connect NODE ${PORT}\n`);
    });
};
