/**
 * Network namespaces: named ones exactly as `ip netns` makes them, anonymous
 * ones that live as long as their handle, and namespaces of other processes.
 * @module
 */
import { readdir } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { execIn, spawnIn, type NetnsExecOptions, type NetnsExecResult, type NetnsSpawnOptions } from './exec.js';
import { native } from '../netlink/native.js';
import { NetlinkError } from '../netlink/errors.js';
import type { NetnsExecError } from './exec-errors.js';

/** Where `ip netns` keeps its named namespaces. */
export const NETNS_RUN_DIR = '/run/netns';

/** Options for naming a namespace. */
export interface NetnsDirOptions {
  /** The directory of named namespaces. Default `/run/netns`, shared with iproute2. */
  runDir?: string;
}

/** Options of {@link NetNs.ping}. */
export interface PingOptions {
  /** Echo requests to send. Default 1. */
  count?: number;
  /** Milliseconds to wait for each reply. Default 1000. */
  timeout?: number;
  /** Milliseconds between requests. Default 200. */
  interval?: number;
  /** Payload bytes. Default 56. */
  size?: number;
}

/** What a ping saw. */
export interface PingResult {
  sent: number;
  received: number;
  /** Fraction lost, 0..1. */
  loss: number;
  /** Round-trip time of each reply, in milliseconds. */
  rtts: number[];
}

/** A namespace's network sysctls; see {@link NetNs.sysctl}. */
export interface NetnsSysctl {
  /** The value, trimmed (`'1'`). Names: `net.ipv4.ip_forward` or `net/ipv4/conf/eth0.5/rp_filter`. */
  get(name: string): Promise<string>;
  /** Write a value; booleans become 1/0. */
  set(name: string, value: string | number | boolean): Promise<void>;
}

// 'net.ipv4.ip_forward' or 'net/ipv4/ip_forward' → 'ipv4/ip_forward' (below /proc/sys/net).
function sysctlPath(name: unknown, operation: string): string {
  if (typeof name !== 'string') throw new TypeError(`${operation}: name: must be a string like 'net.ipv4.ip_forward'`);
  const slash = name.includes('/');
  const parts = (slash ? name : name.replace(/\./g, '/')).split('/');
  if (parts[0] !== 'net' || parts.length < 2 || parts.some((p) => p === '' || p === '.' || p === '..' || !/^[\w.:@-]+$/.test(p))) {
    throw new TypeError(`${operation}: name: not a network sysctl (net.*): '${name}'`);
  }
  return parts.slice(1).join('/');
}

/** How to find an existing namespace. */
export type NetnsRef = string | { name: string; runDir?: string } | { pid: number } | { path: string };

// A handle dropped without close() still has its fd closed, with a warning:
// an fd pins the namespace (and every link in it) for as long as it is open.
const leaks = new FinalizationRegistry<{ fd: number; what: string }>((held) => {
  try {
    native.netns.closeFd(held.fd);
  } catch {
    /* already closed */
  }
  process.emitWarning(`netloom: ${held.what} was garbage-collected without close(); closed its fd now`, 'NetloomLeakWarning');
});

/**
 * An open file descriptor on a network namespace. While it is open the
 * namespace exists; an anonymous namespace (from {@link netns.create})
 * vanishes with its last handle, and with the process.
 */
export class NetNs {
  #fd: number;
  /** The name under the run directory, for named namespaces. */
  readonly name: string | undefined;
  /** The file the namespace was opened from, if any. */
  readonly path: string | undefined;
  readonly #token = {};

