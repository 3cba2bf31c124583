/**
 * Neighbours (ARP and NDP entries): `ip neigh`.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';
import { constant, type RawAttrs, type RawReply } from '../../netlink/native.js';
import { ConstantNames } from '../../netlink/constant-names.js';
import type { LinkApi, LinkRef } from '../link/api.js';
import type { DumpOptions, OperationOptions, RtnlSocket } from '../../netlink/socket.js';

/**
 * Neighbour states by name, as `ip neigh` prints and accepts them
 * (`nud permanent`). Decoded states the names do not cover are numbers.
 */
export type NeighState = 'permanent' | 'reachable' | 'stale' | 'noarp' | 'delay' | 'probe' | 'failed' | 'incomplete' | 'none';

/** A neighbour entry to add, replace or delete. */
export interface NeighEntry {
  /** The protocol address: IPv4 (an ARP entry) or IPv6 (an NDP entry). */
  dst: string;
  /** The link the neighbour is on. */
  dev: LinkRef;
  /** The link-layer address, 'aa:bb:cc:dd:ee:ff' (`lladdr`). Not needed for proxy entries. */
  lladdr?: string;
  /** The state (`nud STATE`). Default 'permanent', as ip. Ignored for proxy entries. */
  state?: NeighState;
  /** The neighbour is a router (IPv6, `router`). */
  router?: boolean;
  /** A proxy entry: answer ARP/NDP for `dst` on `dev` (`ip neigh add proxy ADDR dev DEV`). */
  proxy?: boolean;
  /** Mark the entry as learned by an external control plane (`extern_learn`). */
  externLearn?: boolean;
}

/** What identifies an entry to delete. */
export interface NeighDelEntry {
  /** The protocol address. */
  dst: string;
  /** The link the neighbour is on. */
  dev: LinkRef;
  /** Delete a proxy entry (`ip neigh del proxy ADDR dev DEV`). */
  proxy?: boolean;
}

/** A decoded neighbour entry. */
export interface Neighbour {
  /** 'inet' (ARP) or 'inet6' (NDP); the address family number otherwise. */
  family: 'inet' | 'inet6' | (number & {});
  /** The link's ifindex. */
  ifindex: number;
  /** The protocol address. */
  dst: string | undefined;
  /** The link-layer address, absent for incomplete and failed entries. */
  lladdr: string | undefined;
  /** State names ('permanent', 'reachable', 'stale', ...; 'none' for 0). */
  state: NeighState[];
  /** Flag names: 'router', 'proxy', 'extern_learn', 'offload', 'use', 'self', 'master'. */
  flags: string[];
  /** True for an entry from the proxy table (`ip neigh show proxy`). */
  proxy: boolean;
  /** Solicitations sent for this entry, when the kernel says. */
  probes: number | undefined;
  /** Everything the kernel sent. */
  raw: RawReply;
}

/** Filter of {@link NeighApi.list} and {@link NeighApi.flush}. */
export interface NeighFilter {
  /** Only this link's entries. */
  dev?: LinkRef;
  /** Only this family. */
  family?: 'inet' | 'inet6';
  /** Only entries in this state (or any of these states). */
  state?: NeighState | NeighState[];
  /** The proxy table instead of the neighbour table (`ip neigh show proxy`). */
  proxy?: boolean;
}

const STATES: Record<Exclude<NeighState, 'none'>, string> = {
  incomplete: 'NUD_INCOMPLETE',
  reachable: 'NUD_REACHABLE',
  stale: 'NUD_STALE',
  delay: 'NUD_DELAY',
  probe: 'NUD_PROBE',
  failed: 'NUD_FAILED',
  noarp: 'NUD_NOARP',
  permanent: 'NUD_PERMANENT',
};
const STATE_NAMES = [...Object.keys(STATES), 'none'];
const STATE_BITS = new ConstantNames(STATES);
const FLAG_NAMES = new ConstantNames({
  use: 'NTF_USE', self: 'NTF_SELF', master: 'NTF_MASTER', proxy: 'NTF_PROXY',
  extern_learn: 'NTF_EXT_LEARNED', offload: 'NTF_OFFLOADED', router: 'NTF_ROUTER',
});
const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const ENTRY_KEYS = new Set(['dst', 'dev', 'lladdr', 'state', 'router', 'proxy', 'externLearn']);
const DEL_KEYS = new Set(['dst', 'dev', 'proxy']);
const FILTER_KEYS = new Set(['dev', 'family', 'state', 'proxy']);

