/**
 * The pure half of the link API (link.ts is the I/O half): checking what
 * callers pass, building the rtnetlink messages of lib/native.ts from the
 * friendly descriptions, and decoding kernel replies into {@link Link}s.
 *
 * Nothing here loads the native addon: kernel constants come in as a
 * {@link ConstantLookup} argument and LinkRefs that need an ifindex come in
 * already resolved, so every function can be tested with plain tables.
 * @module
 */
import type { RawAttrs, RawMessage, RawReply, RawValue } from '../../netlink/native.js';
import { NetlinkError } from '../../netlink/errors.js';
import {
  type AddrGenMode,
  ADDR_GEN_MODES,
  COMMON_ADD_OPTIONS,
  COMMON_SET_OPTIONS,
  CREATE_ONLY_FIELDS,
  MTU_RANGE,
  SET_SWITCHES,
  encodeAddrGenMode,
  encodeBasics,
  encodeNetns,
  validateBasics,
} from './basics.js';
import type { ConstantLookup, EncodeEnv, LinkRef, NetnsTarget, ValidateContext } from './kinds/kind.js';
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
import { dBool, dEnum, dNest, dNum, dStr, tryK, u8 } from './kinds/attr-values.js';
import { type BridgePortInfo, type BridgePortOptions, decodeBridgePort, encodeBridgePort, validateBridgePort } from './kinds/bridge.js';
import {
  type AnyLinkAddOptions,
  type KindInfoMap,
  type KindSetOptionsMap,
  type KnownKind,
  KINDS,
  KNOWN_KINDS,
  kindModule,
} from './kinds/index.js';

export type { ConstantLookup } from './kinds/kind.js';

// ---------------------------------------------------------------------------
// Public option types

/** Changes `nl.link.set` applies to any link. */
export interface LinkCommonSetOptions {
  /** Rename the link (`ip link set X name NEW`). The link must be down. */
  name?: string;
  /** MTU (`mtu N`); the kernel checks it against the device's min/max. */
  mtu?: number;
  /** Link-layer address (`address MAC`), unicast. */
  mac?: string;
  /** Link-layer broadcast address (`broadcast MAC`). */
  broadcast?: string;
  /** Transmit queue length (`txqueuelen N`). */
  txqlen?: number;
  /** Administratively up or down (`up` / `down`: IFF_UP). */
  up?: boolean;
  /** Promiscuous mode (`promisc on|off`: IFF_PROMISC). */
  promisc?: boolean;
  /** Receive all multicast (`allmulticast on|off`: IFF_ALLMULTI). */
  allmulticast?: boolean;
  /** ARP on or off (`arp on|off`: IFF_NOARP cleared/set). */
  arp?: boolean;
  /** Multicast capable (`multicast on|off`: IFF_MULTICAST). */
  multicast?: boolean;
  /** Enslave to a bridge/bond/VRF (`master DEV`), or `null` to release (`nomaster`: IFLA_MASTER 0). */
  master?: LinkRef | null;
  /** Link group (`group N`). */
  group?: number;
  /** Interface alias (`alias TEXT`); `''` clears it. At most 254 bytes. */
  alias?: string;
  /** Move the link to another namespace (`netns NS` / `netns PID`). */
  netns?: NetnsTarget;
  /** IPv6 link-local address generation (`addrgenmode MODE`). */
  addrGenMode?: AddrGenMode;
  /** Carrier on/off for devices that let user space set it, such as dummy (`carrier on|off`). */
  carrier?: boolean;
  /** Protocol down (`protodown on|off`). */
  protoDown?: boolean;
  /** Bridge port options, for a link enslaved to a bridge (`type bridge_slave ...`). */
  bridgePort?: BridgePortOptions;
}

/**
 * The kind part of `nl.link.set` changes: nothing, or `kind: K` together with
 * the kind options the kernel lets `set` change (`ip link set X type K ...`),
 * or for a kind netloom has no table for, `kind` and raw `data`.
 */
export type LinkSetKindPart<K extends string> = [K] extends [never]
  ? { kind?: undefined }
  : K extends KnownKind
    ? { kind: K } & KindSetOptionsMap[K]
    : { kind: K; data?: RawAttrs };

