/**
 * Opening a netlink socket of any protocol in a namespace, for the socket
 * classes of each protocol (rtnetlink, nfnetlink, generic netlink), and the
 * abort check every operation starts with.
 * @module
 */
import { AbortError, NetlinkError } from './errors.js';
import { native, type NativeSocket } from './native.js';
import type { OperationOptions } from './socket.js';

/** @internal Throw AbortError if `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, operation: string): void {
  if (signal?.aborted) throw new AbortError(operation, signal.reason);
}

/**
 * A native socket of `protocol` (NETLINK_ROUTE when undefined) opened in the
 * namespace behind `netnsFd` (-1: the current one), for the socket classes
 * of each protocol; an abort while it opened closes it again.
 * @internal
 */
export async function openNativeSocket(netnsFd: number, protocol: number | undefined, opts: OperationOptions): Promise<NativeSocket> {
  throwIfAborted(opts.signal, 'open');
  let sock: NativeSocket;
  try {
    sock = await native.openSocket(netnsFd, protocol);
  } catch (e) {
    throw NetlinkError.from(e, 'open');
  }
  if (opts.signal?.aborted) {
    sock.close();
    throw new AbortError('open', opts.signal.reason);
  }
  return sock;
}
