/**
 * A seccomp filter for process sandboxes, as the classic BPF program bubblewrap's --seccomp
 * reads (struct sock_filter[], 8 bytes each, host byte order). Built here rather than compiled
 * with libseccomp, which is not available: a deny list of the system calls a dev server, bun
 * and tsc never need and kernel exploits and escapes like (tracing, keyrings, BPF, modules,
 * mounts, namespaces, io_uring, userfaultfd, kexec, ...): they fail with EPERM. Unlike Docker's
 * default profile this is not an allow list; the namespaces, the unprivileged uid and the lack
 * of capabilities remain the main walls.
 */

const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_JGE_K = 0x35;
const BPF_RET_K = 0x06;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_ERRNO = 0x00050000;
const EPERM = 1;
/** offsetof(struct seccomp_data, nr) and (…, arch). */
const NR_OFFSET = 0;
const ARCH_OFFSET = 4;
const X32_SYSCALL_BIT = 0x40000000;

interface ArchTable {
  audit: number;
  /** System calls refused, by number. */
  denied: Record<string, number>;
  /** The x32 ABI of x86_64, refused entirely. */
  refuseX32?: boolean;
}

const COMMON_GENERIC = {
  ptrace: 117,
  process_vm_readv: 270,
  process_vm_writev: 271,
  kexec_load: 104,
  kexec_file_load: 294,
  init_module: 105,
  finit_module: 273,
  delete_module: 106,
  bpf: 280,
  perf_event_open: 241,
  userfaultfd: 282,
  keyctl: 219,
  add_key: 217,
  request_key: 218,
  mount: 40,
  umount2: 39,
  pivot_root: 41,
  swapon: 224,
  swapoff: 225,
  reboot: 142,
  open_by_handle_at: 265,
  name_to_handle_at: 264,
  unshare: 97,
  setns: 268,
  acct: 89,
  settimeofday: 170,
  clock_settime: 112,
  adjtimex: 171,
  quotactl: 60,
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  move_mount: 429,
  open_tree: 428,
};

const ARCHES: Partial<Record<NodeJS.Architecture, ArchTable>> = {
  x64: {
    audit: 0xc000003e,
    refuseX32: true,
    denied: {
      ptrace: 101,
      process_vm_readv: 310,
      process_vm_writev: 311,
      kexec_load: 246,
      kexec_file_load: 320,
      init_module: 175,
      finit_module: 313,
      delete_module: 176,
      bpf: 321,
      perf_event_open: 298,
      userfaultfd: 323,
      keyctl: 250,
      add_key: 248,
      request_key: 249,
      mount: 165,
      umount2: 166,
      pivot_root: 155,
      swapon: 167,
      swapoff: 168,
      reboot: 169,
      open_by_handle_at: 304,
      name_to_handle_at: 303,
      unshare: 272,
      setns: 308,
      acct: 163,
      settimeofday: 164,
      clock_settime: 227,
      adjtimex: 159,
      quotactl: 179,
      iopl: 172,
      ioperm: 173,
      io_uring_setup: 425,
      io_uring_enter: 426,
      io_uring_register: 427,
      fsopen: 430,
      fsconfig: 431,
      fsmount: 432,
      fspick: 433,
      move_mount: 429,
      open_tree: 428,
    },
  },
  arm64: { audit: 0xc00000b7, denied: COMMON_GENERIC },
};

/** The filter for this machine's architecture, or null where there is no table for it. */
export function sandboxSeccompFilter(arch: NodeJS.Architecture = process.arch): Buffer | null {
  const table = ARCHES[arch];
  if (!table) {
    return null;
  }
  const numbers = [...new Set(Object.values(table.denied))];
  const program: [number, number, number, number][] = [];
  const deny = () =>
    [BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM] as [number, number, number, number];
  // Another architecture's calls (32-bit compat) are refused whole: their numbers differ.
  program.push([BPF_LD_W_ABS, 0, 0, ARCH_OFFSET]);
  program.push([BPF_JEQ_K, 1, 0, table.audit]);
  program.push(deny());
  program.push([BPF_LD_W_ABS, 0, 0, NR_OFFSET]);
  if (table.refuseX32) {
    program.push([BPF_JGE_K, 0, 1, X32_SYSCALL_BIT]);
    program.push(deny());
  }
  // Each denied number jumps to the last instruction but one (the refusal).
  numbers.forEach((nr, index) => {
    const remaining = numbers.length - index - 1;
    program.push([BPF_JEQ_K, remaining + 1, 0, nr]);
  });
  program.push([BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW]);
  program.push(deny());

  const buffer = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], index) => {
    const offset = index * 8;
    // struct sock_filter { __u16 code; __u8 jt; __u8 jf; __u32 k; } in host byte order.
    buffer.writeUInt16LE(code, offset);
    buffer.writeUInt8(jt, offset + 2);
    buffer.writeUInt8(jf, offset + 3);
    buffer.writeUInt32LE(k, offset + 4);
  });
  return buffer;
}
