/**
 * The bridge forwarding database: `bridge fdb` (AF_BRIDGE neighbour
 * messages), for bridges, their ports and VXLAN devices. The {@link FdbApi}
 * operations of a handle.
 * @module
 */
import { constant, type RawAttrs } from '../../netlink/native.js';
import type { DumpOptions, OperationOptions, RtnlSocket } from '../../netlink/socket.js';
import { resolveIfindex, type LinkLookup } from '../values/ifindex.js';
import type { FdbEntry, FdbFilter, FdbRecord } from './types.js';
import { validateFdb, validateFdbFilter } from './validate.js';
import { decodeFdbEntry } from './decode.js';

/** The typed bridge FDB operations of one rtnetlink handle. */
export class FdbApi {
  readonly #sock: RtnlSocket;
  readonly #link: LinkLookup;

  /** @internal Bound to a socket and the link API that resolves device names. */
  constructor(sock: RtnlSocket, link: LinkLookup) {
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
    const { vlan } = validateFdbFilter(op, filter);
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
    const d = validateFdb(op, entry);
    const ifindex = await resolveIfindex(this.#link, op, 'dev', entry.dev, opts);
    if (entry.via !== undefined) d.attrs.ifindex = await resolveIfindex(this.#link, op, 'via', entry.via, opts);
    await this.#sock.request(op, type, flags, { header: { ...d.header, ndmIfindex: ifindex }, attrs: d.attrs }, opts, entry);
  }
}
