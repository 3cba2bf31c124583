/**
 * ctnetlink replies as typed objects: the IPCTNL_MSG_CT_NEW messages of a
 * dump become {@link CtEntry} values.
 * @module
 */
import { constant, type RawAttrs, type RawReply, rawNum } from '../netlink/native.js';
import type { CtCounters, CtEntry, CtTuple } from './types.js';
import { familyName, protoName, statusNames, tcpStateName } from './values.js';

function nest(v: unknown): RawAttrs {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) ? (v as RawAttrs) : {};
}

function tuple(v: unknown): CtTuple {
  const a = nest(v);
  const ip = nest(a.ip);
  const p = nest(a.proto);
  const t: CtTuple = { src: String(ip.v4Src ?? ip.v6Src ?? ''), dst: String(ip.v4Dst ?? ip.v6Dst ?? '') };
  if (p.srcPort !== undefined) t.sport = rawNum(p.srcPort);
  if (p.dstPort !== undefined) t.dport = rawNum(p.dstPort);
  if (p.icmpType !== undefined) t.icmp = { type: rawNum(p.icmpType), code: rawNum(p.icmpCode), id: rawNum(p.icmpId) };
  else if (p.icmpv6Type !== undefined) t.icmp = { type: rawNum(p.icmpv6Type), code: rawNum(p.icmpv6Code), id: rawNum(p.icmpv6Id) };
  if (a.zone !== undefined) t.zone = rawNum(a.zone);
  return t;
}

function counters(v: unknown): CtCounters {
  const a = nest(v);
  return { packets: rawNum(a.packets ?? a.packets32), bytes: rawNum(a.bytes ?? a.bytes32) };
}

/** One IPCTNL_MSG_CT_NEW message of a dump. */
export function decodeEntry(m: RawReply): CtEntry {
  const a = m.attrs;
  const status = rawNum(a.status);
  const orig = nest(a.tupleOrig);
  const e: CtEntry = {
    family: familyName(rawNum(m.header.nfgenFamily)),
    proto: protoName(rawNum(nest(orig.proto).num)),
    orig: tuple(a.tupleOrig),
    reply: tuple(a.tupleReply),
    status: statusNames(status),
    nat: { src: (status & constant('IPS_SRC_NAT')) !== 0, dst: (status & constant('IPS_DST_NAT')) !== 0 },
    timeout: rawNum(a.timeout),
    id: rawNum(a.id),
    zone: rawNum(a.zone),
    mark: rawNum(a.mark),
  };
  if (a.use !== undefined) e.use = rawNum(a.use);
  const tcp = nest(nest(a.protoinfo).tcp);
  if (tcp.state !== undefined) e.tcpState = tcpStateName(rawNum(tcp.state));
  if (a.countersOrig !== undefined || a.countersReply !== undefined) e.counters = { orig: counters(a.countersOrig), reply: counters(a.countersReply) };
  return e;
}
