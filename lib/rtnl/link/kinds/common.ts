/**
 * What every link kind file shares: the option types common to all kinds,
 * the argument checkers that turn bad input into a `TypeError`/`RangeError`
 * naming the field, the {@link KindModule} contract a kind file fulfils, and
 * small helpers for decoding kernel replies.
 *
 * Pure: nothing here loads the native addon (imports of native.ts and
 * netns.ts are type-only), so validation and message building can be tested
 * without it.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { RawAttrs, RawValue } from '../../../netlink/native.js';
import type { NetNs } from '../../../netns/netns.js';

/** A link named by its interface name (or an alternative name) or by its ifindex. */
export type LinkRef = string | number;

/**
 * A network namespace to create a link in or move it to: an open
 * {@link NetNs} handle (sent as IFLA_NET_NS_FD) or a process whose namespace
 * to use (`{ pid }`, sent as IFLA_NET_NS_PID, like `ip link set X netns PID`).
 */
export type NetnsTarget = NetNs | { pid: number };

/**
 * How the kernel makes the IPv6 link-local address of a link
 * (IFLA_INET6_ADDR_GEN_MODE; `ip link set X addrgenmode MODE`). `'none'`
 * skips IPv6 link-local set-up entirely: no address, no DAD, no MLD, which
 * makes creating many links much faster when IPv6 is not needed on them.
 */
export type AddrGenMode = 'eui64' | 'none' | 'stable-privacy' | 'random';

/** Looks up a kernel UAPI constant by name (`constant` from native.ts, or a table in tests). */
export type ConstantLookup = (name: string) => number;

/**
 * Options every kind accepts in `nl.link.add(...)`, besides `kind` and the
 * kind's own options.
 */
export interface LinkCommonAddOptions {
  /** Interface name, 1..15 bytes, no '/', ':' or whitespace (`ip link add NAME`). */
  name: string;
  /** MTU in bytes, 68..65535 (`mtu N`). */
  mtu?: number;
  /** Link-layer address, "aa:bb:cc:dd:ee:ff", unicast (`address MAC`). Default: random. */
  mac?: string;
  /** Link-layer broadcast address (`broadcast MAC`). */
  broadcast?: string;
  /** Transmit queue length in packets (`txqueuelen N`). */
  txqlen?: number;
  /** Bring the link up right away (`ip link add ... up`): IFF_UP in the same request. */
  up?: boolean;
  /**
   * Enslave the new link to this bridge/bond/VRF (`master DEV`). With
   * `netns`, give the master's ifindex in that namespace (a name would be
   * looked up in this handle's namespace).
   */
  master?: LinkRef;
  /** Link group, 1..4294967295 (`group N`); see `nl.link.delGroup` for deleting a whole group at once. */
  group?: number;
  /**
   * Interface alias, at most 254 bytes (`alias TEXT`). The kernel ignores
   * IFLA_IFALIAS in creation requests, so netloom sets it with a second
   * request right after creating the link. Not combinable with `netns`.
   */
  alias?: string;
  /** Create the link directly inside this namespace (`ip link add ... netns NS`): cheaper than moving it later. */
  netns?: NetnsTarget;
  /** Number of transmit queues, 1..4096 (`numtxqueues N`). */
  numTxQueues?: number;
  /** Number of receive queues, 1..4096 (`numrxqueues N`). */
  numRxQueues?: number;
  /**
   * IPv6 link-local address generation (`addrgenmode MODE`); `'none'` skips
   * IPv6 set-up. The kernel refuses it in a creation request
   * (EAFNOSUPPORT), so netloom sends it in a second request right after
   * creating the link, and with `up` brings the link up only then, so no
   * link-local work starts. Not combinable with `netns`.
   */
  addrGenMode?: AddrGenMode;
}

/** What a kind file's `validate` receives about the call it checks. */
export interface ValidateContext {
  /** The operation named at the start of every message: 'link.add', 'link.set', ... */
  readonly op: string;
  /** Creating a link (required options enforced) or changing one. */
  readonly mode: 'add' | 'set';
}

