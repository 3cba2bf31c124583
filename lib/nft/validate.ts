/**
 * Checking table and chain descriptions before any I/O: every mistake is a
 * TypeError/RangeError naming the operation and the field
 * (`nft.chain.add: priority: ...`).
 * @module
 */
import { constant } from '../netlink/native.js';
import type { NftChainRef, NftChainSpec, NftChainType, NftFamily, NftHook, NftListFilter, NftPolicy, NftTableRef, NftTableSpec } from './types.js';
import { CHAIN_TYPES, COMMENT_MAX, FAMILIES, POLICIES, hookNumber, hooksOf, priorityValue } from './values.js';

/** A table to create, checked: numbers and the whole comment (mark included). */
export interface CheckedTable {
  family: NftFamily;
  name: string;
  flags: number;
  comment: string;
}

/** A chain to create, checked. */
export interface CheckedChain {
  family: NftFamily;
  table: string;
  name: string;
  base?: { type: NftChainType; hook: number; priority: number; policy?: number; device?: string };
  comment?: string;
}

/** Owner names: what may follow `netloom:` in a table comment (no spaces: the comment follows after one). */
export const OWNER_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The mark prefix of netloom's table comments. */
export const MARK_PREFIX = 'netloom:';

function object(op: string, v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError(`${op}: ${what}: must be an object`);
  return v as Record<string, unknown>;
}

function keys(op: string, o: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new TypeError(`${op}: ${k}: unknown field (known: ${allowed.join(', ')})`);
  }
}

/** A family name. */
export function checkFamily(op: string, v: unknown, field = 'family'): NftFamily {
  if (typeof v !== 'string' || !(FAMILIES as string[]).includes(v)) throw new TypeError(`${op}: ${field}: must be one of ${FAMILIES.join(', ')}, got ${JSON.stringify(v)}`);
  return v as NftFamily;
}

/** A table, chain or other object name: 1..255 bytes, no NUL (NFT_NAME_MAXLEN counts the NUL). */
export function checkName(op: string, v: unknown, field: string): string {
  const max = constant('NFT_NAME_MAXLEN') - 1;
  if (typeof v !== 'string' || v.length === 0 || v.includes('\0') || Buffer.byteLength(v) > max) {
    throw new TypeError(`${op}: ${field}: must be a name of 1..${max} bytes without NUL, got ${JSON.stringify(v)}`);
  }
  return v;
}

function checkComment(op: string, v: unknown, field: string): string {
  if (typeof v !== 'string' || v.includes('\0')) throw new TypeError(`${op}: ${field}: must be a string without NUL`);
  return v;
}

function checkBool(op: string, v: unknown, field: string): boolean {
  if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`${op}: ${field}: must be a boolean`);
  return v === true;
}

/** Validate a {@link NftTableSpec}. */
export function checkTable(op: string, spec: NftTableSpec): CheckedTable {
  const o = object(op, spec, 'spec');
  keys(op, o, ['family', 'name', 'owner', 'comment', 'flags']);
  const family = checkFamily(op, o.family);
  const name = checkName(op, o.name, 'name');
  const owner = o.owner ?? 'api';
  if (typeof owner !== 'string' || !OWNER_RE.test(owner)) throw new TypeError(`${op}: owner: must match ${String(OWNER_RE)}, got ${JSON.stringify(owner)}`);
  let comment = `${MARK_PREFIX}${owner}`;
  if (o.comment !== undefined) comment += ` ${checkComment(op, o.comment, 'comment')}`;
  if (Buffer.byteLength(comment) > COMMENT_MAX) throw new RangeError(`${op}: comment: with the mark '${MARK_PREFIX}${owner} ' it must fit in ${COMMENT_MAX} bytes`);
  let flags = 0;
  if (o.flags !== undefined) {
    const f = object(op, o.flags, 'flags');
    keys(op, f, ['dormant', 'owner']);
    if (checkBool(op, f.dormant, 'flags.dormant')) flags |= constant('NFT_TABLE_F_DORMANT');
    if (checkBool(op, f.owner, 'flags.owner')) flags |= constant('NFT_TABLE_F_OWNER');
  }
  return { family, name, flags, comment };
}

/** Validate a {@link NftTableRef}. */
export function checkTableRef(op: string, ref: NftTableRef): NftTableRef {
  const o = object(op, ref, 'table');
  keys(op, o, ['family', 'name']);
  return { family: checkFamily(op, o.family), name: checkName(op, o.name, 'name') };
}

/** Validate a {@link NftChainRef}. */
export function checkChainRef(op: string, ref: NftChainRef): NftChainRef {
  const o = object(op, ref, 'chain');
  keys(op, o, ['family', 'table', 'name']);
  return { family: checkFamily(op, o.family), table: checkName(op, o.table, 'table'), name: checkName(op, o.name, 'name') };
}

