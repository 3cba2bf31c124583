// The pure half of the link API: input validation (exact messages), the
// rtnetlink messages built from friendly descriptions, and decoding of
// kernel replies. Needs no privileges and no native addon: kernel constants
// come from the table below (Linux UAPI values), passed in as a lookup.
import t from 'tap';
import { createRequire } from 'node:module';
import {
  validateAdd,
  validateSet,
  validateFilter,
  validateGroup,
  validateLinkRef,
  addRefs,
  setRefs,
  buildAddMessage,
  buildAddFollowUps,
  buildPeerFollowUp,
  buildSetMessage,
  buildDelMessage,
  buildDelGroupMessage,
  buildGetMessage,
  buildDumpMessage,
  decodeLink,
  matchFilter,
  flagNames,
  isLinkKind,
  unsupportedKindError,
  unresolvedRefError,
} from '../../dist/rtnl/link/pure.js';
import { KINDS, KNOWN_KINDS, kindModule } from '../../dist/rtnl/link/kinds/index.js';
import * as bridge from '../../dist/rtnl/link/kinds/bridge.js';
import * as vxlan from '../../dist/rtnl/link/kinds/vxlan.js';
import { NetlinkError } from '../../dist/netlink/errors.js';

// Linux UAPI values (include/uapi/linux/{rtnetlink,netlink,if,if_link,if_bridge,if_vlan,if_ether}.h).
const TABLE = {
  AF_UNSPEC: 0,
  RTM_NEWLINK: 16,
  RTM_DELLINK: 17,
  RTM_GETLINK: 18,
  NLM_F_EXCL: 0x200,
  NLM_F_CREATE: 0x400,
  IFF_UP: 0x1,
  IFF_BROADCAST: 0x2,
  IFF_DEBUG: 0x4,
  IFF_LOOPBACK: 0x8,
  IFF_POINTOPOINT: 0x10,
  IFF_NOTRAILERS: 0x20,
  IFF_RUNNING: 0x40,
  IFF_NOARP: 0x80,
  IFF_PROMISC: 0x100,
  IFF_ALLMULTI: 0x200,
  IFF_MASTER: 0x400,
  IFF_SLAVE: 0x800,
  IFF_MULTICAST: 0x1000,
  IFF_PORTSEL: 0x2000,
  IFF_AUTOMEDIA: 0x4000,
  IFF_DYNAMIC: 0x8000,
  IFF_LOWER_UP: 0x10000,
  IFF_DORMANT: 0x20000,
  IFF_ECHO: 0x40000,
  IF_OPER_UNKNOWN: 0,
  IF_OPER_NOTPRESENT: 1,
  IF_OPER_DOWN: 2,
  IF_OPER_LOWERLAYERDOWN: 3,
  IF_OPER_TESTING: 4,
  IF_OPER_DORMANT: 5,
  IF_OPER_UP: 6,
  IN6_ADDR_GEN_MODE_EUI64: 0,
  IN6_ADDR_GEN_MODE_NONE: 1,
  IN6_ADDR_GEN_MODE_STABLE_PRIVACY: 2,
  IN6_ADDR_GEN_MODE_RANDOM: 3,
  MACVLAN_MODE_PRIVATE: 1,
  MACVLAN_MODE_VEPA: 2,
  MACVLAN_MODE_BRIDGE: 4,
  MACVLAN_MODE_PASSTHRU: 8,
  MACVLAN_MODE_SOURCE: 16,
  MACVLAN_FLAG_NOPROMISC: 1,
  MACVLAN_MACADDR_ADD: 0,
  MACVLAN_MACADDR_DEL: 1,
  MACVLAN_MACADDR_FLUSH: 2,
  MACVLAN_MACADDR_SET: 3,
  IPVLAN_MODE_L2: 0,
  IPVLAN_MODE_L3: 1,
  IPVLAN_MODE_L3S: 2,
  IPVLAN_F_PRIVATE: 1,
  IPVLAN_F_VEPA: 2,
  ETH_P_8021Q: 0x8100,
  ETH_P_8021AD: 0x88a8,
  VLAN_FLAG_REORDER_HDR: 1,
  VLAN_FLAG_GVRP: 2,
  VLAN_FLAG_LOOSE_BINDING: 4,
  VLAN_FLAG_MVRP: 8,
  VLAN_FLAG_BRIDGE_BINDING: 16,
  VXLAN_DF_UNSET: 0,
  VXLAN_DF_SET: 1,
  VXLAN_DF_INHERIT: 2,
  BR_STATE_DISABLED: 0,
  BR_STATE_LISTENING: 1,
  BR_STATE_LEARNING: 2,
  BR_STATE_FORWARDING: 3,
  BR_STATE_BLOCKING: 4,
};
/** Like native.ts `constant`: throws on a name the table lacks. */
const k = (name) => {
  const v = TABLE[name];
  if (v === undefined) throw new Error(`test: constant ${name} missing`);
  return v;
};

const ADD = 0x600; // NLM_F_CREATE | NLM_F_EXCL
const hdr = (ifiIndex = 0, ifiFlags = 0, ifiChange = 0) => ({ ifiFamily: 0, ifiType: 0, ifiIndex, ifiFlags, ifiChange });
const ns = (fd) => ({ fd, name: undefined }); // a NetNs stand-in: anything with an `fd`

t.test('importing the pure modules does not load the native addon', async (t) => {
  const cache = Object.keys(createRequire(import.meta.url).cache);
  t.notOk(cache.some((p) => p.endsWith('.node')), 'no .node file in the require cache');
});

t.test('the registry', async (t) => {
  t.same([...KNOWN_KINDS].sort(), ['bond', 'bridge', 'dummy', 'erspan', 'geneve', 'gre', 'gretap', 'ifb', 'ip6gre', 'ip6gretap', 'ip6tnl', 'ipip', 'ipvlan', 'ipvtap', 'macvlan', 'macvtap', 'sit', 'veth', 'vlan', 'vrf', 'vti', 'vti6', 'vxlan', 'wireguard']);
  for (const kind of KNOWN_KINDS) t.equal(KINDS[kind].kind, kind, `${kind} module names itself`);
  t.equal(kindModule('ip6erspan'), undefined);
  t.equal(kindModule('toString'), undefined, 'no prototype lookups');
  for (const kind of KNOWN_KINDS) {
    const m = KINDS[kind];
    for (const o of m.setOptions) t.ok(m.options.includes(o), `${kind}: set option ${o} is an add option`);
  }
});

