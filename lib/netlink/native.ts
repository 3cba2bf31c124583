/**
 * The native addon's surface, typed. Everything in lib/ reaches the C++ core
 * through this module only; nothing else loads the addon.
 *
 * The raw layer speaks rtnetlink in the kernel's own vocabulary: attribute and
 * struct member names are the kernel YNL spec names in camelCase
 * (`net-ns-fd` → `netNsFd`, `ifi-index` → `ifiIndex`). The friendly API in
 * link.ts and friends maps to and from these shapes.
 * @module
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useWireDecoder } from './lazy-raw.js';
import { materialize, tapeKeys, type Tape } from './tape.js';
import { wrapGenl, type NativeGenl, type RawGenl } from './genl-native.js';
import type { NativeBatchMessage, NativeBatchResult, NativeCt, NativeNft } from './native-nfnl.js';

/** A decoded attribute set: camelCase spec names to values. */
export interface RawAttrs {
  [name: string]: RawValue | undefined;
  /** Attributes the tables do not know (a newer kernel), kept as bytes. */
  $unknown?: RawUnknownAttr[];
}

/** An attribute the codec has no table entry for, kept verbatim. */
export type RawUnknownAttr = {
  /** The nla_type, without the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits. */
  type: number;
  /** The payload, unparsed. */
  data: Buffer;
};

/** A nest that starts with a fixed header (the veth peer: ifinfomsg + link attributes). */
export interface RawHeaderNest {
  header: Record<string, number | string | Buffer>;
  attrs: RawAttrs;
}

/**
 * Values the codec produces and accepts: integers as numbers (bigint also
 * accepted on encode), strings, `true` for flags, addresses as text, opaque
 * bytes as Buffer, structs and nests as objects, repeated attributes and
 * indexed arrays as arrays.
 */
export type RawValue =
  | number
  | bigint
  | string
  | boolean
  | Buffer
  | RawAttrs
  | RawHeaderNest
  | { [field: string]: number | string | Buffer }
  | RawValue[];

/** A decoded integer attribute as a number (u64s arrive as bigint); 0 when absent or not a number. */
export function rawNum(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0;
}

/** A message to encode: the fixed header's fields and the attributes. */
export interface RawMessage {
  header?: Record<string, number | string | Buffer>;
  attrs?: RawAttrs;
}

/** A decoded message from the kernel. */
export interface RawReply {
  /** nlmsg_type (RTM_NEWLINK, ...). */
  type: number;
  /** nlmsg_flags. */
  flags: number;
  header: Record<string, number | string | Buffer>;
  attrs: RawAttrs;
  /** For notifications heard with NETLINK_LISTEN_ALL_NSID: the id of the namespace they came from. */
  netnsid?: number;
}

/**
 * The error object the native layer rejects with. lib/netlink/errors.ts turns
 * it into a NetlinkError carrying the operation.
 */
export interface NativeError extends Error {
  code: string;
  errno: number;
  syscall?: string;
  /** The kernel's extended ACK message, when it sent one. */
  extack?: string;
  /** Byte offset in the request of the attribute the kernel blamed. */
  extackOffset?: number;
}

/** The nfnetlink surface's types (lib/netlink/native-nfnl.ts). */
export type { NativeBatchMessage, NativeBatchResult, NativeCt, NativeElementColumns, NativeNft, NativeUdata } from './native-nfnl.js';

/** Called once per event-loop wakeup with the dump messages that arrived (as a tape; null with an error). */
export type DumpBatchCallback = (err: NativeError | null, items: Tape | null, done: boolean) => void;