/** Check a MAC address ('aa:bb:cc:dd:ee:ff'); TypeError naming `field`. */
export function checkMac(v: unknown, field: string): string {
  if (typeof v !== 'string' || !MAC_RE.test(v)) throw new TypeError(`${field}: not a MAC address: '${String(v)}'`);
  return v.toLowerCase();
}

function ipFamily(v: unknown, field: string): 'inet' | 'inet6' {
  if (typeof v === 'string' && isIPv4(v)) return 'inet';
  if (typeof v === 'string' && isIPv6(v)) return 'inet6';
  throw new TypeError(`${field}: not an IP address: '${String(v)}'`);
}

function checkBool(v: unknown, field: string): boolean {
  if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`${field}: must be a boolean`);
  return v === true;
}

function stateNumber(s: unknown, field: string): number {
  if (s === 'none') return constant('NUD_NONE');
  const n = typeof s === 'string' ? STATE_BITS.get(s) : undefined;
  if (n === undefined) throw new TypeError(`${field}: must be one of ${STATE_NAMES.join(', ')}, got '${String(s)}'`);
  return n;
}

function checkKeys(obj: object, keys: Set<string>, op: string): void {
  for (const k of Object.keys(obj)) if (!keys.has(k) && k !== 'signal') throw new TypeError(`${op}: ${k}: unknown option`);
}

/**
 * Resolve a {@link LinkRef} to an ifindex, with errors that name the
 * operation and field. Shared by the neighbour and FDB APIs.
 * @internal
 */
export async function resolveIfindex(link: LinkApi, op: string, field: string, dev: unknown, opts: OperationOptions): Promise<number> {
  if (typeof dev === 'number') {
    if (!Number.isInteger(dev) || dev <= 0) throw new RangeError(`${op}: ${field}: ifindex must be a positive integer, got ${dev}`);
    return dev;
  }
  if (typeof dev !== 'string' || dev.length === 0) throw new TypeError(`${op}: ${field}: must be a link name or ifindex`);
  try {
    return await link.index(dev, opts);
  } catch (e) {
    if (e instanceof Error && 'code' in e) Object.defineProperty(e, 'message', { value: `${op}: ${field}: no link '${dev}' (${String((e as { code: unknown }).code)})` });
    throw e;
  }
}

/**
 * Every check of a neighbour entry to add or replace, and its message
 * without the link's ifindex, without any I/O. Errors are
 * TypeError/RangeError starting 'OP: FIELD: '. (Exported for declarations
 * checked as a whole before anything is touched: topologies.)
 */
export function draftNeigh(op: string, entry: NeighEntry): { header: Record<string, number>; attrs: RawAttrs } {
  if (entry === null || typeof entry !== 'object') throw new TypeError(`${op}: entry: must be an object like { dst, lladdr, dev }`);
  checkKeys(entry, ENTRY_KEYS, op);
  const family = ipFamily(entry.dst, `${op}: dst`);
  const proxy = checkBool(entry.proxy, `${op}: proxy`);
  let ndmFlags = 0;
  if (proxy) ndmFlags |= constant('NTF_PROXY');
  if (checkBool(entry.router, `${op}: router`)) ndmFlags |= constant('NTF_ROUTER');
  if (checkBool(entry.externLearn, `${op}: externLearn`)) ndmFlags |= constant('NTF_EXT_LEARNED');
  const attrs: RawAttrs = { dst: entry.dst };
  if (entry.lladdr !== undefined) attrs.lladdr = checkMac(entry.lladdr, `${op}: lladdr`);
  const state = entry.state === undefined ? constant('NUD_PERMANENT') : stateNumber(entry.state, `${op}: state`);
  if (entry.dev === undefined || entry.dev === null || entry.dev === '') throw new TypeError(`${op}: dev: must be a link name or ifindex`);
  return { header: { ndmFamily: constant(family === 'inet' ? 'AF_INET' : 'AF_INET6'), ndmState: state, ndmFlags }, attrs };
}