// [call, error class, exact message]
const A = (spec) => () => validateAdd(spec);
const S = (link, changes) => () => validateSet(link, changes);
const long = (c, n) => c.repeat(n);
const BAD = [
  // shape and kind
  [A(null), TypeError, 'link.add: spec: must be an object, got null'],
  [A([]), TypeError, 'link.add: spec: must be an object, got an array'],
  [A({ name: 'x' }), TypeError, 'link.add: kind: is required'],
  [A({ kind: 5, name: 'x' }), TypeError, "link.add: kind: must be a link kind name like 'bridge' (1..55 letters, digits, '_', '-', '.'), got 5"],
  [A({ kind: 'br idge', name: 'x' }), RangeError, "link.add: kind: must be a link kind name like 'bridge' (1..55 letters, digits, '_', '-', '.'), got 'br idge'"],
  // name
  [A({ kind: 'veth' }), TypeError, 'link.add: name: is required'],
  [A({ kind: 'veth', name: long('a', 17) }), RangeError, "link.add: name: must be 1..15 bytes, got 17 ('aaaaaaaaaaaaaaaaa')"],
  [A({ kind: 'veth', name: '' }), RangeError, "link.add: name: must be 1..15 bytes, got 0 ('')"],
  [A({ kind: 'veth', name: 'ééééééééé' }), RangeError, "link.add: name: must be 1..15 bytes, got 18 ('ééééééééé')"],
  [A({ kind: 'veth', name: 'a/b' }), RangeError, "link.add: name: must not contain '/', ':', whitespace or NUL, got 'a/b'"],
  [A({ kind: 'veth', name: 'eth0:1' }), RangeError, "link.add: name: must not contain '/', ':', whitespace or NUL, got 'eth0:1'"],
  [A({ kind: 'veth', name: 'a b' }), RangeError, "link.add: name: must not contain '/', ':', whitespace or NUL, got 'a b'"],
  [A({ kind: 'veth', name: 'a\tb' }), RangeError, "link.add: name: must not contain '/', ':', whitespace or NUL, got 'a\\tb'"],
  [A({ kind: 'veth', name: '..' }), RangeError, "link.add: name: must not be '.' or '..'"],
  [A({ kind: 'veth', name: 42 }), TypeError, 'link.add: name: must be a string, got 42'],
  // common fields
  [A({ kind: 'veth', name: 'v0', mtu: -1 }), RangeError, 'link.add: mtu: must be an integer 68..65535, got -1'],
  [A({ kind: 'veth', name: 'v0', mtu: '1500' }), TypeError, "link.add: mtu: must be an integer 68..65535, got '1500'"],
  [A({ kind: 'veth', name: 'v0', mtu: 1500.5 }), RangeError, 'link.add: mtu: must be an integer 68..65535, got 1500.5'],
  [A({ kind: 'bridge', name: 'br0', mtu: 65536 }), RangeError, 'link.add: mtu: must be an integer 68..65535, got 65536'],
  [A({ kind: 'veth', name: 'v0', mtu: NaN }), RangeError, 'link.add: mtu: must be an integer 68..65535, got NaN'],
  [A({ kind: 'veth', name: 'v0', mac: 'zz:00' }), TypeError, "link.add: mac: not a MAC address: 'zz:00'"],
  [A({ kind: 'veth', name: 'v0', mac: '02:00:00:00:00' }), TypeError, "link.add: mac: not a MAC address: '02:00:00:00:00'"],
  [A({ kind: 'veth', name: 'v0', mac: 0x020000000001 }), TypeError, "link.add: mac: must be a MAC address string like 'aa:bb:cc:dd:ee:ff', got 2199023255553"],
  [A({ kind: 'veth', name: 'v0', mac: '01:00:5e:00:00:01' }), RangeError, "link.add: mac: must be a unicast MAC address, got '01:00:5e:00:00:01'"],
  [A({ kind: 'veth', name: 'v0', mac: '00:00:00:00:00:00' }), RangeError, 'link.add: mac: must not be all zeros'],
  [A({ kind: 'veth', name: 'v0', broadcast: 'ff:ff:ff:ff:ff' }), TypeError, "link.add: broadcast: not a MAC address: 'ff:ff:ff:ff:ff'"],
  [A({ kind: 'veth', name: 'v0', txqlen: -5 }), RangeError, 'link.add: txqlen: must be an integer 0..4294967295, got -5'],
  [A({ kind: 'veth', name: 'v0', up: 'yes' }), TypeError, "link.add: up: must be a boolean, got 'yes'"],
  [A({ kind: 'veth', name: 'v0', group: 2 ** 32 }), RangeError, 'link.add: group: must be an integer 0..4294967295, got 4294967296'],
  [A({ kind: 'veth', name: 'v0', master: 0 }), RangeError, 'link.add: master: must be an integer 1..2147483647, got 0'],
  [A({ kind: 'veth', name: 'v0', master: {} }), TypeError, 'link.add: master: must be an interface name or an ifindex, got an object'],
  [A({ kind: 'veth', name: 'v0', master: 'br0', netns: ns(5) }), TypeError, "link.add: master: with netns, give the master's ifindex in the target namespace (a name would be looked up in this one), got 'br0'"],
  [A({ kind: 'veth', name: 'v0', netns: 'ns1' }), TypeError, "link.add: netns: must be a NetNs handle or { pid }, got 'ns1'"],
  [A({ kind: 'veth', name: 'v0', netns: { pid: -1 } }), RangeError, 'link.add: netns.pid: must be an integer 1..2147483647, got -1'],
  [A({ kind: 'veth', name: 'v0', numTxQueues: 0 }), RangeError, 'link.add: numTxQueues: must be an integer 1..4096, got 0'],
  [A({ kind: 'veth', name: 'v0', numRxQueues: 4097 }), RangeError, 'link.add: numRxQueues: must be an integer 1..4096, got 4097'],
  [A({ kind: 'veth', name: 'v0', addrGenMode: 'eui-64' }), RangeError, "link.add: addrGenMode: must be one of 'eui64', 'none', 'stable-privacy', 'random', got 'eui-64'"],
  [A({ kind: 'veth', name: 'v0', addrGenMode: 'none', netns: { pid: 7 } }), TypeError, 'link.add: addrGenMode: cannot be combined with netns (set after creation, by name in this namespace; create the link from a handle in that namespace instead)'],
  [A({ kind: 'veth', name: 'v0', alias: long('x', 255) }), RangeError, 'link.add: alias: must be at most 254 bytes, got 255'],
  [A({ kind: 'veth', name: 'v0', alias: 'a', netns: { pid: 7 } }), TypeError, 'link.add: alias: cannot be combined with netns (set after creation, by name in this namespace; create the link from a handle in that namespace instead)'],
  // options of the wrong kind, typos
  [A({ kind: 'veth', name: 'v0', stp: true }), TypeError, "link.add: stp: unknown option for kind 'veth'"],
  [A({ kind: 'bridge', name: 'br0', parent: 'eth0' }), TypeError, "link.add: parent: unknown option for kind 'bridge'"],
  [A({ kind: 'bridge', name: 'br0', mtuu: 1500 }), TypeError, "link.add: mtuu: unknown option for kind 'bridge'"],
  [A({ kind: 'ifb', name: 'ifb0', data: {} }), TypeError, "link.add: data: unknown option for kind 'ifb'"],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, group: '239.1.1.1' }), TypeError, "link.add: group: must be an integer 0..4294967295, got '239.1.1.1'"],
  // veth peer
  [A({ kind: 'veth', name: 'v0', peer: 'v1' }), TypeError, "link.add: peer: must be an object, got 'v1'"],
  [A({ kind: 'veth', name: 'v0', peer: { name: long('p', 16) } }), RangeError, "link.add: peer.name: must be 1..15 bytes, got 16 ('pppppppppppppppp')"],
  [A({ kind: 'veth', name: 'v0', peer: { name: 'v0' } }), RangeError, "link.add: peer.name: must differ from the link's name 'v0' when both ends are in the same namespace"],
  [A({ kind: 'veth', name: 'v0', netns: { pid: 9 }, peer: { name: 'v0', netns: { pid: 9 } } }), RangeError, "link.add: peer.name: must differ from the link's name 'v0' when both ends are in the same namespace"],
  [A({ kind: 'veth', name: 'v0', peer: { name: 'v1', master: 'br0' } }), TypeError, 'link.add: peer.master: unknown veth peer option'],
  [A({ kind: 'veth', name: 'v0', peer: { name: 'v1', mtu: 10 } }), RangeError, 'link.add: peer.mtu: must be an integer 68..65535, got 10'],
  [A({ kind: 'veth', name: 'v0', peer: { name: 'v1', mac: 'ff:ff:ff:ff:ff:ff' } }), RangeError, "link.add: peer.mac: must be a unicast MAC address, got 'ff:ff:ff:ff:ff:ff'"],
  [A({ kind: 'veth', name: 'v0', peer: { name: 'v1', netns: 3 } }), TypeError, 'link.add: peer.netns: must be a NetNs handle or { pid }, got 3'],
  [A({ kind: 'veth', name: 'v0', peer: { addrGenMode: 'none' } }), TypeError, "link.add: peer.addrGenMode: needs peer.name (the kernel takes it only once the pair exists; netloom then sets it by name in the peer's namespace)"],
  [A({ kind: 'veth', name: 'v0', peer: { up: true } }), TypeError, "link.add: peer.up: needs peer.name (the kernel takes it only once the pair exists; netloom then sets it by name in the peer's namespace)"],
  // bridge
  [A({ kind: 'bridge', name: 'br0', stp: 1 }), TypeError, 'link.add: stp: must be a boolean, got 1'],
  [A({ kind: 'bridge', name: 'br0', forwardDelay: -1 }), RangeError, 'link.add: forwardDelay: must be a number of seconds 0..42949672.95, got -1'],
  [A({ kind: 'bridge', name: 'br0', helloTime: 0.5 }), RangeError, 'link.add: helloTime: must be a number of seconds 1..10, got 0.5'],
  [A({ kind: 'bridge', name: 'br0', maxAge: '20' }), TypeError, "link.add: maxAge: must be a number of seconds 6..40, got '20'"],
  [A({ kind: 'bridge', name: 'br0', ageingTime: Infinity }), RangeError, 'link.add: ageingTime: must be a number of seconds 0..42949672.95, got Infinity'],
  [A({ kind: 'bridge', name: 'br0', priority: 65536 }), RangeError, 'link.add: priority: must be an integer 0..65535, got 65536'],
  [A({ kind: 'bridge', name: 'br0', groupFwdMask: 1 }), RangeError, 'link.add: groupFwdMask: must not include bits 0x0007 (STP, MAC pause and LACP frames are never forwarded), got 1'],
  [A({ kind: 'bridge', name: 'br0', groupAddress: '01:80:c2:00:00:10' }), RangeError, "link.add: groupAddress: must be a link-local group address 01:80:c2:00:00:0X, got '01:80:c2:00:00:10'"],
  [A({ kind: 'bridge', name: 'br0', vlanProtocol: '802.1x' }), RangeError, "link.add: vlanProtocol: must be one of '802.1q', '802.1ad', got '802.1x'"],
  [A({ kind: 'bridge', name: 'br0', vlanDefaultPvid: 4095 }), RangeError, 'link.add: vlanDefaultPvid: must be an integer 0..4094, got 4095'],
  [A({ kind: 'bridge', name: 'br0', mcastIgmpVersion: 1 }), RangeError, 'link.add: mcastIgmpVersion: must be an integer 2..3, got 1'],
  // macvlan / macvtap
  [A({ kind: 'macvlan', name: 'mv0', mode: 'bridge' }), TypeError, 'link.add: parent: is required'],
  [A({ kind: 'macvtap', name: 'mvt0', parent: 'eth 0' }), RangeError, "link.add: parent: must not contain '/', ':', whitespace or NUL, got 'eth 0'"],
  [A({ kind: 'macvlan', name: 'mv0', parent: 2, mode: 'bridged' }), RangeError, "link.add: mode: must be one of 'private', 'vepa', 'bridge', 'passthru', 'source', got 'bridged'"],
  [A({ kind: 'macvlan', name: 'mv0', parent: 2, mode: 'bridge', sourceMacs: ['02:00:00:00:00:01'] }), RangeError, "link.add: sourceMacs: needs mode 'source', got mode 'bridge'"],
  [A({ kind: 'macvlan', name: 'mv0', parent: 2, mode: 'source', sourceMacs: ['02:00:00:00:00:01', 'nope'] }), TypeError, "link.add: sourceMacs[1]: not a MAC address: 'nope'"],
  [A({ kind: 'macvlan', name: 'mv0', parent: 2, mode: 'source', sourceMacs: '02:00:00:00:00:01' }), TypeError, "link.add: sourceMacs: must be an array of MAC addresses, got '02:00:00:00:00:01'"],
  [A({ kind: 'macvlan', name: 'mv0', parent: 2, nopromisc: 'yes' }), TypeError, "link.add: nopromisc: must be a boolean, got 'yes'"],
  // vxlan
  [A({ kind: 'vxlan', name: 'vx0' }), TypeError, 'link.add: id: is required (the VNI, 0..16777215), unless collectMetadata is true'],
  [A({ kind: 'vxlan', name: 'vx0', id: 16777216 }), RangeError, 'link.add: id: must be an integer 0..16777215, got 16777216'],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, local: '300.1.1.1' }), TypeError, "link.add: local: not an IP address: '300.1.1.1'"],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, remote: '239.1.1.1' }), RangeError, "link.add: remote: must be a unicast address (use multicastGroup for '239.1.1.1')"],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, dev: 'eth1', multicastGroup: '198.18.0.9' }), RangeError, "link.add: multicastGroup: must be a multicast address, got '198.18.0.9'"],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, multicastGroup: '239.1.1.1' }), TypeError, 'link.add: dev: is required with multicastGroup'],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, dev: 2, remote: '198.18.0.2', multicastGroup: '239.1.1.1' }), TypeError, 'link.add: multicastGroup: cannot be combined with remote'],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, local: '198.18.0.1', remote: '2001:db8::2' }), RangeError, "link.add: local: must be the same address family as remote (IPv6), got '198.18.0.1'"],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, port: 0 }), RangeError, 'link.add: port: must be an integer 1..65535, got 0'],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, ttl: 256 }), RangeError, 'link.add: ttl: must be an integer 0..255, got 256'],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, ttl: 'auto' }), TypeError, "link.add: ttl: must be an integer 0..255 or 'inherit', got 'auto'"],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, srcPortRange: { low: 2000, high: 1000 } }), RangeError, 'link.add: srcPortRange.high: must be at least low (2000), got 1000'],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, srcPortRange: [1000, 2000] }), TypeError, 'link.add: srcPortRange: must be an object, got an array'],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, srcPortRange: { low: 1000 } }), TypeError, 'link.add: srcPortRange.high: is required'],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, local: '198.18.0.1', label: 5 }), RangeError, 'link.add: label: applies to IPv6 tunnels only'],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, df: 'maybe' }), RangeError, "link.add: df: must be one of 'unset', 'set', 'inherit', got 'maybe'"],
  [A({ kind: 'vxlan', name: 'vx0', id: 1, dev: -3 }), RangeError, 'link.add: dev: must be an integer 1..2147483647, got -3'],
  // vlan
  [A({ kind: 'vlan', name: 'v0.10', parent: 'v0' }), TypeError, 'link.add: id: is required (the VLAN ID, 0..4095)'],
  [A({ kind: 'vlan', name: 'v0.10', parent: 'v0', id: 4096 }), RangeError, 'link.add: id: must be an integer 0..4095, got 4096'],
  [A({ kind: 'vlan', name: 'v0.10', parent: 'v0', id: 10, protocol: 'qinq' }), RangeError, "link.add: protocol: must be one of '802.1q', '802.1ad', got 'qinq'"],
  [A({ kind: 'vlan', name: 'v0.10', parent: 'v0', id: 10, flags: { foo: true } }), TypeError, 'link.add: flags.foo: unknown vlan flag'],
  [A({ kind: 'vlan', name: 'v0.10', parent: 'v0', id: 10, flags: { gvrp: 'on' } }), TypeError, "link.add: flags.gvrp: must be a boolean, got 'on'"],
  [A({ kind: 'vlan', name: 'v0.10', parent: 'v0', id: 10, ingressQosMap: [{ from: 8, to: 1 }] }), RangeError, 'link.add: ingressQosMap[0].from: must be an integer 0..7, got 8'],
  [A({ kind: 'vlan', name: 'v0.10', parent: 'v0', id: 10, egressQosMap: [{ from: 1 }] }), TypeError, 'link.add: egressQosMap[0].to: is required'],
  // ipvlan / ipvtap
  [A({ kind: 'ipvlan', name: 'ipv0', parent: 'v0', mode: 'l4' }), RangeError, "link.add: mode: must be one of 'l2', 'l3', 'l3s', got 'l4'"],
  [A({ kind: 'ipvtap', name: 'ipvt0', parent: 'v0', flags: 'bridge-mode' }), RangeError, "link.add: flags: must be one of 'bridge', 'private', 'vepa', got 'bridge-mode'"],
  // generic kinds
  [A({ kind: 'ip6erspan', name: 'ers6', data: [] }), TypeError, 'link.add: data: must be an object, got an array'],
  [A({ kind: 'ip6erspan', name: 'ers6', stp: true }), TypeError, "link.add: stp: unknown option for kind 'ip6erspan'"],
  // set
  [S(null, { up: true }), TypeError, 'link.set: link: must be an interface name or an ifindex, got null'],
  [S(0, { up: true }), RangeError, 'link.set: link: must be an integer 1..2147483647, got 0'],
  [S(long('n', 128), { up: true }), RangeError, `link.set: link: must be 1..127 bytes, got 128 ('${long('n', 128)}')`],
  [S('v0', 'up'), TypeError, "link.set: changes: must be an object, got 'up'"],
  [S('v0', {}), TypeError, 'link.set: changes: nothing to change'],
  [S('br0', { kind: 'bridge' }), TypeError, 'link.set: changes: nothing to change'],
  [S('br0', { stp: true }), TypeError, "link.set: stp: unknown option (to change a bridge option, give kind: 'bridge' too)"],
  [S('v0', { kind: 'veth', peer: { name: 'x' } }), TypeError, 'link.set: peer: cannot be changed on an existing veth link'],
  [S('vx0', { kind: 'vxlan', id: 5 }), TypeError, 'link.set: id: cannot be changed on an existing vxlan link'],
  [S('vx0', { kind: 'vxlan', ttll: 5 }), TypeError, "link.set: ttll: unknown option for kind 'vxlan'"],
  [S('v0', { numTxQueues: 2 }), TypeError, 'link.set: numTxQueues: can only be set when the link is created'],
  [S('v0', { mtuu: 1400 }), TypeError, 'link.set: mtuu: unknown option'],
  [S('v0', { name: 'a:b' }), RangeError, "link.set: name: must not contain '/', ':', whitespace or NUL, got 'a:b'"],
  [S('v0', { mtu: -1 }), RangeError, 'link.set: mtu: must be an integer 0..2147483647, got -1'],
  [S('v0', { master: 'a b' }), RangeError, "link.set: master: must not contain '/', ':', whitespace or NUL, got 'a b'"],
  [S('v0', { promisc: 'on' }), TypeError, "link.set: promisc: must be a boolean, got 'on'"],
  [S('v0', { alias: 5 }), TypeError, 'link.set: alias: must be a string, got 5'],
  [S('v0', { netns: null }), TypeError, 'link.set: netns: must be a NetNs handle or { pid }, got null'],
  [S('v0', { bridgePort: { cost: 0 } }), RangeError, 'link.set: bridgePort.cost: must be an integer 1..65535, got 0'],
  [S('v0', { bridgePort: { learn: false } }), TypeError, 'link.set: bridgePort.learn: unknown bridge port option'],
  [S('v0', { bridgePort: { state: 'up' } }), RangeError, "link.set: bridgePort.state: must be one of 'disabled', 'listening', 'learning', 'forwarding', 'blocking', got 'up'"],
  [S('v0', { bridgePort: { priority: 64 } }), RangeError, 'link.set: bridgePort.priority: must be an integer 0..63, got 64'],
  [S('v0', { bridgePort: { groupFwdMask: 2 } }), RangeError, 'link.set: bridgePort.groupFwdMask: must not include bit 0x0002 (MAC pause frames), got 2'],
  [S('v0', { bridgePort: { backupPort: '' } }), RangeError, "link.set: bridgePort.backupPort: must be 1..127 bytes, got 0 ('')"],
  [S('v0', { bridgePort: true }), TypeError, 'link.set: bridgePort: must be an object, got true'],
  [S('mv0', { kind: 'macvlan', mode: 'bridge', sourceMacs: [] }), RangeError, "link.set: sourceMacs: needs mode 'source', got mode 'bridge'"],
  [S('ers6', { kind: 'ip6erspan', data: 'x' }), TypeError, "link.set: data: must be an object, got 'x'"],
  // filters, groups, refs
  [() => validateFilter('link.list', 'veth'), TypeError, "link.list: filter: must be an object, got 'veth'"],
  [() => validateFilter('link.list', { kind: 3 }), TypeError, "link.list: filter.kind: must be a link kind name like 'bridge' (1..55 letters, digits, '_', '-', '.'), got 3"],
  [() => validateFilter('link.list', { foo: 1 }), TypeError, 'link.list: filter.foo: unknown filter'],
  [() => validateFilter('link.dump', { namePrefix: '' }), RangeError, 'link.dump: filter.namePrefix: must not be empty'],
  [() => validateFilter('link.dump', { up: 1 }), TypeError, 'link.dump: filter.up: must be a boolean, got 1'],
  [() => validateGroup('link.delGroup', 0), RangeError, 'link.delGroup: group: must be an integer 1..4294967295, got 0'],
  [() => validateGroup('link.delGroup', '7'), TypeError, "link.delGroup: group: must be an integer 1..4294967295, got '7'"],
  [() => validateLinkRef('link.del', ''), RangeError, "link.del: link: must be 1..127 bytes, got 0 ('')"],
  [() => validateLinkRef('link.get', 1.5), RangeError, 'link.get: link: must be an integer 1..2147483647, got 1.5'],
  [() => validateLinkRef('link.get', undefined), TypeError, 'link.get: link: must be an interface name or an ifindex, got undefined'],  // L3 tunnels, geneve, bond, vrf
  [A({ kind: 'gre', name: 'gre1', remote: '2001:db8::2' }), RangeError, "link.add: remote: must be an IPv4 address (gre runs over IPv4; ip6gre runs over IPv6), got '2001:db8::2'"],
  [A({ kind: 'ip6gre', name: 'g6', local: '198.18.0.1' }), RangeError, "link.add: local: must be an IPv6 address (ip6gre runs over IPv6; gre runs over IPv4), got '198.18.0.1'"],
  [A({ kind: 'gre', name: 'gre1', remote: '198.18.0.2', local: '198.18.0.1', key: 4294967296 }), RangeError, "link.add: key: must be an integer 0..4294967295, got 4294967296"],
  [A({ kind: 'gre', name: 'gre1', remote: '198.18.0.2', local: '198.18.0.1', key: -1 }), RangeError, "link.add: key: must be an integer 0..4294967295, got -1"],
  [A({ kind: 'gre', name: 'gre1', remote: '198.18.0.2', local: '198.18.0.1', key: 1, ikey: 2 }), TypeError, "link.add: ikey: cannot be combined with key (key sets both directions)"],
  [A({ kind: 'gre', name: 'gre1', remote: '198.18.0.2', local: '198.18.0.1', csum: 'yes' }), TypeError, "link.add: csum: must be a boolean, got 'yes'"],
  [A({ kind: 'gre', name: 'gre1', remote: '198.18.0.2', local: '198.18.0.1', ttl: 256 }), RangeError, "link.add: ttl: must be an integer 0..255, got 256"],
  [A({ kind: 'gre', name: 'gre1', remote: '198.18.0.2', local: '198.18.0.1', tos: 'auto' }), TypeError, "link.add: tos: must be an integer 0..255 or 'inherit', got 'auto'"],
  [A({ kind: 'gretap', name: 'gt0', remote: '198.18.0.2', local: '198.18.0.1', ignoreDf: true }), RangeError, "link.add: ignoreDf: needs pmtudisc: false (the kernel refuses ignore-df with path MTU discovery on)"],
  [A({ kind: 'gre', name: 'gre1', external: true, remote: '198.18.0.2' }), TypeError, "link.add: remote: cannot be combined with external (a flow-based tunnel takes its endpoints from each packet)"],
  [A({ kind: 'gre', name: 'gre1', external: true, key: 5 }), TypeError, "link.add: key: cannot be combined with external (a flow-based tunnel takes its keys from each packet)"],
  [A({ kind: 'gre', name: 'gre1', remote: '198.18.0.2', local: '198.18.0.1', encap: { sport: 5 } }), TypeError, "link.add: encap.type: is required ('none', 'fou', 'gue', 'mpls')"],
  [A({ kind: 'gre', name: 'gre1', remote: '198.18.0.2', local: '198.18.0.1', encap: { type: 'udp' } }), RangeError, "link.add: encap.type: must be one of 'none', 'fou', 'gue', 'mpls', got 'udp'"],
  [A({ kind: 'gre', name: 'gre1', remote: '198.18.0.2', local: '198.18.0.1', encap: { type: 'fou', dport: 0 } }), RangeError, "link.add: encap.dport: must be an integer 1..65535, got 0"],
  [A({ kind: 'gre', name: 'gre1', remote: '198.18.0.2', local: '198.18.0.1', encap: { type: 'fou', udp6Csum: true } }), TypeError, "link.add: encap.udp6Csum: applies to tunnels over IPv6 only (gre runs over IPv4)"],
  [A({ kind: 'gre', name: 'gre1', remote: '198.18.0.2', local: '198.18.0.1', encapLimit: 4 }), TypeError, "link.add: encapLimit: unknown option for kind 'gre'"],
  [A({ kind: 'ip6gre', name: 'g6', remote: '2001:db8::2', encapLimit: 256 }), RangeError, "link.add: encapLimit: must be an integer 0..255, got 256"],
  [A({ kind: 'ip6tnl', name: 't6', remote: '2001:db8::2', flowLabel: 0x100000 }), RangeError, "link.add: flowLabel: must be an integer 0..1048575, got 1048576"],
  [A({ kind: 'ip6tnl', name: 't6', remote: '2001:db8::2', mode: 'ipip' }), RangeError, "link.add: mode: must be one of 'any', 'ip6ip6', 'ipip6', got 'ipip'"],
  [A({ kind: 'ipip', name: 'ipip0', remote: '198.18.0.300' }), TypeError, "link.add: remote: not an IP address: '198.18.0.300'"],
  [A({ kind: 'ipip', name: 'ipip0', remote: '198.18.0.2', local: '198.18.0.1', dev: '' }), RangeError, "link.add: dev: must be 1..127 bytes, got 0 ('')"],
  [A({ kind: 'sit', name: 'sit0', remote: '198.18.0.2', local: '198.18.0.1', mode: 'ip6ip6' }), RangeError, "link.add: mode: must be one of 'any', 'ip6ip', 'ipip', 'mplsip', got 'ip6ip6'"],
  [A({ kind: 'sit', name: 'sit0', remote: '198.18.0.2', local: '198.18.0.1', fwmark: -1 }), RangeError, "link.add: fwmark: must be an integer 0..4294967295, got -1"],
  [A({ kind: 'erspan', name: 'ers0', remote: '198.18.0.2', local: '198.18.0.1' }), TypeError, "link.add: key: is required (the ERSPAN session ID, 0..1023), unless external is true"],
  [A({ kind: 'erspan', name: 'ers0', remote: '198.18.0.2', local: '198.18.0.1', key: 1024 }), RangeError, "link.add: key: must be an integer 0..1023, got 1024"],
  [A({ kind: 'erspan', name: 'ers0', remote: '198.18.0.2', local: '198.18.0.1', key: 1, version: 2, index: 5 }), RangeError, "link.add: index: applies to ERSPAN version 1 only, got version 2"],
  [A({ kind: 'erspan', name: 'ers0', remote: '198.18.0.2', local: '198.18.0.1', key: 1, direction: 'egress' }), RangeError, "link.add: direction: applies to ERSPAN version 2 only, got version 1"],
  [A({ kind: 'erspan', name: 'ers0', remote: '198.18.0.2', local: '198.18.0.1', key: 1, version: 2, hwid: 64 }), RangeError, "link.add: hwid: must be an integer 0..63, got 64"],
  [A({ kind: 'erspan', name: 'ers0', remote: '198.18.0.2', local: '198.18.0.1', key: 1, version: 3 }), RangeError, "link.add: version: must be an integer 0..2, got 3"],
  [A({ kind: 'erspan', name: 'ers0', remote: '198.18.0.2', local: '198.18.0.1', key: 1, csum: true }), TypeError, "link.add: csum: unknown option for kind 'erspan'"],
  [A({ kind: 'vti', name: 'vti0', remote: '198.18.0.2', local: '198.18.0.1', ttl: 64 }), TypeError, "link.add: ttl: unknown option for kind 'vti'"],
  [A({ kind: 'vti', name: 'vti0', remote: '198.18.0.2', local: '198.18.0.1', key: 1, okey: 2 }), TypeError, "link.add: okey: cannot be combined with key (key sets both directions)"],
  [A({ kind: 'vti6', name: 'vti6', remote: '198.18.0.2', local: '198.18.0.1' }), RangeError, "link.add: local: must be an IPv6 address (vti6 runs over IPv6; vti runs over IPv4), got '198.18.0.1'"],
  [A({ kind: 'geneve', name: 'gnv0', remote: '198.18.0.2' }), TypeError, "link.add: id: is required (the VNI, 0..16777215), unless external is true"],
  [A({ kind: 'geneve', name: 'gnv0', id: 5 }), TypeError, "link.add: remote: is required (the remote endpoint), unless external is true"],
  [A({ kind: 'geneve', name: 'gnv0', id: 16777216, remote: '198.18.0.2' }), RangeError, "link.add: id: must be an integer 0..16777215, got 16777216"],
  [A({ kind: 'geneve', name: 'gnv0', external: true, id: 5 }), TypeError, "link.add: id: cannot be combined with external (a flow-based geneve takes it from each packet)"],
  [A({ kind: 'geneve', name: 'gnv0', id: 5, remote: '198.18.0.2', label: 5 }), RangeError, "link.add: label: applies to IPv6 remotes only"],
  [A({ kind: 'geneve', name: 'gnv0', id: 5, remote: '198.18.0.2', ttl: 'auto' }), TypeError, "link.add: ttl: must be an integer 0..255 or 'inherit', got 'auto'"],
  [A({ kind: 'geneve', name: 'gnv0', id: 5, remote: '198.18.0.2', port: 0 }), RangeError, "link.add: port: must be an integer 1..65535, got 0"],
  [A({ kind: 'geneve', name: 'gnv0', id: 5, remote: '198.18.0.2', innerProtoInherit: true }), TypeError, "link.add: innerProtoInherit: needs external: true"],
  [A({ kind: 'geneve', name: 'gnv0', id: 5, remote: '198.18.0.2', df: 'maybe' }), RangeError, "link.add: df: must be one of 'unset', 'set', 'inherit', got 'maybe'"],
  [A({ kind: 'bond', name: 'bond0', mode: 'round-robin' }), RangeError, "link.add: mode: must be one of 'balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb', got 'round-robin'"],
  [A({ kind: 'bond', name: 'bond0', mode: 'active-backup', lacpRate: 'fast' }), RangeError, "link.add: lacpRate: applies to mode '802.3ad' only; the bond's mode is 'active-backup'"],
  [A({ kind: 'bond', name: 'bond0', mode: '802.3ad', lacpRate: 'medium' }), RangeError, "link.add: lacpRate: must be one of 'slow', 'fast', got 'medium'"],
  [A({ kind: 'bond', name: 'bond0', primary: 'eth0' }), RangeError, "link.add: primary: applies to modes 'active-backup', 'balance-tlb', 'balance-alb' only; the bond's mode is 'balance-rr'"],
  [A({ kind: 'bond', name: 'bond0', mode: '802.3ad', xmitHashPolicy: 'layer4' }), RangeError, "link.add: xmitHashPolicy: must be one of 'layer2', 'layer3+4', 'layer2+3', 'encap2+3', 'encap3+4', 'vlan+srcmac', got 'layer4'"],
  [A({ kind: 'bond', name: 'bond0', updelay: 200 }), RangeError, "link.add: updelay: needs miimon (the kernel refuses link delays without MII monitoring)"],
  [A({ kind: 'bond', name: 'bond0', miimon: -1 }), RangeError, "link.add: miimon: must be an integer 0..2147483647, got -1"],
  [A({ kind: 'bond', name: 'bond0', mode: '802.3ad', adSelect: 'fastest' }), RangeError, "link.add: adSelect: must be one of 'stable', 'bandwidth', 'count', got 'fastest'"],
  [A({ kind: 'bond', name: 'bond0', parent: 'eth0' }), TypeError, "link.add: parent: unknown option for kind 'bond'"],
  [A({ kind: 'vrf', name: 'vrf0' }), TypeError, "link.add: table: is required (the routing table of the VRF, 1..4294967295)"],
  [A({ kind: 'vrf', name: 'vrf0', table: 0 }), RangeError, "link.add: table: must be an integer 1..4294967295, got 0"],
  [A({ kind: 'vrf', name: 'vrf0', table: '10' }), TypeError, "link.add: table: must be an integer 1..4294967295, got '10'"],
  [S('gre1', { kind: 'gre', ttl: 64 }), TypeError, "link.set: ttl: cannot be changed on an existing gre link"],
  [S('vrf0', { kind: 'vrf', table: 11 }), TypeError, "link.set: table: cannot be changed on an existing vrf link"],
  [S('bond0', { miimon: 100 }), TypeError, "link.set: miimon: unknown option (to change a bond option, give kind: 'bond' too)"],
  [S('bond0', { kind: 'bond', mode: 'broadcast', primary: 'eth0' }), RangeError, "link.set: primary: applies to modes 'active-backup', 'balance-tlb', 'balance-alb' only; the bond's mode is 'broadcast'"],
];

