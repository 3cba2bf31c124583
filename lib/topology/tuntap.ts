/**
 * TUN/TAP devices in topologies: the two things about them that are not
 * like other links. The kernel makes them only through /dev/net/tun
 * (TUNSETIFF; an RTM_NEWLINK of kind `tun` is refused), so apply opens the
 * device with `persist: true` in its namespace and closes the fd again,
 * as `ip tuntap add` does; and what TUNSETIFF/TUNSETOWNER/TUNSETGROUP set
 * is compared with the live link's IFLA_TUN_* data, a difference making
 * the device again. Everything else (marks, mtu, master, up, addresses,
 * routes, deletion with RTM_DELLINK) is the rtnetlink path every link takes.
 * @module
 */
import type { Link } from '../rtnl/link/types.js';
import type { NetNs } from '../netns/netns.js';
import { Tun } from '../tun/device.js';
import type { ModelLink, ModelTun } from './model.js';

/** IFLA_TUN_TYPE values (IFF_TUN, IFF_TAP). */
const TUN_TYPE = { tun: 1, tap: 2 } as const;

/** The link kind the kernel reports for both TUN and TAP devices. */
export const TUN_KIND = 'tun';

/**
 * Make a declared TUN/TAP device in `netns`: persistent (it outlives the fd,
 * closed right away) and exclusive (a device of that name made meanwhile by
 * someone else is not taken over: EBUSY).
 */
export async function openPersistent(netns: NetNs, name: string, tun: ModelTun, signal: AbortSignal | undefined): Promise<void> {
  const dev = await Tun.open({
    netns,
    name,
    mode: tun.mode,
    persist: true,
    exclusive: true,
    multiQueue: tun.multiQueue,
    ...(tun.owner === undefined ? {} : { owner: tun.owner }),
    ...(tun.group === undefined ? {} : { group: tun.group }),
    ...(signal === undefined ? {} : { signal }),
  });
  await dev.close();
}

/** The live device's mode, from IFLA_TUN_TYPE (undefined if the kernel did not say). */
export function liveTunMode(live: Link): 'tun' | 'tap' | undefined {
  if (live.kind !== TUN_KIND || !('data' in live) || live.data === undefined) return undefined;
  const type = live.data.type;
  return type === TUN_TYPE.tun ? 'tun' : type === TUN_TYPE.tap ? 'tap' : undefined;
}

/**
 * True if the live device was made otherwise than declared (mode, owner,
 * group, multi-queue): the topology then makes it again rather than
 * reopening it to change them, because a single-queue device that a
 * program holds open cannot be attached to (EBUSY).
 */
export function tunDiffers(l: ModelLink, live: Link): boolean {
  const want = l.tun;
  if (want === undefined) return false;
  if (live.kind !== TUN_KIND || !('data' in live) || live.data === undefined) return true;
  const d = live.data;
  // The kernel leaves IFLA_TUN_OWNER/GROUP out when they are unset (-1).
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  return liveTunMode(live) !== want.mode || num(d.owner) !== want.owner || num(d.group) !== want.group || (d.multiQueue === 1) !== want.multiQueue;
}