/** What a kind file's `encode` receives besides the (validated) options. */
export interface EncodeEnv {
  /** Kernel constants by name. */
  readonly k: ConstantLookup;
  /** Ifindexes of the LinkRef options named in {@link KindModule.refs}, by option name. */
  readonly resolved: Readonly<Record<string, number>>;
  /** Creating a link or changing one. */
  readonly mode: 'add' | 'set';
}

/**
 * The contract of one link kind file (lib/link-kinds/KIND.ts). Type
 * parameters carry the kind's literal, its `add` options, its `set` options
 * and its decoded fields, so the registry in index.ts derives every public
 * type from one line per kind.
 */
export interface KindModule<K extends string, A extends object, S extends object, I extends object> {
  /** The IFLA_INFO_KIND string. */
  readonly kind: K;
  /** The kind's own option names accepted by `add` (beyond the common ones). */
  readonly options: readonly string[];
  /** The subset of options the kernel lets `set` change (with `kind` given). */
  readonly setOptions: readonly string[];
  /** Whether `add` takes `parent` (IFLA_LINK): required, optional, or not at all. */
  readonly parent: 'required' | 'optional' | 'none';
  /** Option names whose value is a {@link LinkRef} to resolve to an ifindex before encoding. */
  readonly refs: readonly string[];
  /**
   * Check the kind's own options (unknown names are rejected before this is
   * called). Throws TypeError/RangeError naming `path + option`.
   */
  validate(spec: Readonly<Record<string, unknown>>, ctx: ValidateContext, path: string): void;
  /** The IFLA_INFO_DATA attributes for validated options (`data` absent when there is nothing to send). */
  encode(spec: Readonly<Record<string, unknown>>, env: EncodeEnv): { data?: RawAttrs };
  /** Friendly fields from the IFLA_INFO_DATA of a kernel reply. */
  decode(data: RawAttrs, k: ConstantLookup): I;
  /** Type-level only (never set): the `add` options of the kind. */
  readonly __add?: A;
  /** Type-level only (never set): the `set` options of the kind. */
  readonly __set?: S;
}

/**
 * The module of a kind with no options and no IFLA_INFO_DATA (ifb, dummy):
 * nothing to check, send or decode.
 */
export function optionlessKind<K extends string, A extends object>(kind: K): KindModule<K, A, Record<never, never>, Record<never, never>> {
  return {
    kind,
    options: [],
    setOptions: [],
    parent: 'none',
    refs: [],
    validate: () => undefined,
    encode: () => ({}),
    decode: () => ({}),
  };
}

/** A kind module with its type parameters erased, as the registry stores them. */
export type AnyKindModule = KindModule<string, object, object, object>;

// ---------------------------------------------------------------------------
// Messages

/** Render a value for an error message: strings quoted, objects by type. */
export function show(v: unknown): string {
  if (typeof v === 'string') {
    const body = JSON.stringify(v).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
    return `'${body}'`;
  }
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'boolean' || v === undefined || v === null) return String(v);
  if (Buffer.isBuffer(v)) return 'a Buffer';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  return 'an object';
}

/** Join a path prefix ('peer') and a field name ('name') into 'peer.name'. */
export function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

/** Throw a TypeError "OP: PATH: MESSAGE" (wrong type, unparsable text, unknown field). */
export function typeError(ctx: ValidateContext, path: string, message: string): never {
  throw new TypeError(`${ctx.op}: ${path}: ${message}`);
}

/** Throw a RangeError "OP: PATH: MESSAGE" (right type, value not allowed). */
export function rangeError(ctx: ValidateContext, path: string, message: string): never {
  throw new RangeError(`${ctx.op}: ${path}: ${message}`);
}

// ---------------------------------------------------------------------------
// Checkers. Each one throws naming `path`, or returns the value typed.

/** A plain object (not null, an array or a Buffer). */
export function checkObject(ctx: ValidateContext, path: string, v: unknown): Readonly<Record<string, unknown>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Buffer.isBuffer(v)) {
    typeError(ctx, path, `must be an object, got ${show(v)}`);
  }
  return v as Record<string, unknown>;
}