t.test(`${BAD.length} wrong inputs fail before any I/O with the field named`, async (t) => {
  t.ok(BAD.length >= 40);
  for (const [fn, Err, message] of BAD) {
    let caught;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    if (!caught) {
      t.fail(`no error, expected: ${message}`);
      continue;
    }
    t.equal(caught.message, message);
    t.equal(caught.constructor, Err, `${Err.name}: ${message}`);
  }
});

const GOOD_ADD = [
  { kind: 'bridge', name: 'br0' },
  { kind: 'veth', name: 'v0', peer: { name: 'v0', netns: { pid: 42 } } },
  { kind: 'veth', name: 'v0', netns: ns(5), peer: { name: 'v0' } },
  { kind: 'veth', name: 'v0', mtu: undefined, peer: undefined },
  { kind: 'vxlan', name: 'vx0', collectMetadata: true },
  { kind: 'vxlan', name: 'vx0', id: 0, ttl: 'inherit', local: '2001:db8::1', remote: '2001:db8::2', label: 0xfffff },
  { kind: 'macvlan', name: 'mv0', parent: 'v0', mode: 'source', sourceMacs: ['02:00:00:00:00:01'] },
  { kind: 'wireguard', name: 'wg0' },
  { kind: 'ip6erspan', name: 'ers6', mtu: 16, parent: 'v0', data: { ttl: 64 } },
  { kind: 'veth', name: 'v0', master: 7, netns: { pid: 3 } },
  { kind: 'veth', name: 'a'.repeat(15) },
];

