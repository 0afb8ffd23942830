// `skywire fs put` and `get` of one file over one hop (node A -> the files app sandboxed on node
// B) against a local copy of the same file (cp, the floor for moving bytes on this disk), in
// the same run. Reports MB/s; times are whole CLI runs, start-up included, as a user sees them.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, startAppWorld } from '../test/helpers/app-world.ts';
import { print } from './machine.ts';

const BYTES = Number(process.env.BENCH_BYTES ?? 64 * 1024 * 1024);
const dir = mkdtempSync(join(tmpdir(), 'sky-bench-files-'));
const src = join(dir, 'payload.bin');
writeFileSync(src, randomBytes(BYTES));

const timed = (cmd: string, args: string[]): number => {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
};
const mbps = (s: number): { seconds: number; mbPerSec: number } => ({ seconds: Math.round(s * 100) / 100, mbPerSec: Math.round((BYTES / 1e6 / s) * 10) / 10 });

const local = mbps(timed('cp', [src, join(dir, 'copy.bin')]));
const w = await startAppWorld({ files: { 'files.json': JSON.stringify({ quotaBytes: 4 * BYTES }) } });
try {
  const put = mbps(timed(process.execPath, [BIN, 'fs', 'put', `${w.bAddress}:/payload.bin`, src, '--home', w.a, '--json']));
  const get = mbps(timed(process.execPath, [BIN, 'fs', 'get', `${w.bAddress}:/payload.bin`, join(dir, 'back.bin'), '--home', w.a, '--json']));
  print('files', { bytes: BYTES, putOneHop: put, getOneHop: get, localCopy: local, putRatio: Math.round((put.mbPerSec / local.mbPerSec) * 1000) / 1000, getRatio: Math.round((get.mbPerSec / local.mbPerSec) * 1000) / 1000 });
} finally {
  w.stop();
  rmSync(dir, { recursive: true, force: true });
}
