// The seccomp filter every sandboxed app runs under: a classic-BPF program, handed to bubblewrap
// as raw bytes (`--seccomp FD`), that bubblewrap installs right before it execs the app, so
// bubblewrap's own set-up (mounts, namespaces) is not affected. It denies, with EPERM, the
// system calls an app never needs and a kernel exploit often does: tracing other processes,
// mounting, loading kernel code, keyrings, BPF, perf, userfaultfd, new namespaces. Numbers come
// from the kernel (asm/unistd_64.h for x86_64, asm-generic/unistd.h for aarch64,
// arch/arm/tools/syscall.tbl for 32-bit ARM, which Raspberry Pi OS still ships); any other
// architecture, and x86_64's x32 ABI, is killed rather than guessed at, and a node on an
// architecture without a table runs its apps without the filter (SECCOMP_ARCHES; status says so).
//
// Layout (linux/seccomp.h, linux/filter.h): struct seccomp_data { int nr; u32 arch; u64 ip;
// u64 args[6] } (nr at 0, arch at 4, args[0] at 16, low word first on both little-endian
// arches); struct sock_filter { u16 code; u8 jt; u8 jf; u32 k } (8 bytes each).

const LD_W_ABS = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ_K = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const JGE_K = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const JSET_K = 0x45; // BPF_JMP | BPF_JSET | BPF_K
const RET_K = 0x06; // BPF_RET | BPF_K

const RET_ALLOW = 0x7fff0000;
const RET_KILL_PROCESS = 0x80000000;
const RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;

const AUDIT_ARCH_X86_64 = 0xc000003e;
const AUDIT_ARCH_AARCH64 = 0xc00000b7;
const AUDIT_ARCH_ARM = 0x40000028;
const X32_SYSCALL_BIT = 0x40000000;
/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET. */
const CLONE_NEW_ANY = 0x7e020000;

interface ArchTable { arch: number; clone: number; clone3: number; deny: Record<string, number> }

// Both tables name the same calls; x86_64 adds its legacy ones (iopl, create_module, ...).
const COMMON = Object.freeze(['ptrace', 'mount', 'umount2', 'pivot_root', 'chroot', 'kexec_load', 'kexec_file_load', 'init_module', 'finit_module', 'delete_module',
  'bpf', 'perf_event_open', 'keyctl', 'add_key', 'request_key', 'reboot', 'swapon', 'swapoff', 'open_by_handle_at', 'name_to_handle_at', 'userfaultfd',
  'unshare', 'setns', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'acct', 'settimeofday', 'clock_settime', 'clock_adjtime', 'adjtimex', 'quotactl',
  'quotactl_fd', 'syslog', 'vhangup', 'lookup_dcookie', 'nfsservctl', 'fanotify_init', 'open_tree', 'move_mount', 'fsopen', 'fsconfig', 'fsmount', 'fspick',
  'mount_setattr', 'io_uring_setup', 'io_uring_enter', 'io_uring_register'] as const);

export const X86_64: Readonly<ArchTable> = Object.freeze({ arch: AUDIT_ARCH_X86_64, clone: 56, clone3: 435, deny: {
  ptrace: 101, mount: 165, umount2: 166, pivot_root: 155, chroot: 161, kexec_load: 246, kexec_file_load: 320, init_module: 175, finit_module: 313, delete_module: 176,
  bpf: 321, perf_event_open: 298, keyctl: 250, add_key: 248, request_key: 249, reboot: 169, swapon: 167, swapoff: 168, open_by_handle_at: 304, name_to_handle_at: 303,
  userfaultfd: 323, unshare: 272, setns: 308, process_vm_readv: 310, process_vm_writev: 311, kcmp: 312, acct: 163, settimeofday: 164, clock_settime: 227,
  clock_adjtime: 305, adjtimex: 159, quotactl: 179, quotactl_fd: 443, syslog: 103, vhangup: 153, lookup_dcookie: 212, nfsservctl: 180, fanotify_init: 300,
  open_tree: 428, move_mount: 429, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, mount_setattr: 442, io_uring_setup: 425, io_uring_enter: 426,
  io_uring_register: 427, iopl: 172, ioperm: 173, create_module: 174, get_kernel_syms: 177, query_module: 178, uselib: 134, _sysctl: 156,
} });

export const AARCH64: Readonly<ArchTable> = Object.freeze({ arch: AUDIT_ARCH_AARCH64, clone: 220, clone3: 435, deny: {
  ptrace: 117, mount: 40, umount2: 39, pivot_root: 41, chroot: 51, kexec_load: 104, kexec_file_load: 294, init_module: 105, finit_module: 273, delete_module: 106,
  bpf: 280, perf_event_open: 241, keyctl: 219, add_key: 217, request_key: 218, reboot: 142, swapon: 224, swapoff: 225, open_by_handle_at: 265, name_to_handle_at: 264,
  userfaultfd: 282, unshare: 97, setns: 268, process_vm_readv: 270, process_vm_writev: 271, kcmp: 272, acct: 89, settimeofday: 170, clock_settime: 112,
  clock_adjtime: 266, adjtimex: 171, quotactl: 60, quotactl_fd: 443, syslog: 116, vhangup: 58, lookup_dcookie: 18, nfsservctl: 42, fanotify_init: 262,
  open_tree: 428, move_mount: 429, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, mount_setattr: 442, io_uring_setup: 425, io_uring_enter: 426,
  io_uring_register: 427,
} });