/** A netlink socket (rtnetlink, nfnetlink, generic netlink) owned by native code and driven by libuv. */
export interface NativeSocket {
  /**
   * Send one request (NLM_F_REQUEST and NLM_F_ACK are added) and resolve at
   * its ACK with the data messages that came before it (an RTM_GETLINK reply,
   * NLM_F_ECHO copies; null for a bare ACK). Rejects with a NativeError on NLMSG_ERROR.
   */
  request(type: number, flags: number, msg: RawMessage | Buffer): Promise<Tape | null>;
  /** The same, resolving with the reply messages' bytes, undecoded (for callers that need one field). */
  request(type: number, flags: number, msg: RawMessage | Buffer, raw: true): Promise<Buffer>;
  /**
   * Start a dump (NLM_F_DUMP is added). Batches arrive through `onBatch`
   * until `done`. Dumps on one socket run one at a time (the kernel allows one
   * per socket); later ones wait their turn. Returns the sequence number. `keep`: lib/netlink/keep.ts.
   */
  dump(type: number, flags: number, msg: RawMessage | Buffer, onBatch: DumpBatchCallback, keep?: import('./keep.js').KeepTree): number;
  /**
   * Stop delivering a dump's batches (an aborted iteration). The socket keeps
   * reading and discarding its messages to NLMSG_DONE so it stays in step.
   */
  abandon(seq: number): void;
  /** Close the socket; pending requests reject with ECANCELED. Idempotent. */
  close(): void;
  /** Keep the event loop alive while requests are pending (the default). */
  ref(): void;
  /** Let the process exit even with requests pending. */
  unref(): void;
  /** Number of requests and dumps not yet answered. */
  readonly pending: number;
  /**
   * Join rtnetlink multicast groups (RTNLGRP_*) and receive notifications:
   * `onEvent` is called once per wakeup with the messages that arrived (a
   * tape, or null) and whether the kernel dropped some (ENOBUFS) since the
   * last call. With `allNsid`, notifications from every namespace that has an
   * id here arrive too, each with `netnsid`.
   */
  subscribe(groups: number[], allNsid: boolean, onEvent: (err: NativeError | null, events: Tape | null, overrun: boolean) => void, receiveBuffer?: number): void;
  /**
   * A transaction (NETLINK_NETFILTER sockets): BATCH_BEGIN [NFNL_BATCH_GENID],
   * the messages with NLM_F_REQUEST | NLM_F_ACK, BATCH_END, in one datagram of
   * their own. Resolves once every member is answered or the opening message
   * is refused; rejects only when the batch could not be sent.
   */
  batch(messages: NativeBatchMessage[], options?: { genid?: number }): Promise<Omit<NativeBatchResult, 'echoes'> & { echoes: { index: number; message: Tape | null }[] }>;
}

/** Namespace primitives; fds are owned by the JS NetNs handle that holds them. */
export interface NativeNetns {
  /** unshare(CLONE_NEWNET) on a fresh thread; resolves with an fd on the new namespace. */
  create(): Promise<number>;
  /** Open a namespace file (/run/netns/x, /proc/PID/ns/net, ...) O_RDONLY|O_CLOEXEC; checks it is a netns. */
  openPath(path: string): number;
  /** An fd on the calling thread's current network namespace. */
  openCurrent(): number;
  /** Bind-mount the namespace behind `fd` at `path` (the /run/netns scheme of `ip netns add`). */
  bind(fd: number, runDir: string, name: string): void;
  /** Unmount (MNT_DETACH) and unlink a named namespace file. */
  unbind(path: string): void;
  /** The namespace's inode number (what `ls -i`, `ip netns identify` compare). */
  inode(fd: number): number;
  /** close(2) an fd this library opened. */
  closeFd(fd: number): void;
}

/**
 * One wakeup's packets from a tun queue: `buffer` holds (count + 1) uint32
 * record offsets, then from `dataStart` the records back to back (offsets
 * are relative to `dataStart`). `lease` is set when the buffer is a lent slab.
 */
export type TunBatchCallback = (err: NativeError | null, buffer?: Buffer, count?: number, dataStart?: number, lease?: object) => void;

/** The native counters of one tun queue. */
export interface NativeTunStats {
  rxPackets: number;
  rxBytes: number;
  rxBatches: number;
  txPackets: number;
  txBytes: number;
  txDropped: number;
  txSegmented: number;
  txQueuedPackets: number;
  txQueuedBytes: number;
  lastTxError: string | null;
  slabs: number;
}

/** One queue (fd) of a tun/tap device, polled by libuv on this thread's loop. */
export interface NativeTunQueue {
  /** Start reading: `onBatch` once per wakeup with the packets read, or once with an error (then reading stops). */
  start(onBatch: TunBatchCallback): void;
  /** Stop polling for reads (the kernel holds what arrives, up to txqueuelen). */
  pause(): void;
  /** Poll for reads again. */
  resume(): void;
  /** Write one frame (a virtio header is added on vnet queues: `vnet`, or an empty one). True if nothing waits in the queue. */
  write(frame: Uint8Array, vnet?: Uint8Array): boolean;
  /** Write records laid out like a batch, converting from the source format. Refusals are counted, not thrown. */
  writeRecords(buffer: Uint8Array, offsets: Uint32Array, count: number, srcTap: boolean, srcPiLen: number, srcVnetLen: number): boolean;
  /** Write frames (each as `write` would). Refusals are counted, not thrown. */
  writeArray(frames: readonly Uint8Array[]): boolean;
  /** True if nothing is queued; else `cb` is called once the queue drained (or with ECANCELED on close). */
  drain(cb: (err: NativeError | null) => void): boolean;
  /** Forward every packet read here to `target`, natively; `onEnd` once when it stops. */
  pipe(target: NativeTunQueue, onEnd: (err: NativeError | null, why: string) => void): void;
  /** Stop a pipe (its onEnd is called with 'unpipe'). */
  unpipe(): void;
  /** The counters. */
  stats(): NativeTunStats;
  /** An ioctl on a fresh thread: op 0 queue attach(1)/detach(0), 1 carrier, 2 persist, 3 offload (resolves with the granted TUN_F_* flags), 4 sndbuf. */
  control(op: number, value: number): Promise<number>;
  /** Stop polling around a detach (true) and after an attach (false). */
  setDetached(detached: boolean): void;
  /** Stop everything; resolves once the fd is closed (on a fresh thread). Idempotent. */
  close(): Promise<void>;
  /** Keep the event loop alive while polling (the default). */
  ref(): void;
  /** Let the process exit while polling. */
  unref(): void;
}

