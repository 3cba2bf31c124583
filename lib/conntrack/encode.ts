/**
 * Checked filters and flows as ctnetlink messages, in the codec's vocabulary
 * (the attribute names of native/ct_tables.cc; bytes are laid out natively).
 * @module
 */
import { constant, type RawAttrs, type RawMessage } from '../netlink/native.js';
import type { CtFamily } from './types.js';
import type { CheckedFilter, CheckedFlow, CheckedTuple } from './validate.js';
import { familyNumber, protoNumber } from './values.js';

function header(family: CtFamily | undefined, version = constant('NFNETLINK_V0')): RawMessage['header'] {
  return { nfgenFamily: family === undefined ? constant('AF_UNSPEC') : familyNumber(family), version };
}

function ipAttrs(family: CtFamily, src: string | undefined, dst: string | undefined): RawAttrs {
  const ip: RawAttrs = {};
  if (src !== undefined) ip[family === 'ip' ? 'v4Src' : 'v6Src'] = src;
  if (dst !== undefined) ip[family === 'ip' ? 'v4Dst' : 'v6Dst'] = dst;
  return ip;
}

/** CTA_TUPLE_ORIG of one flow: what the kernel looks the entry up by (every field of the protocol). */
function flowTuple(f: CheckedFlow): RawAttrs {
  const proto: RawAttrs = { num: f.proto };
  if (f.sport !== undefined) proto.srcPort = f.sport;
  if (f.dport !== undefined) proto.dstPort = f.dport;
  if (f.icmp !== undefined) {
    const v6 = f.proto === constant('IPPROTO_ICMPV6');
    proto[v6 ? 'icmpv6Type' : 'icmpType'] = f.icmp.type;
    proto[v6 ? 'icmpv6Code' : 'icmpCode'] = f.icmp.code;
    proto[v6 ? 'icmpv6Id' : 'icmpId'] = f.icmp.id;
  }
  return { ip: ipAttrs(f.family, f.src, f.dst), proto };
}

/** IPCTNL_MSG_CT_DELETE of one flow: its original tuple, zone and (when known) id. */
export function deleteRequest(f: CheckedFlow): RawMessage {
  const attrs: RawAttrs = { tupleOrig: flowTuple(f) };
  if (f.zone !== undefined) attrs.zone = f.zone;
  if (f.id !== undefined) attrs.id = f.id;
  return { header: header(f.family), attrs };
}

/**
 * IPCTNL_MSG_CT_DELETE without a tuple: a flush, of one family (which the
 * kernel honours only with a non-zero nfgenmsg version) or of all.
 */
export function flushRequest(family: CtFamily | undefined): RawMessage {
  return { header: family === undefined ? header(undefined) : header(family, constant('NETLOOM_CTNETLINK_FAMILY_VERSION')), attrs: {} };
}

// The CTA_FILTER flags and tuple of one direction, for what the kernel can
// compare: addresses (of a known family), the protocol, TCP and UDP ports.
function tupleFilter(family: CtFamily, proto: number | undefined, t: CheckedTuple): { flags: number; tuple: RawAttrs } {
  let flags = 0;
  const tuple: RawAttrs = {};
  if (t.src !== undefined) flags |= constant('CTA_FILTER_F_CTA_IP_SRC');
  if (t.dst !== undefined) flags |= constant('CTA_FILTER_F_CTA_IP_DST');
  if (flags !== 0) tuple.ip = ipAttrs(family, t.src, t.dst);
  if (proto !== undefined) {
    flags |= constant('CTA_FILTER_F_CTA_PROTO_NUM');
    const p: RawAttrs = { num: proto };
    // The kernel compares ports of TCP and UDP only (ctnetlink_filter_match_tuple).
    if (proto === protoNumber('tcp') || proto === protoNumber('udp')) {
      if (t.sport !== undefined) {
        flags |= constant('CTA_FILTER_F_CTA_PROTO_SRC_PORT');
        p.srcPort = t.sport;
      }
      if (t.dport !== undefined) {
        flags |= constant('CTA_FILTER_F_CTA_PROTO_DST_PORT');
        p.dstPort = t.dport;
      }
    }
    tuple.proto = p;
  }
  return { flags, tuple };
}

/**
 * IPCTNL_MSG_CT_GET's body for a dump: the family in nfgenmsg, the mark and
 * status as CTA_MARK(+MASK) and CTA_STATUS(+MASK), and, when the family is
 * known, the tuple fields as CTA_TUPLE_ORIG/REPLY + CTA_FILTER. The zone is
 * left to the caller: the kernel's dump filter does not compare it.
 */
export function dumpRequest(f: CheckedFilter): RawMessage {
  const attrs: RawAttrs = {};
  if (f.mark !== undefined) {
    // The kernel compares (ct mark & mask) with the mark as sent: masked here
    // so that bits outside the mask do not make the filter match nothing.
    attrs.mark = f.markMask === undefined ? f.mark : (f.mark & f.markMask) >>> 0;
    if (f.markMask !== undefined) attrs.markMask = f.markMask;
  }
  if (f.status !== 0) {
    attrs.status = f.status;
    attrs.statusMask = f.status;
  }
  if (f.family !== undefined) {
    const orig = tupleFilter(f.family, f.proto, f.orig);
    const reply = tupleFilter(f.family, undefined, f.reply);
    const filter: RawAttrs = {};
    if (orig.flags !== 0) {
      attrs.tupleOrig = orig.tuple;
      filter.origFlags = orig.flags;
    }
    if (reply.flags !== 0) {
      attrs.tupleReply = reply.tuple;
      filter.replyFlags = reply.flags;
    }
    if (orig.flags !== 0 || reply.flags !== 0) attrs.filter = filter;
  }
  return { header: header(f.family), attrs };
}