t.test('valid descriptions pass', async (t) => {
  for (const spec of GOOD_ADD) t.doesNotThrow(() => validateAdd(spec), JSON.stringify(spec));
  t.doesNotThrow(() => validateSet('v0', { master: null }));
  t.doesNotThrow(() => validateSet('br0', { kind: 'bridge', stp: true }));
  t.doesNotThrow(() => validateSet('ers6', { kind: 'ip6erspan', data: {} }));
  t.doesNotThrow(() => validateSet('v0', { alias: '' }));
  t.doesNotThrow(() => validateSet('x'.repeat(127), { up: true }), 'an alternative name as link');
  t.doesNotThrow(() => validateFilter('link.list', { kind: 'veth', master: null, group: 0, up: false, namePrefix: 'v' }));
});

t.test('add messages', async (t) => {
  t.same(
    buildAddMessage(
      { kind: 'bridge', name: 'br0', up: true, mtu: 9000, stp: true, forwardDelay: 4, helloTime: 1.5, ageingTime: 0.014, vlanProtocol: '802.1ad', groupAddress: '01:80:C2:00:00:0E', multicastSnooping: false },
      {},
      k,
    ),
    {
      type: 16,
      flags: ADD,
      msg: {
        header: hdr(0, 1, 1),
        attrs: {
          ifname: 'br0',
          mtu: 9000,
          linkinfo: {
            kind: 'bridge',
            data: { stpState: 1, forwardDelay: 400, helloTime: 150, ageingTime: 1, vlanProtocol: 0x88a8, mcastSnooping: 0, groupAddr: '01:80:c2:00:00:0e' },
          },
        },
      },
    },
    'bridge: seconds become centiseconds, booleans 0/1',
  );

  t.same(
    buildAddMessage(
      { kind: 'veth', name: 'v0', master: 'br0', up: true, mac: '02:AA:bb:cc:dd:ee', group: 7, numTxQueues: 2, peer: { name: 'v1', netns: ns(9), mtu: 1400, up: true, txqlen: 0 } },
      { master: 7 },
      k,
    ),
    {
      type: 16,
      flags: ADD,
      msg: {
        header: hdr(0, 1, 1),
        attrs: {
          ifname: 'v0',
          address: '02:aa:bb:cc:dd:ee',
          group: 7,
          numTxQueues: 2,
          master: 7,
          linkinfo: {
            kind: 'veth',
            data: { peer: { header: hdr(0, 0, 0), attrs: { ifname: 'v1', mtu: 1400, txqlen: 0, netNsFd: 9 } } },
          },
        },
      },
    },
    'veth: the peer is an ifinfomsg plus attributes, created in its namespace (its up follows: ENOTCONN at creation)',
  );
  t.same(
    buildPeerFollowUp({ kind: 'veth', name: 'v0', peer: { name: 'v1', netns: ns(9), up: true } }, k),
    { type: 16, flags: 0, msg: { header: hdr(0, 1, 1), attrs: { ifname: 'v1' } } },
    'the peer comes up right after creation, by name (sent in its namespace)',
  );
  t.equal(buildPeerFollowUp({ kind: 'veth', name: 'v0', peer: { name: 'v1' } }, k), undefined, 'nothing to finish');

  t.same(
    buildAddMessage({ kind: 'veth', name: 'c0', netns: { pid: 1234 }, master: 3, up: false }, {}, k).msg,
    { header: hdr(0, 0, 1), attrs: { ifname: 'c0', netNsPid: 1234, master: 3, linkinfo: { kind: 'veth' } } },
    'veth without peer: no data; netns by pid; numeric master needs no resolution',
  );

  const agm = { kind: 'veth', name: 'v0', up: true, alias: 'uplink', addrGenMode: 'none', peer: { name: 'v1', up: true, addrGenMode: 'stable-privacy' } };
  t.doesNotThrow(() => validateAdd(agm));
  t.same(
    buildAddMessage(agm, {}, k).msg,
    { header: hdr(0, 0, 0), attrs: { ifname: 'v0', linkinfo: { kind: 'veth', data: { peer: { header: hdr(0, 0, 0), attrs: { ifname: 'v1' } } } } } },
    'addrGenMode, its up, and alias are left for after creation',
  );
  t.same(
    [...buildAddFollowUps(agm, k), buildPeerFollowUp(agm, k)],
    [
      { type: 16, flags: 0, msg: { header: hdr(0, 1, 1), attrs: { ifname: 'v0', ifalias: 'uplink', afSpec: { inet6: { addrGenMode: 1 } } } } },
      { type: 16, flags: 0, msg: { header: hdr(0, 1, 1), attrs: { ifname: 'v1', afSpec: { inet6: { addrGenMode: 2 } } } } },
    ],
    'follow-ups: by name, mode first and up in the same request',
  );
  t.same(buildAddFollowUps({ kind: 'bridge', name: 'br0', up: true }, k), [], 'nothing to follow up');
  t.same(
    buildAddFollowUps({ kind: 'bridge', name: 'br0', alias: 'lan' }, k),
    [{ type: 16, flags: 0, msg: { header: hdr(), attrs: { ifname: 'br0', ifalias: 'lan' } } }],
    'alias alone',
  );

  t.same(
    buildAddMessage({ kind: 'macvlan', name: 'mv0', parent: 3, mode: 'bridge' }, {}, k).msg.attrs,
    { ifname: 'mv0', link: 3, linkinfo: { kind: 'macvlan', data: { mode: 4 } } },
    'macvlan mode bridge (what `ip link add link X mv0 type macvlan mode bridge` sends)',
  );
  t.same(
    buildAddMessage({ kind: 'macvlan', name: 'mv1', parent: 'v0', mode: 'source', sourceMacs: ['02:00:00:00:00:01'] }, { parent: 3 }, k).msg.attrs.linkinfo,
    { kind: 'macvlan', data: { mode: 16, macaddrMode: 0, macaddr: '02:00:00:00:00:01' } },
    'one source MAC: MACADDR_ADD, as ip does',
  );
  t.same(
    buildAddMessage({ kind: 'macvlan', name: 'mv1', parent: 3, mode: 'source', sourceMacs: ['02:00:00:00:00:01', '02:00:00:00:00:0A'] }, {}, k).msg.attrs.linkinfo.data,
    { mode: 16, macaddrMode: 3, macaddrData: { macaddr: ['02:00:00:00:00:01', '02:00:00:00:00:0a'] } },
    'several source MACs: MACADDR_SET with MACADDR_DATA',
  );
  t.same(
    buildAddMessage({ kind: 'macvtap', name: 'mvt0', parent: 3, mode: 'passthru', nopromisc: true, bcQueueLen: 100 }, {}, k).msg.attrs.linkinfo,
    { kind: 'macvtap', data: { mode: 8, flags: 1, bcQueueLen: 100 } },
  );

  t.same(
    buildAddMessage(
      { kind: 'vxlan', name: 'vx0', id: 42, dev: 'eth1', local: '198.18.0.1', remote: '198.18.0.2', ttl: 'inherit', learning: false, srcPortRange: { low: 1000, high: 2000 }, ageing: 600 },
      { dev: 5 },
      k,
    ).msg.attrs.linkinfo,
    {
      kind: 'vxlan',
      data: { id: 42, learning: 0, ageing: 600, port: 4789, link: 5, local: '198.18.0.1', group: '198.18.0.2', ttlInherit: true, portRange: { low: 1000, high: 2000 } },
    },
    'vxlan: port 4789 by default, remote as IFLA_VXLAN_GROUP',
  );
  t.same(
    buildAddMessage(
      { kind: 'vxlan', name: 'vx6', id: 7, dev: 2, local: '2001:db8::1', multicastGroup: 'ff05::100', port: 8472, ttl: 4, label: 12345, df: 'inherit', gbp: true, udpCsum: true },
      {},
      k,
    ).msg.attrs.linkinfo.data,
    { id: 7, port: 8472, udpCsum: 1, gbp: true, df: 2, label: 12345, link: 2, local6: '2001:db8::1', group6: 'ff05::100', ttl: 4 },
    'vxlan over IPv6: local6/group6 chosen by family',
  );
  t.same(
    buildAddMessage({ kind: 'vxlan', name: 'vx1', collectMetadata: true, gbp: false }, {}, k).msg.attrs.linkinfo.data,
    { port: 4789, collectMetadata: 1 },
    'flag attributes are only sent when true',
  );

  t.same(
    buildAddMessage(
      { kind: 'vlan', name: 'v0.10', parent: 'v0', id: 10, protocol: '802.1ad', flags: { reorderHdr: false, gvrp: true }, egressQosMap: [{ from: 5, to: 3 }] },
      { parent: 4 },
      k,
    ).msg.attrs,
    {
      ifname: 'v0.10',
      link: 4,
      linkinfo: { kind: 'vlan', data: { id: 10, protocol: 0x88a8, flags: { flags: 2, mask: 3 }, egressQos: { mapping: [{ from: 5, to: 3 }] } } },
    },
    'vlan: flags as {flags, mask}, only the given bits in the mask',
  );

  t.same(buildAddMessage({ kind: 'ipvlan', name: 'ipv0', parent: 4, mode: 'l3s', flags: 'private' }, {}, k).msg.attrs.linkinfo, { kind: 'ipvlan', data: { mode: 2, flags: 1 } });
  t.same(buildAddMessage({ kind: 'ipvtap', name: 'ipvt0', parent: 4, mode: 'l2', flags: 'bridge' }, {}, k).msg.attrs.linkinfo, { kind: 'ipvtap', data: { mode: 0, flags: 0 } });
  t.same(buildAddMessage({ kind: 'ifb', name: 'ifb2' }, {}, k).msg, { header: hdr(), attrs: { ifname: 'ifb2', linkinfo: { kind: 'ifb' } } });
  t.same(buildAddMessage({ kind: 'dummy', name: 'd0', txqlen: 0 }, {}, k).msg.attrs, { ifname: 'd0', txqlen: 0, linkinfo: { kind: 'dummy' } });
  t.same(
    buildAddMessage({ kind: 'ip6erspan', name: 'ers6', parent: 'v0', data: { local: '198.18.0.1', ttl: 64 } }, { parent: 4 }, k).msg.attrs,
    { ifname: 'ers6', link: 4, linkinfo: { kind: 'ip6erspan', data: { local: '198.18.0.1', ttl: 64 } } },
    'any other kind: data passed through raw',
  );
  t.throws(() => buildAddMessage({ kind: 'macvlan', name: 'm', parent: 'v0' }, {}, k), /parent was not resolved/, 'names must be resolved first');
  t.throws(() => buildAddMessage({ kind: 'vxlan', name: 'v', id: 1, dev: 'v0' }, {}, k), /dev was not resolved/);
});

