/**
 * A handle's own fd on the namespace it works in. A socket handle keeps the
 * namespace open for its whole life, so it takes an fd of its own (the
 * caller's NetNs stays the caller's to close) and gives it back if the
 * handle cannot be made.
 * @module
 */
import { NetNs, netns as netnsApi, type NetnsRef } from './netns.js';

/**
 * Open the namespace `target` names (the current one when undefined) for a
 * handle and call `make` with the fd to create its socket in (-1: the
 * current namespace, no switch needed) and the NetNs the handle will own.
 * The NetNs is closed when `make` fails.
 */
export async function withOwnNetns<T>(target: NetNs | NetnsRef | undefined, make: (fd: number, ns: NetNs) => Promise<T>): Promise<T> {
  const ns =
    target === undefined
      ? netnsApi.current()
      : target instanceof NetNs
        ? await netnsApi.open({ path: `/proc/self/fd/${target.fd}` })
        : await netnsApi.open(target);
  try {
    return await make(target === undefined ? -1 : ns.fd, ns);
  } catch (e) {
    ns.close();
    throw e;
  }
}