/**
 * The names of the fields of `obj` that are set (an `undefined` value counts
 * as absent, the usual convention for optional fields).
 */
export function presentKeys(obj: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(obj).filter((key) => obj[key] !== undefined);
}

/** Reject any set field of `obj` not in `allowed`, with `why(key)` as the message. */
export function checkKnownKeys(
  ctx: ValidateContext,
  prefix: string,
  obj: Readonly<Record<string, unknown>>,
  allowed: ReadonlySet<string>,
  why: (key: string) => string = () => 'unknown option',
): void {
  for (const key of presentKeys(obj)) {
    if (!allowed.has(key)) typeError(ctx, join(prefix, key), why(key));
  }
}

/** Throw "is required" when `v` is undefined. */
export function checkRequired(ctx: ValidateContext, path: string, v: unknown): void {
  if (v === undefined) typeError(ctx, path, 'is required');
}

/** An integer in min..max (TypeError for non-numbers, RangeError otherwise). */
export function checkInt(ctx: ValidateContext, path: string, v: unknown, min: number, max: number): number {
  const message = `must be an integer ${min}..${max}, got ${show(v)}`;
  if (typeof v !== 'number') typeError(ctx, path, message);
  if (!Number.isInteger(v) || v < min || v > max) rangeError(ctx, path, message);
  return v;
}

/** An unsigned 32-bit integer. */
export function checkU32(ctx: ValidateContext, path: string, v: unknown, min = 0): number {
  return checkInt(ctx, path, v, min, 0xffffffff);
}

/** `true` or `false`. */
export function checkBool(ctx: ValidateContext, path: string, v: unknown): boolean {
  if (typeof v !== 'boolean') typeError(ctx, path, `must be a boolean, got ${show(v)}`);
  return v;
}

/** One of a fixed set of words (TypeError for non-strings, RangeError for other words). */
export function checkOneOf<T extends string>(ctx: ValidateContext, path: string, v: unknown, words: readonly T[]): T {
  const message = `must be one of ${words.map((w) => `'${w}'`).join(', ')}, got ${show(v)}`;
  if (typeof v !== 'string') typeError(ctx, path, message);
  if (!(words as readonly string[]).includes(v)) rangeError(ctx, path, message);
  return v as T;
}

/** A string of at most `maxBytes` UTF-8 bytes without NUL. */
export function checkString(ctx: ValidateContext, path: string, v: unknown, maxBytes: number): string {
  if (typeof v !== 'string') typeError(ctx, path, `must be a string, got ${show(v)}`);
  const bytes = Buffer.byteLength(v);
  if (bytes > maxBytes) rangeError(ctx, path, `must be at most ${maxBytes} bytes, got ${bytes}`);
  if (v.includes('\0')) rangeError(ctx, path, `must not contain NUL, got ${show(v)}`);
  return v;
}

/** IFNAMSIZ - 1: the longest interface name. */
export const IFNAME_MAX = 15;
/** ALTIFNAMSIZ - 1: the longest alternative name (names longer than IFNAME_MAX are looked up as altnames). */
export const ALTNAME_MAX = 127;

/**
 * An interface name as the kernel's dev_valid_name() accepts it: 1..max
 * bytes, not '.' or '..', no '/', ':', whitespace or NUL.
 */
export function checkIfname(ctx: ValidateContext, path: string, v: unknown, max = IFNAME_MAX): string {
  if (typeof v !== 'string') typeError(ctx, path, `must be a string, got ${show(v)}`);
  const bytes = Buffer.byteLength(v);
  if (bytes < 1 || bytes > max) rangeError(ctx, path, `must be 1..${max} bytes, got ${bytes} (${show(v)})`);
  if (v === '.' || v === '..') rangeError(ctx, path, `must not be '.' or '..'`);
  if (/[/:\s\0]/.test(v)) rangeError(ctx, path, `must not contain '/', ':', whitespace or NUL, got ${show(v)}`);
  return v;
}