t.test('references to resolve', async (t) => {
  t.same(addRefs({ kind: 'veth', name: 'v0', master: 'br0' }), [{ path: 'master', ref: 'br0' }]);
  t.same(addRefs({ kind: 'vxlan', name: 'vx0', id: 1, dev: 'eth1', master: 3 }), [
    { path: 'master', ref: 3 },
    { path: 'dev', ref: 'eth1' },
  ]);
  t.same(addRefs({ kind: 'macvlan', name: 'mv0', parent: 'v0' }), [{ path: 'parent', ref: 'v0' }]);
  t.same(setRefs('v1', { name: 'eth0' }), [{ path: 'link', ref: 'v1' }], 'renaming by name needs the ifindex');
  t.same(setRefs(4, { name: 'eth0' }), [], 'renaming by index does not');
  t.same(setRefs('v1', { master: null, bridgePort: { backupPort: 'v2' } }), [{ path: 'bridgePort.backupPort', ref: 'v2' }]);
  t.same(setRefs('vx0', { kind: 'vxlan', dev: 'eth2', master: 'br0' }), [
    { path: 'master', ref: 'br0' },
    { path: 'dev', ref: 'eth2' },
  ]);
});

t.test('set messages', async (t) => {
  t.same(
    buildSetMessage('v0', { up: true }, {}, k),
    { type: 16, flags: 0, msg: { header: hdr(0, 1, 1), attrs: { ifname: 'v0' } } },
    'ip link set v0 up: RTM_NEWLINK without NLM_F_CREATE, the name in IFLA_IFNAME',
  );
  t.same(
    buildSetMessage(5, { up: false, arp: false, promisc: true, allmulticast: false, multicast: true }, {}, k).msg.header,
    hdr(5, 0x80 | 0x100 | 0x1000, 0x1 | 0x80 | 0x100 | 0x200 | 0x1000),
    'flag changes: arp off sets IFF_NOARP',
  );
  t.same(
    buildSetMessage('v1', { name: 'eth0', mtu: 1400, mac: '02:00:00:00:00:AA', txqlen: 500, group: 9, alias: '', master: null, netns: { pid: 77 }, addrGenMode: 'random', carrier: true, protoDown: false }, { link: 4 }, k).msg,
    {
      header: hdr(4),
      attrs: { ifname: 'eth0', mtu: 1400, address: '02:00:00:00:00:aa', txqlen: 500, master: 0, group: 9, ifalias: '', netNsPid: 77, afSpec: { inet6: { addrGenMode: 3 } }, carrier: 1, protoDown: 0 },
    },
    'rename by ifindex, nomaster is IFLA_MASTER 0, empty alias clears',
  );
  t.same(buildSetMessage('v0', { master: 'br0' }, { master: 2 }, k).msg.attrs, { ifname: 'v0', master: 2 });
  t.same(buildSetMessage('v0', { netns: ns(11) }, {}, k).msg.attrs, { ifname: 'v0', netNsFd: 11 });
  t.same(
    buildSetMessage('br0', { kind: 'bridge', stp: true, ageingTime: 60 }, {}, k).msg.attrs,
    { ifname: 'br0', linkinfo: { kind: 'bridge', data: { stpState: 1, ageingTime: 6000 } } },
    'ip link set br0 type bridge stp_state 1 ageing_time 6000',
  );
  t.same(
    buildSetMessage('v0', { bridgePort: { cost: 5, learning: false, state: 'forwarding', flood: true, hairpin: false, backupPort: null } }, {}, k).msg.attrs,
    { ifname: 'v0', linkinfo: { slaveKind: 'bridge', slaveData: { state: 3, cost: 5, mode: 0, learning: 0, unicastFlood: 1, backupPort: 0 } } },
    'bridge port options: slave kind + slave data, u8 0/1 as the kernel takes them',
  );
  t.same(
    buildSetMessage('v0', { bridgePort: { backupPort: 'v9' } }, { 'bridgePort.backupPort': 12 }, k).msg.attrs.linkinfo.slaveData,
    { backupPort: 12 },
  );
  t.same(
    buildSetMessage('mv1', { kind: 'macvlan', sourceMacs: [] }, {}, k).msg.attrs.linkinfo,
    { kind: 'macvlan', data: { macaddrMode: 2 } },
    'an empty source list flushes',
  );
  t.same(
    buildSetMessage('mv1', { kind: 'macvlan', sourceMacs: ['02:00:00:00:00:01'] }, {}, k).msg.attrs.linkinfo.data,
    { macaddrMode: 3, macaddrData: { macaddr: ['02:00:00:00:00:01'] } },
    'on set the list replaces the current one',
  );
  t.same(
    buildSetMessage('vx0', { kind: 'vxlan', remote: '198.18.0.7', ttl: 9 }, {}, k).msg.attrs.linkinfo.data,
    { group: '198.18.0.7', ttl: 9 },
    'no default port on set',
  );
  t.same(buildSetMessage('ers6', { kind: 'ip6erspan', data: { ttl: 3 } }, {}, k).msg.attrs.linkinfo, { kind: 'ip6erspan', data: { ttl: 3 } });
  t.same(buildSetMessage('d0', { kind: 'dummy', up: true }, {}, k).msg.attrs, { ifname: 'd0' }, 'a kind with nothing to send adds no linkinfo');
  t.same(buildSetMessage('x'.repeat(20), { up: true }, {}, k).msg.attrs, { altIfname: 'x'.repeat(20) }, 'long names go as IFLA_ALT_IFNAME');
});