/** What `nl.link.set(link, changes)` takes. */
export type LinkSetOptions<K extends string = never> = LinkCommonSetOptions & { kind?: K } & LinkSetKindPart<K>;

/** What `list`/`dump` can filter on. All given conditions must hold. */
export interface LinkFilter {
  /** Only links of this kind (IFLA_INFO_KIND); also sent to the kernel. */
  kind?: string;
  /** Only ports of this master (also sent to the kernel), or with `null` only links without a master. */
  master?: LinkRef | null;
  /** Only links in this group. */
  group?: number;
  /** Only links that are administratively up (true) or down (false). */
  up?: boolean;
  /** Only links whose name starts with this. */
  namePrefix?: string;
}

// ---------------------------------------------------------------------------
// Decoded links

/** Interface flags by their `ip link` names (open: unknown bits show as hex). */
export type LinkFlag =
  | 'up'
  | 'broadcast'
  | 'debug'
  | 'loopback'
  | 'pointopoint'
  | 'notrailers'
  | 'running'
  | 'noarp'
  | 'promisc'
  | 'allmulti'
  | 'master'
  | 'slave'
  | 'multicast'
  | 'portsel'
  | 'automedia'
  | 'dynamic'
  | 'lower-up'
  | 'dormant'
  | 'echo'
  | (string & {});

/** RFC 2863 operational state (IFLA_OPERSTATE), as `ip link` prints it in lower case. */
export type OperState = 'unknown' | 'notpresent' | 'down' | 'lowerlayerdown' | 'testing' | 'dormant' | 'up';

/** Interface counters (IFLA_STATS64), as numbers. */
export interface LinkStats {
  rxPackets: number;
  txPackets: number;
  rxBytes: number;
  txBytes: number;
  rxErrors: number;
  txErrors: number;
  rxDropped: number;
  txDropped: number;
  multicast: number;
  collisions: number;
  rxLengthErrors: number;
  rxOverErrors: number;
  rxCrcErrors: number;
  rxFrameErrors: number;
  rxFifoErrors: number;
  rxMissedErrors: number;
  txAbortedErrors: number;
  txCarrierErrors: number;
  txFifoErrors: number;
  txHeartbeatErrors: number;
  txWindowErrors: number;
  rxCompressed: number;
  txCompressed: number;
  rxNohandler: number;
  /** Newer kernels only. */
  rxOtherhostDropped?: number;
}

/** What every decoded link has, whatever its kind. */
export interface LinkBase {
  /** The ifindex. */
  ifindex: number;
  /** The interface name. */
  name: string;
  /** ARPHRD_* hardware type (1 Ethernet, 772 loopback, ...). */
  type: number;
  /** Interface flags by name: 'up', 'broadcast', 'lower-up', ... */
  flags: LinkFlag[];
  /** IFF_UP: administratively up. */
  up: boolean;
  /** IFF_RUNNING. */
  running: boolean;
  /** IFF_LOWER_UP: carrier. */
  lowerUp: boolean;
  /** Operational state. A number if unknown to netloom. */
  operstate: OperState | number | undefined;
  /** MTU. */
  mtu: number | undefined;
  /** The device's minimum MTU. */
  minMtu: number | undefined;
  /** The device's maximum MTU. */
  maxMtu: number | undefined;
  /** Link-layer address. */
  mac: string | undefined;
  /** Link-layer broadcast address. */
  broadcast: string | undefined;
  /** Permanent hardware address, when the device has one. */
  permMac: string | undefined;
  /** Transmit queue length. */
  txqlen: number | undefined;
  /** Link group (0 is the default group). */
  group: number | undefined;
  /** Interface alias. */
  alias: string | undefined;
  /** The master's ifindex (bridge, bond, VRF). */
  master: number | undefined;
  /** IFLA_LINK: the parent's ifindex; for a veth, the peer's. Lives in `linkNetnsid`'s namespace when that is set. */
  parent: number | undefined;
  /** The namespace id (in this namespace's numbering) where the parent/peer lives, when elsewhere. */
  linkNetnsid: number | undefined;
  /** Promiscuity count. */
  promiscuity: number | undefined;
  /** All-multicast count. */
  allmulti: number | undefined;
  /** Transmit queues. */
  numTxQueues: number | undefined;
  /** Receive queues. */
  numRxQueues: number | undefined;
  /** Carrier state. */
  carrier: boolean | undefined;
  /** Carrier changes so far. */
  carrierChanges: number | undefined;
  /** Queueing discipline. */
  qdisc: string | undefined;
  /** Alternative names. */
  altnames: string[];
  /** Counters. */
  stats: LinkStats | undefined;
  /** IPv6 address generation mode (a number if unknown to netloom). */
  addrGenMode: AddrGenMode | number | undefined;
  /** The master's kind as seen from the port ('bridge', 'bond', ...), for ports. */
  portKind: string | undefined;
  /** Bridge port details, for bridge ports. */
  bridgePort: BridgePortInfo | undefined;
  /** Everything the kernel sent, unknown attributes included. */
  raw: RawReply;
}

