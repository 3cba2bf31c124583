/**
 * The bridge forwarding database: `bridge fdb` (AF_BRIDGE neighbour
 * messages), for bridges, their ports and VXLAN devices.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';
import { constant, type RawAttrs, type RawReply } from '../../netlink/native.js';
import type { LinkApi, LinkRef } from '../link/api.js';
import type { DumpOptions, OperationOptions, RtnlSocket } from '../../netlink/socket.js';
import { checkMac, ntfFlagNames, resolveIfindex } from '../neigh/api.js';

/**
 * How long an entry lives, as `bridge fdb` names it: 'permanent' (`local`,
 * an address of the host), 'static' (never ages), 'dynamic' (ages like a
 * learned entry).
 */
export type FdbEntryState = 'permanent' | 'static' | 'dynamic';

/** An FDB entry to add, append, replace or delete. */
export interface FdbEntry {
  /** The MAC address ('00:00:00:00:00:00' for a VXLAN default destination). */
  lladdr: string;
  /** The bridge port, bridge or VXLAN device the entry belongs to. */
  dev: LinkRef;
  /**
   * Put the entry in the device's own table (`self`): a VXLAN device, or the
   * port's unicast/multicast filter. Default true unless `master` is set, as
   * `bridge fdb`.
   */
  self?: boolean;
  /** Put the entry in the table of the bridge `dev` is a port of (`master`). */
  master?: boolean;
  /** Default 'permanent', as `bridge fdb`. */
  state?: FdbEntryState;
  /** The VLAN (`vlan VID`), 1..4094. */
  vlan?: number;
  /** VXLAN: the remote VTEP's address (`dst IP`). */
  dst?: string;
  /** VXLAN: the remote UDP port (`port PORT`). */
  port?: number;
  /** VXLAN: the VNI to use for this destination (`vni VNI`). */
  vni?: number;
  /** VXLAN (collect-metadata): the source VNI (`src_vni VNI`). */
  srcVni?: number;
  /** VXLAN: the device to reach `dst` through (`via DEV`). */
  via?: LinkRef;
  /** The entry is a router (`router`). */
  router?: boolean;
  /** Mark the entry as learned by an external control plane (`extern_learn`). */
  externLearn?: boolean;
  /** Refresh an existing entry (`use`). */
  use?: boolean;
}

/** A decoded FDB entry. */
export interface FdbRecord {
  /** The MAC address. */
  lladdr: string | undefined;
  /** The device the entry is on (a bridge port, the bridge itself, a VXLAN device). */
  ifindex: number;
  /** The bridge the device belongs to, if the kernel says (NDA_MASTER). */
  master: number | undefined;
  /** The VLAN. */
  vlan: number | undefined;
  /** VXLAN: the remote VTEP. */
  dst: string | undefined;
  /** VXLAN: the remote UDP port, when not the device's default. */
  port: number | undefined;
  /** VXLAN: the VNI, when not the device's own. */
  vni: number | undefined;
  /** VXLAN: the source VNI. */
  srcVni: number | undefined;
  /** VXLAN: the device to reach `dst` through (NDA_IFINDEX). */
  via: number | undefined;
  /**
   * 'permanent', 'static', 'stale' or 'dynamic' (reachable), as
   * `bridge fdb show` prints them; the ndm_state number otherwise.
   */
  state: 'permanent' | 'static' | 'stale' | 'dynamic' | (number & {});
  /** Flag names: 'self', 'master', 'extern_learn', 'offload', 'router', 'use'. */
  flags: string[];
  /** Everything the kernel sent. */
  raw: RawReply;
}

/** Filter of {@link FdbApi.list}. */
export interface FdbFilter {
  /** The entries of this bridge and its ports (`br BRIDGE`). */
  br?: LinkRef;
  /** The entries of this device (`dev DEV`). */
  dev?: LinkRef;
  /** Only entries of this VLAN. */
  vlan?: number;
}

const ENTRY_KEYS = new Set(['lladdr', 'dev', 'self', 'master', 'state', 'vlan', 'dst', 'port', 'vni', 'srcVni', 'via', 'router', 'externLearn', 'use']);
const FILTER_KEYS = new Set(['br', 'dev', 'vlan']);

// NDA_PORT is big-endian on the wire; the codec writes u16 in host order.
const swap16 = (v: number): number => ((v & 0xff) << 8) | ((v >> 8) & 0xff);