/** A {@link LinkRef}: an ifindex 1..2147483647 or a name (up to 127 bytes, alternative names included). */
export function checkLinkRef(ctx: ValidateContext, path: string, v: unknown): LinkRef {
  if (typeof v === 'number') return checkInt(ctx, path, v, 1, 0x7fffffff);
  if (typeof v === 'string') return checkIfname(ctx, path, v, ALTNAME_MAX);
  return typeError(ctx, path, `must be an interface name or an ifindex, got ${show(v)}`);
}

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/**
 * A MAC address "aa:bb:cc:dd:ee:ff" (six two-digit hex octets). With
 * `unicast`, also not multicast and not all zeros (the kernel's
 * is_valid_ether_addr()). Returns it in lower case.
 */
export function checkMac(ctx: ValidateContext, path: string, v: unknown, unicast: boolean): string {
  if (typeof v !== 'string') typeError(ctx, path, `must be a MAC address string like 'aa:bb:cc:dd:ee:ff', got ${show(v)}`);
  if (!MAC_RE.test(v)) typeError(ctx, path, `not a MAC address: ${show(v)}`);
  const mac = v.toLowerCase();
  if (unicast) {
    if ((parseInt(mac.slice(0, 2), 16) & 1) !== 0) rangeError(ctx, path, `must be a unicast MAC address, got ${show(v)}`);
    if (mac === '00:00:00:00:00:00') rangeError(ctx, path, `must not be all zeros`);
  }
  return mac;
}

/** An IP address and its family. */
export interface ParsedIp {
  /** The address as given (text). */
  addr: string;
  /** 4 or 6. */
  family: 4 | 6;
}

/** An IPv4 or IPv6 address in text form (restricted to one family when `family` is given). */
export function checkIp(ctx: ValidateContext, path: string, v: unknown, family?: 4 | 6): ParsedIp {
  const what = family === 4 ? 'an IPv4 address' : family === 6 ? 'an IPv6 address' : 'an IP address';
  if (typeof v !== 'string') typeError(ctx, path, `must be ${what} string, got ${show(v)}`);
  const f = isIPv4(v) ? 4 : isIPv6(v) ? 6 : undefined;
  if (f === undefined || (family !== undefined && f !== family)) typeError(ctx, path, `not ${what}: ${show(v)}`);
  return { addr: v, family: f };
}

/** True for 224.0.0.0/4 and ff00::/8. */
export function isMulticastIp(ip: ParsedIp): boolean {
  if (ip.family === 4) {
    const first = Number(ip.addr.split('.')[0]);
    return first >= 224 && first <= 239;
  }
  return /^ff/i.test(ip.addr);
}

/**
 * A duration in seconds (fractional allowed) for a kernel field in clock_t
 * units, USER_HZ = 100 per second. Returns centiseconds, rounded.
 */
export function checkSeconds(ctx: ValidateContext, path: string, v: unknown, min: number, max: number): number {
  const message = `must be a number of seconds ${min}..${max}, got ${show(v)}`;
  if (typeof v !== 'number') typeError(ctx, path, message);
  if (!Number.isFinite(v) || v < min || v > max) rangeError(ctx, path, message);
  return Math.round(v * 100);
}

/** The largest number of seconds a u32 clock_t (centiseconds) holds. */
export const CLOCK_U32_MAX_SECONDS = 42949672.95;

/** A {@link NetnsTarget}: a NetNs handle (anything with an `fd`) or `{ pid }`. */
export function checkNetns(ctx: ValidateContext, path: string, v: unknown): NetnsTarget {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    if ('pid' in v) {
      checkInt(ctx, join(path, 'pid'), (v as { pid: unknown }).pid, 1, 0x7fffffff);
      return v as { pid: number };
    }
    if ('fd' in v) return v as NetNs;
  }
  return typeError(ctx, path, `must be a NetNs handle or { pid }, got ${show(v)}`);
}

