// The node image, proven by booting it (issue 17): build the amd64 `vm` image with the same
// recipe as the Raspberry Pi's (packaging/image/build-image.sh), write master.txt into its FAT
// partition with mtools (no mount), boot it under QEMU (KVM when /dev/kvm works) with user-mode
// networking, and drive it from a master on the host: it registers, `skywire term` runs a
// command in it, `skywire app deploy` of the files app commits, and a power cycle keeps its
// identity. QEMU and the master run in a network namespace of their own with only loopback, so
// the guest reaches the master (10.0.2.2 is the namespace's 127.0.0.1) and nothing else.
// Runs by `npm run test:image` (root, ~6 min on two cores: most of it the image build).
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BIN, sky, tmpHome } from './helpers/cli.ts';
import { qemuUnavailable } from './helpers/qemu-vm.ts';
import { BOOT_OFFSET, poll, run, sleep, startImageLab } from './helpers/image-lab.ts';

const REPO = process.cwd();
const needs = process.getuid?.() !== 0 ? 'building and booting the image needs root' : qemuUnavailable('amd64')
  ?? (spawnSync('mmdebstrap', ['--version']).status !== 0 ? 'mmdebstrap is not installed (apt-get install mmdebstrap mtools dosfstools fdisk zstd ovmf qemu-system-x86)' : undefined);
const serialTest = needs ? (process.env.CI === 'true' ? test.serial : test.serial.skip) : test.serial;
if (needs) test.serial('image tests can run here', (t) => { t.fail(needs); });

let image = '';
let outDir = '';
let buildSeconds = 0;

