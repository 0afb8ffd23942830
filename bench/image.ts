// The node image (issue 17): build time, size (raw, zstd, and what is in the root), and
// boot-to-registered in QEMU, split into the boot's steps read off the serial console (firmware,
// kernel, userspace, the node's unit started, registered at the master), first boot (keys made,
// root grown) beside a second boot of the same disk. Needs root; KVM when it works, TCG here.
// BENCH_IMAGE=FILE.img reuses a built image (the build figures are then left out);
// BENCH_ARCH=arm64 builds the Raspberry Pi image and boots it under qemu-system-aarch64 (virt).
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpHome } from '../test/helpers/cli.ts';
import { run, sleep, startImageLab } from '../test/helpers/image-lab.ts';
import { print } from './machine.ts';

const arch = process.env.BENCH_ARCH === 'arm64' ? 'arm64' : 'amd64';
const board = arch === 'arm64' ? 'rpi' : 'vm';
let image = process.env.BENCH_IMAGE ?? '';
const build: Record<string, number> = {};
if (!image) {
  const out = tmpHome('bench-image');
  const t0 = Date.now();
  const p = spawn('bash', ['packaging/image/build-image.sh', '--arch', arch, '--board', board, '--out', out], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  p.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  const code = await new Promise<number | null>((r) => p.on('close', r));
  if (code !== 0) process.exit(1);
  build.seconds = Math.round((Date.now() - t0) / 1000);
  image = stdout.trim().split('\n').pop()!;
  build.zstdMiB = Math.round(statSync(`${image}.zst`).size / 1048576);
}
const rawMiB = Math.round(statSync(image).size / 1048576);

const lab = await startImageLab('bench');
const results: Record<string, unknown>[] = [];
try {
  const disk = join(tmpHome('bench-image-vm'), 'disk.img');
  run('cp', ['--sparse=always', image, disk]);
  run('truncate', ['-s', '+2G', disk]);
  lab.writeMasterTxt(disk, 'bench-node');
  for (const which of ['first boot', 'second boot']) {
    const b = await lab.boot(disk, 'bench-node', 600_000, arch);
    results.push({ boot: which, accel: b.vm.accel, msAfterQemuStart: b.marks });
    await b.vm.powerdown();
    await Promise.race([b.vm.exited, sleep(180_000)]);
    b.vm.proc.kill('SIGKILL');
  }
} finally {
  lab.stop();
}
print('image', { arch, board, image: { rawMiB, ...build }, boots: results });