/** Whether two namespace targets certainly name the same namespace (same handle, or same pid). */
export function sameNetns(a: NetnsTarget | undefined, b: NetnsTarget | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a === b) return true;
  if ('pid' in a && 'pid' in b) return a.pid === b.pid;
  return false;
}

/** The attributes that move or create a link in a namespace: netNsFd or netNsPid. */
export function encodeNetns(target: NetnsTarget): RawAttrs {
  if ('pid' in target) return { netNsPid: target.pid };
  return { netNsFd: target.fd };
}

/** The IN6_ADDR_GEN_MODE_* constant name of each {@link AddrGenMode}. */
export const ADDR_GEN_MODES: ReadonlyArray<readonly [AddrGenMode, string]> = [
  ['eui64', 'IN6_ADDR_GEN_MODE_EUI64'],
  ['none', 'IN6_ADDR_GEN_MODE_NONE'],
  ['stable-privacy', 'IN6_ADDR_GEN_MODE_STABLE_PRIVACY'],
  ['random', 'IN6_ADDR_GEN_MODE_RANDOM'],
];

/** `afSpec` carrying an IPv6 address generation mode. */
export function encodeAddrGenMode(mode: AddrGenMode, k: ConstantLookup): RawAttrs {
  const name = ADDR_GEN_MODES.find(([m]) => m === mode)?.[1] ?? 'IN6_ADDR_GEN_MODE_EUI64';
  return { inet6: { addrGenMode: k(name) } };
}

/** Boolean as the kernel's u8 0/1 attributes take it. */
export function u8(b: boolean): number {
  return b ? 1 : 0;
}

// ---------------------------------------------------------------------------
// Decoding helpers: tolerant of a codec that hands numbers as bigint, flags as
// `true`, or leaves attributes out.

/** A number from a decoded integer (bigint narrowed), else undefined. */
export function dNum(v: RawValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** A boolean from a u8 0/1 attribute or a flag; undefined when absent. */
export function dBool(v: RawValue | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  const n = dNum(v);
  return n === undefined ? undefined : n !== 0;
}

/** A string from a decoded string attribute (addresses included), else undefined. */
export function dStr(v: RawValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A nested attribute set, else undefined. */
export function dNest(v: RawValue | undefined): RawAttrs | undefined {
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v)) return v as RawAttrs;
  return undefined;
}

/** A constant, or undefined if the addon does not export it (decoding never fails on that). */
export function tryK(k: ConstantLookup, name: string): number | undefined {
  try {
    return k(name);
  } catch {
    return undefined;
  }
}

/** The word whose constant equals `v` ([word, CONSTANT_NAME] pairs), or the number itself if none does. */
export function dEnum<T extends string>(
  k: ConstantLookup,
  pairs: ReadonlyArray<readonly [T, string]>,
  v: RawValue | undefined,
): T | number | undefined {
  const n = dNum(v);
  if (n === undefined) return undefined;
  for (const [word, name] of pairs) if (tryK(k, name) === n) return word;
  return n;
}

/** The constant of the word `word` in `pairs`. */
export function kOf<T extends string>(k: ConstantLookup, pairs: ReadonlyArray<readonly [T, string]>, word: T): number {
  const name = pairs.find(([w]) => w === word)?.[1];
  if (name === undefined) throw new Error(`netloom: no constant for '${word}'`);
  return k(name);
}

/** The words of an enum table. */
export function wordsOf<T extends string>(pairs: ReadonlyArray<readonly [T, string]>): T[] {
  return pairs.map(([w]) => w);
}

// ---------------------------------------------------------------------------
// Table-driven options: most kind options map one friendly option to one
// attribute. A table of {@link Field}s validates, encodes and decodes them.

