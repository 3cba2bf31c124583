/**
 * Building the rtnetlink requests of lib/netlink/native.ts from validated
 * link options: the LinkRefs to resolve first, the create/change/delete/get/
 * dump messages, and the follow-up requests that finish an `add`.
 *
 * Nothing here loads the native addon: kernel constants come in as a
 * {@link ConstantLookup} argument and LinkRefs that need an ifindex come in
 * already resolved, so every function can be tested with plain tables.
 * @module
 */
import type { RawAttrs } from '../../netlink/native.js';
import { type AddrGenMode, encodeAddrGenMode, encodeBasics, encodeNetns } from './basics.js';
import type { ConstantLookup, EncodeEnv, LinkRef, NetnsTarget } from './kinds/kind.js';
import { IFNAME_MAX } from './kinds/check.js';
import { u8 } from './kinds/attr-values.js';
import { encodeBondPort } from './kinds/bond-port.js';
import { encodeBridgePort } from './kinds/bridge-port.js';
import { type AnyLinkAddOptions, kindModule } from './kinds/index.js';
import type { LinkFilter, LinkRequest, LinkSetOptions, RefToResolve } from './types.js';

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
    const { data } = mod.encode(mod.forCreate ? mod.forCreate(s) : s, env);
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
  const end = kindModule(spec.kind)?.deferredEnd?.(spec as unknown as Readonly<Record<string, unknown>>);
  if (end === undefined) return undefined;
  return followUp(end.name, end.settings, k, true);
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
  if (c.bondPort !== undefined) {
    // As for bridge ports: the kernel applies the data with the master's slave ops; the kind names them as it reports them.
    linkinfo.slaveKind = 'bond';
    linkinfo.slaveData = encodeBondPort(c.bondPort as Readonly<Record<string, unknown>>, { k, resolved, mode: 'set' });
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
