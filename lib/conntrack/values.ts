/**
 * The conntrack vocabulary: family, protocol, status-flag and TCP-state
 * names and their numbers, from the addon's UAPI constants.
 * @module
 */
import { constant } from '../netlink/native.js';
import type { CtFamily, CtProto, CtStatus, CtTcpState } from './types.js';

/** Family name → nfgen_family (AF_INET / AF_INET6, the NFPROTO_IPV4/6 values). */
export function familyNumber(f: CtFamily): number {
  return constant(f === 'ip' ? 'AF_INET' : 'AF_INET6');
}

/** nfgen_family → its name (the number itself if neither). */
export function familyName(n: number): CtFamily | number {
  return n === constant('AF_INET') ? 'ip' : n === constant('AF_INET6') ? 'ip6' : n;
}

const PROTOS: Record<Exclude<CtProto, number>, string> = {
  tcp: 'IPPROTO_TCP',
  udp: 'IPPROTO_UDP',
  icmp: 'IPPROTO_ICMP',
  icmpv6: 'IPPROTO_ICMPV6',
  sctp: 'IPPROTO_SCTP',
  dccp: 'IPPROTO_DCCP',
  udplite: 'IPPROTO_UDPLITE',
  gre: 'IPPROTO_GRE',
};

/** The protocol names netloom knows. */
export const PROTO_NAMES = Object.keys(PROTOS) as Exclude<CtProto, number>[];

/** A protocol (name or number) → its number. */
export function protoNumber(p: CtProto): number {
  return typeof p === 'number' ? p : constant(PROTOS[p]);
}

/** A protocol number → its name (the number itself if netloom has none). */
export function protoName(n: number): CtProto {
  return PROTO_NAMES.find((p) => constant(PROTOS[p]) === n) ?? n;
}

/** Protocols whose tuples carry ports (and the kernel's CTA_FILTER compares them: TCP and UDP only). */
export const PORT_PROTOS: readonly CtProto[] = ['tcp', 'udp', 'sctp', 'dccp', 'udplite'];

const STATUS: Record<CtStatus, string> = {
  expected: 'IPS_EXPECTED',
  'seen-reply': 'IPS_SEEN_REPLY',
  assured: 'IPS_ASSURED',
  confirmed: 'IPS_CONFIRMED',
  'src-nat': 'IPS_SRC_NAT',
  'dst-nat': 'IPS_DST_NAT',
  'seq-adjust': 'IPS_SEQ_ADJUST',
  'src-nat-done': 'IPS_SRC_NAT_DONE',
  'dst-nat-done': 'IPS_DST_NAT_DONE',
  dying: 'IPS_DYING',
  'fixed-timeout': 'IPS_FIXED_TIMEOUT',
  template: 'IPS_TEMPLATE',
  untracked: 'IPS_UNTRACKED',
  helper: 'IPS_HELPER',
  offload: 'IPS_OFFLOAD',
  'hw-offload': 'IPS_HW_OFFLOAD',
};

/** The status flag names, lowest bit first. */
export const STATUS_NAMES = Object.keys(STATUS) as CtStatus[];

/** The IPS_* bit of a status name. */
export function statusBit(s: CtStatus): number {
  return constant(STATUS[s]);
}

/** A CTA_STATUS word → the names of its set flags, lowest bit first (unknown bits are left out). */
export function statusNames(bits: number): CtStatus[] {
  return STATUS_NAMES.filter((s) => (bits & statusBit(s)) !== 0);
}

const TCP_STATES: [Exclude<CtTcpState, number>, string][] = [
  ['none', 'TCP_CONNTRACK_NONE'],
  ['syn-sent', 'TCP_CONNTRACK_SYN_SENT'],
  ['syn-recv', 'TCP_CONNTRACK_SYN_RECV'],
  ['established', 'TCP_CONNTRACK_ESTABLISHED'],
  ['fin-wait', 'TCP_CONNTRACK_FIN_WAIT'],
  ['close-wait', 'TCP_CONNTRACK_CLOSE_WAIT'],
  ['last-ack', 'TCP_CONNTRACK_LAST_ACK'],
  ['time-wait', 'TCP_CONNTRACK_TIME_WAIT'],
  ['close', 'TCP_CONNTRACK_CLOSE'],
  ['syn-sent2', 'TCP_CONNTRACK_SYN_SENT2'],
];

/** A CTA_PROTOINFO_TCP_STATE value → its name. */
export function tcpStateName(n: number): CtTcpState {
  return TCP_STATES.find(([, c]) => constant(c) === n)?.[0] ?? n;
}

/** The nlmsg_type of a ctnetlink message (NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_*). */
export function ctType(msg: 'IPCTNL_MSG_CT_NEW' | 'IPCTNL_MSG_CT_GET' | 'IPCTNL_MSG_CT_DELETE'): number {
  return (constant('NFNL_SUBSYS_CTNETLINK') << 8) | constant(msg);
}
