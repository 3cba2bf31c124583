/**
 * Checking what callers pass to the link API, before any I/O: `add` options,
 * `set` changes, LinkRefs, `list` filters and groups. Every failure is a
 * TypeError or RangeError whose message names the operation and the field.
 *
 * Nothing here loads the native addon, so every function can be tested
 * with plain values.
 * @module
 */
import { COMMON_ADD_OPTIONS, COMMON_SET_OPTIONS, CREATE_ONLY_FIELDS, MTU_RANGE, SET_SWITCHES, validateBasics } from './basics.js';
import type { LinkRef, ValidateContext } from './kinds/kind.js';
import {
  IFNAME_MAX,
  checkBool,
  checkInt,
  checkKnownKeys,
  checkLinkRef,
  checkObject,
  checkRequired,
  checkString,
  checkU32,
  join,
  presentKeys,
  rangeError,
  show,
  typeError,
} from './kinds/check.js';
import { validateBondPort } from './kinds/bond-port.js';
import { validateBridgePort } from './kinds/bridge-port.js';
import { type AnyLinkAddOptions, type KnownKind, KINDS, KNOWN_KINDS, kindModule } from './kinds/index.js';
import type { LinkFilter } from './types.js';

const ADD: ValidateContext = { op: 'link.add', mode: 'add' };
const SET: ValidateContext = { op: 'link.set', mode: 'set' };

/** The MTU range for kinds netloom does not know and for `set` (the kernel checks the device's own range). */
const WIDE_MTU: readonly [number, number] = [0, 0x7fffffff];
/** IFALIASZ - 2: the longest alias (the kernel counts the NUL netloom sends). */
export const ALIAS_MAX = 254;

const COMMON_SET = new Set(COMMON_SET_OPTIONS);

const KIND_RE = /^[A-Za-z0-9_.-]{1,55}$/;

function checkKind(ctx: ValidateContext, path: string, v: unknown): string {
  const message = `must be a link kind name like 'bridge' (1..55 letters, digits, '_', '-', '.'), got ${show(v)}`;
  if (typeof v !== 'string') typeError(ctx, path, message);
  if (!KIND_RE.test(v)) rangeError(ctx, path, message);
  return v;
}

/** The first known kind whose options include `key` (for a helpful message). */
function kindHaving(key: string, which: 'options' | 'setOptions'): KnownKind | undefined {
  return KNOWN_KINDS.find((k) => (KINDS[k][which] as readonly string[]).includes(key));
}

/**
 * Check `nl.link.add` options before any I/O. Throws TypeError (wrong type,
 * unknown or missing field) or RangeError (value out of range), the message
 * starting with 'link.add: FIELD: '.
 */
export function validateAdd(spec: unknown): asserts spec is AnyLinkAddOptions {
  validateAddAt(spec, ADD, '');
}

/**
 * {@link validateAdd} for options found at `path` inside a larger
 * description (a topology: `namespaces.ns1.links[2]`), with the messages
 * starting 'OP: PATH.FIELD: ' (`ctx.op`) so they point into that description.
 */
export function validateAddAt(spec: unknown, ctx: ValidateContext, path: string): asserts spec is AnyLinkAddOptions {
  const at = (key: string): string => join(path, key);
  const s = checkObject(ctx, path === '' ? 'spec' : path, spec);
  checkRequired(ctx, at('kind'), s.kind);
  const kind = checkKind(ctx, at('kind'), s.kind);
  const mod = kindModule(kind);
  const allowed = new Set(COMMON_ADD_OPTIONS);
  if (mod) {
    for (const o of mod.options) allowed.add(o);
    if (mod.parent !== 'none') allowed.add('parent');
  } else {
    allowed.add('parent');
    allowed.add('data');
  }
  checkKnownKeys(ctx, path, s, allowed, () => `unknown option for kind '${kind}'`);
  checkRequired(ctx, at('name'), s.name);
  validateBasics(s, ctx, path, mod ? MTU_RANGE : WIDE_MTU);
  if (s.master !== undefined) {
    checkLinkRef(ctx, at('master'), s.master);
    if (s.netns !== undefined && typeof s.master === 'string') {
      typeError(ctx, at('master'), `with netns, give the master's ifindex in the target namespace (a name would be looked up in this one), got ${show(s.master)}`);
    }
  }
  if (s.alias !== undefined) {
    checkString(ctx, at('alias'), s.alias, ALIAS_MAX);
    if (s.netns !== undefined) typeError(ctx, at('alias'), 'cannot be combined with netns (set after creation, by name in this namespace; create the link from a handle in that namespace instead)');
  }
  if (s.addrGenMode !== undefined && s.netns !== undefined) {
    typeError(ctx, at('addrGenMode'), 'cannot be combined with netns (set after creation, by name in this namespace; create the link from a handle in that namespace instead)');
  }
  if (mod?.parent === 'required') checkRequired(ctx, at('parent'), s.parent);
  if (s.parent !== undefined) checkLinkRef(ctx, at('parent'), s.parent);
  if (s.data !== undefined) checkObject(ctx, at('data'), s.data);
  mod?.validate(s, ctx, path);
}