  /** @internal Use the functions of {@link netns}. */
  constructor(fd: number, name?: string, path?: string) {
    this.#fd = fd;
    this.name = name;
    this.path = path;
    leaks.register(this, { fd, what: `NetNs(${name ?? path ?? 'anonymous'})` }, this.#token);
  }

  /** The fd. Throws if the handle is closed. */
  get fd(): number {
    if (this.#fd < 0) throw new NetlinkError('netns', 'EBADF', 9, { message: `namespace handle ${this.toString()} is closed` });
    return this.#fd;
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#fd < 0;
  }

  /** The namespace's inode number: two handles refer to the same namespace iff their inodes match. */
  get inode(): number {
    return native.netns.inode(this.fd);
  }

  /** True if both handles refer to the same namespace. */
  equals(other: NetNs): boolean {
    return this.inode === other.inode;
  }

  /**
   * Close the fd. The namespace itself goes away when nothing else holds it
   * (a name under /run/netns, a process, another fd). Idempotent.
   */
  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    leaks.unregister(this.#token);
    native.netns.closeFd(fd);
  }

  /**
   * Run a program inside this namespace to completion and collect its output.
   * Like `ip netns exec`, the program gets a mount namespace of its own
   * (nothing mounted there reaches the host) with a fresh /sys, so
   * /sys/class/net lists this namespace's links, and, for a named
   * namespace, the entries of /etc/netns/NAME bind mounted over /etc
   * (resolv.conf, hosts). `remountSys: false` / `etcNetns: false` turn
   * those off. If a step fails the program is not started and the promise
   * rejects with a {@link NetnsExecError} naming the step and the path.
   *
   * Equivalent to: `ip netns exec NAME ARGV...`
   * ```ts
   * const { code, stdout } = await ns.exec(['ping', '-c1', '198.18.0.2']);
   * await ns.exec(['cat', '/etc/resolv.conf']); // /etc/netns/NAME/resolv.conf, if there is one
   * ```
   */
  exec(argv: readonly string[], opts?: NetnsExecOptions): Promise<NetnsExecResult> {
    return execIn({ fd: this.fd, name: this.name }, argv, opts);
  }

  /**
   * Start a program inside this namespace and return Node's ChildProcess
   * (streams, events, kill), prepared as {@link NetNs.exec} prepares it. A
   * failed set-up step is the child's 'error' event (a
   * {@link NetnsExecError}), as a program Node cannot spawn is; the program
   * is then not started.
   *
   * Equivalent to: `ip netns exec NAME ARGV... &`
   */
  spawn(argv: readonly string[], opts?: NetnsSpawnOptions): ChildProcess {
    return spawnIn({ fd: this.fd, name: this.name }, argv, opts);
  }

  /**
   * Send ICMP (or ICMPv6) echo requests from inside this namespace and count
   * the replies: the proof that a topology carries traffic, without a ping
   * binary. Needs CAP_NET_RAW (a raw socket).
   *
   * Equivalent to: `ip netns exec NAME ping -c COUNT -W TIMEOUT ADDRESS`
   */
  async ping(address: string, opts: PingOptions = {}): Promise<PingResult> {
    const count = opts.count ?? 1;
    const timeout = opts.timeout ?? 1000;
    const interval = opts.interval ?? 200;
    const size = opts.size ?? 56;
    for (const [k, v, lo, hi] of [['count', count, 1, 1000], ['timeout', timeout, 1, 60000], ['interval', interval, 0, 60000], ['size', size, 0, 65000]] as const) {
      if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`ping: ${k}: must be an integer ${lo}..${hi}, got ${String(v)}`);
    }
    if (typeof address !== 'string' || isIP(address) === 0) throw new TypeError(`ping: address: not an IP address: '${String(address)}'`);
    try {
      const r = await native.ping(this.fd, address, count, timeout, interval, size);
      return { ...r, loss: (r.sent - r.received) / r.sent };
    } catch (e) {
      throw NetlinkError.from(e, 'ping');
    }
  }

  /**
   * Run a synchronous callback with the calling thread switched into this
   * namespace, and switch back afterwards, also when it throws. Sockets Node
   * creates synchronously inside (`net.createServer().listen(port)`) belong
   * to this namespace and stay there. An async callback is refused: the part
   * after its first `await` would run outside.
   *
   * Equivalent to: what `ip netns exec NAME` gives a program, for one call.
   * ```ts
   * const server = ns.run(() => net.createServer(handler).listen(8080));
   * ```
   */
  run<T>(fn: () => T): T {
    if (typeof fn !== 'function') throw new TypeError('netns.run: fn: must be a function');
    if (fn.constructor.name === 'AsyncFunction') throw new TypeError('netns.run: fn: must be synchronous (what runs after an await would be outside the namespace)');
    const out = wrap('netns.run', () => native.runIn(this.fd, fn));
    if (out !== null && typeof out === 'object' && typeof (out as { then?: unknown }).then === 'function') {
      throw new TypeError('netns.run: fn: returned a promise; only its synchronous part ran inside the namespace');
    }
    return out;
  }

  /**
   * This namespace's network sysctls (`net.*`): read and written from a
   * thread inside the namespace, without running `sysctl`.
   *
   * Equivalent to: `ip netns exec NAME sysctl net.ipv4.ip_forward` / `sysctl -w ...=1`
   * ```ts
   * await ns.sysctl.set('net.ipv4.ip_forward', 1);
   * await ns.sysctl.get('net/ipv4/conf/eth0.5/rp_filter'); // '/' form for names with dots
   * ```
   */
  get sysctl(): NetnsSysctl {
    return {
      get: async (name) => {
        const path = sysctlPath(name, 'sysctl.get');
        try {
          return (await native.sysctlRead(this.fd, path)).trim();
        } catch (e) {
          throw NetlinkError.from(e, `sysctl.get ${name}`);
        }
      },
      set: async (name, value) => {
        const path = sysctlPath(name, 'sysctl.set');
        if (typeof value === 'boolean') value = value ? 1 : 0;
        if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`sysctl.set: value: must be finite, got ${value}`);
        if (typeof value !== 'string' && typeof value !== 'number') throw new TypeError(`sysctl.set: value: must be a string, number or boolean`);
        try {
          await native.sysctlWrite(this.fd, path, `${value}\n`);
        } catch (e) {
          throw NetlinkError.from(e, `sysctl.set ${name}`);
        }
      },
    };
  }

