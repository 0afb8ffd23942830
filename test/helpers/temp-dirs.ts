// Temp dirs a test file made, removed when its worker process exits (ava runs each file in its
// own process here: workerThreads false), whatever the tests did: a teardown that a failed
// assertion skipped, or a node still writing into its home, no longer leaves sky-* in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();
let hooked = false;

export const tempDir = (prefix: string, parent = tmpdir()): string => {
  const dir = mkdtempSync(join(parent, prefix));
  made.add(dir);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const d of made) {
        try { rmSync(d, { recursive: true, force: true, maxRetries: 3 }); } catch { /* a mount still busy: left for the OS */ }
      }
    });
  }
  return dir;
};
