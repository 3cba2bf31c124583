/**
 * The public types of traffic control: qdiscs, classes and filters as
 * `tc qdisc`, `tc class` and `tc filter` take and show them.
 * @module
 */
import type { RawReply } from '../../netlink/native.js';
import type { LinkRef } from '../values/ifindex.js';
import type { TcHandle } from './units.js';

export type { TcHandle } from './units.js';

/** A rate: bits per second, or tc's text ('8mbit', '1gbit', '125kbps'). */
export type Rate = number | string;
/** A size: bytes, or tc's text ('32kbit' = 4096 bytes, '16kb', '1500'). */
export type Size = number | string;
/** A time: milliseconds, or tc's text ('50ms', '1s', '200us'). */
export type Time = number | string;

/** Where a qdisc sits: on a link, under a parent ('root' by default). */
interface QdiscPlace {
  /** The link. */
  dev: LinkRef;
  /** 'root' (default), or a class ('1:10') for a child qdisc. */
  parent?: 'root' | TcHandle;
  /** The qdisc's own handle ('1:'); the kernel picks one when left out. */
  handle?: TcHandle;
}

/** Token bucket filter: `tc qdisc add ... tbf rate R burst B latency L`. */
export interface TbfQdisc extends QdiscPlace {
  kind: 'tbf';
  /** The rate packets leave at. */
  rate: Rate;
  /** The bucket size in bytes (`burst`, `buffer`). */
  burst: Size;
  /** How long a packet may wait (`latency`); give this or `limit`. */
  latency?: Time;
  /** The queue length in bytes (`limit`); give this or `latency`. */
  limit?: Size;
  /** A peak rate (`peakrate`); needs `mtu`. */
  peakrate?: Rate;
  /** The peak bucket size in bytes (`mtu`, `minburst`). */
  mtu?: Size;
  /** Minimum packet size accounted (`mpu`). */
  mpu?: Size;
}

/** Hierarchical token bucket: `tc qdisc add ... htb [default MIN] [r2q N]`. */
export interface HtbQdisc extends QdiscPlace {
  kind: 'htb';
  /** The class unclassified traffic goes to: its minor as tc writes it ('10' for 1:10), a class id ('1:10') or the minor as a number. */
  default?: string | number;
  /** Rate to quantum divisor (`r2q`, default 10). */
  r2q?: number;
  /** Packets the direct queue holds (`direct_qlen`). */
  directQlen?: number;
}

/** `tc qdisc add ... pfifo [limit PACKETS]` / `bfifo [limit BYTES]`. */
export interface FifoQdisc extends QdiscPlace {
  kind: 'pfifo' | 'bfifo';
  /** Packets (pfifo) or bytes (bfifo); the kernel's default (txqueuelen) when left out. */
  limit?: number;
}

/** `tc qdisc add dev D ingress` / `clsact`: the hooks filters attach to; no options. */
export interface HookQdisc {
  kind: 'ingress' | 'clsact';
  dev: LinkRef;
}

/** A qdisc to add or replace. */
export type QdiscSpec = TbfQdisc | HtbQdisc | FifoQdisc | HookQdisc;

/** Which qdisc to delete: `tc qdisc del dev D root|ingress|clsact|parent P [handle H]`. */
export interface QdiscDel {
  dev: LinkRef;
  /** 'root', 'ingress', 'clsact' or a parent class. Default 'root'. */
  parent?: 'root' | 'ingress' | 'clsact' | TcHandle;
  handle?: TcHandle;
}

/** Queue statistics the kernel keeps for a qdisc, class or filter action. */
export interface TcStats {
  bytes: number;
  packets: number;
  drops: number;
  overlimits: number;
  requeues: number;
  qlen: number;
  backlog: number;
}

/** A qdisc as the kernel reports it (`tc qdisc show`). Rates in bits/s, sizes in bytes. */
export interface Qdisc {
  ifindex: number;
  kind: string;
  /** '1:', 'ffff:', or '0:' for the kernel's default qdiscs. */
  handle: string;
  /** 'root', 'ingress', or the parent class. */
  parent: string;
  /** tbf, htb: the token bucket rate in bits/s. */
  rate?: number;
  /** tbf: the bucket in bytes. */
  burst?: number;
  /** tbf, pfifo (packets), bfifo (bytes): the queue limit. */
  limit?: number;
  /** tbf: the peak rate in bits/s. */
  peakrate?: number;
  /** tbf: the peak bucket in bytes. */
  mtu?: number;
  /** htb: the default class minor, as tc prints it ('10'). */
  default?: string;
  /** htb: rate to quantum divisor. */
  r2q?: number;
  /** htb: packets of the direct queue. */
  directQlen?: number;
  stats?: TcStats;
  raw: RawReply;
}

