// `skywire app build`: packs an app directory (or a built-in app) into a deterministic bundle
// file. stdout is exactly one sha256sum line, so `skywire app build . > SHA256SUMS` can be
// checked later with `sha256sum -c`; the human summary goes to stderr.
import { Option, type Command } from 'commander';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fail } from '../errors.ts';
import { buildBundle, type Packed } from '../apps/bundle-build.ts';
import { buildBuiltinApp, BUILTIN_APPS, type BuiltinName } from '../apps/builtin-build.ts';
import { buildSelfBundle } from '../apps/self-bundle.ts';

interface BuildOptions { out?: string; builtin?: BuiltinName; self?: string }

/** Versions are free text in the manifest; keep the default file name one plain word. */
const defaultName = (p: Packed): string => `${p.manifest.name}-${p.manifest.version.replace(/[^A-Za-z0-9._+-]/g, '_')}.skybundle`;

const packBuiltin = async (name: BuiltinName): Promise<Packed> => {
  const scratch = await mkdtemp(join(tmpdir(), `skywire-${name}-`));
  try {
    return await buildBundle(await buildBuiltinApp(name, scratch));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};

/** Written beside the target and renamed, so an interrupted build never leaves a short file
 *  under the final name. */
const writeAtomically = async (file: string, bytes: Buffer): Promise<void> => {
  const tmp = `${file}.partial-${process.pid}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    fail('BAD_REQUEST', `cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): choose a writable --out`);
  }
};

export const addAppBuildCommand = (app: Command): void => {
  app.command('build [dir]')
    .description('pack the app in DIR (src/ with manifest.json, optional config/) into a deterministic bundle and print its sha256')
    .option('--out <file>', 'bundle file to write (default: NAME-VERSION.skybundle in the current directory)')
    .addOption(new Option('--builtin <name>', 'build a built-in app instead of DIR').choices([...BUILTIN_APPS]))
    .option('--self <version>', 'bundle this skywire software as VERSION, to deploy to nodes like an app')
    .action(async (dir: string | undefined, o: BuildOptions) => {
      if ([dir, o.builtin, o.self].filter((x) => x !== undefined).length !== 1) {
        fail('BAD_REQUEST', 'give one of: an app directory, --builtin NAME, --self VERSION');
      }
      const packed = o.self ? await buildSelfBundle(o.self) : o.builtin ? await packBuiltin(o.builtin) : await buildBundle(dir!);
      const file = o.out ?? defaultName(packed);
      await writeAtomically(file, packed.bytes);
      process.stdout.write(`${packed.sha256}  ${file}\n`);
      process.stderr.write(`${packed.manifest.name} ${packed.manifest.version}: ${packed.files} files, ${packed.bytes.length} bytes\n`);
    });
};
