/**
 * Conntrack entries and the filters that select them, as plain data: what
 * `Conntrack.list()` returns and what `list()` / `delete()` take.
 * @module
 */

/** The address family of an entry: `ip` (IPv4) or `ip6` (IPv6), as conntrack(8) `-f ipv4|ipv6`. */
export type CtFamily = 'ip' | 'ip6';

/** A layer-4 protocol by name, or its IP protocol number when netloom has no name for it. */
export type CtProto = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'sctp' | 'dccp' | 'udplite' | 'gre' | number;

/**
 * Status flags (IPS_* of <linux/netfilter/nf_conntrack_common.h>), named as
 * conntrack(8) shows them, lower case: `[ASSURED]` is 'assured'.
 */
export type CtStatus =
  | 'expected'
  | 'seen-reply'
  | 'assured'
  | 'confirmed'
  | 'src-nat'
  | 'dst-nat'
  | 'seq-adjust'
  | 'src-nat-done'
  | 'dst-nat-done'
  | 'dying'
  | 'fixed-timeout'
  | 'template'
  | 'untracked'
  | 'helper'
  | 'offload'
  | 'hw-offload';

/** The TCP tracking state (TCP_CONNTRACK_*), or its number when unknown. */
export type CtTcpState = 'none' | 'syn-sent' | 'syn-recv' | 'established' | 'fin-wait' | 'close-wait' | 'last-ack' | 'time-wait' | 'close' | 'syn-sent2' | number;

/** One direction of a flow: addresses, and ports (TCP, UDP, SCTP, ...) or the ICMP identity. */
export interface CtTuple {
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  /** ICMP / ICMPv6 echo identity: type, code and identifier. */
  icmp?: { type: number; code: number; id: number };
  /** The tuple's own zone, when the entry has direction-specific zones. */
  zone?: number;
}

/** Packet and byte counters of one direction (only when `net.netfilter.nf_conntrack_acct` is on). */
export interface CtCounters {
  packets: number;
  bytes: number;
}

/** One conntrack entry. */
export interface CtEntry {
  family: CtFamily | number;
  proto: CtProto;
  /** The direction the flow started in, as the first packet looked. */
  orig: CtTuple;
  /** The answer's direction: what replies look like, NAT applied (a DNAT'd flow's reply comes from the new destination). */
  reply: CtTuple;
  status: CtStatus[];
  /** Whether source / destination NAT applies to the flow (IPS_SRC_NAT / IPS_DST_NAT). */
  nat: { src: boolean; dst: boolean };
  /** Seconds until the entry expires. */
  timeout: number;
  /** The kernel's id of the entry (CTA_ID): a delete with it spares a recycled entry with the same tuple. */
  id: number;
  /** The conntrack zone (0: the default). */
  zone: number;
  /** The connection mark (`ct mark`). */
  mark: number;
  /** The reference count. */
  use?: number;
  /** TCP only: the tracking state. */
  tcpState?: CtTcpState;
  /** Per-direction counters, when accounting is on. */
  counters?: { orig: CtCounters; reply: CtCounters };
}

/** Fields a tuple filter may fix (of the reply direction in {@link CtFilter.reply}). */
export interface CtTupleFilter {
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
}

/**
 * Which entries `list()` and `delete()` select: every field given must
 * match (`src`, `dst`, `sport`, `dport` are the original direction's).
 * Simple filters go to the kernel (nfgen_family, CTA_MARK, CTA_STATUS,
 * CTA_FILTER); every field is checked again on what comes back.
 */
export interface CtFilter extends CtTupleFilter {
  family?: CtFamily;
  proto?: CtProto;
  zone?: number;
  mark?: number;
  /** Compare only these bits of the mark (needs `mark`). Default: all. */
  markMask?: number;
  /** Flags that must all be set. */
  status?: CtStatus[];
  /** Fields of the reply direction. */
  reply?: CtTupleFilter;
}

/**
 * One flow to delete: its family, protocol and original tuple (a {@link
 * CtEntry} from `list()` is one). With `id`, only that very entry goes.
 */
export interface CtFlowRef {
  family: CtFamily;
  proto: CtProto;
  orig: CtTuple;
  zone?: number;
  id?: number;
}
