/**
 * TUN/TAP devices in topologies: the extension point. The kernel creates
 * them only through /dev/net/tun (TUNSETIFF, TUNSETPERSIST), not over
 * rtnetlink, so a topology needs netloom's TUN support (lib/tun.ts) for
 * them. This build does not have it: declarations with `tuntap` entries are
 * refused in validation, before anything is touched, with {@link
 * TuntapSupport.reason}.
 * @module
 */

/** Whether topologies can make TUN/TAP devices in this build, and why not. */
export interface TuntapSupport {
  /** True when `tuntap` entries can be applied. */
  readonly available: boolean;
  /** The validation message when they cannot. */
  readonly reason: string;
}

/** TUN/TAP support of this build. */
export const tuntapSupport: TuntapSupport = {
  available: false,
  reason: 'TUN/TAP devices need netloom\'s TUN support (lib/tun.ts), which this build does not have',
};
