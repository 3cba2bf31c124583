/**
 * Link kind `veth`: a pair of virtual Ethernet links joined back to back.
 * The peer is described inside the request (VETH_INFO_PEER: an ifinfomsg and
 * link attributes), so both ends, and the namespace of each, are made in one
 * kernel call.
 * @module
 */
import type { RawAttrs } from '../../../netlink/native.js';
import { BASIC_FIELDS, type AddrGenMode, type LinkCommonAddOptions, encodeBasics, validateBasics } from '../basics.js';
import type { ConstantLookup, DeferredEnd, EncodeEnv, KindModule, NetnsTarget, ValidateContext } from './kind.js';
import { checkKnownKeys, checkObject, join, rangeError, sameNetns, typeError } from './check.js';

/**
 * The far end of a veth pair (`ip link add A type veth peer name B ...`).
 * Every field is optional; without `name` the kernel picks `vethN`.
 */
export interface VethPeerOptions {
  /** The peer's name (`peer name B`). Must differ from the link's name when both are in the same namespace. */
  name?: string;
  /** The peer's MAC address (`peer address MAC`). */
  mac?: string;
  /** The peer's broadcast address. */
  broadcast?: string;
  /** The peer's MTU, 68..65535 (`peer mtu N`). */
  mtu?: number;
  /** The peer's transmit queue length (`peer txqueuelen N`). */
  txqlen?: number;
  /** Bring the peer up at creation. */
  up?: boolean;
  /** The peer's link group. */
  group?: number;
  /**
   * Create the peer directly in this namespace (`peer netns NS`): far
   * cheaper than moving it afterwards. Without it the peer is created in
   * this handle's namespace, even when the link itself has `netns`.
   */
  netns?: NetnsTarget;
  /** The peer's transmit queue count (`peer numtxqueues N`). */
  numTxQueues?: number;
  /** The peer's receive queue count (`peer numrxqueues N`). */
  numRxQueues?: number;
  /**
   * IPv6 link-local address generation on the peer (`addrgenmode MODE` on
   * the peer). The kernel takes it only on an existing link, so netloom sets
   * it by name right after creating the pair (and brings the peer up after
   * that when `up` is set): it needs `name` and no `netns`.
   */
  addrGenMode?: AddrGenMode;
}

/**
 * `nl.link.add({ kind: 'veth', name, peer: { ... } })`.
 * Equivalent to: `ip link add NAME type veth peer name PEER [PEER OPTIONS]`.
 */
export interface VethAddOptions extends LinkCommonAddOptions {
  /** The link kind (IFLA_INFO_KIND 'veth'). */
  kind: 'veth';
  /** The other end. */
  peer?: VethPeerOptions;
}

/** A veth link has no options to change with `set`. */
export type VethSetOptions = Record<never, never>;

/** What `get`/`list` report about a veth (the kernel sends no veth data; these come from IFLA_LINK). */
export interface VethInfo {
  /** The peer's ifindex (in the namespace `linkNetnsid` names, when set). */
  peerIfindex?: number;
}

/** The veth's own option names. */
export const VETH_OPTIONS: readonly string[] = ['peer'];

/**
 * The option names a veth peer accepts: exactly the basic fields of a link
 * (the peer is a link made in the same request, with its own ifinfomsg).
 */
export const VETH_PEER_OPTIONS: readonly string[] = BASIC_FIELDS;
const PEER_SET = new Set(VETH_PEER_OPTIONS);

/** Check veth options: the peer's fields, and that the two ends' names do not clash. */
export function validate(spec: Readonly<Record<string, unknown>>, ctx: ValidateContext, path: string): void {
  if (spec.peer === undefined) return;
  const p = join(path, 'peer');
  const peer = checkObject(ctx, p, spec.peer);
  checkKnownKeys(ctx, p, peer, PEER_SET, () => 'unknown veth peer option');
  validateBasics(peer, ctx, p);
  if ((peer.addrGenMode !== undefined || peer.up === true) && peer.name === undefined) {
    typeError(ctx, join(p, peer.addrGenMode !== undefined ? 'addrGenMode' : 'up'), 'needs peer.name (the kernel takes it only once the pair exists; netloom then sets it by name in the peer\'s namespace)');
  }
  if (
    typeof peer.name === 'string' &&
    peer.name === spec.name &&
    sameNetns(spec.netns as NetnsTarget | undefined, peer.netns as NetnsTarget | undefined)
  ) {
    rangeError(ctx, join(p, 'name'), `must differ from the link's name '${peer.name}' when both ends are in the same namespace`);
  }
}

/** IFLA_INFO_DATA for a veth: VETH_INFO_PEER with the peer's ifinfomsg and attributes (nothing without `peer`: the kernel names it vethN). */
export function encode(spec: Readonly<Record<string, unknown>>, env: EncodeEnv): { data?: RawAttrs } {
  if (spec.peer === undefined) return {};
  const peer = spec.peer as Readonly<Record<string, unknown>>;
  const b = encodeBasics(peer, env.k);
  return {
    data: {
      peer: {
        header: { ifiFamily: env.k('AF_UNSPEC'), ifiType: 0, ifiIndex: 0, ifiFlags: b.ifiFlags, ifiChange: b.ifiChange },
        attrs: b.attrs,
      },
    },
  };
}

/** A veth's decoded fields (the kernel reports no veth data; the peer index is filled from IFLA_LINK by the caller). */
export function decode(_data: RawAttrs, _k: ConstantLookup): VethInfo {
  return {};
}

/**
 * A veth peer without what cannot go in the create request: its
 * `addrGenMode` (as for any link) and its `up`. The kernel configures the
 * peer before the pair is joined, so IFF_UP there fails in veth_open with
 * ENOTCONN; buildPeerFollowUp (encode.ts) brings it up right after.
 */
function withoutDeferredPeer(peer: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const { addrGenMode: _mode, up: _up, ...rest } = peer;
  return rest;
}

/** Validated veth options as the create request takes them: the peer without its deferred fields. */
export function forCreate(spec: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const peer = spec.peer as Readonly<Record<string, unknown>> | undefined;
  return peer === undefined ? spec : { ...spec, peer: withoutDeferredPeer(peer) };
}

/** The peer's held-back addrGenMode and `up`, to set by name once the pair exists (validation guarantees a name when there are any). */
export function deferredEnd(spec: Readonly<Record<string, unknown>>): DeferredEnd | undefined {
  const peer = spec.peer as Readonly<Record<string, unknown>> | undefined;
  if (peer === undefined || typeof peer.name !== 'string') return undefined;
  return { name: peer.name, settings: { addrGenMode: peer.addrGenMode, up: peer.up } };
}

/** The peer's ifindex, which the kernel reports as the veth's IFLA_LINK. */
export function fromLink(link: { readonly parent: number | undefined }): VethInfo {
  return link.parent === undefined ? {} : { peerIfindex: link.parent };
}

/** The veth kind for the registry. */
export const vethKind: KindModule<'veth', VethAddOptions, VethSetOptions, VethInfo> = {
  kind: 'veth',
  options: VETH_OPTIONS,
  setOptions: [],
  parent: 'none',
  refs: [],
  validate,
  encode,
  decode,
  forCreate,
  deferredEnd,
  fromLink,
};
