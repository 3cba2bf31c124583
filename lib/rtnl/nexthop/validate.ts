/**
 * Checking nexthop object descriptions and list filters and building their
 * RTM_NEWNEXTHOP / RTM_DELNEXTHOP / RTM_GETNEXTHOP bodies, before any I/O
 * (link names are resolved later).
 * @module
 */
import { constant, type RawAttrs } from '../../netlink/native.js';
import { parseAddress, type Family } from '../values/cidr.js';
import { U32_MAX, checkBool, checkFamily, checkInt, checkKeys } from '../values/checks.js';
import { PROTOCOLS, familyNumber } from '../values/tables.js';
import type { NexthopFilter, NexthopObjectSpec } from './types.js';

const SPEC_KEYS = new Set<string>(['id', 'family', 'via', 'dev', 'onlink', 'blackhole', 'fdb', 'group', 'groupType', 'resilient', 'protocol']);
const MEMBER_KEYS = new Set<string>(['id', 'weight']);
const RES_KEYS = new Set<string>(['buckets', 'idleTimer', 'unbalancedTimer']);
const FILTER_KEYS = new Set<string>(['dev', 'master', 'groups', 'fdb', 'id', 'family']);

/**
 * The kernel's netlink clock_t is USER_HZ ticks (jiffies_to_clock_t); USER_HZ
 * is 100 on every architecture Linux supports, and iproute2 multiplies
 * seconds by it the same way.
 */
export const USER_HZ = 100;

/** A nexthop request built from a description, before its link names are resolved. */
export interface NexthopDraft {
  /** The nhmsg header. */
  header: Record<string, number>;
  /** The attributes so far (no NHA_OIF yet). */
  attrs: RawAttrs;
}

/** A nexthop id, 1..4294967295; RangeError naming `field`. */
export function checkNexthopId(v: unknown, field: string): number {
  return checkInt(v, 1, U32_MAX, field);
}

/**
 * Validate a {@link NexthopObjectSpec} and build its RTM_NEWNEXTHOP body as
 * iproute2 does. Errors are TypeError/RangeError starting 'OP: FIELD: '.
 * (Exported for declarations checked as a whole before anything is touched: topologies.)
 */
export function validateNexthop(op: string, spec: NexthopObjectSpec): NexthopDraft {
  if (spec === null || typeof spec !== 'object') throw new TypeError(`${op}: nexthop: must be an object like { id: 1, via: '198.18.0.2', dev: 'eth0' }`);
  checkKeys(spec, SPEC_KEYS, op, 'field');
  const attrs: RawAttrs = { id: checkNexthopId(spec.id, `${op}: id`) };
  const onlink = checkBool(spec.onlink, `${op}: onlink`);
  const blackhole = checkBool(spec.blackhole, `${op}: blackhole`);
  const fdb = checkBool(spec.fdb, `${op}: fdb`);
  let family: Family | undefined = checkFamily(spec.family, op);
  const header: Record<string, number> = {};

  if (spec.group !== undefined) {
    for (const k of ['via', 'dev', 'onlink', 'blackhole', 'family'] as const) {
      if (spec[k] !== undefined) throw new TypeError(`${op}: ${k}: a group takes none (give it to its members)`);
    }
    attrs.group = checkGroup(op, spec.group);
    if (spec.groupType !== undefined && spec.groupType !== 'mpath' && spec.groupType !== 'resilient') {
      throw new TypeError(`${op}: groupType: must be 'mpath' or 'resilient', got ${JSON.stringify(spec.groupType)}`);
    }
    if (spec.groupType !== undefined) attrs.groupType = constant(spec.groupType === 'mpath' ? 'NEXTHOP_GRP_TYPE_MPATH' : 'NEXTHOP_GRP_TYPE_RES');
    if (spec.resilient !== undefined) {
      if (spec.groupType !== 'resilient') throw new TypeError(`${op}: resilient: only with groupType 'resilient'`);
      attrs.resGroup = checkResilient(op, spec.resilient);
    }
  } else {
    for (const k of ['groupType', 'resilient'] as const) if (spec[k] !== undefined) throw new TypeError(`${op}: ${k}: only with group`);
    if (blackhole) {
      for (const k of ['via', 'dev', 'onlink', 'fdb'] as const) if (spec[k] !== undefined) throw new TypeError(`${op}: ${k}: cannot be combined with blackhole`);
      attrs.blackhole = true;
    }
    if (spec.via !== undefined) {
      const a = parseAddress(spec.via, `${op}: via`);
      if (family !== undefined && a.family !== family) throw new TypeError(`${op}: via: '${spec.via}' is not ${family}`);
      family = a.family;
      attrs.gateway = a.address;
    }
    if (fdb) {
      if (spec.dev !== undefined) throw new TypeError(`${op}: dev: an fdb nexthop takes no device (the VXLAN device picks it)`);
      if (spec.via === undefined) throw new TypeError(`${op}: via: an fdb nexthop needs a gateway`);
      if (onlink) throw new TypeError(`${op}: onlink: not with fdb`);
    } else if (!blackhole && spec.dev === undefined) {
      throw new TypeError(`${op}: dev: required unless blackhole, fdb or group`);
    }
    if (onlink && spec.via === undefined) throw new TypeError(`${op}: onlink: needs via`);
    header.family = familyNumber(family ?? 'inet');
  }
  if (fdb) attrs.fdb = true;
  if (onlink) header.flags = constant('RTNH_F_ONLINK');
  if (spec.protocol !== undefined) {
    header.protocol = PROTOCOLS.number(spec.protocol, `${op}: protocol`);
  }
  return { header, attrs };
}

