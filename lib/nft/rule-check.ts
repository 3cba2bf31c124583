/**
 * Checking a rule before any I/O: every mistake is a TypeError/RangeError
 * naming the field (`nft.rule.add: match.dport: must be 0..65535, got
 * 70000`), including those nft itself refuses before the kernel (a port
 * match without a protocol, an IPv6 address in an ip table).
 * @module
 */
import { parsePrefix } from './bytes.js';
import type { NftCmp, NftMatch, NftNat, NftPorts, NftRuleBody, NftSetMatch, NftVerdict } from './rule-types.js';
import type { NftFamily } from './types.js';
import { checkName } from './validate.js';
import { COMMENT_MAX } from './values.js';
import { CT_STATES, L4_PROTOS, LOG_LEVELS, PORT_PROTOS, RATE_UNITS, REJECTS } from './rule-values.js';

// Field lists, once (a ruleset of 10,000 rules checks each rule against them).
const MATCH_FIELDS = ['iifname', 'oifname', 'iif', 'oif', 'saddr', 'daddr', 'proto', 'sport', 'dport', 'ctState', 'mark'] as const;
const NAME_OR_MARK_FIELDS = ['iifname', 'oifname', 'mark'] as const;
const INDEX_FIELDS = ['iif', 'oif'] as const;
const PORT_FIELDS = ['sport', 'dport'] as const;
const ADDR_FIELDS = ['saddr', 'daddr'] as const;

function fail(op: string, field: string, why: string): never {
  throw new TypeError(`${op}: ${field}: ${why}`);
}

function keys(op: string, where: string, o: object, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(op, where === '' ? k : `${where}.${k}`, `unknown field (known: ${allowed.join(', ')})`);
}

function obj(op: string, field: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(op, field, 'must be an object');
  return v as Record<string, unknown>;
}

/** Whether a match value is a set reference (`{ set: 'name' }`). */
export function isSetMatch(v: unknown): v is NftSetMatch {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'set' in v;
}

function setMatch(op: string, field: string, v: NftSetMatch, addr: boolean): void {
  keys(op, field, v, addr ? ['set', 'family'] : ['set']);
  checkName(op, v.set, `${field}.set`);
  if (v.family !== undefined && v.family !== 'ip' && v.family !== 'ip6') fail(op, `${field}.family`, `must be 'ip' (an ipv4_addr set) or 'ip6' (ipv6_addr), got ${JSON.stringify(v.family)}`);
}

/** The address family of a set lookup on an address field: the ref's, else the table's (needed in inet tables). */
function setFamily(op: string, field: string, v: NftSetMatch, family: NftFamily): 'ip' | 'ip6' {
  setMatch(op, field, v, true);
  if (v.family !== undefined) {
    if (family !== 'inet' && family !== v.family) fail(op, `${field}.family`, `is ${v.family}, the table is ${family}`);
    return v.family;
  }
  if (family === 'ip' || family === 'ip6') return family;
  fail(op, `${field}.family`, `a set lookup on an address in a ${family} table needs the set's family ('ip' for ipv4_addr, 'ip6' for ipv6_addr)`);
}

/** `{ not: x }` → [x, true]; x → [x, false]. */
export function unwrap<T>(v: NftCmp<T>): [T, boolean] {
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && 'not' in (v as object)) return [(v as { not: T }).not, true];
  return [v as T, false];
}

function int(op: string, field: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) fail(op, field, `must be an integer ${lo}..${hi}, got ${JSON.stringify(v)}`);
  return v;
}

function ports(op: string, field: string, v: unknown): void {
  if (Array.isArray(v)) {
    if (v.length !== 2) fail(op, field, `a range is [from, to], got ${JSON.stringify(v)}`);
    const a = int(op, `${field}[0]`, v[0], 0, 65535);
    const b = int(op, `${field}[1]`, v[1], 0, 65535);
    if (a > b) fail(op, field, `range [${a}, ${b}] runs backwards`);
    return;
  }
  int(op, field, v, 0, 65535);
}

function ifname(op: string, field: string, v: unknown): void {
  if (typeof v !== 'string' || v.length === 0 || v.includes('\0') || v === '*') fail(op, field, `must be an interface name (a trailing * matches a prefix), got ${JSON.stringify(v)}`);
  const bytes = Buffer.byteLength(v.endsWith('*') ? v.slice(0, -1) : v);
  if (bytes > 15) fail(op, field, `interface names are at most 15 bytes, ${JSON.stringify(v)} has ${bytes}`);
}