function checkPriority(op: string, v: unknown, family: NftFamily, hook: NftHook): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw new RangeError(`${op}: priority: must be an integer (s32) or a standard name, got ${v}`);
    return v;
  }
  let name: unknown = v;
  let offset = 0;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    keys(op, o, ['base', 'offset']);
    name = o.base;
    if (typeof o.offset !== 'number' || !Number.isInteger(o.offset)) throw new TypeError(`${op}: priority.offset: must be an integer, got ${String(o.offset)}`);
    offset = o.offset;
  }
  if (typeof name !== 'string') throw new TypeError(`${op}: priority: must be an integer, a standard name ('filter', 'dstnat', ...) or { base, offset }, got ${JSON.stringify(v)}`);
  const value = priorityValue(family, hook, name);
  if (typeof value === 'string') throw new TypeError(`${op}: priority: ${value}`);
  const total = value + offset;
  if (total < -2147483648 || total > 2147483647) throw new RangeError(`${op}: priority: ${name} + ${offset} is out of the s32 range`);
  return total;
}

/** Validate a {@link NftChainSpec}: base chain fields only with a hook, each against the family. */
export function checkChain(op: string, spec: NftChainSpec): CheckedChain {
  const o = object(op, spec, 'spec');
  keys(op, o, ['family', 'table', 'name', 'type', 'hook', 'priority', 'policy', 'device', 'comment']);
  const family = checkFamily(op, o.family);
  const out: CheckedChain = { family, table: checkName(op, o.table, 'table'), name: checkName(op, o.name, 'name') };
  if (o.comment !== undefined) {
    out.comment = checkComment(op, o.comment, 'comment');
    if (Buffer.byteLength(out.comment) > COMMENT_MAX) throw new RangeError(`${op}: comment: must fit in ${COMMENT_MAX} bytes`);
  }
  if (o.hook === undefined) {
    for (const k of ['type', 'priority', 'policy', 'device'] as const) {
      if (o[k] !== undefined) throw new TypeError(`${op}: ${k}: only base chains have one; give a hook too`);
    }
    return out;
  }
  const hooks = hooksOf(family);
  if (typeof o.hook !== 'string' || !(hooks as string[]).includes(o.hook)) {
    throw new TypeError(`${op}: hook: family ${family} has the hooks ${hooks.join(', ')}, got ${JSON.stringify(o.hook)}`);
  }
  const hook = o.hook as NftHook;
  const type = o.type ?? 'filter';
  const def = typeof type === 'string' ? CHAIN_TYPES[type as NftChainType] : undefined;
  if (def === undefined) throw new TypeError(`${op}: type: must be one of ${Object.keys(CHAIN_TYPES).join(', ')}, got ${JSON.stringify(type)}`);
  if (!def.families.includes(family)) throw new TypeError(`${op}: type: family ${family} has no ${String(type)} chains`);
  if (def.hooks !== undefined && !def.hooks.includes(hook)) throw new TypeError(`${op}: type: ${String(type)} chains attach to ${def.hooks.join(', ')}, not ${hook}`);
  if (o.priority === undefined) throw new TypeError(`${op}: priority: a base chain needs one (an integer or a name like 'filter', 'dstnat', 'srcnat')`);
  const priority = checkPriority(op, o.priority, family, hook);
  const base: NonNullable<CheckedChain['base']> = { type: type as NftChainType, hook: hookNumber(family, hook) as number, priority };
  if (o.policy !== undefined) {
    const c = typeof o.policy === 'string' ? POLICIES[o.policy as NftPolicy] : undefined;
    if (c === undefined) throw new TypeError(`${op}: policy: must be 'accept' or 'drop', got ${JSON.stringify(o.policy)}`);
    base.policy = constant(c);
  }
  const needsDevice = family === 'netdev' || hook === 'ingress';
  if (o.device !== undefined) {
    if (!needsDevice) throw new TypeError(`${op}: device: only netdev chains and inet ingress chains attach to a device`);
    if (typeof o.device !== 'string' || o.device.length === 0 || Buffer.byteLength(o.device) > 15) throw new TypeError(`${op}: device: must be an interface name of 1..15 bytes, got ${JSON.stringify(o.device)}`);
    base.device = o.device;
  } else if (needsDevice) {
    throw new TypeError(`${op}: device: a ${family} ${hook} chain needs the interface it attaches to`);
  }
  out.base = base;
  return out;
}

/** Validate a list filter. */
export function checkFilter(op: string, filter: NftListFilter, tableAllowed: boolean): NftListFilter {
  const o = object(op, filter, 'filter');
  keys(op, o, tableAllowed ? ['family', 'table'] : ['family']);
  const out: NftListFilter = {};
  if (o.family !== undefined) out.family = checkFamily(op, o.family);
  if (o.table !== undefined) out.table = checkName(op, o.table, 'table');
  return out;
}