test.before(async () => {
  if (needs) return;
  // SKYWIRE_TEST_IMAGE reuses an image built before (while working on the tests themselves).
  if (process.env.SKYWIRE_TEST_IMAGE) { image = process.env.SKYWIRE_TEST_IMAGE; outDir = join(image, '..'); return; }
  outDir = tmpHome('image-out');
  const t0 = Date.now();
  const build = spawn('bash', [join(REPO, 'packaging/image/build-image.sh'), '--arch', 'amd64', '--board', 'vm', '--out', outDir, '--zstd-level', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  build.stdout.on('data', (c: Buffer) => { log += c.toString(); });
  build.stderr.on('data', (c: Buffer) => { log += c.toString(); });
  const code = await new Promise<number | null>((resolve) => build.on('close', resolve));
  buildSeconds = (Date.now() - t0) / 1000;
  if (code !== 0) throw new Error(`image build failed (exit ${code}):\n${log.slice(-4000)}`);
  image = log.trim().split('\n').pop()!.trim();
});

serialTest('the image: a GPT disk with a FAT boot partition holding master.txt.example, its SHA-256 and package list, no SSH server', (t) => {
  t.timeout(60_000);
  t.log(`build ${buildSeconds.toFixed(0)} s, image ${(statSync(image).size / 1048576).toFixed(0)} MiB`);
  const base = image.replace(/\.img$/, '');
  for (const f of [`${image}.sha256`, `${base}.packages`]) t.true(existsSync(f), f);
  if (!process.env.SKYWIRE_TEST_IMAGE) {
    t.true(existsSync(`${image}.zst`) && existsSync(`${image}.zst.sha256`));
    const check = run('sha256sum', ['-c', basename(`${image}.zst.sha256`)], { cwd: dirname(image) });
    t.is(check.code, 0, `sha256sum -c: ${check.out}`);
  }
  const table = run('sfdisk', ['--dump', image]).out;
  t.regex(table, /label: gpt/);
  t.regex(table, /type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B/i, 'the boot partition is an EFI system partition');
  const listing = run('mdir', ['-i', `${image}@@${BOOT_OFFSET}`, '-b', '-/', '::/'], {}).out;
  for (const f of ['::/skywire/master.txt.example', '::/EFI/BOOT/BOOTX64.EFI', '::/vmlinuz', '::/initrd.img']) t.true(listing.includes(f), `${f} in\n${listing}`);
  const example = run('mtype', ['-i', `${image}@@${BOOT_OFFSET}`, '::/skywire/master.txt.example']).out;
  t.regex(example, /^# .*master/m);
  const pkgs = readFileSync(`${base}.packages`, 'utf8');
  t.regex(pkgs, /^nodejs 20\.(19|[2-9]\d)\./m, 'Node >= 20.19 from Debian');
  t.regex(pkgs, /^bubblewrap /m);
  t.notRegex(pkgs, /^openssh-server /m, 'no SSH server');
});

serialTest('boot under QEMU: registers with the master, term runs a command, the files app deploys, a power cycle keeps the identity', async (t) => {
  t.timeout(1_200_000);
  const dir = tmpHome('image-vm');
  // A copy to boot, 1 GiB bigger than the image: the root must grow into it on first boot.
  const disk = join(dir, 'disk.img');
  t.is(run('cp', ['--sparse=always', image, disk]).code, 0);
  t.is(run('truncate', ['-s', '+1G', disk]).code, 0);

  const lab = await startImageLab('test');
  t.teardown(() => { lab.stop(); });
  const mh = lab.masterHome;
  // The operator's one file, written into the FAT partition as on a card reader.
  lab.writeMasterTxt(disk, 'vm-node');
  const first = await lab.boot(disk, 'vm-node');
  t.log(`first boot (${first.vm.accel}): ms after QEMU started ${JSON.stringify(first.marks)}`);
  t.is(first.row.enrolment, 'accepted');

  // A shell on the node through the master: as the node's user, root grown, the console page.
  const term = spawn(process.execPath, [BIN, 'term', 'vm-node', '--home', mh], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  term.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  term.stderr.on('data', (b: Buffer) => { out += b.toString(); });
  term.stdin.end('echo "user=$(id -un)"; echo "root=$(findmnt -bno SIZE /)"; echo "sshd=$(command -v sshd || echo none)"; for i in $(seq 60); do tr -s " " < /dev/vcs1 | grep -q REGISTERED && break; sleep 1; done; echo "screen=$(tr -s " " < /dev/vcs1)"; exit 7\n');
  t.is(await new Promise<number | null>((res) => term.on('exit', res)), 7, out);
  t.regex(out, /user=skywire/);
  t.regex(out, /sshd=none/);
  const rootBytes = Number(/root=(\d+)/.exec(out)?.[1] ?? 0);
  t.true(rootBytes > statSync(image).size, `the root file system grew into the bigger disk: ${rootBytes} bytes`);
  t.regex(out, /screen=.*SKYWIRE NODE.*vm-node.*REGISTERED/s, 'tty1 shows the status page (redrawn every 2 s)');

  const bundle = join(dir, 'files.skybundle');
  const built = sky('app', 'build', '--builtin', 'files', '--out', bundle);
  t.is(built.code, 0, built.stderr);
  const deployed = sky('app', 'deploy', bundle, 'vm-node', '--home', mh);
  t.is(deployed.code, 0, deployed.stdout + deployed.stderr);
  t.regex(deployed.stdout, /committed/);

  // Power button: a clean shutdown, then the same disk boots again.
  await first.vm.powerdown();
  t.is(await Promise.race([first.vm.exited, sleep(120_000).then(() => 'timeout' as const)]), 0, 'the guest powered off');
  await poll(() => lab.nodes().find((n) => n.name === 'vm-node' && !n.online), 120_000, () => 'vm-node offline at the master');
  const second = await lab.boot(disk, 'vm-node');
  t.log(`second boot: ms after QEMU started ${JSON.stringify(second.marks)}`);
  t.is(second.row.address, first.row.address, 'the same identity after a reboot');
  t.is(lab.nodes().length, 1, 'no second node at the master');
  // The app comes back with the node (under TCG the node is slow to answer while it starts it).
  let apps = '';
  await poll(() => {
    const r = sky('app', 'list', 'vm-node', '--home', mh);
    apps = r.stdout + r.stderr;
    return /files\s.*running/.test(r.stdout) ? true : undefined;
  }, 180_000, () => `the files app running again after the reboot (app list: ${apps})`, 2000);
  t.pass('the files app runs again after the reboot');
});
