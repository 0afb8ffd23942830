// A real small disk for "disk full" tests: a tmpfs mounted on a fresh temp dir (the tests run
// as root, as CI does), filled by a bounded write loop until the kernel says ENOSPC, freed by
// deleting the filler. Unmounted (lazily, so a process still holding a file cannot keep it)
// and removed in teardown, whether the test passed or not.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk { dir: string; fill(): number; free(): void; unmount(): void }

const run = (cmd: string, ...args: string[]): { code: number | null; out: string } => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};

export const mountSmallDisk = (t: { teardown(fn: () => void): void }, label: string, sizeKiB = 2048): SmallDisk => {
  const dir = mkdtempSync(join(tmpdir(), `sky-disk-${label}-`));
  const m = run('mount', '-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0700`, 'tmpfs', dir);
  if (m.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot mount a tmpfs on ${dir} (tests run as root): ${m.out}`);
  }
  const filler = join(dir, 'filler');
  let mounted = true;
  const unmount = (): void => {
    if (!mounted) return;
    mounted = false;
    if (run('mountpoint', '-q', dir).code === 0) run('umount', '-l', dir);
    rmSync(dir, { recursive: true, force: true });
  };
  t.teardown(unmount);
  return {
    dir,
    /** Writes until ENOSPC (at most the disk's size plus 1 MiB); returns the bytes written. */
    fill: () => {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(4096, 0x5a);
      let n = 0;
      try {
        while (n < (sizeKiB + 1024) * 1024) n += writeSync(fd, chunk);
        throw new Error(`${dir} never filled up`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      } finally {
        closeSync(fd);
      }
      return n;
    },
    free: () => rmSync(filler, { force: true }),
    unmount,
  };
};
