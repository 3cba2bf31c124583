/**
 * Namespace ids: `ip netns set`, `ip netns list-id`. A namespace names its
 * peers (the namespaces at the other end of its veths, tunnels...) by small
 * integers local to it; links report their peer's namespace as such an id
 * (`linkNetnsid`).
 * @module
 */
import { constant, type RawAttrs, type RawReply } from '../../netlink/native.js';
import type { LinkLookup } from '../values/ifindex.js';
import { NetNs } from '../../netns/netns.js';
import type { DumpOptions, OperationOptions, RtnlSocket } from '../../netlink/socket.js';

/** A peer namespace: an open handle, or a process whose namespace it is. */
export type NsidPeer = NetNs | { pid: number };

/** One id known in the handle's namespace, as {@link NsidApi.list} reports it. */
export interface NsidEntry {
  /** The id this namespace uses for the peer. */
  nsid: number;
  /** Everything the kernel sent. */
  raw: RawReply;
}

const NOT_ASSIGNED = -1;
const S32_MAX = 0x7fffffff;

function peerAttrs(op: string, peer: NsidPeer): RawAttrs {
  if (peer instanceof NetNs) return { fd: peer.fd };
  if (typeof peer === 'object' && peer !== null && 'pid' in peer) {
    const pid = peer.pid;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || pid > 0xffffffff) throw new RangeError(`${op}: pid: must be a positive integer, got ${String(pid)}`);
    return { pid };
  }
  throw new TypeError(`${op}: ns: must be a NetNs or { pid }`);
}

/** The namespace-id operations of one rtnetlink handle (ids as its namespace sees them). */
export class NsidApi {
  readonly #sock: RtnlSocket;

  /** @internal Bound to a socket. */
  constructor(sock: RtnlSocket, _link?: LinkLookup) {
    this.#sock = sock;
  }

  /**
   * The id the handle's namespace uses for `ns`, or undefined if it has none.
   *
   * Equivalent to: `ip netns list-id` (one entry), RTM_GETNSID with NETNSA_FD / NETNSA_PID
   */
  async get(ns: NsidPeer, opts: OperationOptions = {}): Promise<number | undefined> {
    const op = 'nsid.get';
    const attrs = peerAttrs(op, ns);
    const replies = await this.#sock.request(op, constant('RTM_GETNSID'), 0, { header: { family: constant('AF_UNSPEC') }, attrs }, opts, { ns: attrs });
    const m = replies.find((r) => r.type === constant('RTM_NEWNSID'));
    const id = m?.attrs.nsid;
    return typeof id === 'number' && id !== NOT_ASSIGNED ? id : undefined;
  }

  /**
   * Give `ns` an id in the handle's namespace: `id`, or one the kernel picks
   * when omitted. Resolves with the id. EEXIST if `ns` already has an id or
   * `id` is taken (ids never change once assigned).
   *
   * Equivalent to: `ip netns set NAME ID` / `ip netns set NAME auto`
   */
  async assign(ns: NsidPeer, id?: number, opts: OperationOptions = {}): Promise<number> {
    const op = 'nsid.assign';
    if (id !== undefined && (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > S32_MAX)) {
      throw new RangeError(`${op}: id: must be 0..${S32_MAX}, got ${String(id)}`);
    }
    const attrs: RawAttrs = { ...peerAttrs(op, ns), nsid: id ?? NOT_ASSIGNED };
    await this.#sock.request(op, constant('RTM_NEWNSID'), 0, { header: { family: constant('AF_UNSPEC') }, attrs }, opts, { ns: attrs, id });
    if (id !== undefined) return id;
    const got = await this.get(ns, opts);
    if (got === undefined) throw new Error(`${op}: the kernel accepted the request but reports no id`);
    return got;
  }

  /**
   * Every id assigned in the handle's namespace.
   *
   * Equivalent to: `ip netns list-id`
   */
  async list(opts: DumpOptions = {}): Promise<NsidEntry[]> {
    const op = 'nsid.list';
    const replies = await this.#sock.collect(op, constant('RTM_GETNSID'), { header: { family: constant('AF_UNSPEC') } }, opts);
    const newnsid = constant('RTM_NEWNSID');
    return replies.filter((m) => m.type === newnsid).map(decodeNsid);
  }

  /**
   * Which of `candidates` a link's `linkNetnsid` (an id in the handle's
   * namespace) refers to, or undefined if none of them.
   */
  async resolve(linkNetnsid: number, candidates: readonly NetNs[], opts: OperationOptions = {}): Promise<NetNs | undefined> {
    const op = 'nsid.resolve';
    if (typeof linkNetnsid !== 'number' || !Number.isInteger(linkNetnsid) || linkNetnsid < 0 || linkNetnsid > S32_MAX) {
      throw new RangeError(`${op}: linkNetnsid: must be 0..${S32_MAX}, got ${String(linkNetnsid)}`);
    }
    if (!Array.isArray(candidates)) throw new TypeError(`${op}: candidates: must be an array of NetNs`);
    for (const c of candidates) if (!(c instanceof NetNs)) throw new TypeError(`${op}: candidates: must be an array of NetNs`);
    for (const c of candidates) if ((await this.get(c, opts)) === linkNetnsid) return c;
    return undefined;
  }
}

/** Decode one RTM_NEWNSID message. */
export function decodeNsid(m: RawReply): NsidEntry {
  const id = m.attrs.nsid;
  return { nsid: typeof id === 'number' ? id : NOT_ASSIGNED, raw: m };
}
