/**
 * Decoding kernel RTM_NEWLINK replies into {@link Link}s, and the `list`
 * filter applied to them.
 *
 * Nothing here loads the native addon: kernel constants come in as a
 * {@link ConstantLookup} argument, so a reply can be decoded with a plain table.
 * @module
 */
import { addRaw } from '../../netlink/lazy-raw.js';
import type { KeepTree, LeanReply } from '../../netlink/keep.js';
import type { RawAttrs, RawReply, RawValue } from '../../netlink/native.js';
import { ADDR_GEN_MODES } from './basics.js';
import type { ConstantLookup } from './kinds/kind.js';
import { dBool, dEnum, dNest, dNum, dStr, tryK } from './kinds/attr-values.js';
import { decodeBondPort } from './kinds/bond-port.js';
import { decodeBridgePort } from './kinds/bridge-port.js';
import { kindModule } from './kinds/index.js';
import type { Link, LinkBase, LinkFilter, LinkFlag, LinkStats, OperState, OtherLink } from './types.js';

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

// `owned`: the reply is not kept (a lean dump's), so a nest of numbers only
// is the stats object as it is; otherwise a copy, so `stats` and `raw` do
// not share one object.
function decodeStats(v: RawValue | undefined, owned: boolean): LinkStats | undefined {
  const s = dNest(v);
  if (s === undefined) return undefined;
  const keys = Object.keys(s);
  if (owned && keys.every((key) => typeof s[key] === 'number')) return s as unknown as LinkStats;
  const out: Record<string, number> = {};
  // An indexed loop over Object.keys: several times faster than
  // Object.entries or for-in here (a dump decodes thousands).
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const n = dNum(s[key]);
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

/**
 * What {@link decodeLink} reads of a reply: a lean dump decodes only this
 * (the devconf arrays, 32-bit stats and GSO limits it skips were most of a
 * link dump's cost) and the link's `raw` is decoded in full when read.
 * Keep in step with decodeLink.
 */
export const LINK_KEEP: KeepTree = {
  type: true,
  flags: true,
  header: true,
  attrs: {
    ifname: true,
    operstate: true,
    mtu: true,
    minMtu: true,
    maxMtu: true,
    address: true,
    broadcast: true,
    permAddress: true,
    txqlen: true,
    group: true,
    ifalias: true,
    master: true,
    link: true,
    linkNetnsid: true,
    promiscuity: true,
    allmulti: true,
    numTxQueues: true,
    numRxQueues: true,
    carrier: true,
    carrierChanges: true,
    qdisc: true,
    propList: true,
    stats64: true,
    afSpec: { inet6: { addrGenMode: true } },
    linkinfo: true,
  },
};

/**
 * Decode one RTM_NEWLINK reply into a {@link Link}. A lean dump's reply
 * (with `wire`: see LINK_KEEP) gives a Link whose `raw` is decoded
 * from those bytes when read; nothing else keeps such a reply, so the Link
 * takes parts of it as they are instead of copies.
 */
export function decodeLink(reply: RawReply | LeanReply, k: ConstantLookup): Link {
  const owned = (reply as LeanReply).wire !== undefined;
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
  const fields: Omit<LinkBase, 'raw'> = {
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
    stats: decodeStats(a.stats64, owned),
    addrGenMode: dEnum(k, ADDR_GEN_MODES, inet6?.addrGenMode),
    portKind,
    bridgePort: portKind === 'bridge' && slaveData !== undefined ? decodeBridgePort(slaveData, k) : undefined,
    bondPort: portKind === 'bond' && slaveData !== undefined ? decodeBondPort(slaveData, k) : undefined,
  };
  const base: LinkBase = addRaw(fields, reply);
  const data = dNest(linkinfo?.data);
  const mod = kind === undefined ? undefined : kindModule(kind);
  // The kind's fields and `kind` go after the common ones (as
  // `{ ...base, ...info, kind }` would put them), added to `base` itself:
  // no second copy of a 35-field object per link.
  if (mod && kind !== undefined) {
    const info = mod.decode(data ?? {}, k) as Record<string, unknown>;
    if (mod.fromLink) Object.assign(info, mod.fromLink(base));
    return Object.assign(base, info, { kind }) as Link;
  }
  const other = Object.assign(base, { kind }) as OtherLink;
  if (data !== undefined) other.data = data;
  return other;
}

// ---------------------------------------------------------------------------
// Filtering

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
