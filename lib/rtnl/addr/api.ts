/**
 * Addresses: `ip addr`. The {@link AddrApi} operations of a handle.
 * @module
 */
import { constant, type RawAttrs } from '../../netlink/native.js';
import type { DumpOptions, OperationOptions, RtnlSocket } from '../../netlink/socket.js';
import { parseCidr } from '../values/cidr.js';
import { checkFamily } from '../values/checks.js';
import { resolveIfindex, type LinkLookup, type LinkRef } from '../values/ifindex.js';
import { familyNumber } from '../values/tables.js';
import type { AddrAddOptions, AddrFilter, Address } from './types.js';
import { buildAddrHeader, parsePeer, validateAddr } from './validate.js';
import { decodeAddress } from './decode.js';

/** The typed address operations of one rtnetlink handle. */
export class AddrApi {
  readonly #sock: RtnlSocket;
  readonly #link: LinkLookup;

  /** @internal Bound to a socket and the link API that resolves device names. */
  constructor(sock: RtnlSocket, link: LinkLookup) {
    this.#sock = sock;
    this.#link = link;
  }

  /**
   * Add an address to a link.
   *
   * Equivalent to: `ip addr add CIDR dev DEV [peer P] [brd B] [label L] [scope S] [nodad] ...`
   */
  add(dev: LinkRef, cidr: string, opts: AddrAddOptions & OperationOptions = {}): Promise<void> {
    return this.#change('addr.add', constant('NLM_F_CREATE') | constant('NLM_F_EXCL'), dev, cidr, opts);
  }

  /**
   * Add an address, or change it if it exists.
   *
   * Equivalent to: `ip addr replace CIDR dev DEV ...`
   */
  replace(dev: LinkRef, cidr: string, opts: AddrAddOptions & OperationOptions = {}): Promise<void> {
    return this.#change('addr.replace', constant('NLM_F_CREATE') | constant('NLM_F_REPLACE'), dev, cidr, opts);
  }

  /**
   * Remove an address from a link. A point-to-point address is named with
   * its `peer`, as the kernel matches it.
   *
   * Equivalent to: `ip addr del CIDR [peer P] dev DEV`
   */
  async del(dev: LinkRef, cidr: string, opts: { peer?: string } & OperationOptions = {}): Promise<void> {
    const op = 'addr.del';
    const c = parseCidr(cidr, `${op}: cidr`);
    const ifindex = await this.#ifindex(op, dev, opts);
    const attrs: RawAttrs = { local: c.address };
    if (opts.peer !== undefined) {
      attrs.address = parsePeer(op, c, opts.peer).address;
    } else if (c.family === 'inet') {
      attrs.address = c.address;
    }
    await this.#sock.request(op, constant('RTM_DELADDR'), 0, { header: buildAddrHeader(c, ifindex, 0), attrs }, opts, { dev, cidr });
  }

  /**
   * The addresses, optionally of one link or family.
   *
   * Equivalent to: `ip addr show [dev DEV]` / `ip -4 addr`, `ip -6 addr`
   */
  async list(filter: AddrFilter = {}, opts: DumpOptions = {}): Promise<Address[]> {
    const op = 'addr.list';
    const { family, dev } = filter;
    checkFamily(family, op);
    const ifindex = dev === undefined ? 0 : await this.#ifindex(op, dev, opts);
    const af = familyNumber(family);
    // With strict checking the kernel filters by ifindex itself.
    const replies = await this.#sock.collect(op, constant('RTM_GETADDR'), { header: { ifaFamily: af, ifaIndex: ifindex } }, opts);
    const newaddr = constant('RTM_NEWADDR');
    return replies.filter((m) => m.type === newaddr).map(decodeAddress).filter((a) => ifindex === 0 || a.ifindex === ifindex);
  }

  /**
   * Remove every address of a link (of one family, if given).
   *
   * Equivalent to: `ip addr flush dev DEV`
   */
  async flush(dev: LinkRef, filter: { family?: 'inet' | 'inet6' } = {}, opts: OperationOptions = {}): Promise<void> {
    const list = await this.list({ dev, ...filter }, opts);
    // Secondaries go with their primary (IPv4): delete secondaries first and
    // ignore ones the kernel already removed.
    list.sort((a, b) => Number(b.flags.includes('secondary')) - Number(a.flags.includes('secondary')));
    for (const a of list) {
      try {
        await this.del(a.ifindex, a.cidr, a.peer === undefined ? opts : { ...opts, peer: a.peer });
      } catch (e) {
        if ((e as { code?: string }).code !== 'EADDRNOTAVAIL') throw e;
      }
    }
  }

  async #change(op: string, flags: number, dev: LinkRef, cidr: string, opts: AddrAddOptions & OperationOptions): Promise<void> {
    const d = validateAddr(op, cidr, opts, dev);
    const ifindex = await this.#ifindex(op, dev, opts);
    await this.#sock.request(op, constant('RTM_NEWADDR'), flags, { header: { ...d.header, ifaIndex: ifindex }, attrs: d.attrs }, opts, { dev, cidr, ...opts });
  }

  #ifindex(op: string, dev: LinkRef, opts: OperationOptions): Promise<number> {
    return resolveIfindex(this.#link, op, 'dev', dev, opts);
  }
}