/** One friendly option mapped to one attribute of a kind's data. */
export type Field =
  /** A boolean sent as a u8 (or u32) 0/1 attribute. */
  | { readonly option: string; readonly attr: string; readonly type: 'bool' }
  /** A boolean sent as an NLA_FLAG: present when true, absent when false. */
  | { readonly option: string; readonly attr: string; readonly type: 'flag' }
  /** An integer in min..max, sent as is. */
  | { readonly option: string; readonly attr: string; readonly type: 'int'; readonly min: number; readonly max: number }
  /** Seconds (fractional allowed) sent as clock_t centiseconds (USER_HZ = 100). */
  | { readonly option: string; readonly attr: string; readonly type: 'seconds'; readonly min: number; readonly max: number }
  /** A word sent as the value of the kernel constant it names. */
  | { readonly option: string; readonly attr: string; readonly type: 'enum'; readonly pairs: ReadonlyArray<readonly [string, string]> };

/** A boolean option sent as a u8/u32 0/1 attribute. */
export function boolField(option: string, attr: string = option): Field {
  return { option, attr, type: 'bool' };
}
/** A boolean option sent as an NLA_FLAG attribute (only `true` is sent). */
export function flagField(option: string, attr: string = option): Field {
  return { option, attr, type: 'flag' };
}
/** An integer option in min..max. */
export function intField(option: string, attr: string, min: number, max: number): Field {
  return { option, attr, type: 'int', min, max };
}
/** A duration option in seconds, sent as clock_t centiseconds. */
export function secondsField(option: string, attr: string, min: number, max: number): Field {
  return { option, attr, type: 'seconds', min, max };
}
/** A word option sent as a kernel constant. */
export function enumField(option: string, attr: string, pairs: ReadonlyArray<readonly [string, string]>): Field {
  return { option, attr, type: 'enum', pairs };
}

/** Validate the set fields of `spec` that `fields` describe. */
export function validateFields(spec: Readonly<Record<string, unknown>>, fields: readonly Field[], ctx: ValidateContext, path: string): void {
  for (const f of fields) {
    const v = spec[f.option];
    if (v === undefined) continue;
    const p = join(path, f.option);
    switch (f.type) {
      case 'bool':
      case 'flag':
        checkBool(ctx, p, v);
        break;
      case 'int':
        checkInt(ctx, p, v, f.min, f.max);
        break;
      case 'seconds':
        checkSeconds(ctx, p, v, f.min, f.max);
        break;
      case 'enum':
        checkOneOf(ctx, p, v, wordsOf(f.pairs));
        break;
    }
  }
}

/** Encode the set fields of a validated `spec` that `fields` describe into `out`. */
export function encodeFields(spec: Readonly<Record<string, unknown>>, fields: readonly Field[], k: ConstantLookup, out: RawAttrs): void {
  for (const f of fields) {
    const v = spec[f.option];
    if (v === undefined) continue;
    switch (f.type) {
      case 'bool':
        out[f.attr] = u8(v as boolean);
        break;
      case 'flag':
        if (v === true) out[f.attr] = true;
        break;
      case 'int':
        out[f.attr] = v as number;
        break;
      case 'seconds':
        out[f.attr] = Math.round((v as number) * 100);
        break;
      case 'enum':
        out[f.attr] = kOf(k, f.pairs, v as string);
        break;
    }
  }
}

/** Decode the attributes `fields` describe into friendly options (absent attributes stay absent). */
export function decodeFields(data: RawAttrs, fields: readonly Field[], k: ConstantLookup): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = data[f.attr];
    if (f.type === 'flag') {
      out[f.option] = v !== undefined && v !== false && v !== 0;
      continue;
    }
    if (v === undefined) continue;
    switch (f.type) {
      case 'bool':
        out[f.option] = dBool(v);
        break;
      case 'int':
        out[f.option] = dNum(v);
        break;
      case 'seconds': {
        const n = dNum(v);
        if (n !== undefined) out[f.option] = n / 100;
        break;
      }
      case 'enum':
        out[f.option] = dEnum(k, f.pairs, v);
        break;
    }
  }
  return out;
}

/** The option names of a field table. */
export function optionsOf(fields: readonly Field[]): string[] {
  return fields.map((f) => f.option);
}

// ---------------------------------------------------------------------------
// The basic link attributes, shared by the link itself and a veth peer.

/** The MTU range netloom accepts for the Ethernet-like kinds it knows. */
export const MTU_RANGE: readonly [number, number] = [68, 65535];