/** The address family of a rule's address matches, checked against the table's; undefined without any. */
export function addrFamily(op: string, m: NftMatch, family: NftFamily): 'ip' | 'ip6' | undefined {
  let seen: 'ip' | 'ip6' | undefined;
  for (const field of ADDR_FIELDS) {
    const v = m[field];
    if (v === undefined) continue;
    const [text] = unwrap(v);
    let fam: 'ip' | 'ip6';
    if (isSetMatch(text)) {
      fam = setFamily(op, `match.${field}`, text, family);
    } else {
      if (typeof text !== 'string') fail(op, `match.${field}`, `must be an address, a prefix or { set }, got ${JSON.stringify(text)}`);
      const p = parsePrefix(text);
      if (typeof p === 'string') fail(op, `match.${field}`, p);
      if (family !== 'inet' && family !== p.family) fail(op, `match.${field}`, `${text} is ${p.family === 'ip' ? 'IPv4' : 'IPv6'}, the table is ${family}`);
      fam = p.family;
    }
    if (seen !== undefined && seen !== fam) fail(op, `match.${field}`, 'saddr and daddr must be of one family');
    seen = fam;
  }
  if (seen !== undefined && !['ip', 'ip6', 'inet'].includes(family)) fail(op, 'match.saddr', `address matches are for ip, ip6 and inet tables, not ${family}`);
  return seen;
}

function checkMatch(op: string, v: unknown, family: NftFamily): void {
  const m = obj(op, 'match', v);
  keys(op, 'match', m, MATCH_FIELDS);
  for (const f of NAME_OR_MARK_FIELDS) {
    if (m[f] === undefined) continue;
    const [v] = unwrap(m[f] as NftCmp<unknown>);
    if (isSetMatch(v)) setMatch(op, `match.${f}`, v, false);
    else if (f === 'mark') int(op, 'match.mark', v, 0, 4294967295);
    else ifname(op, `match.${f}`, v);
  }
  for (const f of INDEX_FIELDS) if (m[f] !== undefined) int(op, `match.${f}`, unwrap(m[f] as NftCmp<unknown>)[0], 1, 2147483647);
  addrFamily(op, m as NftMatch, family);
  if (m.proto !== undefined && !(typeof m.proto === 'string' && m.proto in L4_PROTOS)) {
    if (typeof m.proto !== 'number') fail(op, 'match.proto', `must be one of ${Object.keys(L4_PROTOS).join(', ')} or a number 0..255, got ${JSON.stringify(m.proto)}`);
    int(op, 'match.proto', m.proto, 0, 255);
  }
  for (const f of PORT_FIELDS) {
    if (m[f] === undefined) continue;
    const proto = typeof m.proto === 'string' ? m.proto : undefined;
    if (proto === undefined || !PORT_PROTOS.includes(proto)) fail(op, `match.${f}`, `ports need match.proto ${PORT_PROTOS.join(', ')} (they are read from that header)`);
    const [v] = unwrap(m[f] as NftCmp<NftPorts | NftSetMatch>);
    if (isSetMatch(v)) setMatch(op, `match.${f}`, v, false);
    else ports(op, `match.${f}`, v);
  }
  if (m.ctState !== undefined) {
    const [states] = unwrap(m.ctState as NftCmp<unknown>);
    if (!Array.isArray(states) || states.length === 0) fail(op, 'match.ctState', "must be a non-empty list of states ('established', 'related', 'new', 'invalid', 'untracked')");
    states.forEach((s, i) => {
      if (typeof s !== 'string' || !(s in CT_STATES)) fail(op, `match.ctState[${i}]`, `must be one of ${Object.keys(CT_STATES).join(', ')}, got ${JSON.stringify(s)}`);
    });
  }
}

