// A master and QEMU guests booted from the node image, in a network namespace of their own with
// only loopback: the guest's user-mode network reaches 10.0.2.2, which is the namespace's
// 127.0.0.1 where the master listens, and nothing else (no route out, so the guest's NTP and
// DNS go nowhere). Used by test/image-boot.test.ts and bench/image.ts.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, sky, tmpHome } from './cli.ts';
import { bootVm, type DirectKernel, type Vm } from './qemu-vm.ts';

/** Where build-image.sh puts the FAT boot partition (MiB 4 of the disk). */
export const BOOT_OFFSET = 4 * 1024 * 1024;

export const run = (cmd: string, args: string[], opts: { input?: string; timeout?: number; cwd?: string } = {}): { code: number | null; out: string } => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: opts.timeout ?? 60_000, input: opts.input, cwd: opts.cwd });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
};
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const poll = async <T>(fn: () => T | undefined, ms: number, what: () => string, every = 1000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await sleep(every);
  }
};

export interface NodeRow { address: string; name: string; online: boolean; enrolment: string; lastSeenMs: number }

/** Milliseconds from QEMU's start to each step, read off the serial console as it is written. */
export interface BootMarks { firmware?: number; kernel?: number; userspace?: number; node?: number; registered: number }
const MARKS: [keyof BootMarks, RegExp][] = [
  ['firmware', /\S/],
  ['kernel', /Linux version \d/],
  ['userspace', /systemd\[1\]|Welcome to/],
  ['node', /Started skywire\.service|Skywire overlay node/],
];

export interface ImageLab {
  ns: string; masterHome: string; masterLog(): string;
  /** Writes skywire/master.txt (CRLF, as from Windows) into the disk's FAT partition with mtools. */
  writeMasterTxt(disk: string, name: string): void;
  nodes(): NodeRow[];
  /** Boots `disk` and waits until `name` is registered and online, seen after this boot began. */
  /** `arch` arm64 boots the Raspberry Pi image's kernel and initrd (from its FAT partition)
   *  directly on QEMU's virt board, with the root the Pi's cmdline.txt names. */
  boot(disk: string, name: string, timeoutMs?: number, arch?: 'amd64' | 'arm64'): Promise<{ vm: Vm; row: NodeRow; marks: BootMarks }>;
  stop(): void;
}

export const startImageLab = async (tag: string): Promise<ImageLab> => {
  const ns = `skyimg-${tag}-${process.pid}`;
  spawnSync('ip', ['netns', 'del', ns]);
  for (const args of [['netns', 'add', ns], ['-n', ns, 'link', 'set', 'lo', 'up']]) {
    const r = run('ip', args);
    if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.out}`);
  }
  const inNs = ['ip', 'netns', 'exec', ns];
  const masterHome = tmpHome(`image-master-${tag}`);
  sky('init', '--home', masterHome);
  const id = sky('id', '--home', masterHome).stdout;
  const masterKey = /public key\s+(\S+)/.exec(id)![1]!;
  const masterAddr = /address\s+(\S+)/.exec(id)![1]!;
  const master = spawn(inNs[0]!, [...inNs.slice(1), process.execPath, BIN, 'master', '--home', masterHome, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  master.stdout.on('data', (c: Buffer) => { log += c.toString(); });
  master.stderr.on('data', (c: Buffer) => { log += c.toString(); });
  const vms: Vm[] = [];
  const stop = (): void => {
    for (const v of vms) v.proc.kill('SIGKILL');
    master.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', ns]);
  };
  let port: string;
  try {
    port = await poll(() => /listening on udp 127\.0\.0\.1:(\d+)/.exec(log)?.[1], 30_000, () => `the master's port (${log})`, 100);
  } catch (e) {
    stop();
    throw e;
  }
  const nodes = (): NodeRow[] => {
    const r = sky('nodes', '--home', masterHome, '--json');
    return r.code === 0 ? JSON.parse(r.stdout) as NodeRow[] : [];
  };
  const dir = tmpHome(`image-vm-${tag}`);
  let boots = 0;
  return {
    ns, masterHome, masterLog: () => log, nodes, stop,
    writeMasterTxt: (disk, name) => {
      const file = join(dir, 'master.txt');
      writeFileSync(file, `# written by the test\r\nmaster = ${masterKey}\r\nrelay = ${masterAddr}@10.0.2.2:${port}\r\nname = ${name}\r\n`);
      const r = run('mcopy', ['-o', '-i', `${disk}@@${BOOT_OFFSET}`, file, '::/skywire/master.txt']);
      if (r.code !== 0) throw new Error(`mcopy master.txt: ${r.out}`);
    },
    boot: async (disk, name, timeoutMs = 420_000, arch = 'amd64') => {
      let direct: DirectKernel | undefined;
      if (arch === 'arm64') {
        const listing = run('mdir', ['-i', `${disk}@@${BOOT_OFFSET}`, '-b', '::/']).out.split('\n');
        const pick = (prefix: string): string => {
          const f = listing.map((l) => l.trim().replace(/^::\//, '')).filter((l) => l.startsWith(prefix)).sort().pop();
          if (!f) throw new Error(`no ${prefix}* in the boot partition`);
          const to = join(dir, f);
          const r = run('mcopy', ['-o', '-i', `${disk}@@${BOOT_OFFSET}`, `::/${f}`, to]);
          if (r.code !== 0) throw new Error(`mcopy ${f}: ${r.out}`);
          return to;
        };
        direct = { kernel: pick('vmlinuz-'), initrd: pick('initrd.img-'), append: 'root=LABEL=SKYWIRE_ROOT rw rootwait console=tty1 console=ttyAMA0,115200' };
      }
      const t0 = Date.now();
      const vm = bootVm({ arch, disk, dir, name: `vm${boots++}`, wrap: inNs, ...(direct ? { direct } : {}) });
      vms.push(vm);
      const marks: Partial<BootMarks> = {};
      const row = await poll(() => {
        const serial = vm.serial();
        if (vm.proc.exitCode !== null || vm.proc.signalCode !== null) throw new Error(`QEMU ended (${vm.proc.exitCode ?? vm.proc.signalCode}) before ${name} registered:\n${serial.slice(-3000)}`);
        for (const [k, re] of MARKS) if (marks[k] === undefined && re.test(serial)) marks[k] = Date.now() - t0;
        return nodes().find((n) => n.name === name && n.online && n.lastSeenMs >= t0);
      }, timeoutMs, () => `${name} registered (serial console:\n${vm.serial().slice(-3000)}\nmaster:\n${log.slice(-1500)})`, 250);
      return { vm, row, marks: { ...marks, registered: Date.now() - t0 } };
    },
  };
};