/** The typed neighbour operations of one rtnetlink handle. */
export class NeighApi {
  readonly #sock: RtnlSocket;
  readonly #link: LinkApi;

  /** @internal Bound to a socket and the link API that resolves device names. */
  constructor(sock: RtnlSocket, link: LinkApi) {
    this.#sock = sock;
    this.#link = link;
  }

  /**
   * Add a neighbour entry; EEXIST if one exists for `dst` on `dev`.
   *
   * Equivalent to: `ip neigh add DST lladdr MAC dev DEV [nud STATE] [router] [extern_learn]`
   * / `ip neigh add proxy DST dev DEV`
   */
  add(entry: NeighEntry, opts: OperationOptions = {}): Promise<void> {
    return this.#change('neigh.add', constant('NLM_F_CREATE') | constant('NLM_F_EXCL'), entry, opts);
  }

  /**
   * Add a neighbour entry, or change the one for `dst` on `dev`.
   *
   * Equivalent to: `ip neigh replace DST lladdr MAC dev DEV [nud STATE] ...`
   */
  replace(entry: NeighEntry, opts: OperationOptions = {}): Promise<void> {
    return this.#change('neigh.replace', constant('NLM_F_CREATE') | constant('NLM_F_REPLACE'), entry, opts);
  }

  /**
   * Delete a neighbour entry; ENOENT if there is none.
   *
   * Equivalent to: `ip neigh del DST dev DEV` / `ip neigh del proxy DST dev DEV`
   */
  async del(entry: NeighDelEntry, opts: OperationOptions = {}): Promise<void> {
    const op = 'neigh.del';
    if (entry === null || typeof entry !== 'object') throw new TypeError(`${op}: entry: must be an object like { dst, dev }`);
    checkKeys(entry, DEL_KEYS, op);
    const family = ipFamily(entry.dst, `${op}: dst`);
    const proxy = checkBool(entry.proxy, `${op}: proxy`);
    const ifindex = await resolveIfindex(this.#link, op, 'dev', entry.dev, opts);
    const header = { ndmFamily: constant(family === 'inet' ? 'AF_INET' : 'AF_INET6'), ndmIfindex: ifindex, ndmFlags: proxy ? constant('NTF_PROXY') : 0 };
    await this.#sock.request(op, constant('RTM_DELNEIGH'), 0, { header, attrs: { dst: entry.dst } }, opts, entry);
  }

  /**
   * The neighbour entries (ARP and NDP), optionally of one link, family or
   * state; with `proxy: true`, the proxy entries instead.
   *
   * Equivalent to: `ip neigh show [dev DEV] [nud STATE]` / `ip -4 neigh`,
   * `ip -6 neigh` / `ip neigh show proxy`
   */
  async list(filter: NeighFilter = {}, opts: DumpOptions = {}): Promise<Neighbour[]> {
    const op = 'neigh.list';
    checkKeys(filter, FILTER_KEYS, op);
    const { family, dev } = filter;
    if (family !== undefined && family !== 'inet' && family !== 'inet6') throw new TypeError(`${op}: family: must be 'inet' or 'inet6'`);
    const proxy = checkBool(filter.proxy, `${op}: proxy`);
    let states: number[] | undefined;
    if (filter.state !== undefined) {
      const list = Array.isArray(filter.state) ? filter.state : [filter.state];
      states = list.map((s) => stateNumber(s, `${op}: state`));
    }
    const ifindex = dev === undefined ? 0 : await resolveIfindex(this.#link, op, 'dev', dev, opts);
    const af = family === undefined ? constant('AF_UNSPEC') : constant(family === 'inet' ? 'AF_INET' : 'AF_INET6');
    // Strict dump checking: the ifindex filter goes in NDA_IFINDEX, the header
    // carries only the family and NTF_PROXY (which selects the proxy table).
    const attrs: RawAttrs = ifindex === 0 ? {} : { ifindex };
    const header = { ndmFamily: af, ndmFlags: proxy ? constant('NTF_PROXY') : 0 };
    const replies = await this.#sock.collect(op, constant('RTM_GETNEIGH'), { header, attrs }, opts);
    const newneigh = constant('RTM_NEWNEIGH');
    return replies
      .filter((m) => m.type === newneigh)
      .map(decodeNeighbour)
      .filter((n) => n.family === 'inet' || n.family === 'inet6')
      .filter((n) => ifindex === 0 || n.ifindex === ifindex)
      .filter((n) => n.proxy === proxy)
      .filter((n) => states === undefined || states.some((s) => (s === 0 ? (n.raw.header.ndmState as number) === 0 : ((n.raw.header.ndmState as number) & s) !== 0)));
  }

  /**
   * Delete the entries the filter selects. Without a `state` filter,
   * permanent and noarp entries stay, as with ip. Entries that vanish
   * meanwhile are skipped. Resolves with the number deleted.
   *
   * Equivalent to: `ip neigh flush dev DEV` / `ip neigh flush nud STATE`
   */
  async flush(filter: NeighFilter = {}, opts: OperationOptions = {}): Promise<number> {
    const list = await this.list(filter, opts);
    const keep = filter.state === undefined && filter.proxy !== true ? constant('NUD_PERMANENT') | constant('NUD_NOARP') : 0;
    let n = 0;
    for (const e of list) {
      if (((e.raw.header.ndmState as number) & keep) !== 0 || e.dst === undefined) continue;
      try {
        await this.del({ dst: e.dst, dev: e.ifindex, proxy: e.proxy }, opts);
        n++;
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOENT') throw err;
      }
    }
    return n;
  }

  async #change(op: string, flags: number, entry: NeighEntry, opts: OperationOptions): Promise<void> {
    const d = draftNeigh(op, entry);
    const ifindex = await resolveIfindex(this.#link, op, 'dev', entry.dev, opts);
    await this.#sock.request(op, constant('RTM_NEWNEIGH'), flags, { header: { ...d.header, ndmIfindex: ifindex }, attrs: d.attrs }, opts, entry);
  }

}

/** State names of an ndm_state value ('none' for 0). */
function stateNames(s: number): NeighState[] {
  if (s === 0) return ['none'];
  return STATE_BITS.flags(s);
}

/** Flag names of an ndm_flags value. @internal */
export function ntfFlagNames(f: number): string[] {
  return FLAG_NAMES.flags(f);
}

/** Decode one RTM_NEWNEIGH message of the IPv4/IPv6 neighbour tables. */
export function decodeNeighbour(m: RawReply): Neighbour {
  const h = m.header;
  const a = m.attrs;
  const fam = h.ndmFamily as number;
  const family = fam === constant('AF_INET') ? 'inet' : fam === constant('AF_INET6') ? 'inet6' : fam;
  const flags = h.ndmFlags as number;
  return {
    family,
    ifindex: h.ndmIfindex as number,
    dst: a.dst as string | undefined,
    lladdr: a.lladdr as string | undefined,
    state: stateNames(h.ndmState as number),
    flags: ntfFlagNames(flags),
    proxy: (flags & constant('NTF_PROXY')) !== 0,
    probes: a.probes as number | undefined,
    raw: m,
  };
}