function checkNat(op: string, v: unknown, m: NftMatch, family: NftFamily, natFamily: 'ip' | 'ip6' | undefined): void {
  const n = obj(op, 'nat', v) as Record<string, unknown>;
  const kinds = Object.keys(n);
  if (kinds.length !== 1 || !['masquerade', 'snat', 'dnat', 'redirect'].includes(kinds[0] as string)) fail(op, 'nat', 'must be exactly one of { masquerade }, { snat }, { dnat }, { redirect }');
  if (!['ip', 'ip6', 'inet'].includes(family)) fail(op, 'nat', `NAT is for ip, ip6 and inet tables, not ${family}`);
  const kind = kinds[0] as keyof NftNat & string;
  const body = n[kind];
  const where = `nat.${kind}`;
  const portProto = typeof m.proto === 'string' && PORT_PROTOS.includes(m.proto);
  const flags = (o: Record<string, unknown>): void => {
    for (const f of ['random', 'fullyRandom', 'persistent']) if (o[f] !== undefined && typeof o[f] !== 'boolean') fail(op, `${where}.${f}`, 'must be a boolean');
  };
  if (kind === 'masquerade' || kind === 'redirect') {
    if (body === true) return;
    const o = obj(op, where, body);
    const portKey = kind === 'masquerade' ? 'ports' : 'port';
    keys(op, where, o, ['random', 'fullyRandom', 'persistent', portKey]);
    flags(o);
    if (o[portKey] !== undefined) {
      if (!portProto) fail(op, `${where}.${portKey}`, `port mapping needs match.proto ${PORT_PROTOS.join(', ')}`);
      ports(op, `${where}.${portKey}`, o[portKey]);
    }
    return;
  }
  const o = obj(op, where, body);
  keys(op, where, o, ['addr', 'port', 'random', 'fullyRandom', 'persistent']);
  flags(o);
  const addrs = Array.isArray(o.addr) ? o.addr : [o.addr];
  if (addrs.length < 1 || addrs.length > 2) fail(op, `${where}.addr`, 'must be an address or [first, last]');
  let fam: 'ip' | 'ip6' | undefined;
  addrs.forEach((a, i) => {
    const p = typeof a === 'string' && !a.includes('/') ? parsePrefix(a) : undefined;
    const field = Array.isArray(o.addr) ? `${where}.addr[${i}]` : `${where}.addr`;
    if (p === undefined || typeof p === 'string') fail(op, field, `must be an address (no prefix), got ${JSON.stringify(a)}`);
    if (fam !== undefined && fam !== p.family) fail(op, field, 'first and last must be of one family');
    fam = p.family;
  });
  if (family !== 'inet' && fam !== family) fail(op, `${where}.addr`, `is ${fam === 'ip' ? 'IPv4' : 'IPv6'}, the table is ${family}`);
  if (natFamily !== undefined && fam !== natFamily) fail(op, `${where}.addr`, `is ${fam === 'ip' ? 'IPv4' : 'IPv6'} but the rule matches ${natFamily === 'ip' ? 'IPv4' : 'IPv6'} addresses`);
  if (o.port !== undefined) {
    if (!portProto) fail(op, `${where}.port`, `port mapping needs match.proto ${PORT_PROTOS.join(', ')}`);
    ports(op, `${where}.port`, o.port);
  }
}

function checkVerdict(op: string, v: unknown, m: NftMatch, family: NftFamily): void {
  if (typeof v === 'string') {
    if (!['accept', 'drop', 'return', 'continue'].includes(v)) fail(op, 'verdict', `must be 'accept', 'drop', 'return', 'continue', { jump }, { goto } or { reject }, got ${JSON.stringify(v)}`);
    return;
  }
  const o = obj(op, 'verdict', v as NftVerdict);
  const k = Object.keys(o);
  if (k.length !== 1 || !['jump', 'goto', 'reject', 'vmap'].includes(k[0] as string)) fail(op, 'verdict', 'must be one of { jump: chain }, { goto: chain }, { reject: how }, { vmap: { set, key } }');
  if (k[0] === 'vmap') {
    const vm = obj(op, 'verdict.vmap', o.vmap);
    keys(op, 'verdict.vmap', vm, ['set', 'key', 'family']);
    checkName(op, vm.set, 'verdict.vmap.set');
    const fields = ['saddr', 'daddr', 'sport', 'dport', 'iifname', 'oifname', 'mark'];
    if (typeof vm.key !== 'string' || !fields.includes(vm.key)) fail(op, 'verdict.vmap.key', `must be one of ${fields.join(', ')}, got ${JSON.stringify(vm.key)}`);
    if (vm.key === 'saddr' || vm.key === 'daddr') {
      const fam = setFamily(op, 'verdict.vmap', { set: vm.set as string, ...(vm.family !== undefined ? { family: vm.family as 'ip' } : {}) }, family);
      const matched = addrFamily(op, m, family);
      if (matched !== undefined && matched !== fam) fail(op, 'verdict.vmap.family', `is ${fam} but the rule matches ${matched} addresses`);
    } else if (vm.family !== undefined) fail(op, 'verdict.vmap.family', 'only for saddr and daddr keys');
    if ((vm.key === 'sport' || vm.key === 'dport') && !(typeof m.proto === 'string' && PORT_PROTOS.includes(m.proto))) fail(op, 'verdict.vmap.key', `ports need match.proto ${PORT_PROTOS.join(', ')} (they are read from that header)`);
  }
  if (o.jump !== undefined) checkName(op, o.jump, 'verdict.jump');
  if (o.goto !== undefined) checkName(op, o.goto, 'verdict.goto');
  if (k[0] === 'reject') {
    if (!['ip', 'ip6', 'inet', 'bridge'].includes(family)) fail(op, 'verdict.reject', `reject is for ip, ip6, inet and bridge tables, not ${family}`);
    if (typeof o.reject !== 'string' || !(o.reject in REJECTS)) fail(op, 'verdict.reject', `must be one of ${Object.keys(REJECTS).join(', ')}, got ${JSON.stringify(o.reject)}`);
    if (o.reject === 'tcp-reset' && m.proto !== 'tcp') fail(op, 'verdict.reject', "'tcp-reset' needs match.proto 'tcp'");
  }
}