/** Check a {@link LinkRef} argument (`link`) of operation `op`. */
export function validateLinkRef(op: string, link: unknown): asserts link is LinkRef {
  checkLinkRef({ op, mode: 'set' }, 'link', link);
}

/**
 * Check `nl.link.set(link, changes)` before any I/O. Kind options need
 * `kind` alongside, and only those the kernel can change are accepted.
 */
export function validateSet(link: unknown, changes: unknown): void {
  const ctx = SET;
  checkLinkRef(ctx, 'link', link);
  const c = checkObject(ctx, 'changes', changes);
  const kind = c.kind === undefined ? undefined : checkKind(ctx, 'kind', c.kind);
  const mod = kind === undefined ? undefined : kindModule(kind);
  const allowed = new Set(COMMON_SET);
  if (mod) for (const o of mod.setOptions) allowed.add(o);
  else if (kind !== undefined) allowed.add('data');
  checkKnownKeys(ctx, '', c, allowed, (key) => {
    if (CREATE_ONLY_FIELDS.includes(key)) return 'can only be set when the link is created';
    if (kind === undefined) {
      const owner = kindHaving(key, 'options');
      return owner ? `unknown option (to change a ${owner} option, give kind: '${owner}' too)` : 'unknown option';
    }
    if (mod && mod.options.includes(key)) return `cannot be changed on an existing ${kind} link`;
    return `unknown option for kind '${kind}'`;
  });
  if (presentKeys(c).filter((key) => key !== 'kind').length === 0) typeError(ctx, 'changes', 'nothing to change');
  validateBasics(c, ctx, '', WIDE_MTU);
  for (const key of SET_SWITCHES) {
    if (c[key] !== undefined) checkBool(ctx, key, c[key]);
  }
  if (c.master !== undefined && c.master !== null) checkLinkRef(ctx, 'master', c.master);
  if (c.alias !== undefined) checkString(ctx, 'alias', c.alias, ALIAS_MAX);
  if (c.bridgePort !== undefined) validateBridgePort(c.bridgePort, ctx, 'bridgePort');
  if (c.bondPort !== undefined) {
    if (c.bridgePort !== undefined) typeError(ctx, 'bondPort', 'give bridgePort or bondPort, not both (a link is a port of one master)');
    validateBondPort(c.bondPort, ctx, 'bondPort');
  }
  for (const port of ['bondPort', 'bridgePort'] as const) {
    // rtnl_changelink applies IFLA_INFO_SLAVE_DATA before IFLA_MASTER: with the old master's ops.
    if (c[port] !== undefined && c.master !== undefined) typeError(ctx, port, 'cannot go with master in one request (the kernel applies port options before it changes the master): set master first');
  }
  if (c.data !== undefined) checkObject(ctx, 'data', c.data);
  mod?.validate(c, ctx, '');
}

const FILTER_KEYS = new Set(['kind', 'master', 'group', 'up', 'namePrefix']);

/** Check a `list`/`dump` filter before any I/O (messages start with OP: filter.FIELD). */
export function validateFilter(op: string, filter: unknown): asserts filter is LinkFilter {
  const ctx: ValidateContext = { op, mode: 'set' };
  const f = checkObject(ctx, 'filter', filter);
  checkKnownKeys(ctx, 'filter', f, FILTER_KEYS, () => 'unknown filter');
  if (f.kind !== undefined) checkKind(ctx, 'filter.kind', f.kind);
  if (f.master !== undefined && f.master !== null) checkLinkRef(ctx, 'filter.master', f.master);
  if (f.group !== undefined) checkU32(ctx, 'filter.group', f.group);
  if (f.up !== undefined) checkBool(ctx, 'filter.up', f.up);
  if (f.namePrefix !== undefined) {
    checkString(ctx, 'filter.namePrefix', f.namePrefix, IFNAME_MAX);
    if (f.namePrefix === '') rangeError(ctx, 'filter.namePrefix', 'must not be empty');
  }
}

/**
 * Check a `delGroup` argument: 1..4294967295. Group 0 is the default group
 * every link starts in (lo and physical NICs included), never a batch to delete.
 */
export function validateGroup(op: string, group: unknown): asserts group is number {
  checkInt({ op, mode: 'set' }, 'group', group, 1, 0xffffffff);
}