/** A decoded link of a known kind. */
export type KnownKindLink<K extends KnownKind> = LinkBase & { kind: K } & KindInfoMap[K];

type KindFieldName = { [K in KnownKind]: keyof KindInfoMap[K] }[KnownKind];

/**
 * A link of a kind netloom has no table for (`data` raw), or with no kind at
 * all (`kind: undefined`: lo, physical NICs). The known kinds' fields are
 * typed `undefined` here so that after `if (link.kind === 'bridge')` they
 * read as `T | undefined`; use {@link isLinkKind} to narrow fully.
 */
export type OtherLink = LinkBase & {
  /** The IFLA_INFO_KIND string, or undefined when the link has no IFLA_LINKINFO. */
  kind: string | undefined;
  /** IFLA_INFO_DATA as decoded by the native codec. */
  data?: RawAttrs;
} & { readonly [P in Exclude<KindFieldName, keyof LinkBase | 'kind' | 'data'>]?: undefined };

/** A decoded link: a union discriminated on `kind`. */
export type Link = { [K in KnownKind]: KnownKindLink<K> }[KnownKind] | OtherLink;

/** Narrow a {@link Link} to one known kind. */
export function isLinkKind<K extends KnownKind>(link: Link, kind: K): link is Extract<Link, { kind: K }> {
  return link.kind === kind;
}

/** A request ready for RtnlSocket.request: message type, extra flags, message. */
export interface LinkRequest {
  /** RTM_* message type. */
  type: number;
  /** NLM_F_* flags beyond REQUEST|ACK (which the native layer adds). */
  flags: number;
  /** The message. */
  msg: RawMessage;
}

/** A LinkRef option that must become an ifindex before the message is built. */
export interface RefToResolve {
  /** The option's path ('master', 'parent', 'dev', 'bridgePort.backupPort', 'link'): the key in `resolved`. */
  path: string;
  /** The name or ifindex given. */
  ref: LinkRef;
}

// ---------------------------------------------------------------------------
// Validation

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

// ---------------------------------------------------------------------------
// References to resolve

/** The LinkRef options of validated `add` options (master, parent, kind refs such as vxlan `dev`). */
export function addRefs(spec: AnyLinkAddOptions): RefToResolve[] {
  const s = spec as unknown as Readonly<Record<string, unknown>>;
  const out: RefToResolve[] = [];
  for (const path of ['master', 'parent', ...(kindModule(spec.kind)?.refs ?? [])]) {
    const ref = s[path];
    if (ref !== undefined) out.push({ path, ref: ref as LinkRef });
  }
  return out;
}

/**
 * The LinkRef options of validated `set` changes. A rename of a link given
 * by name also needs the link's ifindex (`path: 'link'`): the kernel would
 * take IFLA_IFNAME as the new name, not as the link to change.
 */
