/**
 * Policy routing rules: `ip rule`.
 * @module
 */
import { constant, type RawAttrs, type RawReply } from '../../netlink/native.js';
import { ConstantNames } from '../../netlink/constant-names.js';
import { parseCidr } from '../values/cidr.js';
import type { LinkApi } from '../link/api.js';
import type { DumpOptions, OperationOptions, RtnlSocket } from '../../netlink/socket.js';

/** What a rule does when it matches (`ip rule add ... ACTION`); numbers for kinds this library does not name. */
export type RuleAction = 'lookup' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit' | (number & {});

/** A routing table: a number 1..4294967295, or one of the reserved names. */
export type RouteTable = number | 'main' | 'local' | 'default';

/** An inclusive port range (`sport 1000-2000`); a single port is `{ start: p, end: p }`. */
export interface PortRange {
  /** First port. */
  start: number;
  /** Last port (>= start). */
  end: number;
}

/** An inclusive uid range (`uidrange 1000-2000`). */
export interface UidRange {
  /** First uid. */
  start: number;
  /** Last uid (>= start). */
  end: number;
}

/** The selectors and action of a rule, as {@link RuleApi.add} and {@link RuleApi.del} take them. */
export interface RuleSpec {
  /** The address family when neither `from` nor `to` says it (`ip -6 rule`). Default: 'inet'. */
  family?: 'inet' | 'inet6';
  /** Source prefix (`from 198.18.1.0/24`); a bare address means a host prefix. */
  from?: string;
  /** Destination prefix (`to 198.18.2.0/24`). */
  to?: string;
  /** Incoming interface name (`iif NAME`); need not exist. */
  iif?: string;
  /** Outgoing interface name (`oif NAME`); need not exist. */
  oif?: string;
  /** Firewall mark (`fwmark MARK`). */
  fwmark?: number;
  /** Mask applied to the mark before comparing (`fwmark MARK/MASK`). */
  fwmask?: number;
  /** TOS / DS field to match (`tos 0x10`). */
  tos?: number;
  /** IP protocol number to match (`ipproto 6`). */
  ipProto?: number;
  /** Source port, or range (`sport 1000-2000`). */
  sport?: number | PortRange;
  /** Destination port, or range (`dport 80`). */
  dport?: number | PortRange;
  /** Uid range (`uidrange 1000-2000`). */
  uidRange?: UidRange;
  /** Use the l3mdev (VRF) table of the device (`l3mdev`). */
  l3mdev?: boolean;
  /** The rule's priority (`priority N`); on add the kernel picks one below the first rule when omitted. */
  priority?: number;
  /** The table to look up (`table N|main|local|default`). Default on add with action 'lookup': main. */
  table?: RouteTable;
  /** Ignore lookup results with a prefix length of this or less (`suppress_prefixlength N`). */
  suppressPrefixlen?: number;
  /** What to do on a match. Default on add: 'lookup', or 'goto' when `goto` is given. */
  action?: RuleAction;
  /** The priority of the rule to continue at, for action 'goto' (`goto N`). */
  goto?: number;
  /** The routing protocol that installed the rule (`protocol N`, 0..255). */
  protocol?: number;
}

/** A decoded rule. */
export interface Rule {
  family: 'inet' | 'inet6' | (number & {});
  /** Priority (`ip rule` prints it first). */
  priority: number;
  /** Source prefix, 'a.b.c.d/n'; undefined for "all". */
  from: string | undefined;
  /** Destination prefix; undefined for "all". */
  to: string | undefined;
  iif: string | undefined;
  oif: string | undefined;
  fwmark: number | undefined;
  fwmask: number | undefined;
  tos: number;
  ipProto: number | undefined;
  sport: PortRange | undefined;
  dport: PortRange | undefined;
  uidRange: UidRange | undefined;
  l3mdev: boolean;
  /** The table (FRA_TABLE, or the header's 8-bit table); 0 for actions without one. */
  table: number;
  suppressPrefixlen: number | undefined;
  action: RuleAction;
  /** The goto target's priority. */
  goto: number | undefined;
  protocol: number | undefined;
  /** Header flags (FIB_RULE_INVERT, ...). */
  flags: number;
  /** Everything the kernel sent. */
  raw: RawReply;
}

