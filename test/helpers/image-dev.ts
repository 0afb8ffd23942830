// Manual: boots an image in the lab and keeps it running (for working on the image by hand).
// node --import tsx test/helpers/image-dev.ts IMAGE [arm64]  -> prints the master home and the
// boot's marks once registered; Ctrl-C stops. arm64: the Pi image on QEMU's virt board.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpHome } from './cli.ts';
import { startImageLab } from './image-lab.ts';

const image = process.argv[2]!;
const lab = await startImageLab('dev');
const disk = join(tmpHome('image-dev'), 'disk.img');
spawnSync('cp', ['--sparse=always', image, disk]);
spawnSync('truncate', ['-s', '+1G', disk]);
lab.writeMasterTxt(disk, 'dev-node');
const b = await lab.boot(disk, 'dev-node', 1_800_000, process.argv[3] === 'arm64' ? 'arm64' : 'amd64');
console.log(`MASTER_HOME=${lab.masterHome} marks=${JSON.stringify(b.marks)}`);
process.on('SIGINT', () => { lab.stop(); process.exit(0); });
process.on('SIGTERM', () => { lab.stop(); process.exit(0); });
setInterval(() => {}, 1 << 30);