export function setRefs(link: LinkRef, changes: LinkSetOptions<string>): RefToResolve[] {
  const c = changes as unknown as Readonly<Record<string, unknown>>;
  const out: RefToResolve[] = [];
  if (typeof link === 'string' && c.name !== undefined && c.name !== link) out.push({ path: 'link', ref: link });
  if (c.master !== undefined && c.master !== null) out.push({ path: 'master', ref: c.master as LinkRef });
  const backup = (c.bridgePort as Record<string, unknown> | undefined)?.backupPort;
  if (backup !== undefined && backup !== null) out.push({ path: 'bridgePort.backupPort', ref: backup as LinkRef });
  const kind = typeof c.kind === 'string' ? kindModule(c.kind) : undefined;
  for (const path of kind?.refs ?? []) {
    const ref = c[path];
    if (ref !== undefined) out.push({ path, ref: ref as LinkRef });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Building messages

function header(k: ConstantLookup, ifiIndex = 0, ifiFlags = 0, ifiChange = 0): Record<string, number> {
  return { ifiFamily: k('AF_UNSPEC'), ifiType: 0, ifiIndex, ifiFlags: ifiFlags >>> 0, ifiChange: ifiChange >>> 0 };
}

function refIndex(resolved: Readonly<Record<string, number>>, path: string, ref: unknown): number {
  const v = resolved[path] ?? (typeof ref === 'number' ? ref : undefined);
  if (v === undefined) throw new Error(`netloom: ${path} was not resolved to an ifindex`);
  return v;
}

/**
 * Where an existing link goes in a request: a number in ifi_index, a name in
 * IFLA_IFNAME (IFLA_ALT_IFNAME beyond 15 bytes); the kernel looks names up
 * itself, so no round trip is needed.
 */
export function linkTarget(link: LinkRef): { ifiIndex: number; attrs: RawAttrs } {
  if (typeof link === 'number') return { ifiIndex: link, attrs: {} };
  return { ifiIndex: 0, attrs: Buffer.byteLength(link) > IFNAME_MAX ? { altIfname: link } : { ifname: link } };
}

/**
 * The RTM_NEWLINK (NLM_F_CREATE | NLM_F_EXCL) request of validated `add`
 * options. `resolved` maps the paths of {@link addRefs} to ifindexes
 * (numbers given as refs may be left out).
 *
 * Left out, for {@link buildAddFollowUps}: `alias` and `addrGenMode`, which
 * the kernel takes only on an existing link (it ignores IFLA_IFALIAS at
 * creation and refuses IFLA_AF_SPEC with EAFNOSUPPORT), and `up` of an end
 * that has `addrGenMode`, so that it comes up with the mode already set
 * (for 'none': no link-local address, no DAD, no MLD).
 */
export function buildAddMessage(spec: AnyLinkAddOptions, resolved: Readonly<Record<string, number>>, k: ConstantLookup): LinkRequest {
  const s = spec as unknown as Readonly<Record<string, unknown>>;
  const b = encodeBasics(withoutDeferred(s), k);
  const attrs = b.attrs;
  if (s.master !== undefined) attrs.master = refIndex(resolved, 'master', s.master);
  if (s.parent !== undefined) attrs.link = refIndex(resolved, 'parent', s.parent);
  const mod = kindModule(spec.kind);
  const linkinfo: RawAttrs = { kind: spec.kind };
  if (mod) {
    const env: EncodeEnv = { k, resolved, mode: 'add' };
    const peer = s.peer as Readonly<Record<string, unknown>> | undefined;
    const { data } = mod.encode(peer === undefined ? s : { ...s, peer: withoutDeferredPeer(peer) }, env);
    if (data !== undefined) linkinfo.data = data;
  } else if (s.data !== undefined) {
    linkinfo.data = s.data as RawAttrs;
  }
  attrs.linkinfo = linkinfo;
  return {
    type: k('RTM_NEWLINK'),
    flags: k('NLM_F_CREATE') | k('NLM_F_EXCL'),
    msg: { header: header(k, 0, b.ifiFlags, b.ifiChange), attrs },
  };
}

/** `spec` without the fields that go in a follow-up request (see {@link buildAddMessage}). */
function withoutDeferred(spec: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  if (spec.addrGenMode === undefined) return spec;
  const { addrGenMode: _mode, up: _up, ...rest } = spec;
  return rest;
}

/**
 * A veth peer without what cannot go in the create request: its
 * `addrGenMode` (as for any link) and its `up`. The kernel configures the
 * peer before the pair is joined, so IFF_UP there fails in veth_open with
 * ENOTCONN; {@link buildPeerFollowUp} brings it up right after.
 */
function withoutDeferredPeer(peer: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const { addrGenMode: _mode, up: _up, ...rest } = peer;
  return rest;
}

function followUp(name: string, end: Readonly<Record<string, unknown>>, k: ConstantLookup, deferredUp = false): LinkRequest | undefined {
  const attrs: RawAttrs = {};
  let flags = 0;
  let change = 0;
  if (typeof end.alias === 'string') attrs.ifalias = end.alias;
  if (typeof end.addrGenMode === 'string') attrs.afSpec = encodeAddrGenMode(end.addrGenMode as AddrGenMode, k);
  if ((deferredUp || attrs.afSpec !== undefined) && typeof end.up === 'boolean') {
    change = k('IFF_UP');
    flags = end.up ? change : 0;
  }
  if (Object.keys(attrs).length === 0 && change === 0) return undefined;
  const t = linkTarget(name);
  return { type: k('RTM_NEWLINK'), flags: 0, msg: { header: header(k, t.ifiIndex, flags, change), attrs: { ...t.attrs, ...attrs } } };
}

/**
 * The RTM_NEWLINK requests (no NLM_F_CREATE) that finish `add` in this
 * namespace, by name: the link's alias, addrGenMode and deferred `up`
 * (a veth peer's come from {@link buildPeerFollowUp}). Empty when there is
 * nothing left to do. Validation guarantees the link is reachable here (no
 * `netns` where these are used).
 */
export function buildAddFollowUps(spec: AnyLinkAddOptions, k: ConstantLookup): LinkRequest[] {
  const s = spec as unknown as Readonly<Record<string, unknown>>;
  const out: LinkRequest[] = [];
  const main = followUp(spec.name, s, k);
  if (main !== undefined) out.push(main);
  return out;
}

/**
 * The RTM_NEWLINK request that finishes a veth peer after the pair exists:
 * its addrGenMode and its `up` (both refused at creation). It must be sent in
 * the peer's namespace (`peer.netns`, else this one); undefined when there
 * is nothing to do. Validation guarantees the peer has a name.
 */
export function buildPeerFollowUp(spec: AnyLinkAddOptions, k: ConstantLookup): LinkRequest | undefined {
  const peer = (spec as unknown as Readonly<Record<string, unknown>>).peer as Readonly<Record<string, unknown>> | undefined;
  if (peer === undefined || typeof peer.name !== 'string') return undefined;
  return followUp(peer.name, { addrGenMode: peer.addrGenMode, up: peer.up }, k, true);
}

const SET_FLAG_BITS: ReadonlyArray<readonly [option: string, constant: string, inverted: boolean]> = [
  ['up', 'IFF_UP', false],
  ['promisc', 'IFF_PROMISC', false],
  ['allmulticast', 'IFF_ALLMULTI', false],
  ['arp', 'IFF_NOARP', true],
  ['multicast', 'IFF_MULTICAST', false],
];

/**
 * The RTM_NEWLINK request (no NLM_F_CREATE: what `ip link set` sends) of
 * validated `set` changes. `resolved` maps the paths of {@link setRefs} to
 * ifindexes.
 */
export function buildSetMessage(
  link: LinkRef,
  changes: LinkSetOptions<string>,
  resolved: Readonly<Record<string, number>>,
  k: ConstantLookup,
): LinkRequest {
  const c = changes as unknown as Readonly<Record<string, unknown>>;
  let ifiFlags = 0;
  let ifiChange = 0;
  for (const [option, name, inverted] of SET_FLAG_BITS) {
    const v = c[option];
    if (typeof v !== 'boolean') continue;
    const bit = k(name);
    ifiChange |= bit;
    if (v !== inverted) ifiFlags |= bit;
  }
  let ifiIndex: number;
  const attrs: RawAttrs = {};
  if (resolved.link !== undefined) ifiIndex = resolved.link;
  else {
    const t = linkTarget(link);
    ifiIndex = t.ifiIndex;
    Object.assign(attrs, t.attrs);
  }
  if (typeof c.name === 'string') attrs.ifname = c.name;
  if (typeof c.mtu === 'number') attrs.mtu = c.mtu;
  if (typeof c.mac === 'string') attrs.address = c.mac.toLowerCase();
  if (typeof c.broadcast === 'string') attrs.broadcast = c.broadcast.toLowerCase();
  if (typeof c.txqlen === 'number') attrs.txqlen = c.txqlen;
  if (c.master === null) attrs.master = 0;
  else if (c.master !== undefined) attrs.master = refIndex(resolved, 'master', c.master);
  if (typeof c.group === 'number') attrs.group = c.group;
  if (typeof c.alias === 'string') attrs.ifalias = c.alias;
  if (c.netns !== undefined) Object.assign(attrs, encodeNetns(c.netns as NetnsTarget));
  if (typeof c.addrGenMode === 'string') attrs.afSpec = encodeAddrGenMode(c.addrGenMode as AddrGenMode, k);
  if (typeof c.carrier === 'boolean') attrs.carrier = u8(c.carrier);
  if (typeof c.protoDown === 'boolean') attrs.protoDown = u8(c.protoDown);
  const linkinfo: RawAttrs = {};
  if (typeof c.kind === 'string') {
    const mod = kindModule(c.kind);
    const data = mod ? mod.encode(c, { k, resolved, mode: 'set' }).data : (c.data as RawAttrs | undefined);
    if (data !== undefined) {
      linkinfo.kind = c.kind;
      linkinfo.data = data;
    }
  }
  if (c.bridgePort !== undefined) {
    linkinfo.slaveKind = 'bridge';
    linkinfo.slaveData = encodeBridgePort(c.bridgePort as Readonly<Record<string, unknown>>, { k, resolved, mode: 'set' });
  }
  if (Object.keys(linkinfo).length > 0) attrs.linkinfo = linkinfo;
  return { type: k('RTM_NEWLINK'), flags: 0, msg: { header: header(k, ifiIndex, ifiFlags, ifiChange), attrs } };
}

/** RTM_DELLINK for one link (`ip link del X`). */
export function buildDelMessage(link: LinkRef, k: ConstantLookup): LinkRequest {
  const t = linkTarget(link);
  return { type: k('RTM_DELLINK'), flags: 0, msg: { header: header(k, t.ifiIndex), attrs: t.attrs } };
}

/** RTM_DELLINK with ifi_index 0 and IFLA_GROUP: every link of the group in one kernel batch (`ip link del group N`). */
export function buildDelGroupMessage(group: number, k: ConstantLookup): LinkRequest {
  return { type: k('RTM_DELLINK'), flags: 0, msg: { header: header(k), attrs: { group } } };
}

/** RTM_GETLINK for one link (`ip link show X`), also used to resolve a name to its ifindex. */
export function buildGetMessage(link: LinkRef, k: ConstantLookup): LinkRequest {
  const t = linkTarget(link);
  return { type: k('RTM_GETLINK'), flags: 0, msg: { header: header(k, t.ifiIndex), attrs: t.attrs } };
}

/**
 * The RTM_GETLINK dump request for a filter: the kernel filters by master
 * (IFLA_MASTER, needs `masterIfindex`) and kind (IFLA_LINKINFO/IFLA_INFO_KIND)
 * itself; the rest is for {@link matchFilter}. (NLM_F_DUMP is added by the
 * native layer.)
 */
export function buildDumpMessage(filter: LinkFilter, masterIfindex: number | undefined, k: ConstantLookup): LinkRequest {
  const attrs: RawAttrs = {};
  if (masterIfindex !== undefined) attrs.master = masterIfindex;
  if (filter.kind !== undefined) attrs.linkinfo = { kind: filter.kind };
  return { type: k('RTM_GETLINK'), flags: 0, msg: { header: header(k), attrs } };
}

/**
 * Whether a decoded link passes a filter. Applied to every dumped link, the
 * conditions the kernel already filtered on included: a kernel that does not
 * know a kind ignores that filter.
 */
export function matchFilter(link: Link, filter: LinkFilter, masterIfindex: number | undefined): boolean {
  if (filter.kind !== undefined && link.kind !== filter.kind) return false;
  if (filter.master === null && link.master !== undefined && link.master !== 0) return false;
  if (filter.master !== undefined && filter.master !== null) {
    const want = masterIfindex ?? (typeof filter.master === 'number' ? filter.master : undefined);
    if (want !== undefined && link.master !== want) return false;
  }
  if (filter.group !== undefined && link.group !== filter.group) return false;
  if (filter.up !== undefined && link.up !== filter.up) return false;
  if (filter.namePrefix !== undefined && !link.name.startsWith(filter.namePrefix)) return false;
  return true;
}

// ---------------------------------------------------------------------------
// Errors

/**
 * The NetlinkError for a kernel that lacks a link kind (EOPNOTSUPP with
 * extack "Unknown device type"): 'link.add: kernel does not support link
 * kind 'vlan' (Unknown device type) (EOPNOTSUPP)'. Other errors pass through.
 */
export function unsupportedKindError(err: unknown, kind: string, request?: unknown): unknown {
  if (!(err instanceof NetlinkError) || err.code !== 'EOPNOTSUPP' || err.extack === undefined || !/unknown device type/i.test(err.extack)) {
    return err;
  }
  const opts: ConstructorParameters<typeof NetlinkError>[3] = {
    extack: err.extack,
    request: request ?? err.request,
    message: `kernel does not support link kind '${kind}' (${err.extack})`,
  };
  if (err.extackOffset !== undefined) opts.extackOffset = err.extackOffset;
  if (err.syscall !== undefined) opts.syscall = err.syscall;
  return new NetlinkError(err.operation, err.code, err.errno, opts);
}

/**
 * The NetlinkError for a LinkRef option naming a link that does not exist:
 * 'link.add: master: no such device 'br9' (ENODEV)'. Other errors pass through.
 */
export function unresolvedRefError(err: unknown, path: string, ref: LinkRef, request?: unknown): unknown {
  if (!(err instanceof NetlinkError) || err.code !== 'ENODEV') return err;
  const opts: ConstructorParameters<typeof NetlinkError>[3] = {
    request: request ?? err.request,
    message: `${path}: no such device ${typeof ref === 'string' ? show(ref) : `with ifindex ${ref}`}`,
  };
  if (err.extack !== undefined) opts.extack = err.extack;
  return new NetlinkError(err.operation, err.code, err.errno, opts);
}

// ---------------------------------------------------------------------------
// Decoding

const FLAG_NAMES: ReadonlyArray<readonly [LinkFlag, string]> = [
  ['up', 'IFF_UP'],
  ['broadcast', 'IFF_BROADCAST'],
  ['debug', 'IFF_DEBUG'],
  ['loopback', 'IFF_LOOPBACK'],
  ['pointopoint', 'IFF_POINTOPOINT'],
  ['notrailers', 'IFF_NOTRAILERS'],
  ['running', 'IFF_RUNNING'],
  ['noarp', 'IFF_NOARP'],
  ['promisc', 'IFF_PROMISC'],
  ['allmulti', 'IFF_ALLMULTI'],
  ['master', 'IFF_MASTER'],
  ['slave', 'IFF_SLAVE'],
  ['multicast', 'IFF_MULTICAST'],
  ['portsel', 'IFF_PORTSEL'],
  ['automedia', 'IFF_AUTOMEDIA'],
  ['dynamic', 'IFF_DYNAMIC'],
  ['lower-up', 'IFF_LOWER_UP'],
  ['dormant', 'IFF_DORMANT'],
  ['echo', 'IFF_ECHO'],
];

const OPER_STATES: ReadonlyArray<readonly [OperState, string]> = [
  ['unknown', 'IF_OPER_UNKNOWN'],
  ['notpresent', 'IF_OPER_NOTPRESENT'],
  ['down', 'IF_OPER_DOWN'],
  ['lowerlayerdown', 'IF_OPER_LOWERLAYERDOWN'],
  ['testing', 'IF_OPER_TESTING'],
  ['dormant', 'IF_OPER_DORMANT'],
  ['up', 'IF_OPER_UP'],
];

interface DecodeTables {
  flags: Array<readonly [LinkFlag, number]>;
  up: number;
  running: number;
  lowerUp: number;
}

// Constant tables per lookup function, built once (a dump decodes thousands of links).
const tables = new WeakMap<ConstantLookup, DecodeTables>();

function tablesFor(k: ConstantLookup): DecodeTables {
  let t = tables.get(k);
  if (t === undefined) {
    const flags: Array<readonly [LinkFlag, number]> = [];
    for (const [word, name] of FLAG_NAMES) {
      const bit = tryK(k, name);
      if (bit !== undefined) flags.push([word, bit]);
    }
    t = { flags, up: tryK(k, 'IFF_UP') ?? 0, running: tryK(k, 'IFF_RUNNING') ?? 0, lowerUp: tryK(k, 'IFF_LOWER_UP') ?? 0 };
    tables.set(k, t);
  }
  return t;
}

/** Interface flag bits as names; bits without a name appear as hex ('0x200000'). */
export function flagNames(bits: number, k: ConstantLookup): LinkFlag[] {
  const out: LinkFlag[] = [];
  let rest = bits >>> 0;
  for (const [word, bit] of tablesFor(k).flags) {
    if ((rest & bit) !== 0) {
      out.push(word);
      rest = (rest & ~bit) >>> 0;
    }
  }
  for (let bit = 1; rest !== 0 && bit <= 0x80000000; bit *= 2) {
    if ((rest & bit) !== 0) {
      out.push(`0x${bit.toString(16)}`);
      rest = (rest & ~bit) >>> 0;
    }
  }
  return out;
}

function decodeStats(v: RawValue | undefined): LinkStats | undefined {
  const s = dNest(v);
  if (s === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const [key, val] of Object.entries(s)) {
    const n = dNum(val as RawValue | undefined);
    if (n !== undefined) out[key] = n;
  }
  return out as unknown as LinkStats;
}

function altnames(a: RawAttrs): string[] {
  const list = dNest(a.propList)?.altIfname;
  if (Array.isArray(list)) return list.filter((n): n is string => typeof n === 'string');
  if (typeof list === 'string') return [list];
  return [];
}

/** Decode one RTM_NEWLINK reply into a {@link Link}. */
export function decodeLink(reply: RawReply, k: ConstantLookup): Link {
  const h = reply.header;
  const a = reply.attrs;
  const t = tablesFor(k);
  const bits = (dNum(h.ifiFlags as RawValue) ?? 0) >>> 0;
  const linkinfo = dNest(a.linkinfo);
  const kind = dStr(linkinfo?.kind);
  const portKind = dStr(linkinfo?.slaveKind);
  const slaveData = dNest(linkinfo?.slaveData);
  const inet6 = dNest(dNest(a.afSpec)?.inet6);
  const carrier = dBool(a.carrier);
  const base: LinkBase = {
    ifindex: dNum(h.ifiIndex as RawValue) ?? 0,
    name: dStr(a.ifname) ?? '',
    type: dNum(h.ifiType as RawValue) ?? 0,
    flags: flagNames(bits, k),
    up: (bits & t.up) !== 0,
    running: (bits & t.running) !== 0,
    lowerUp: (bits & t.lowerUp) !== 0,
    operstate: dEnum(k, OPER_STATES, a.operstate),
    mtu: dNum(a.mtu),
    minMtu: dNum(a.minMtu),
    maxMtu: dNum(a.maxMtu),
    mac: dStr(a.address),
    broadcast: dStr(a.broadcast),
    permMac: dStr(a.permAddress),
    txqlen: dNum(a.txqlen),
    group: dNum(a.group),
    alias: dStr(a.ifalias),
    master: dNum(a.master),
    parent: dNum(a.link),
    linkNetnsid: dNum(a.linkNetnsid),
    promiscuity: dNum(a.promiscuity),
    allmulti: dNum(a.allmulti),
    numTxQueues: dNum(a.numTxQueues),
    numRxQueues: dNum(a.numRxQueues),
    carrier,
    carrierChanges: dNum(a.carrierChanges),
    qdisc: dStr(a.qdisc),
    altnames: altnames(a),
    stats: decodeStats(a.stats64),
    addrGenMode: dEnum(k, ADDR_GEN_MODES, inet6?.addrGenMode),
    portKind,
    bridgePort: portKind === 'bridge' && slaveData !== undefined ? decodeBridgePort(slaveData, k) : undefined,
    raw: reply,
  };
  const data = dNest(linkinfo?.data);
  const mod = kind === undefined ? undefined : kindModule(kind);
  if (mod && kind !== undefined) {
    const info = mod.decode(data ?? {}, k) as Record<string, unknown>;
    if (kind === 'veth' && base.parent !== undefined) info.peerIfindex = base.parent;
    return { ...base, ...info, kind } as Link;
  }
  const other: OtherLink = { ...base, kind };
  if (data !== undefined) other.data = data;
  return other;
}