t.test('del, delGroup, get and dump messages', async (t) => {
  t.same(buildDelMessage('v0', k), { type: 17, flags: 0, msg: { header: hdr(), attrs: { ifname: 'v0' } } });
  t.same(buildDelMessage(7, k), { type: 17, flags: 0, msg: { header: hdr(7), attrs: {} } });
  t.same(buildDelGroupMessage(7, k), { type: 17, flags: 0, msg: { header: hdr(), attrs: { group: 7 } } }, 'ip link del group 7');
  t.same(buildGetMessage('br0', k), { type: 18, flags: 0, msg: { header: hdr(), attrs: { ifname: 'br0' } } });
  t.same(buildGetMessage(3, k).msg, { header: hdr(3), attrs: {} });
  t.same(buildDumpMessage({}, undefined, k), { type: 18, flags: 0, msg: { header: hdr(), attrs: {} } });
  t.same(
    buildDumpMessage({ kind: 'veth', master: 'br0', up: true, namePrefix: 'v' }, 2, k).msg.attrs,
    { master: 2, linkinfo: { kind: 'veth' } },
    'the kernel filters master and kind; the rest is done in JS',
  );
  t.same(buildDumpMessage({ master: null }, undefined, k).msg.attrs, {}, 'no-master is filtered in JS');
});

