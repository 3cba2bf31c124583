/**
 * Route name tables both ways: types (RTN_*), protocols (RTPROT_*), nexthop
 * and rtm flags.
 * @module
 */
import { ConstantNames } from '../../netlink/constant-names.js';
import { NH_FLAG_TABLE } from '../values/tables.js';

/** Route types (`ip route add TYPE`). */
export const TYPES = new ConstantNames({
  unspec: 'RTN_UNSPEC', unicast: 'RTN_UNICAST', local: 'RTN_LOCAL', broadcast: 'RTN_BROADCAST', anycast: 'RTN_ANYCAST', multicast: 'RTN_MULTICAST',
  blackhole: 'RTN_BLACKHOLE', unreachable: 'RTN_UNREACHABLE', prohibit: 'RTN_PROHIBIT', throw: 'RTN_THROW', nat: 'RTN_NAT',
});
// Shared with nexthop objects (values/tables.ts): who installed it, rtnh_flags.
export { PROTOCOLS, NH_FLAGS } from '../values/tables.js';
/** rtm_flags of a route: the nexthop flags and the RTM_F_* ones. */
export const RTM_FLAGS = new ConstantNames({ ...NH_FLAG_TABLE, notify: 'RTM_F_NOTIFY', cloned: 'RTM_F_CLONED', 'lookup-table': 'RTM_F_LOOKUP_TABLE', fibmatch: 'RTM_F_FIB_MATCH' });
