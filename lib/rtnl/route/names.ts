/**
 * Route name tables both ways: types (RTN_*), protocols (RTPROT_*), nexthop
 * and rtm flags.
 * @module
 */
import { ConstantNames } from '../../netlink/constant-names.js';

/** Route types (`ip route add TYPE`). */
export const TYPES = new ConstantNames({
  unspec: 'RTN_UNSPEC', unicast: 'RTN_UNICAST', local: 'RTN_LOCAL', broadcast: 'RTN_BROADCAST', anycast: 'RTN_ANYCAST', multicast: 'RTN_MULTICAST',
  blackhole: 'RTN_BLACKHOLE', unreachable: 'RTN_UNREACHABLE', prohibit: 'RTN_PROHIBIT', throw: 'RTN_THROW', nat: 'RTN_NAT',
});
/** Who installed a route (`proto NAME`). */
export const PROTOCOLS = new ConstantNames({
  unspec: 'RTPROT_UNSPEC', redirect: 'RTPROT_REDIRECT', kernel: 'RTPROT_KERNEL', boot: 'RTPROT_BOOT', static: 'RTPROT_STATIC', ra: 'RTPROT_RA', dhcp: 'RTPROT_DHCP',
});
const NH_FLAG_TABLE = { dead: 'RTNH_F_DEAD', pervasive: 'RTNH_F_PERVASIVE', onlink: 'RTNH_F_ONLINK', linkdown: 'RTNH_F_LINKDOWN' };
/** rtnh_flags of a nexthop. */
export const NH_FLAGS = new ConstantNames(NH_FLAG_TABLE);
/** rtm_flags of a route: the nexthop flags and the RTM_F_* ones. */
export const RTM_FLAGS = new ConstantNames({ ...NH_FLAG_TABLE, notify: 'RTM_F_NOTIFY', cloned: 'RTM_F_CLONED', 'lookup-table': 'RTM_F_LOOKUP_TABLE', fibmatch: 'RTM_F_FIB_MATCH' });
