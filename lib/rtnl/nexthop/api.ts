/**
 * Nexthop objects: `ip nexthop`. The {@link NexthopApi} operations of a handle.
 * @module
 */
import { constant, type RawMessage, type RawReply } from '../../netlink/native.js';
import type { DumpOptions, OperationOptions, RtnlSocket } from '../../netlink/socket.js';
import { resolveIfindex, type LinkLookup, type LinkRef } from '../values/ifindex.js';
import { familyNumber } from '../values/tables.js';
import { decodeNexthop } from './decode.js';
import type { NexthopFilter, NexthopObject, NexthopObjectSpec } from './types.js';
import { checkNexthopId, validateNexthop, validateNexthopFilter } from './validate.js';

/** The typed nexthop-object operations of one rtnetlink handle. */
export class NexthopApi {
  readonly #sock: RtnlSocket;
  readonly #link: LinkLookup;

  /** @internal Bound to a socket and the link API that resolves device names. */
  constructor(sock: RtnlSocket, link: LinkLookup) {
    this.#sock = sock;
    this.#link = link;
  }

  /**
   * Add a nexthop object; fails with EEXIST if the id is taken.
   *
   * Equivalent to: `ip nexthop add id 1 via 198.18.0.2 dev eth0`, `ip nexthop add id 3 blackhole`,
   * `ip nexthop add id 10 group 1,2/2 [type resilient buckets N]`, `ip nexthop add id 20 via 198.18.0.2 fdb`
   */
  add(spec: NexthopObjectSpec, opts: OperationOptions = {}): Promise<void> {
    return this.#modify('nexthop.add', constant('NLM_F_CREATE') | constant('NLM_F_EXCL'), spec, opts);
  }

  /**
   * Add a nexthop object, or replace the one with the same id in place (routes
   * using it follow; a group's members must stay nexthops, not groups, and
   * the other way round).
   *
   * Equivalent to: `ip nexthop replace id 1 via 198.18.0.3 dev eth0`
   */
  replace(spec: NexthopObjectSpec, opts: OperationOptions = {}): Promise<void> {
    return this.#modify('nexthop.replace', constant('NLM_F_CREATE') | constant('NLM_F_REPLACE'), spec, opts);
  }

  /**
   * Delete the nexthop object `id` (routes using it go with it); fails with
   * ENOENT when there is none.
   *
   * Equivalent to: `ip nexthop del id 1`
   */
  async del(id: number, opts: OperationOptions = {}): Promise<void> {
    const op = 'nexthop.del';
    const msg = { header: {}, attrs: { id: checkNexthopId(id, `${op}: id`) } };
    await this.#sock.request(op, constant('RTM_DELNEXTHOP'), 0, msg, opts, { id });
  }

  /**
   * The nexthop object `id`; fails with ENOENT when there is none.
   *
   * Equivalent to: `ip nexthop get id 1`
   */
  async get(id: number, opts: OperationOptions = {}): Promise<NexthopObject> {
    const op = 'nexthop.get';
    const msg = { header: {}, attrs: { id: checkNexthopId(id, `${op}: id`) } };
    const replies = await this.#sock.request(op, constant('RTM_GETNEXTHOP'), 0, msg, opts, { id });
    const reply = replies.find((m) => m.type === constant('RTM_NEWNEXTHOP'));
    if (reply === undefined) throw new Error(`${op}: the kernel sent no nexthop for id ${id}`);
    return decodeNexthop(reply);
  }

  /**
   * The nexthop objects matching `filter`, by id.
   *
   * Equivalent to: `ip nexthop show [dev DEV] [master DEV] [groups] [fdb] [id N]`, `ip -6 nexthop show`
   */
  async list(filter: NexthopFilter = {}, opts: DumpOptions = {}): Promise<NexthopObject[]> {
    const op = 'nexthop.list';
    const { family, id, attrs } = validateNexthopFilter(op, filter);
    if (filter.dev !== undefined) attrs.oif = await this.#ifindex(op, 'dev', filter.dev, opts);
    if (filter.master !== undefined) attrs.master = await this.#ifindex(op, 'master', filter.master, opts);
    const request: RawMessage = { header: { family: familyNumber(family) }, attrs };
    const replies = await this.#sock.collect(op, constant('RTM_GETNEXTHOP'), request, opts);
    // The kernel filters by dev, master, groups and family itself, but not by
    // fdb (6.18 returns every nexthop for NHA_FDB): checked here too, all of them.
    const accept = (m: RawReply): boolean =>
      m.type === constant('RTM_NEWNEXTHOP') &&
      (id === undefined || m.attrs.id === id) &&
      (attrs.fdb !== true || m.attrs.fdb === true) &&
      (attrs.groups !== true || m.attrs.group !== undefined) &&
      (attrs.oif === undefined || m.attrs.oif === attrs.oif) &&
      (family === undefined || m.header.family === familyNumber(family));
    return replies.filter(accept).map(decodeNexthop);
  }

  /**
   * Delete every nexthop object matching `filter` (groups first, so that no
   * member is removed from under one); returns how many were deleted.
   *
   * Equivalent to: `ip nexthop flush [dev DEV] [groups] [fdb]`
   */
  async flush(filter: NexthopFilter = {}, opts: OperationOptions = {}): Promise<number> {
    const all = await this.list(filter, opts);
    const ordered = [...all.filter((n) => n.group !== undefined), ...all.filter((n) => n.group === undefined)];
    let n = 0;
    for (const nh of ordered) {
      try {
        await this.del(nh.id, opts);
        n++;
      } catch (e) {
        // Gone meanwhile: with its device, or by someone else.
        if ((e as { code?: string }).code !== 'ENOENT') throw e;
      }
    }
    return n;
  }

  async #modify(op: string, flags: number, spec: NexthopObjectSpec, opts: OperationOptions): Promise<void> {
    const d = validateNexthop(op, spec);
    if (spec.dev !== undefined) d.attrs.oif = await this.#ifindex(op, 'dev', spec.dev, opts);
    await this.#sock.request(op, constant('RTM_NEWNEXTHOP'), flags, { header: d.header, attrs: d.attrs }, opts, spec);
  }

  #ifindex(op: string, field: string, dev: LinkRef, opts: OperationOptions): Promise<number> {
    return resolveIfindex(this.#link, op, field, dev, opts);
  }
}