const linkReply = (ifiIndex, ifiFlags, attrs, ifiType = 1) => ({ type: 16, flags: 2, header: { ifiFamily: 0, ifiType, ifiIndex, ifiFlags, ifiChange: 0 }, attrs });

t.test('decoding replies', async (t) => {
  const port = linkReply(5, 0x1 | 0x2 | 0x40 | 0x1000 | 0x10000, {
    ifname: 'v0',
    mtu: 1500,
    minMtu: 68,
    maxMtu: 65535,
    address: '02:00:00:00:00:01',
    broadcast: 'ff:ff:ff:ff:ff:ff',
    txqlen: 1000,
    group: 7,
    ifalias: 'uplink',
    master: 2,
    link: 4,
    linkNetnsid: 0,
    operstate: 6,
    promiscuity: 1,
    numTxQueues: 1,
    numRxQueues: 1,
    carrier: 1,
    propList: { altIfname: ['uplink-port-0'] },
    stats64: { rxPackets: 10n, txPackets: 3, rxBytes: 1000 },
    afSpec: { inet6: { addrGenMode: 1 } },
    linkinfo: { kind: 'veth', slaveKind: 'bridge', slaveData: { state: 3, cost: 5, learning: 0, unicastFlood: 1, priority: 32, no: 1, rootId: { prio: 0x8000, addr: '02:00:00:00:00:09' } } },
    $unknown: [{ type: 99, data: Buffer.from([1]) }],
  });
  const l = decodeLink(port, k);
  t.match(l, {
    ifindex: 5,
    name: 'v0',
    kind: 'veth',
    type: 1,
    flags: ['up', 'broadcast', 'running', 'multicast', 'lower-up'],
    up: true,
    running: true,
    lowerUp: true,
    operstate: 'up',
    mtu: 1500,
    minMtu: 68,
    maxMtu: 65535,
    mac: '02:00:00:00:00:01',
    broadcast: 'ff:ff:ff:ff:ff:ff',
    txqlen: 1000,
    group: 7,
    alias: 'uplink',
    master: 2,
    parent: 4,
    peerIfindex: 4,
    linkNetnsid: 0,
    promiscuity: 1,
    carrier: true,
    altnames: ['uplink-port-0'],
    stats: { rxPackets: 10, txPackets: 3, rxBytes: 1000 },
    addrGenMode: 'none',
    portKind: 'bridge',
    bridgePort: { state: 'forwarding', cost: 5, learning: false, flood: true, priority: 32, portNo: 1, rootId: { priority: 0x8000, address: '02:00:00:00:00:09' } },
  });
  t.equal(l.raw, port, 'the raw reply is kept, unknown attributes included');
  t.ok(isLinkKind(l, 'veth'));
  t.notOk(isLinkKind(l, 'bridge'));

  const lo = decodeLink(linkReply(1, 0x8 | 0x1 | 0x40 | 0x10000, { ifname: 'lo', mtu: 65536, operstate: 0 }, 772), k);
  t.match(lo, { name: 'lo', kind: undefined, type: 772, flags: ['up', 'loopback', 'running', 'lower-up'], operstate: 'unknown', portKind: undefined, bridgePort: undefined, altnames: [] });

  const br = decodeLink(
    linkReply(2, 0x1003, {
      ifname: 'br0',
      linkinfo: { kind: 'bridge', data: { stpState: 1, forwardDelay: 1500, helloTime: 200, ageingTime: 30000, vlanFiltering: 0, vlanProtocol: 0x8100, mcastSnooping: 1, bridgeId: { prio: 0x8000, addr: '02:00:00:00:00:09' }, rootPort: 0, topologyChange: 0 } },
    }),
    k,
  );
  t.match(br, { kind: 'bridge', stp: true, forwardDelay: 15, helloTime: 2, ageingTime: 300, vlanFiltering: false, vlanProtocol: '802.1q', multicastSnooping: true, bridgeId: { priority: 0x8000, address: '02:00:00:00:00:09' }, rootPort: 0, topologyChange: false });

  const vx = decodeLink(
    linkReply(9, 0, {
      ifname: 'vx0',
      linkinfo: { kind: 'vxlan', data: { id: 42, port: 4789, link: 5, local: '198.18.0.1', group: '198.18.0.2', ttl: 5, ttlInherit: true, learning: 0, df: 2, portRange: { low: 1000, high: 2000 }, gbp: true } },
    }),
    k,
  );
  t.match(vx, { kind: 'vxlan', id: 42, port: 4789, dev: 5, local: '198.18.0.1', remote: '198.18.0.2', ttl: 5, learning: false, df: 'inherit', srcPortRange: { low: 1000, high: 2000 }, gbp: true });
  t.equal(vx.multicastGroup, undefined);
  const vx6 = decodeLink(linkReply(10, 0, { ifname: 'vx6', linkinfo: { kind: 'vxlan', data: { id: 1, group6: 'ff05::100', ttl: 0, ttlInherit: 1 } } }), k);
  t.match(vx6, { multicastGroup: 'ff05::100', ttl: 'inherit', gbp: false });

  t.match(decodeLink(linkReply(6, 0, { ifname: 'mv1', linkinfo: { kind: 'macvlan', data: { mode: 16, flags: 1, macaddrCount: 2, macaddrData: { macaddr: ['02:00:00:00:00:01', '02:00:00:00:00:02'] } } } }), k), {
    kind: 'macvlan',
    mode: 'source',
    nopromisc: true,
    sourceMacs: ['02:00:00:00:00:01', '02:00:00:00:00:02'],
    sourceMacCount: 2,
  });
  t.match(decodeLink(linkReply(7, 0, { ifname: 'v0.10', link: 5, linkinfo: { kind: 'vlan', data: { id: 10, protocol: 0x88a8, flags: { flags: 3, mask: 0xffffffff }, ingressQos: { mapping: [{ from: 1, to: 2 }] } } } }), k), {
    kind: 'vlan',
    id: 10,
    protocol: '802.1ad',
    vlanFlags: { reorderHdr: true, gvrp: true, looseBinding: false, mvrp: false },
    ingressQosMap: [{ from: 1, to: 2 }],
    parent: 5,
  });
  t.match(decodeLink(linkReply(8, 0, { ifname: 'ipv0', linkinfo: { kind: 'ipvlan', data: { mode: 1, flags: 2 } } }), k), { kind: 'ipvlan', mode: 'l3', ipvlanFlags: 'vepa' });
  t.match(decodeLink(linkReply(8, 0, { ifname: 'ipv1', linkinfo: { kind: 'ipvtap', data: { mode: 9, flags: 0 } } }), k), { kind: 'ipvtap', mode: 9, ipvlanFlags: 'bridge' }, 'unknown enum values stay numbers');

  const gre = decodeLink(linkReply(11, 0, { ifname: 'ers6', linkinfo: { kind: 'ip6erspan', data: { ttl: 64 } } }), k);
  t.match(gre, { kind: 'ip6erspan', data: { ttl: 64 } });
  t.same(flagNames(0x1 | 0x100000, k), ['up', '0x100000'], 'unnamed bits appear as hex');
  t.same(decodeLink(linkReply(12, 0, { ifname: 'x', operstate: 9 }), k).operstate, 9);
});