export const ARM: Readonly<ArchTable> = Object.freeze({ arch: AUDIT_ARCH_ARM, clone: 120, clone3: 435, deny: {
  ptrace: 26, mount: 21, umount2: 52, pivot_root: 218, chroot: 61, kexec_load: 347, kexec_file_load: 401, init_module: 128, finit_module: 379, delete_module: 129,
  bpf: 386, perf_event_open: 364, keyctl: 311, add_key: 309, request_key: 310, reboot: 88, swapon: 87, swapoff: 115, open_by_handle_at: 371, name_to_handle_at: 370,
  userfaultfd: 388, unshare: 337, setns: 375, process_vm_readv: 376, process_vm_writev: 377, kcmp: 378, acct: 51, settimeofday: 79, clock_settime: 262,
  clock_adjtime: 372, adjtimex: 124, quotactl: 131, quotactl_fd: 443, syslog: 103, vhangup: 111, lookup_dcookie: 249, nfsservctl: 169, fanotify_init: 367,
  open_tree: 428, move_mount: 429, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, mount_setattr: 442, io_uring_setup: 425, io_uring_enter: 426,
  io_uring_register: 427, clock_settime64: 404, clock_adjtime64: 405, uselib: 86, _sysctl: 149,
} });

export const DENIED_CALLS: readonly string[] = COMMON;

/** Node's process.arch values the filter has a table for. */
export const SECCOMP_ARCHES: readonly string[] = Object.freeze(['x64', 'arm64', 'arm']);

type Insn = [code: number, jt: number, jf: number, k: number];

/** The instructions for one architecture, entered with the syscall number not yet loaded. */
const archBlock = (t: ArchTable, x32Check: boolean): Insn[] => {
  const numbers = [...new Set(Object.values(t.deny))].sort((a, b) => a - b);
  const out: Insn[] = [[LD_W_ABS, 0, 0, 0]];
  // x32 calls reach the same kernel functions under other numbers: refuse the whole ABI.
  if (x32Check) out.push([JGE_K, 0, 1, X32_SYSCALL_BIT], [RET_K, 0, 0, RET_KILL_PROCESS]);
  // clone3 hides its flags in memory a filter cannot read: ENOSYS makes libc fall back to clone.
  out.push([JEQ_K, 0, 1, t.clone3], [RET_K, 0, 0, RET_ERRNO | ENOSYS]);
  // clone itself is needed (threads, fork), but not with a namespace flag (args[0], low word).
  out.push([JEQ_K, 0, 3, t.clone], [LD_W_ABS, 0, 0, 16], [JSET_K, 0, 1, CLONE_NEW_ANY], [RET_K, 0, 0, RET_ERRNO | EPERM], [LD_W_ABS, 0, 0, 0]);
  // One compare per denied number, each jumping to the shared EPERM at the end when it matches.
  numbers.forEach((nr, i) => out.push([JEQ_K, numbers.length - i, 0, nr]));
  out.push([RET_K, 0, 0, RET_ALLOW], [RET_K, 0, 0, RET_ERRNO | EPERM]);
  return out;
};

/** The program: check the architecture, then that architecture's table. */
export const seccompProgram = (): Insn[] => {
  const x86 = archBlock(X86_64, true);
  const arm64 = archBlock(AARCH64, false);
  const arm = archBlock(ARM, false);
  return [
    [LD_W_ABS, 0, 0, 4],
    [JEQ_K, 3, 0, AUDIT_ARCH_X86_64], // -> x86 block (index 5)
    [JEQ_K, 2 + x86.length, 0, AUDIT_ARCH_AARCH64], // -> arm64 block (index 5 + x86.length)
    [JEQ_K, 1 + x86.length + arm64.length, 0, AUDIT_ARCH_ARM], // -> arm block
    [RET_K, 0, 0, RET_KILL_PROCESS],
    ...x86,
    ...arm64,
    ...arm,
  ];
};

/** The bytes bubblewrap reads from its --seccomp descriptor (host byte order: little-endian). */
export const seccompBytes = (): Buffer => {
  const prog = seccompProgram();
  if (prog.length > 4096) throw new Error('seccomp program too long'); // BPF_MAXINSNS
  const b = Buffer.alloc(prog.length * 8);
  prog.forEach(([code, jt, jf, k], i) => {
    if (jt > 255 || jf > 255) throw new Error('seccomp jump out of range');
    b.writeUInt16LE(code, i * 8);
    b.writeUInt8(jt, i * 8 + 2);
    b.writeUInt8(jf, i * 8 + 3);
    b.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return b;
};