function checkGroup(op: string, group: unknown): Record<string, number>[] {
  if (!Array.isArray(group) || group.length === 0) throw new TypeError(`${op}: group: must be a non-empty array of { id, weight? }`);
  const seen = new Set<number>();
  return group.map((m: unknown, i) => {
    const field = `${op}: group[${i}]`;
    if (m === null || typeof m !== 'object') throw new TypeError(`${field}: must be an object like { id: 1, weight: 2 }`);
    checkKeys(m, MEMBER_KEYS, op, 'field', `group[${i}].`);
    const { id, weight } = m as { id?: unknown; weight?: unknown };
    const n = checkNexthopId(id, `${field}.id`);
    if (seen.has(n)) throw new TypeError(`${field}.id: ${n} is in the group twice`);
    seen.add(n);
    // struct nexthop_grp holds weight - 1: the low byte in weight, the high one in weight_high.
    const w = weight === undefined ? 0 : checkInt(weight, 1, 65536, `${field}.weight`) - 1;
    return { id: n, weight: w & 0xff, weightHigh: w >> 8 };
  });
}

function checkResilient(op: string, r: unknown): RawAttrs {
  if (r === null || typeof r !== 'object') throw new TypeError(`${op}: resilient: must be an object like { buckets: 32 }`);
  checkKeys(r, RES_KEYS, op, 'field', 'resilient.');
  const { buckets, idleTimer, unbalancedTimer } = r as Record<string, unknown>;
  const out: RawAttrs = {};
  if (buckets !== undefined) out.buckets = checkInt(buckets, 1, 0xffff, `${op}: resilient.buckets`);
  const maxSeconds = Math.floor(U32_MAX / USER_HZ);
  if (idleTimer !== undefined) out.idleTimer = checkInt(idleTimer, 0, maxSeconds, `${op}: resilient.idleTimer`) * USER_HZ;
  if (unbalancedTimer !== undefined) out.unbalancedTimer = checkInt(unbalancedTimer, 0, maxSeconds, `${op}: resilient.unbalancedTimer`) * USER_HZ;
  return out;
}

/** The checks of a list filter, and what can go in the dump request but the link ifindexes. */
export function validateNexthopFilter(op: string, filter: NexthopFilter): { family: Family | undefined; id: number | undefined; attrs: RawAttrs } {
  if (filter === null || typeof filter !== 'object') throw new TypeError(`${op}: filter: must be an object`);
  checkKeys(filter, FILTER_KEYS, op, 'filter');
  const family = checkFamily(filter.family, op);
  const id = filter.id === undefined ? undefined : checkNexthopId(filter.id, `${op}: id`);
  const attrs: RawAttrs = {};
  if (checkBool(filter.groups, `${op}: groups`)) attrs.groups = true;
  if (checkBool(filter.fdb, `${op}: fdb`)) attrs.fdb = true;
  return { family, id, attrs };
}
