/**
 * Neighbours (ARP and NDP entries): `ip neigh`. The {@link NeighApi} operations of a handle.
 * @module
 */
import { constant, type RawAttrs } from '../../netlink/native.js';
import type { DumpOptions, OperationOptions, RtnlSocket } from '../../netlink/socket.js';
import { resolveIfindex, type LinkLookup } from '../values/ifindex.js';
import type { NeighDelEntry, NeighEntry, NeighFilter, Neighbour } from './types.js';
import { validateNeigh, validateNeighDel, validateNeighFilter } from './validate.js';
import { decodeNeighbour } from './decode.js';

/** The typed neighbour operations of one rtnetlink handle. */
export class NeighApi {
  readonly #sock: RtnlSocket;
  readonly #link: LinkLookup;

  /** @internal Bound to a socket and the link API that resolves device names. */
  constructor(sock: RtnlSocket, link: LinkLookup) {
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
    const d = validateNeighDel(op, entry);
    const ifindex = await resolveIfindex(this.#link, op, 'dev', entry.dev, opts);
    await this.#sock.request(op, constant('RTM_DELNEIGH'), 0, { header: { ...d.header, ndmIfindex: ifindex }, attrs: d.attrs }, opts, entry);
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
    const { af, proxy, states } = validateNeighFilter(op, filter);
    const { dev } = filter;
    const ifindex = dev === undefined ? 0 : await resolveIfindex(this.#link, op, 'dev', dev, opts);
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
    const d = validateNeigh(op, entry);
    const ifindex = await resolveIfindex(this.#link, op, 'dev', entry.dev, opts);
    await this.#sock.request(op, constant('RTM_NEWNEIGH'), flags, { header: { ...d.header, ndmIfindex: ifindex }, attrs: d.attrs }, opts, entry);
  }
}
