/**
 * Decoding RTM_NEWNEXTHOP messages into {@link NexthopObject}s.
 * @module
 */
import { constant, type RawAttrs, type RawReply } from '../../netlink/native.js';
import { NH_FLAGS, PROTOCOLS, SCOPES, familyName } from '../values/tables.js';
import type { NexthopGroupEntry, NexthopGroupType, NexthopObject, NexthopProtocol } from './types.js';
import { USER_HZ } from './validate.js';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const seconds = (v: unknown): number | undefined => (typeof v === 'number' ? v / USER_HZ : undefined);

function groupTypeName(t: number): NexthopGroupType {
  if (t === constant('NEXTHOP_GRP_TYPE_MPATH')) return 'mpath';
  if (t === constant('NEXTHOP_GRP_TYPE_RES')) return 'resilient';
  return t;
}

/** Decode one RTM_NEWNEXTHOP message. */
export function decodeNexthop(m: RawReply): NexthopObject {
  const h = m.header;
  const a = m.attrs;
  const af = h.family as number;
  const flags = h.flags as number;
  const group = Array.isArray(a.group)
    ? (a.group as { id: number; weight: number; weightHigh?: number }[]).map((g): NexthopGroupEntry => ({ id: g.id, weight: ((g.weightHigh ?? 0) << 8) + g.weight + 1 }))
    : undefined;
  const res = a.resGroup as RawAttrs | undefined;
  return {
    id: a.id as number,
    family: af === constant('AF_UNSPEC') ? undefined : (familyName(af) as NexthopObject['family']),
    via: typeof a.gateway === 'string' ? a.gateway : undefined,
    dev: num(a.oif),
    blackhole: a.blackhole === true,
    fdb: a.fdb === true,
    onlink: (flags & constant('RTNH_F_ONLINK')) !== 0,
    group,
    groupType: group === undefined ? undefined : groupTypeName(num(a.groupType) ?? constant('NEXTHOP_GRP_TYPE_MPATH')),
    resilient:
      res === undefined
        ? undefined
        : { buckets: num(res.buckets), idleTimer: seconds(res.idleTimer), unbalancedTimer: seconds(res.unbalancedTimer), unbalancedTime: seconds(res.unbalancedTime) },
    protocol: PROTOCOLS.name(h.protocol as number) as NexthopProtocol,
    scope: SCOPES.name(h.scope as number) as NexthopObject['scope'],
    flags: NH_FLAGS.flags(flags),
    raw: m,
  };
}