/** What tunOpen asks for; the TypeScript layer validates and fills it. */
export interface NativeTunOpenRequest {
  name: string;
  flags: number;
  queues: number;
  persist: number;
  owner: number;
  group: number;
  carrier: number;
  offloads: number;
  vnetHdrSize: number;
  sndbuf: number;
  batchPackets: number;
  slabSize: number;
}

/** What tunOpen gives back. */
export interface NativeTunOpenResult {
  name: string;
  ifindex: number;
  /** TUNGETIFF flags. */
  flags: number;
  /** TUNGETFEATURES flags. */
  features: number;
  /** TUN_F_* granted, or -1 when no offloads were asked for. */
  offloads: number;
  queues: NativeTunQueue[];
}

/** Everything the addon exports. */
export interface NativeAddon {
  /** Open NETLINK_ROUTE (or `protocol`: NETLINK_NETFILTER, NETLINK_GENERIC) in the namespace behind `netnsFd` (-1: the current one), on a short-lived thread. */
  openSocket(netnsFd: number, protocol?: number): Promise<NativeSocket>;
  /** Encode a request exactly as `request` would send it (seq 0, pid 0), for tests and inspection. */
  encode(type: number, flags: number, msg: RawMessage): Buffer;
  /** Decode a buffer of one or more netlink messages (golden tests, fuzzing, raw users). */
  decode(buf: Buffer): RawReply[];
  /** Build the messages of a tape the socket handed over. */
  materialize(tape: Tape | null): RawReply[];
  /** The names of a tape's key ids, for readers that build their own objects from it. */
  tapeKeys(tape: Tape): readonly string[];
  netns: NativeNetns;
  /** The nf_tables codec. */
  nft: NativeNft;
  /** The ctnetlink codec. */
  ct: NativeCt;
  /** The generic netlink codec (nlctrl, wireguard). */ genl: NativeGenl;
  /** ICMP/ICMPv6 echo from inside the namespace behind `netnsFd` (-1: current), on a fresh thread. */
  ping(netnsFd: number, address: string, count: number, timeoutMs: number, intervalMs: number, size: number): Promise<{ sent: number; received: number; rtts: number[] }>;
  /** flock(2) on `fd`: true when taken; false only without `wait`, when it would block. Blocks the thread while waiting. */
  flock(fd: number, exclusive: boolean, wait: boolean): boolean;
  /** Call `fn` with the calling thread switched into the namespace behind `netnsFd`; always switches back. */
  runIn<T>(netnsFd: number, fn: () => T): T;
  /** Read /proc/sys/net/`path` as the namespace behind `netnsFd` sees it (on a fresh thread). */
  sysctlRead(netnsFd: number, path: string): Promise<string>;
  /** Write /proc/sys/net/`path` in the namespace behind `netnsFd` (on a fresh thread). */
  sysctlWrite(netnsFd: number, path: string, value: string): Promise<void>;
  /** Constants from the kernel UAPI headers the addon was compiled against. */
  constants: Readonly<Record<string, number>>;
  /** Create or attach a tun/tap device inside the namespace behind `netnsFd` (-1: current), on a fresh thread. */
  tunOpen(netnsFd: number, req: NativeTunOpenRequest): Promise<NativeTunOpenResult>;
  /** Clear persist on a device and close: resolves true if it is gone. */
  tunDelete(netnsFd: number, name: string): Promise<boolean>;
  /** TUNGETFEATURES. */
  tunFeatures(): Promise<number>;
  /** Detach a batch buffer and give a lent slab back to its pool. Idempotent. */
  releaseBatch(buffer: Uint8Array, lease?: object): void;
  /** Segment records with virtio headers into plain packets (a batch-shaped Buffer of `count` records). */
  segment(buffer: Uint8Array, offsets: Uint32Array, count: number, tap: boolean, piLen: number, vnetLen: number): { buffer: Buffer; count: number };
}

const require = createRequire(import.meta.url);