/** An htb class: `tc class add dev D parent P classid C htb rate R [ceil C] [burst B] [cburst B] [prio N]`. */
export interface ClassSpec {
  dev: LinkRef;
  kind: 'htb';
  /** The qdisc ('1:') or parent class ('1:1'). */
  parent: TcHandle;
  /** The class id ('1:10'). */
  classid: TcHandle;
  rate: Rate;
  /** Default: the rate. */
  ceil?: Rate;
  /** Bytes at ceil speed; default rate / HZ + mtu, as tc computes it. */
  burst?: Size;
  /** Bytes at ceil speed; default ceil / HZ + mtu. */
  cburst?: Size;
  /** 0 (highest, default) .. 7. */
  prio?: number;
  /** Bytes per round (`quantum`); the kernel derives it from r2q when left out. */
  quantum?: number;
  /** Largest packet the tables cover (`mtu`, default 1600). */
  mtu?: number;
}

/** Which class to delete: `tc class del dev D classid C`. */
export interface ClassDel {
  dev: LinkRef;
  classid: TcHandle;
}

/** A class as the kernel reports it (`tc class show`). */
export interface TcClass {
  ifindex: number;
  kind: string;
  classid: string;
  parent: string;
  /** htb: bits/s. */
  rate?: number;
  ceil?: number;
  /** htb: bytes. */
  burst?: number;
  cburst?: number;
  prio?: number;
  quantum?: number;
  level?: number;
  stats?: TcStats;
  raw: RawReply;
}

/**
 * What a u32 filter matches (one key, as `match ip ...`): an IPv4 prefix,
 * a TCP/UDP port (assuming an IPv4 header without options, as tc's
 * `match ip dport` does), or everything (`match u32 0 0`).
 */
export type U32Match =
  | { dst: string }
  | { src: string }
  | { dport: number }
  | { sport: number }
  | 'all';

/** `action mirred egress|ingress redirect|mirror dev D`. */
export interface MirredAction {
  kind: 'mirred';
  /** Where the packet is put: out of (egress, default) or into (ingress) `dev`. */
  direction?: 'egress' | 'ingress';
  /** 'redirect' (default: the packet goes only there) or 'mirror' (a copy). */
  action?: 'redirect' | 'mirror';
  dev: LinkRef;
}

/** A u32 filter: `tc filter add dev D parent P protocol ip prio N u32 match ... [flowid C] [action ...]`. */
export interface FilterSpec {
  dev: LinkRef;
  kind: 'u32';
  /** The qdisc ('1:'), or 'ingress' / 'egress' (the ingress or clsact qdisc's hooks). */
  parent: TcHandle | 'ingress' | 'egress';
  /** The ethertype matched: 'ip', 'ipv6', 'all', ... (default 'all'). */
  protocol?: string | number;
  /** Priority (`prio`, `pref`) 1..65535; the kernel picks one when left out. */
  prio?: number;
  match: U32Match;
  /** The class the packet goes to (`flowid`, `classid`). */
  classid?: TcHandle;
  actions?: MirredAction[];
}

/** Which filters to delete: all under `parent`, or those of one prio (and protocol). */
export interface FilterDel {
  dev: LinkRef;
  parent: TcHandle | 'ingress' | 'egress';
  prio?: number;
  protocol?: string | number;
}

/** A filter as the kernel reports it (`tc filter show`); u32 hash-table nodes come without `match`. */
export interface Filter {
  ifindex: number;
  kind: string;
  parent: string;
  protocol: string | number;
  prio: number;
  /** u32: the node handle ('800::800'). */
  handle: string;
  classid?: string;
  /** u32: the single key decoded back where it is one netloom writes, else { off, mask, val }. */
  match?: U32Match | { off: number; mask: number; val: number };
  actions?: { kind: string; direction?: 'egress' | 'ingress'; action?: 'redirect' | 'mirror'; ifindex?: number; stats?: TcStats }[];
  raw: RawReply;
}
