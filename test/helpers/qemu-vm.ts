// A QEMU guest booted from a disk image (UEFI firmware from Debian's ovmf/qemu-efi-aarch64),
// with user-mode networking, its serial console in a file, and the human monitor on a unix
// socket for a clean power-off. With KVM when /dev/kvm works, TCG otherwise.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

let kvm: boolean | undefined;
/** Whether KVM runs a guest here: /dev/kvm can be there and still fail at the first vCPU (a
 *  nested VM whose host hides MSRs QEMU sets), so a guest is started and must still be running
 *  after 3 s. Found once per process. */
export const kvmUsable = (): boolean => {
  if (kvm !== undefined) return kvm;
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return (kvm = false);
  }
  const f = FIRMWARE[process.arch === 'arm64' ? 'arm64' : 'amd64'];
  const r = spawnSync(f.qemu, ['-machine', `${f.machine},accel=kvm`, '-cpu', 'host', '-m', '128', '-nodefaults', '-display', 'none',
    '-drive', `if=pflash,format=raw,readonly=on,file=${f.code}`], { timeout: 3_000, encoding: 'utf8' });
  return (kvm = r.signal === 'SIGTERM');
};

const FIRMWARE = {
  amd64: { qemu: 'qemu-system-x86_64', code: '/usr/share/OVMF/OVMF_CODE_4M.fd', vars: '/usr/share/OVMF/OVMF_VARS_4M.fd', machine: 'q35' },
  arm64: { qemu: 'qemu-system-aarch64', code: '/usr/share/AAVMF/AAVMF_CODE.fd', vars: '/usr/share/AAVMF/AAVMF_VARS.fd', machine: 'virt' },
} as const;

/** Why a guest of `arch` cannot boot here, or undefined. */
export const qemuUnavailable = (arch: keyof typeof FIRMWARE): string | undefined => {
  const f = FIRMWARE[arch];
  if (spawnSync(f.qemu, ['--version']).status !== 0) return `${f.qemu} is not installed (apt-get install qemu-system-x86 qemu-system-arm)`;
  if (!existsSync(f.code)) return `${f.code} is missing (apt-get install ovmf qemu-efi-aarch64)`;
  return undefined;
};

export interface Vm {
  proc: ChildProcess;
  serial(): string;
  /** Asks the guest to power off (ACPI), as the power button would. */
  powerdown(): Promise<void>;
  exited: Promise<number | null>;
  accel: 'kvm' | 'tcg';
}

/** A kernel booted directly (no UEFI): the Raspberry Pi image's, as its firmware would. */
export interface DirectKernel { kernel: string; initrd: string; append: string }

/** Boots `disk` (used in place). `wrap` prefixes the command (e.g. `ip netns exec NS`). */
export const bootVm = (o: { arch: 'amd64' | 'arm64'; disk: string; dir: string; name: string; wrap?: string[]; memMiB?: number; direct?: DirectKernel }): Vm => {
  const f = FIRMWARE[o.arch];
  const vars = join(o.dir, `${o.name}-vars.fd`);
  if (!existsSync(vars)) copyFileSync(f.vars, vars);
  const serialFile = join(o.dir, `${o.name}-serial.log`);
  const monitor = join(o.dir, `${o.name}-monitor.sock`);
  const native = (o.arch === 'amd64') === (process.arch === 'x64');
  const accel = native && kvmUsable() ? 'kvm' : 'tcg';
  const cpu = accel === 'kvm' ? 'host' : o.arch === 'arm64' ? 'cortex-a72' : 'max';
  const args = [
    '-machine', `${f.machine},accel=${accel}`, '-cpu', cpu, '-smp', '2', '-m', String(o.memMiB ?? 1024),
    ...(o.direct ? ['-kernel', o.direct.kernel, '-initrd', o.direct.initrd, '-append', o.direct.append]
      : ['-drive', `if=pflash,format=raw,readonly=on,file=${f.code}`, '-drive', `if=pflash,format=raw,file=${vars}`]),
    '-drive', `file=${o.disk},format=raw,if=virtio,cache=unsafe`,
    '-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0',
    '-display', 'none', '-serial', `file:${serialFile}`, '-monitor', `unix:${monitor},server=on,wait=off`,
    '-no-user-config', '-nodefaults', ...(o.arch === 'amd64' ? ['-vga', 'std'] : ['-device', 'virtio-gpu-pci']),
  ];
  const argv = [...(o.wrap ?? []), f.qemu, ...args];
  const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  proc.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  return {
    proc,
    accel,
    exited,
    serial: () => {
      let s = '';
      try { s = readFileSync(serialFile, 'utf8'); } catch { /* not yet */ }
      return s + (out ? `\n[qemu] ${out}` : '');
    },
    powerdown: () => new Promise<void>((resolve, reject) => {
      const sock = connect(monitor, () => sock.end('system_powerdown\n'));
      sock.on('error', reject);
      sock.on('close', () => resolve());
      sock.resume();
    }),
  };
};