t.test('filters in JS', async (t) => {
  const mk = (attrs, flags = 0) => decodeLink(linkReply(3, flags, attrs), k);
  const a = mk({ ifname: 'veth1', master: 2, group: 7, linkinfo: { kind: 'veth' } }, 1);
  const b = mk({ ifname: 'br0', group: 0, linkinfo: { kind: 'bridge' } });
  t.ok(matchFilter(a, { kind: 'veth', master: 'br0', group: 7, up: true, namePrefix: 've' }, 2));
  t.notOk(matchFilter(b, { kind: 'veth' }, undefined), 'a kernel that ignores an unknown kind filter is caught');
  t.notOk(matchFilter(a, { master: 3 }, undefined));
  t.ok(matchFilter(b, { master: null }, undefined));
  t.notOk(matchFilter(a, { master: null }, undefined));
  t.notOk(matchFilter(a, { up: false }, undefined));
  t.notOk(matchFilter(b, { namePrefix: 've' }, undefined));
  t.notOk(matchFilter(b, { group: 7 }, undefined));
});

t.test('kernel errors made readable', async (t) => {
  const nack = new NetlinkError('link.add', 'EOPNOTSUPP', 95, { extack: 'Unknown device type', extackOffset: 40 });
  const e = unsupportedKindError(nack, 'vlan', { kind: 'vlan' });
  t.ok(e instanceof NetlinkError);
  t.equal(e.message, "link.add: kernel does not support link kind 'vlan' (Unknown device type) (EOPNOTSUPP)");
  t.equal(e.code, 'EOPNOTSUPP');
  t.equal(e.errno, 95);
  t.equal(e.extack, 'Unknown device type');
  t.equal(e.extackOffset, 40);
  t.same(e.request, { kind: 'vlan' });
  const other = new NetlinkError('link.add', 'EOPNOTSUPP', 95, { extack: 'something else' });
  t.equal(unsupportedKindError(other, 'vlan'), other, 'other EOPNOTSUPP pass through');
  const exists = new NetlinkError('link.add', 'EEXIST', 17);
  t.equal(unsupportedKindError(exists, 'vlan'), exists);

  const nodev = new NetlinkError('link.add', 'ENODEV', 19);
  t.equal(unresolvedRefError(nodev, 'master', 'br9').message, "link.add: master: no such device 'br9' (ENODEV)");
  t.equal(unresolvedRefError(nodev, 'dev', 12).message, 'link.add: dev: no such device with ifindex 12 (ENODEV)');
  t.equal(unresolvedRefError(exists, 'master', 'br9'), exists);
});

t.test('kind modules on their own', async (t) => {
  const env = { k, resolved: {}, mode: 'add' };
  t.same(bridge.encode({}, env), {}, 'no options, no data');
  t.same(vxlan.encode({ id: 1 }, { ...env, mode: 'set' }), { data: { id: 1 } });
  t.same(bridge.encodeBridgePort({ guard: true, rootBlock: true, isolated: true, mcastRouter: 2 }, env), { guard: 1, protect: 1, multicastRouter: 2, isolated: 1 });
  t.match(bridge.decodeBridgePort({ mode: 1, protect: true, backupPort: 4 }, k), { hairpin: true, rootBlock: true, backupPort: 4 });
  t.equal(vxlan.VXLAN_DEFAULT_PORT, 4789);
});