/** Filter of {@link RuleApi.list}. */
export interface RuleFilter {
  /** Only this family. Default: both (an AF_UNSPEC dump). */
  family?: 'inet' | 'inet6';
}

const U32 = 0xffffffff;
const ACTIONS: Record<string, string> = {
  lookup: 'FR_ACT_TO_TBL', goto: 'FR_ACT_GOTO', nop: 'FR_ACT_NOP',
  blackhole: 'FR_ACT_BLACKHOLE', unreachable: 'FR_ACT_UNREACHABLE', prohibit: 'FR_ACT_PROHIBIT',
};
const ACTION_NAMES = new ConstantNames(ACTIONS);
const TABLES: Record<string, string> = { main: 'RT_TABLE_MAIN', local: 'RT_TABLE_LOCAL', default: 'RT_TABLE_DEFAULT' };
const SPEC_KEYS = new Set<string>([
  'family', 'from', 'to', 'iif', 'oif', 'fwmark', 'fwmask', 'tos', 'ipProto', 'sport', 'dport', 'uidRange', 'l3mdev',
  'priority', 'table', 'suppressPrefixlen', 'action', 'goto', 'protocol',
]);

function uint(v: unknown, max: number, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${field}: must be 0..${max}, got ${String(v)}`);
  return v;
}

function ifname(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0 || Buffer.byteLength(v) > 15) throw new TypeError(`${field}: must be an interface name of 1..15 bytes, got ${JSON.stringify(v)}`);
  return v;
}

function range(v: unknown, max: number, field: string): { start: number; end: number } {
  if (typeof v === 'number') {
    uint(v, max, field);
    return { start: v, end: v };
  }
  if (typeof v !== 'object' || v === null) throw new TypeError(`${field}: must be a number or { start, end }`);
  const r = v as { start?: unknown; end?: unknown };
  const start = uint(r.start, max, `${field}.start`);
  const end = uint(r.end, max, `${field}.end`);
  if (end < start) throw new RangeError(`${field}: end ${end} is below start ${start}`);
  return { start, end };
}

function tableNumber(v: unknown, field: string): number {
  if (typeof v === 'string') {
    const c = TABLES[v];
    if (c === undefined) throw new TypeError(`${field}: must be a number or one of main, local, default, got '${v}'`);
    return constant(c);
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > U32) throw new RangeError(`${field}: must be 1..4294967295 or main/local/default, got ${String(v)}`);
  return v;
}

function actionNumber(v: unknown, field: string): number {
  if (typeof v === 'number') return uint(v, 255, field);
  const c = typeof v === 'string' ? ACTIONS[v] : undefined;
  if (c === undefined) throw new TypeError(`${field}: must be one of ${Object.keys(ACTIONS).join(', ')}, got ${JSON.stringify(v)}`);
  return constant(c);
}

/** The typed policy-rule operations of one rtnetlink handle. */
export class RuleApi {
  readonly #sock: RtnlSocket;

  /** @internal Bound to a socket (the link API is unused: rules name interfaces by name). */
  constructor(sock: RtnlSocket, _link?: LinkApi) {
    this.#sock = sock;
  }

  /**
   * Add a rule. Fails with EEXIST if an identical rule exists (NLM_F_EXCL, like ip).
   *
   * Equivalent to: `ip rule add [from P] [to P] [iif I] [oif O] [fwmark M/K] [tos T] [ipproto N] [sport R] [dport R] [priority N] [table T | goto N | blackhole | ...]`
   */
  async add(spec: RuleSpec, opts: OperationOptions = {}): Promise<void> {
    const op = 'rule.add';
    const msg = encodeRule(op, spec, true);
    await this.#sock.request(op, constant('RTM_NEWRULE'), constant('NLM_F_CREATE') | constant('NLM_F_EXCL'), msg, opts, spec);
  }

  /**
   * Delete the first rule matching every field given (fields left out match anything).
   * Fails with ENOENT when none matches.
   *
   * Equivalent to: `ip rule del [from P] [priority N] [table T] ...`
   */
  async del(spec: RuleSpec, opts: OperationOptions = {}): Promise<void> {
    const op = 'rule.del';
    const msg = encodeRule(op, spec, false);
    await this.#sock.request(op, constant('RTM_DELRULE'), 0, msg, opts, spec);
  }

  /**
   * The rules, in the kernel's order (by priority), of one family or both.
   *
   * Equivalent to: `ip rule show` / `ip -6 rule show`
   */
  async list(filter: RuleFilter = {}, opts: DumpOptions = {}): Promise<Rule[]> {
    const op = 'rule.list';
    const { family } = filter;
    if (family !== undefined && family !== 'inet' && family !== 'inet6') throw new TypeError(`${op}: family: must be 'inet' or 'inet6'`);
    const af = family === undefined ? constant('AF_UNSPEC') : constant(family === 'inet' ? 'AF_INET' : 'AF_INET6');
    const replies = await this.#sock.collect(op, constant('RTM_GETRULE'), { header: { family: af } }, opts);
    const newrule = constant('RTM_NEWRULE');
    return replies.filter((m) => m.type === newrule).map(decodeRule);
  }
}

/** Validate a {@link RuleSpec} and build its RTM_NEWRULE/RTM_DELRULE body, as ip does. */
function encodeRule(op: string, spec: RuleSpec, adding: boolean): { header: Record<string, number>; attrs: RawAttrs } {
  if (typeof spec !== 'object' || spec === null) throw new TypeError(`${op}: spec: must be an object`);
  for (const k of Object.keys(spec)) if (!SPEC_KEYS.has(k) && k !== 'signal') throw new TypeError(`${op}: ${k}: unknown option`);
  const attrs: RawAttrs = {};
  let family: 'inet' | 'inet6' | undefined;
  if (spec.family !== undefined) {
    if (spec.family !== 'inet' && spec.family !== 'inet6') throw new TypeError(`${op}: family: must be 'inet' or 'inet6', got ${JSON.stringify(spec.family)}`);
    family = spec.family;
  }
  let srcLen = 0;
  let dstLen = 0;
  for (const key of ['from', 'to'] as const) {
    const v = spec[key];
    if (v === undefined) continue;
    const c = parseCidr(v, `${op}: ${key}`);
    if (family !== undefined && c.family !== family) throw new TypeError(`${op}: ${key}: '${v}' is not ${family}`);
    family = c.family;
    if (key === 'from') {
      attrs.src = c.address;
      srcLen = c.prefixlen;
    } else {
      attrs.dst = c.address;
      dstLen = c.prefixlen;
    }
  }
  if (spec.iif !== undefined) attrs.iifname = ifname(spec.iif, `${op}: iif`);
  if (spec.oif !== undefined) attrs.oifname = ifname(spec.oif, `${op}: oif`);
  if (spec.fwmark !== undefined) attrs.fwmark = uint(spec.fwmark, U32, `${op}: fwmark`);
  if (spec.fwmask !== undefined) attrs.fwmask = uint(spec.fwmask, U32, `${op}: fwmask`);
  const tos = spec.tos === undefined ? 0 : uint(spec.tos, 255, `${op}: tos`);
  if (spec.ipProto !== undefined) attrs.ipProto = uint(spec.ipProto, 255, `${op}: ipProto`);
  if (spec.sport !== undefined) attrs.sportRange = range(spec.sport, 0xffff, `${op}: sport`);
  if (spec.dport !== undefined) attrs.dportRange = range(spec.dport, 0xffff, `${op}: dport`);
  if (spec.uidRange !== undefined) {
    if (typeof spec.uidRange !== 'object' || spec.uidRange === null) throw new TypeError(`${op}: uidRange: must be { start, end }`);
    attrs.uidRange = range(spec.uidRange, U32, `${op}: uidRange`);
  }
  if (spec.l3mdev !== undefined) {
    if (typeof spec.l3mdev !== 'boolean') throw new TypeError(`${op}: l3mdev: must be a boolean`);
    if (spec.l3mdev) attrs.l3mdev = 1;
  }
  if (spec.priority !== undefined) attrs.priority = uint(spec.priority, U32, `${op}: priority`);
  if (spec.suppressPrefixlen !== undefined) attrs.suppressPrefixlen = uint(spec.suppressPrefixlen, family === 'inet6' ? 128 : 32, `${op}: suppressPrefixlen`);
  if (spec.protocol !== undefined) attrs.protocol = uint(spec.protocol, 255, `${op}: protocol`);

  let action = spec.action === undefined ? undefined : actionNumber(spec.action, `${op}: action`);
  if (spec.goto !== undefined) {
    attrs.goto = uint(spec.goto, U32, `${op}: goto`);
    if (action === undefined) action = constant('FR_ACT_GOTO');
    else if (action !== constant('FR_ACT_GOTO')) throw new TypeError(`${op}: goto: only with action 'goto'`);
  } else if (adding && action === constant('FR_ACT_GOTO')) {
    throw new TypeError(`${op}: goto: action 'goto' needs the target priority`);
  }
  if (adding && action === undefined) action = constant('FR_ACT_TO_TBL');
  let table = spec.table === undefined ? undefined : tableNumber(spec.table, `${op}: table`);
  if (table !== undefined && action !== undefined && action !== constant('FR_ACT_TO_TBL')) {
    throw new TypeError(`${op}: table: only with action 'lookup'`);
  }
  if (adding && table === undefined && action === constant('FR_ACT_TO_TBL')) table = constant('RT_TABLE_MAIN');
  // Like ip: tables below 256 go in the header, larger ones in FRA_TABLE.
  let hdrTable = constant('RT_TABLE_UNSPEC');
  if (table !== undefined) {
    if (table < 256) hdrTable = table;
    else attrs.table = table;
  }
  const header = {
    family: constant(family === 'inet6' ? 'AF_INET6' : 'AF_INET'),
    dstLen,
    srcLen,
    tos,
    table: hdrTable,
    action: action ?? 0,
    flags: 0,
  };
  return { header, attrs };
}

/** Decode one RTM_NEWRULE message. */
export function decodeRule(m: RawReply): Rule {
  const h = m.header;
  const a = m.attrs;
  const fam = h.family as number;
  const family = fam === constant('AF_INET') ? 'inet' : fam === constant('AF_INET6') ? 'inet6' : fam;
  const actNum = h.action as number;
  const action = ACTION_NAMES.name(actNum) as RuleAction;
  const prefix = (addr: unknown, len: unknown): string | undefined => (typeof addr === 'string' ? `${addr}/${String(len)}` : undefined);
  const pr = (v: unknown): PortRange | undefined => {
    const r = v as { start?: number; end?: number } | undefined;
    return r && typeof r.start === 'number' && typeof r.end === 'number' ? { start: r.start, end: r.end } : undefined;
  };
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  return {
    family: family as Rule['family'],
    priority: num(a.priority) ?? 0,
    from: prefix(a.src, h.srcLen),
    to: prefix(a.dst, h.dstLen),
    iif: a.iifname as string | undefined,
    oif: a.oifname as string | undefined,
    fwmark: num(a.fwmark),
    fwmask: num(a.fwmask),
    tos: h.tos as number,
    ipProto: num(a.ipProto),
    sport: pr(a.sportRange),
    dport: pr(a.dportRange),
    uidRange: pr(a.uidRange),
    l3mdev: typeof a.l3mdev === 'number' && a.l3mdev !== 0,
    table: num(a.table) ?? (h.table as number),
    // The kernel reports "not set" as -1 (0xffffffff).
    suppressPrefixlen: a.suppressPrefixlen === U32 ? undefined : num(a.suppressPrefixlen),
    action,
    goto: num(a.goto),
    protocol: num(a.protocol),
    flags: h.flags as number,
    raw: m,
  };
}
