/**
 * `openConntrack()`: a conntrack handle bound to one namespace — list,
 * delete and flush the connection tracking table over a NETLINK_NETFILTER
 * socket of its own (NFNL_SUBSYS_CTNETLINK).
 * @module
 */
import { NetlinkError } from '../netlink/errors.js';
import { NfnlSocket } from '../netlink/nfnl-socket.js';
import type { DumpOptions, OperationOptions } from '../netlink/socket.js';
import type { NetNs, NetnsRef } from '../netns/netns.js';
import { withOwnNetns } from '../netns/own.js';
import { decodeEntry } from './decode.js';
import { deleteRequest, dumpRequest, flushRequest } from './encode.js';
import { matches } from './match.js';
import type { CtEntry, CtFamily, CtFilter, CtFlowRef } from './types.js';
import { checkFilter, checkFlow, isFlowRef, type CheckedFlow } from './validate.js';
import { ctType } from './values.js';

/** Options of {@link openConntrack}. */
export interface ConntrackOpenOptions extends OperationOptions {
  /** The namespace to work in (a {@link NetNs}, borrowed, or a reference to open one). Default: the calling thread's. */
  netns?: NetNs | NetnsRef;
}

// Deletes in flight at once when a filter selects many flows.
const DELETE_WINDOW = 256;

/**
 * A conntrack handle: the connection tracking table of one namespace.
 * Conntrack is per namespace, so a handle sees and changes only its own.
 */
export class Conntrack {
  /** The underlying socket. */
  readonly socket: NfnlSocket;
  readonly #netns: NetNs;

  /** @internal Use {@link openConntrack}. */
  constructor(socket: NfnlSocket, ns: NetNs) {
    this.socket = socket;
    this.#netns = ns;
  }

  /**
   * The entries, all or those matching `filter` (every field given must
   * match; `src`, `dst`, `sport`, `dport` are the original direction's).
   * The family, mark, status and, with a known family, addresses, protocol
   * and TCP/UDP ports are filtered by the kernel; everything is checked again
   * on what it sends.
   *
   * Equivalent to: `conntrack -L [-f ipv4|ipv6] [-p udp] [-s 198.18.0.1] [-d ...] [--sport N] [--dport N] [-w zone] [-m mark[/mask]] [-u status]`
   */
  async list(filter?: CtFilter, opts: DumpOptions = {}): Promise<CtEntry[]> {
    const f = checkFilter('conntrack.list', filter);
    const replies = await this.socket.collect('conntrack.list', ctType('IPCTNL_MSG_CT_GET'), dumpRequest(f), opts);
    return replies
      .filter((m) => m.type === ctType('IPCTNL_MSG_CT_NEW'))
      .map(decodeEntry)
      .filter((e) => matches(e, f));
  }

  /**
   * Delete one flow (by its original tuple, zone and, for an entry from
   * `list()`, its id, so a newer entry with the same tuple stays), or every
   * entry matching a filter (listed, then deleted one by one). Resolves with
   * how many were deleted: an entry already gone is not an error, it just
   * does not count.
   *
   * Equivalent to: `conntrack -D -p udp -s 198.18.0.1 -d 198.18.0.2 --sport 4000 --dport 53` (one flow) /
   * `conntrack -D [filter]` (all matching)
   */
  async delete(target: CtFlowRef | CtFilter, opts: OperationOptions = {}): Promise<number> {
    const op = 'conntrack.delete';
    if (target === undefined || target === null) throw new TypeError(`${op}: target: must be a flow (an entry from list()) or a filter`);
    if (isFlowRef(target)) return (await this.#deleteOne(op, checkFlow(op, target), opts)) ? 1 : 0;
    const f = checkFilter(op, target);
    const replies = await this.socket.collect(op, ctType('IPCTNL_MSG_CT_GET'), dumpRequest(f), opts);
    const flows = replies
      .filter((m) => m.type === ctType('IPCTNL_MSG_CT_NEW'))
      .map(decodeEntry)
      .filter((e) => matches(e, f) && typeof e.family === 'string')
      .map((e) => checkFlow(op, e as CtFlowRef));
    let deleted = 0;
    for (let i = 0; i < flows.length; i += DELETE_WINDOW) {
      const done = await Promise.all(flows.slice(i, i + DELETE_WINDOW).map((flow) => this.#deleteOne(op, flow, opts)));
      deleted += done.filter(Boolean).length;
    }
    return deleted;
  }

  // True if the kernel deleted it, false if it was gone (ENOENT).
  async #deleteOne(op: string, flow: CheckedFlow, opts: OperationOptions): Promise<boolean> {
    try {
      await this.socket.request(op, ctType('IPCTNL_MSG_CT_DELETE'), 0, deleteRequest(flow), opts, flow);
      return true;
    } catch (e) {
      if (e instanceof NetlinkError && e.code === 'ENOENT') return false;
      throw e;
    }
  }

  /**
   * Delete every entry, of one family or of all.
   *
   * Equivalent to: `conntrack -F` / `conntrack -F -f ipv6`
   */
  async flush(family?: CtFamily, opts: OperationOptions = {}): Promise<void> {
    if (family !== undefined && family !== 'ip' && family !== 'ip6') throw new TypeError(`conntrack.flush: family: must be 'ip' or 'ip6', got ${JSON.stringify(family)}`);
    await this.socket.request('conntrack.flush', ctType('IPCTNL_MSG_CT_DELETE'), 0, flushRequest(family), opts);
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.socket.closed;
  }

  /** Close the socket (the table stays as it is). Idempotent. */
  async close(): Promise<void> {
    this.socket.close();
    this.#netns.close();
  }

  /** `await using ct = await openConntrack()` support. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Open a conntrack handle in the current namespace or in `opts.netns`.
 *
 * ```ts
 * await using ct = await openConntrack({ netns: 'ns1' });
 * const nated = await ct.list({ proto: 'udp', dport: 53, status: ['dst-nat'] });
 * ```
 */
export async function openConntrack(opts: ConntrackOpenOptions = {}): Promise<Conntrack> {
  const { netns, ...rest } = opts;
  return withOwnNetns(netns, async (fd, ns) => new Conntrack(await NfnlSocket.open(fd, rest), ns));
}