function checkInt(v: unknown, lo: number, hi: number, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${field}: must be an integer ${lo}..${hi}, got ${String(v)}`);
  return v;
}

function checkBool(v: unknown, field: string): boolean {
  if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`${field}: must be a boolean`);
  return v === true;
}

/**
 * Every check of an FDB entry, and its message without the links' ifindexes,
 * without any I/O. Errors are TypeError/RangeError starting 'OP: FIELD: '.
 * (Exported for declarations checked as a whole before anything is touched:
 * topologies.)
 */
export function draftFdb(op: string, entry: FdbEntry): { header: Record<string, number>; attrs: RawAttrs } {
  if (entry === null || typeof entry !== 'object') throw new TypeError(`${op}: entry: must be an object like { lladdr, dev }`);
  for (const k of Object.keys(entry)) if (!ENTRY_KEYS.has(k)) throw new TypeError(`${op}: ${k}: unknown option`);
  const attrs: RawAttrs = { lladdr: checkMac(entry.lladdr, `${op}: lladdr`) };
  let ndmFlags = 0;
  if (checkBool(entry.self, `${op}: self`)) ndmFlags |= constant('NTF_SELF');
  if (checkBool(entry.master, `${op}: master`)) ndmFlags |= constant('NTF_MASTER');
  // Assume self, as bridge(8).
  if (entry.self === undefined && ndmFlags === 0) ndmFlags |= constant('NTF_SELF');
  if (ndmFlags === 0) throw new TypeError(`${op}: self: one of self and master must be true`);
  if (checkBool(entry.router, `${op}: router`)) ndmFlags |= constant('NTF_ROUTER');
  if (checkBool(entry.externLearn, `${op}: externLearn`)) ndmFlags |= constant('NTF_EXT_LEARNED');
  if (checkBool(entry.use, `${op}: use`)) ndmFlags |= constant('NTF_USE');
  // bridge(8): NUD_NOARP, plus PERMANENT (the default) or REACHABLE
  // (static); dynamic is REACHABLE without NOARP.
  let state: number;
  const s = entry.state ?? 'permanent';
  if (s === 'permanent') state = constant('NUD_NOARP') | constant('NUD_PERMANENT');
  else if (s === 'static') state = constant('NUD_NOARP') | constant('NUD_REACHABLE');
  else if (s === 'dynamic') state = constant('NUD_REACHABLE');
  else throw new TypeError(`${op}: state: must be 'permanent', 'static' or 'dynamic', got '${String(s)}'`);
  if (entry.dst !== undefined) {
    if (typeof entry.dst !== 'string' || !(isIPv4(entry.dst) || isIPv6(entry.dst))) throw new TypeError(`${op}: dst: not an IP address: '${String(entry.dst)}'`);
    attrs.dst = entry.dst;
  }
  if (entry.vlan !== undefined) attrs.vlan = checkInt(entry.vlan, 1, 4094, `${op}: vlan`);
  if (entry.port !== undefined) attrs.port = swap16(checkInt(entry.port, 1, 65535, `${op}: port`));
  if (entry.vni !== undefined) attrs.vni = checkInt(entry.vni, 0, 0xffffff, `${op}: vni`);
  if (entry.srcVni !== undefined) attrs.srcVni = checkInt(entry.srcVni, 0, 0xffffff, `${op}: srcVni`);
  if (entry.dev === undefined || entry.dev === null || entry.dev === '') throw new TypeError(`${op}: dev: must be a link name or ifindex`);
  return { header: { ndmFamily: constant('AF_BRIDGE'), ndmState: state, ndmFlags }, attrs };
}

/** The typed bridge FDB operations of one rtnetlink handle. */
export class FdbApi {
  readonly #sock: RtnlSocket;
  readonly #link: LinkApi;

  /** @internal Bound to a socket and the link API that resolves device names. */
  constructor(sock: RtnlSocket, link: LinkApi) {
    this.#sock = sock;
    this.#link = link;
  }

  /**
   * Add an entry; EEXIST if it exists.
   *
   * Equivalent to: `bridge fdb add MAC dev DEV [self] [master] [static|dynamic] [vlan VID] [dst IP] [port P] [vni VNI]`
   */
  add(entry: FdbEntry, opts: OperationOptions = {}): Promise<void> {
    return this.#change('fdb.add', constant('RTM_NEWNEIGH'), constant('NLM_F_CREATE') | constant('NLM_F_EXCL'), entry, opts);
  }

  /**
   * Append an entry: on a VXLAN device, one more remote for the same MAC
   * (the all-zeros MAC: flood to every remote VTEP appended).
   *
   * Equivalent to: `bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 198.18.0.2`
   */
  append(entry: FdbEntry, opts: OperationOptions = {}): Promise<void> {
    return this.#change('fdb.append', constant('RTM_NEWNEIGH'), constant('NLM_F_CREATE') | constant('NLM_F_APPEND'), entry, opts);
  }

  /**
   * Add an entry, or change the existing one.
   *
   * Equivalent to: `bridge fdb replace MAC dev DEV ...`
   */
  replace(entry: FdbEntry, opts: OperationOptions = {}): Promise<void> {
    return this.#change('fdb.replace', constant('RTM_NEWNEIGH'), constant('NLM_F_CREATE') | constant('NLM_F_REPLACE'), entry, opts);
  }

  /**
   * Delete an entry; ENOENT if there is none. On a VXLAN device, give `dst`
   * (and `port`, `vni`) to delete one remote of several.
   *
   * Equivalent to: `bridge fdb del MAC dev DEV [self] [master] [vlan VID] [dst IP]`
   */
  del(entry: FdbEntry, opts: OperationOptions = {}): Promise<void> {
    return this.#change('fdb.del', constant('RTM_DELNEIGH'), 0, entry, opts);
  }

  /**
   * The entries of a bridge (and its ports), of one device, or all.
   *
   * Equivalent to: `bridge fdb show [br BRIDGE] [dev DEV] [vlan VID]`
   */
  async list(filter: FdbFilter = {}, opts: DumpOptions = {}): Promise<FdbRecord[]> {
    const op = 'fdb.list';
    if (filter === null || typeof filter !== 'object') throw new TypeError(`${op}: filter: must be an object`);
    for (const k of Object.keys(filter)) if (!FILTER_KEYS.has(k)) throw new TypeError(`${op}: ${k}: unknown option`);
    const vlan = filter.vlan === undefined ? undefined : checkInt(filter.vlan, 0, 4095, `${op}: vlan`);
    const br = filter.br === undefined ? 0 : await resolveIfindex(this.#link, op, 'br', filter.br, opts);
    const dev = filter.dev === undefined ? 0 : await resolveIfindex(this.#link, op, 'dev', filter.dev, opts);
    // As bridge(8): the port goes in the header, the bridge in NDA_MASTER.
    const attrs: RawAttrs = br === 0 ? {} : { master: br };
    const replies = await this.#sock.collect(op, constant('RTM_GETNEIGH'), { header: { ndmFamily: constant('AF_BRIDGE'), ndmIfindex: dev }, attrs }, opts);
    const newneigh = constant('RTM_NEWNEIGH');
    return replies
      .filter((m) => m.type === newneigh && m.header.ndmFamily === constant('AF_BRIDGE'))
      .map(decodeFdbEntry)
      .filter((e) => dev === 0 || e.ifindex === dev)
      .filter((e) => vlan === undefined || e.vlan === vlan);
  }

  async #change(op: string, type: number, flags: number, entry: FdbEntry, opts: OperationOptions): Promise<void> {
    const d = draftFdb(op, entry);
    const ifindex = await resolveIfindex(this.#link, op, 'dev', entry.dev, opts);
    if (entry.via !== undefined) d.attrs.ifindex = await resolveIfindex(this.#link, op, 'via', entry.via, opts);
    await this.#sock.request(op, type, flags, { header: { ...d.header, ndmIfindex: ifindex }, attrs: d.attrs }, opts, entry);
  }

}

/** Decode one AF_BRIDGE RTM_NEWNEIGH message (an FDB entry). */
export function decodeFdbEntry(m: RawReply): FdbRecord {
  const h = m.header;
  const a = m.attrs;
  const s = h.ndmState as number;
  let state: FdbRecord['state'] = s;
  if (s & constant('NUD_PERMANENT')) state = 'permanent';
  else if (s & constant('NUD_NOARP')) state = 'static';
  else if (s & constant('NUD_STALE')) state = 'stale';
  else if (s & constant('NUD_REACHABLE')) state = 'dynamic';
  return {
    lladdr: a.lladdr as string | undefined,
    ifindex: h.ndmIfindex as number,
    master: a.master as number | undefined,
    vlan: a.vlan as number | undefined,
    dst: a.dst as string | undefined,
    port: typeof a.port === 'number' ? swap16(a.port) : undefined,
    vni: a.vni as number | undefined,
    srcVni: a.srcVni as number | undefined,
    via: a.ifindex as number | undefined,
    state,
    flags: ntfFlagNames(h.ndmFlags as number),
    raw: m,
  };
}