/** The basic fields {@link validateBasics} checks and {@link encodeBasics} encodes. */
export const BASIC_FIELDS: readonly string[] = [
  'name',
  'mtu',
  'mac',
  'broadcast',
  'txqlen',
  'up',
  'group',
  'netns',
  'numTxQueues',
  'numRxQueues',
  'addrGenMode',
];

/**
 * Check the basic link fields of `spec` that are set: name, mtu, mac,
 * broadcast, txqlen, up, group, netns, numTxQueues, numRxQueues, addrGenMode.
 */
export function validateBasics(
  spec: Readonly<Record<string, unknown>>,
  ctx: ValidateContext,
  path: string,
  mtu: readonly [number, number] = MTU_RANGE,
): void {
  if (spec.name !== undefined) checkIfname(ctx, join(path, 'name'), spec.name);
  if (spec.mtu !== undefined) checkInt(ctx, join(path, 'mtu'), spec.mtu, mtu[0], mtu[1]);
  if (spec.mac !== undefined) checkMac(ctx, join(path, 'mac'), spec.mac, true);
  if (spec.broadcast !== undefined) checkMac(ctx, join(path, 'broadcast'), spec.broadcast, false);
  if (spec.txqlen !== undefined) checkU32(ctx, join(path, 'txqlen'), spec.txqlen);
  if (spec.up !== undefined) checkBool(ctx, join(path, 'up'), spec.up);
  if (spec.group !== undefined) checkU32(ctx, join(path, 'group'), spec.group);
  if (spec.netns !== undefined) checkNetns(ctx, join(path, 'netns'), spec.netns);
  if (spec.numTxQueues !== undefined) checkInt(ctx, join(path, 'numTxQueues'), spec.numTxQueues, 1, 4096);
  if (spec.numRxQueues !== undefined) checkInt(ctx, join(path, 'numRxQueues'), spec.numRxQueues, 1, 4096);
  if (spec.addrGenMode !== undefined) checkOneOf(ctx, join(path, 'addrGenMode'), spec.addrGenMode, wordsOf(ADDR_GEN_MODES));
}

/** The ifinfomsg flag bits and attributes of validated basic fields. */
export interface EncodedBasics {
  /** ifi_flags: the bits to set. */
  ifiFlags: number;
  /** ifi_change: the bits to change. */
  ifiChange: number;
  /** The attributes. */
  attrs: RawAttrs;
}

/** Encode the basic fields of a validated `spec` (see {@link validateBasics}). */
export function encodeBasics(spec: Readonly<Record<string, unknown>>, k: ConstantLookup): EncodedBasics {
  const attrs: RawAttrs = {};
  let ifiFlags = 0;
  let ifiChange = 0;
  if (typeof spec.name === 'string') attrs.ifname = spec.name;
  if (typeof spec.mtu === 'number') attrs.mtu = spec.mtu;
  if (typeof spec.mac === 'string') attrs.address = spec.mac.toLowerCase();
  if (typeof spec.broadcast === 'string') attrs.broadcast = spec.broadcast.toLowerCase();
  if (typeof spec.txqlen === 'number') attrs.txqlen = spec.txqlen;
  if (typeof spec.up === 'boolean') {
    const up = k('IFF_UP');
    ifiChange |= up;
    if (spec.up) ifiFlags |= up;
  }
  if (typeof spec.group === 'number') attrs.group = spec.group;
  if (spec.netns !== undefined) Object.assign(attrs, encodeNetns(spec.netns as NetnsTarget));
  if (typeof spec.numTxQueues === 'number') attrs.numTxQueues = spec.numTxQueues;
  if (typeof spec.numRxQueues === 'number') attrs.numRxQueues = spec.numRxQueues;
  if (typeof spec.addrGenMode === 'string') attrs.afSpec = encodeAddrGenMode(spec.addrGenMode as AddrGenMode, k);
  return { ifiFlags: ifiFlags >>> 0, ifiChange: ifiChange >>> 0, attrs };
}