  /** `using ns = ...` support. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `await using ns = ...` support. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  /** A readable description: the name, path or 'anonymous'. */
  toString(): string {
    return this.name ?? this.path ?? 'anonymous';
  }
}

function checkName(name: unknown, operation: string): string {
  if (typeof name !== 'string') throw new TypeError(`${operation}: name: must be a string, got ${typeof name}`);
  if (name.length === 0 || name === '.' || name === '..' || name.includes('/') || name.includes('\0'))
    throw new TypeError(`${operation}: name: not a valid namespace name: '${name}'`);
  if (Buffer.byteLength(name) > 255) throw new RangeError(`${operation}: name: longer than 255 bytes`);
  return name;
}

function wrap<T>(operation: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw NetlinkError.from(e, operation);
  }
}

/**
 * Create an anonymous network namespace. It has only `lo`, down, and lives as
 * long as the returned handle (or anything else that holds it).
 */
async function create(): Promise<NetNs> {
  try {
    return new NetNs(await native.netns.create());
  } catch (e) {
    throw NetlinkError.from(e, 'netns.create');
  }
}

/**
 * Create a named namespace.
 *
 * Equivalent to: `ip netns add NAME` (a bind mount of the namespace on
 * /run/netns/NAME, with the directory made a shared mount so other tools and
 * mount namespaces see it). Fails with EEXIST if the name is taken.
 */
async function add(name: string, opts: NetnsDirOptions = {}): Promise<NetNs> {
  checkName(name, 'netns.add');
  const runDir = opts.runDir ?? NETNS_RUN_DIR;
  let fd: number;
  try {
    fd = await native.netns.create();
  } catch (e) {
    throw NetlinkError.from(e, 'netns.add');
  }
  try {
    native.netns.bind(fd, runDir, name);
  } catch (e) {
    native.netns.closeFd(fd);
    throw NetlinkError.from(e, 'netns.add');
  }
  return new NetNs(fd, name, `${runDir}/${name}`);
}

/**
 * Delete a named namespace: unmount and remove /run/netns/NAME. The
 * namespace itself lives on while a process or an open handle still holds it.
 *
 * Equivalent to: `ip netns delete NAME`
 */
async function del(name: string, opts: NetnsDirOptions = {}): Promise<void> {
  checkName(name, 'netns.del');
  wrap('netns.del', () => native.netns.unbind(`${opts.runDir ?? NETNS_RUN_DIR}/${name}`));
}

/**
 * The names of the named namespaces.
 *
 * Equivalent to: `ip netns list`
 */
async function list(opts: NetnsDirOptions = {}): Promise<string[]> {
  try {
    return (await readdir(opts.runDir ?? NETNS_RUN_DIR)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw NetlinkError.from(e, 'netns.list');
  }
}

/**
 * Open an existing namespace: by name (under /run/netns), by the PID of a
 * process inside it, or by the path of a namespace file.
 */
async function openNs(ref: NetnsRef): Promise<NetNs> {
  if (typeof ref === 'string') ref = { name: ref };
  if ('name' in ref) {
    const name = checkName(ref.name, 'netns.open');
    const path = `${ref.runDir ?? NETNS_RUN_DIR}/${name}`;
    return new NetNs(wrap('netns.open', () => native.netns.openPath(path)), name, path);
  }
  if ('pid' in ref) {
    if (!Number.isInteger(ref.pid) || ref.pid <= 0) throw new RangeError(`netns.open: pid: must be a positive integer, got ${String(ref.pid)}`);
    const path = `/proc/${ref.pid}/ns/net`;
    return new NetNs(wrap('netns.open', () => native.netns.openPath(path)), undefined, path);
  }
  if ('path' in ref) {
    if (typeof ref.path !== 'string' || ref.path === '') throw new TypeError('netns.open: path: must be a non-empty string');
    return new NetNs(wrap('netns.open', () => native.netns.openPath(ref.path)), undefined, ref.path);
  }
  throw new TypeError('netns.open: expected a name, { name }, { pid } or { path }');
}

/** A handle on the namespace the calling thread is in now. */
function current(): NetNs {
  return new NetNs(wrap('netns.current', () => native.netns.openCurrent()), undefined, '/proc/thread-self/ns/net');
}

/** Namespace operations, named like `ip netns`. */
export const netns = {
  /** Create a named namespace, like `ip netns add NAME`. */
  add,
  /** Delete a named namespace, like `ip netns delete NAME`. */
  del,
  /** The named namespaces, like `ip netns list`. */
  list,
  /** Open an existing namespace by name, `{ pid }` or `{ path }`. */
  open: openNs,
  /** Create an anonymous namespace that lives as long as its handle. */
  create,
  /** A handle on the calling thread's current namespace. */
  current,
} as const;