/** Validate a rule body for a table of `family` (throws naming the field). */
export function checkRuleBody(op: string, body: NftRuleBody, family: NftFamily): void {
  const b = obj(op, 'rule', body);
  if (b.exprs !== undefined) {
    if (!Array.isArray(b.exprs)) fail(op, 'exprs', 'must be an array of expressions');
    for (const k of ['match', 'limit', 'counter', 'log', 'nat', 'verdict'])
      if (b[k] !== undefined) fail(op, k, 'give either exprs or match/limit/counter/log/nat/verdict, not both');
    b.exprs.forEach((e: unknown, i: number) => {
      if (typeof obj(op, `exprs[${i}]`, e).kind !== 'string') fail(op, `exprs[${i}].kind`, 'must be a string');
    });
  }
  const m = (b.match ?? {}) as NftMatch;
  if (b.match !== undefined) checkMatch(op, b.match, family);
  if (b.limit !== undefined) {
    const l = obj(op, 'limit', b.limit);
    keys(op, 'limit', l, ['rate', 'per', 'burst', 'over']);
    int(op, 'limit.rate', l.rate, 1, 4294967295);
    if (typeof l.per !== 'string' || !(l.per in RATE_UNITS)) fail(op, 'limit.per', `must be one of ${Object.keys(RATE_UNITS).join(', ')}, got ${JSON.stringify(l.per)}`);
    if (l.burst !== undefined) int(op, 'limit.burst', l.burst, 0, 4294967295);
    if (l.over !== undefined && typeof l.over !== 'boolean') fail(op, 'limit.over', 'must be a boolean');
  }
  if (b.counter !== undefined && typeof b.counter !== 'boolean') {
    const c = obj(op, 'counter', b.counter);
    keys(op, 'counter', c, ['packets', 'bytes']);
    int(op, 'counter.packets', c.packets, 0, Number.MAX_SAFE_INTEGER);
    int(op, 'counter.bytes', c.bytes, 0, Number.MAX_SAFE_INTEGER);
  }
  if (b.log !== undefined && typeof b.log !== 'boolean') {
    const l = obj(op, 'log', b.log);
    keys(op, 'log', l, ['prefix', 'level']);
    if (l.prefix !== undefined && (typeof l.prefix !== 'string' || l.prefix.includes('\0') || Buffer.byteLength(l.prefix) > 127)) fail(op, 'log.prefix', 'must be a string of at most 127 bytes without NUL');
    if (l.level !== undefined && !(typeof l.level === 'string' && l.level in LOG_LEVELS)) fail(op, 'log.level', `must be one of ${Object.keys(LOG_LEVELS).join(', ')}, got ${JSON.stringify(l.level)}`);
  }
  if (b.nat !== undefined) checkNat(op, b.nat, m, family, b.match !== undefined ? addrFamily(op, m, family) : undefined);
  if (b.verdict !== undefined) checkVerdict(op, b.verdict, m, family);
  if (b.comment !== undefined && (typeof b.comment !== 'string' || b.comment.includes('\0') || Buffer.byteLength(b.comment) > COMMENT_MAX)) fail(op, 'comment', `must be a string of at most ${COMMENT_MAX} bytes without NUL`);
  if (b.exprs === undefined && b.match === undefined && b.limit === undefined && !b.counter && !b.log && b.nat === undefined && b.verdict === undefined) fail(op, 'rule', 'is empty: give a match, a statement or a verdict');
}