/** What the compiled addon exports; `native` wraps decoding into objects. */
interface RawAddon extends Omit<NativeAddon, 'decode' | 'materialize' | 'tapeKeys' | 'nft' | 'ct' | 'genl'> {
  genl: RawGenl;
  nft: Omit<NativeNft, 'decode' | 'decodeTape'> & { decode(buf: Buffer): Tape | null };
  ct: Omit<NativeCt, 'decode'> & { decode(buf: Buffer): Tape | null };
  decode(buf: Buffer): Tape | null;
  keyNames(from: number): (string | null)[];
}

// The package root, where node-gyp-build looks: build/Release first (a
// source build), then prebuilds/<platform>-<arch>/ shipped in the package.
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const loader = require('node-gyp-build') as { (dir: string): unknown; resolve(dir: string): string };
const addonPath: string = process.env.NETLOOM_ADDON ?? loader.resolve(packageRoot);
const addon = require(addonPath) as RawAddon;
const keyNames = (from: number): (string | null)[] => addon.keyNames(from);

/** The loaded addon (build/Release/netloom.node, the package's prebuild for this platform, or NETLOOM_ADDON for the sanitizer build). */
export const native: NativeAddon = {
  openSocket: (fd, protocol) => (protocol === undefined ? addon.openSocket(fd) : addon.openSocket(fd, protocol)),
  encode: (type, flags, msg) => addon.encode(type, flags, msg),
  decode: (buf) => materialize<RawReply>(addon.decode(buf), keyNames),
  materialize: (tape) => materialize<RawReply>(tape, keyNames),
  tapeKeys: (tape) => tapeKeys(tape, keyNames),
  netns: addon.netns,
  nft: {
    encode: (type, flags, msg) => addon.nft.encode(type, flags, msg),
    encodeBatch: (messages, options) => addon.nft.encodeBatch(messages, options),
    encodeExprs: (list) => addon.nft.encodeExprs(list),
    encodeRules: (type, head, exprs, ends, userdata) => addon.nft.encodeRules(type, head, exprs, ends, userdata),
    encodeElements: (type, head, columns, ends) => addon.nft.encodeElements(type, head, columns, ends),
    decode: (buf) => materialize<RawReply>(addon.nft.decode(buf), keyNames),
    decodeTape: (buf) => addon.nft.decode(buf),
    udataEncode: (entries) => addon.nft.udataEncode(entries),
    udataDecode: (buf) => addon.nft.udataDecode(buf),
  },
  ct: {
    encode: (type, flags, msg) => addon.ct.encode(type, flags, msg),
    decode: (buf) => materialize<RawReply>(addon.ct.decode(buf), keyNames),
  },
  genl: wrapGenl(addon.genl, keyNames),
  ping: (fd, address, count, timeout, interval, size) => addon.ping(fd, address, count, timeout, interval, size),
  flock: (fd, exclusive, wait) => addon.flock(fd, exclusive, wait),
  runIn: (fd, fn) => addon.runIn(fd, fn),
  sysctlRead: (fd, path) => addon.sysctlRead(fd, path),
  sysctlWrite: (fd, path, value) => addon.sysctlWrite(fd, path, value),
  constants: addon.constants,
  tunOpen: (fd, req) => addon.tunOpen(fd, req),
  tunDelete: (fd, name) => addon.tunDelete(fd, name),
  tunFeatures: () => addon.tunFeatures(),
  releaseBatch: (buffer, lease) => addon.releaseBatch(buffer, lease),
  segment: (buffer, offsets, count, tap, piLen, vnetLen) => addon.segment(buffer, offsets, count, tap, piLen, vnetLen),
};
useWireDecoder((wire) => native.decode(wire)[0] as RawReply); // a lean dump's raw, when read

/** A UAPI constant by name; throws if the addon does not export it (a build mismatch). */
export function constant(name: string): number {
  const v = native.constants[name];
  if (v === undefined) throw new Error(`netloom: native constant ${name} missing (addon/library mismatch)`);
  return v;
}

/** netloom-nsexec (native/nsexec_main.cc) beside the addon node-gyp-build chose, or NETLOOM_NSEXEC; the sanitizer build (NETLOOM_ADDON) uses the regular one. */
export const nsexecPath: string = process.env.NETLOOM_NSEXEC ?? join(dirname(process.env.NETLOOM_ADDON === undefined ? addonPath : loader.resolve(packageRoot)), 'netloom-nsexec');

/** netloom-cni-shim beside the addon (see native/cni_shim_main.cc): the CNI plugin executable that forwards to the daemon. */
export const cniShimPath: string = join(dirname(process.env.NETLOOM_ADDON === undefined ? addonPath : loader.resolve(packageRoot)), 'netloom-cni-shim');
