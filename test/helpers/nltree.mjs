// Parse netlink request buffers into comparable trees, and compare them.
//
// Dependency-free. Used to check netloom's encoder against the iproute2
// golden fixtures in test/fixtures/iproute2/links.json.
//
//   parseRequest(buf)   -> { type, flags, len, seq, pid, header, attrs }
//   compareTrees(a, b)  -> string[] of differences (empty when equal)
//   describe(tree)      -> multi-line human-readable dump
//   fromHex(hex)        -> Buffer
//
// Node = { type, nested, flags, data, children?, header? }
//   type     attribute type without NLA_F_NESTED / NLA_F_NET_BYTEORDER
//   nested   true when the payload was parsed as attributes
//   flags    the raw NLA_F_NESTED | NLA_F_NET_BYTEORDER bits of nla_type
//   data     the attribute payload (nla_len - 4 bytes, no padding)
//   header   for nests whose payload starts with a fixed struct (the veth
//            peer's ifinfomsg), those bytes; children follow it
//
// Comparison ignores nlmsg_seq and nlmsg_pid and attribute order at every
// level (attributes are matched by type, repeated types by order of
// appearance); payload bytes of leaf attributes are compared exactly.

export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

const align4 = (n) => (n + 3) & ~3;

/** Convert a hex string (whitespace allowed) to a Buffer. */
export function fromHex(hex) {
  const clean = String(hex).replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) {
    throw new Error('fromHex: not an even-length hex string');
  }
  return Buffer.from(clean, 'hex');
}

// ---------------------------------------------------------------------------
// Names (only for readable output; parsing and comparison use numbers).

const RTM_NAMES = {
  16: 'RTM_NEWLINK', 17: 'RTM_DELLINK', 18: 'RTM_GETLINK', 19: 'RTM_SETLINK',
  20: 'RTM_NEWADDR', 21: 'RTM_DELADDR', 22: 'RTM_GETADDR',
  24: 'RTM_NEWROUTE', 25: 'RTM_DELROUTE', 26: 'RTM_GETROUTE',
  28: 'RTM_NEWNEIGH', 29: 'RTM_DELNEIGH', 30: 'RTM_GETNEIGH',
  32: 'RTM_NEWRULE', 33: 'RTM_DELRULE', 34: 'RTM_GETRULE',
  36: 'RTM_NEWQDISC', 37: 'RTM_DELQDISC', 38: 'RTM_GETQDISC',
  40: 'RTM_NEWTCLASS', 41: 'RTM_DELTCLASS', 44: 'RTM_NEWTFILTER', 45: 'RTM_DELTFILTER',
  104: 'RTM_NEWNEXTHOP', 105: 'RTM_DELNEXTHOP', 106: 'RTM_GETNEXTHOP',
  108: 'RTM_NEWLINKPROP', 109: 'RTM_DELLINKPROP', 110: 'RTM_GETLINKPROP',
};

const IFLA_NAMES = [
  'IFLA_UNSPEC', 'IFLA_ADDRESS', 'IFLA_BROADCAST', 'IFLA_IFNAME', 'IFLA_MTU',
  'IFLA_LINK', 'IFLA_QDISC', 'IFLA_STATS', 'IFLA_COST', 'IFLA_PRIORITY',
  'IFLA_MASTER', 'IFLA_WIRELESS', 'IFLA_PROTINFO', 'IFLA_TXQLEN', 'IFLA_MAP',
  'IFLA_WEIGHT', 'IFLA_OPERSTATE', 'IFLA_LINKMODE', 'IFLA_LINKINFO',
  'IFLA_NET_NS_PID', 'IFLA_IFALIAS', 'IFLA_NUM_VF', 'IFLA_VFINFO_LIST',
  'IFLA_STATS64', 'IFLA_VF_PORTS', 'IFLA_PORT_SELF', 'IFLA_AF_SPEC',
  'IFLA_GROUP', 'IFLA_NET_NS_FD', 'IFLA_EXT_MASK', 'IFLA_PROMISCUITY',
  'IFLA_NUM_TX_QUEUES', 'IFLA_NUM_RX_QUEUES', 'IFLA_CARRIER',
  'IFLA_PHYS_PORT_ID', 'IFLA_CARRIER_CHANGES', 'IFLA_PHYS_SWITCH_ID',
  'IFLA_LINK_NETNSID', 'IFLA_PHYS_PORT_NAME', 'IFLA_PROTO_DOWN',
  'IFLA_GSO_MAX_SEGS', 'IFLA_GSO_MAX_SIZE', 'IFLA_PAD', 'IFLA_XDP',
  'IFLA_EVENT', 'IFLA_NEW_NETNSID', 'IFLA_TARGET_NETNSID',
  'IFLA_CARRIER_UP_COUNT', 'IFLA_CARRIER_DOWN_COUNT', 'IFLA_NEW_IFINDEX',
  'IFLA_MIN_MTU', 'IFLA_MAX_MTU', 'IFLA_PROP_LIST', 'IFLA_ALT_IFNAME',
  'IFLA_PERM_ADDRESS', 'IFLA_PROTO_DOWN_REASON', 'IFLA_PARENT_DEV_NAME',
  'IFLA_PARENT_DEV_BUS_NAME', 'IFLA_GRO_MAX_SIZE', 'IFLA_TSO_MAX_SIZE',
  'IFLA_TSO_MAX_SEGS', 'IFLA_ALLMULTI', 'IFLA_DEVLINK_PORT',
  'IFLA_GSO_IPV4_MAX_SIZE', 'IFLA_GRO_IPV4_MAX_SIZE', 'IFLA_DPLL_PIN',
];
const IFLA_INFO_NAMES = [
  'IFLA_INFO_UNSPEC', 'IFLA_INFO_KIND', 'IFLA_INFO_DATA', 'IFLA_INFO_XSTATS',
  'IFLA_INFO_SLAVE_KIND', 'IFLA_INFO_SLAVE_DATA',
];
// Kind-specific attribute names (from linux/if_link.h and linux/if_tunnel.h).
const N = {
  INET: [
    'IFLA_INET_UNSPEC', 'IFLA_INET_CONF',
  ],
  INET6: [
    'IFLA_INET6_UNSPEC', 'IFLA_INET6_FLAGS', 'IFLA_INET6_CONF',
    'IFLA_INET6_STATS', 'IFLA_INET6_MCAST', 'IFLA_INET6_CACHEINFO',
    'IFLA_INET6_ICMP6STATS', 'IFLA_INET6_TOKEN', 'IFLA_INET6_ADDR_GEN_MODE',
    'IFLA_INET6_RA_MTU',
  ],
  BR: [
    'IFLA_BR_UNSPEC', 'IFLA_BR_FORWARD_DELAY', 'IFLA_BR_HELLO_TIME',
    'IFLA_BR_MAX_AGE', 'IFLA_BR_AGEING_TIME', 'IFLA_BR_STP_STATE',
    'IFLA_BR_PRIORITY', 'IFLA_BR_VLAN_FILTERING', 'IFLA_BR_VLAN_PROTOCOL',
    'IFLA_BR_GROUP_FWD_MASK', 'IFLA_BR_ROOT_ID', 'IFLA_BR_BRIDGE_ID',
    'IFLA_BR_ROOT_PORT', 'IFLA_BR_ROOT_PATH_COST', 'IFLA_BR_TOPOLOGY_CHANGE',
    'IFLA_BR_TOPOLOGY_CHANGE_DETECTED', 'IFLA_BR_HELLO_TIMER',
    'IFLA_BR_TCN_TIMER', 'IFLA_BR_TOPOLOGY_CHANGE_TIMER', 'IFLA_BR_GC_TIMER',
    'IFLA_BR_GROUP_ADDR', 'IFLA_BR_FDB_FLUSH', 'IFLA_BR_MCAST_ROUTER',
    'IFLA_BR_MCAST_SNOOPING', 'IFLA_BR_MCAST_QUERY_USE_IFADDR',
    'IFLA_BR_MCAST_QUERIER', 'IFLA_BR_MCAST_HASH_ELASTICITY',
    'IFLA_BR_MCAST_HASH_MAX', 'IFLA_BR_MCAST_LAST_MEMBER_CNT',
    'IFLA_BR_MCAST_STARTUP_QUERY_CNT', 'IFLA_BR_MCAST_LAST_MEMBER_INTVL',
    'IFLA_BR_MCAST_MEMBERSHIP_INTVL', 'IFLA_BR_MCAST_QUERIER_INTVL',
    'IFLA_BR_MCAST_QUERY_INTVL', 'IFLA_BR_MCAST_QUERY_RESPONSE_INTVL',
    'IFLA_BR_MCAST_STARTUP_QUERY_INTVL', 'IFLA_BR_NF_CALL_IPTABLES',
    'IFLA_BR_NF_CALL_IP6TABLES', 'IFLA_BR_NF_CALL_ARPTABLES',
    'IFLA_BR_VLAN_DEFAULT_PVID', 'IFLA_BR_PAD', 'IFLA_BR_VLAN_STATS_ENABLED',
    'IFLA_BR_MCAST_STATS_ENABLED', 'IFLA_BR_MCAST_IGMP_VERSION',
    'IFLA_BR_MCAST_MLD_VERSION', 'IFLA_BR_VLAN_STATS_PER_PORT',
    'IFLA_BR_MULTI_BOOLOPT', 'IFLA_BR_MCAST_QUERIER_STATE',
  ],
  BRPORT: [
    'IFLA_BRPORT_UNSPEC', 'IFLA_BRPORT_STATE', 'IFLA_BRPORT_PRIORITY',
    'IFLA_BRPORT_COST', 'IFLA_BRPORT_MODE', 'IFLA_BRPORT_GUARD',
    'IFLA_BRPORT_PROTECT', 'IFLA_BRPORT_FAST_LEAVE', 'IFLA_BRPORT_LEARNING',
    'IFLA_BRPORT_UNICAST_FLOOD', 'IFLA_BRPORT_PROXYARP',
    'IFLA_BRPORT_LEARNING_SYNC', 'IFLA_BRPORT_PROXYARP_WIFI',
    'IFLA_BRPORT_ROOT_ID', 'IFLA_BRPORT_BRIDGE_ID',
    'IFLA_BRPORT_DESIGNATED_PORT', 'IFLA_BRPORT_DESIGNATED_COST',
    'IFLA_BRPORT_ID', 'IFLA_BRPORT_NO', 'IFLA_BRPORT_TOPOLOGY_CHANGE_ACK',
    'IFLA_BRPORT_CONFIG_PENDING', 'IFLA_BRPORT_MESSAGE_AGE_TIMER',
    'IFLA_BRPORT_FORWARD_DELAY_TIMER', 'IFLA_BRPORT_HOLD_TIMER',
    'IFLA_BRPORT_FLUSH', 'IFLA_BRPORT_MULTICAST_ROUTER', 'IFLA_BRPORT_PAD',
    'IFLA_BRPORT_MCAST_FLOOD', 'IFLA_BRPORT_MCAST_TO_UCAST',
    'IFLA_BRPORT_VLAN_TUNNEL', 'IFLA_BRPORT_BCAST_FLOOD',
    'IFLA_BRPORT_GROUP_FWD_MASK', 'IFLA_BRPORT_NEIGH_SUPPRESS',
    'IFLA_BRPORT_ISOLATED', 'IFLA_BRPORT_BACKUP_PORT',
    'IFLA_BRPORT_MRP_RING_OPEN', 'IFLA_BRPORT_MRP_IN_OPEN',
    'IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT', 'IFLA_BRPORT_MCAST_EHT_HOSTS_CNT',
    'IFLA_BRPORT_LOCKED',
  ],
  VLAN: [
    'IFLA_VLAN_UNSPEC', 'IFLA_VLAN_ID', 'IFLA_VLAN_FLAGS',
    'IFLA_VLAN_EGRESS_QOS', 'IFLA_VLAN_INGRESS_QOS', 'IFLA_VLAN_PROTOCOL',
  ],
  VLAN_QOS: [
    'IFLA_VLAN_QOS_UNSPEC', 'IFLA_VLAN_QOS_MAPPING',
  ],
  MACVLAN: [
    'IFLA_MACVLAN_UNSPEC', 'IFLA_MACVLAN_MODE', 'IFLA_MACVLAN_FLAGS',
    'IFLA_MACVLAN_MACADDR_MODE', 'IFLA_MACVLAN_MACADDR',
    'IFLA_MACVLAN_MACADDR_DATA', 'IFLA_MACVLAN_MACADDR_COUNT',
    'IFLA_MACVLAN_BC_QUEUE_LEN', 'IFLA_MACVLAN_BC_QUEUE_LEN_USED',
  ],
  VRF: [
    'IFLA_VRF_UNSPEC', 'IFLA_VRF_TABLE',
  ],
  VRF_PORT: [
    'IFLA_VRF_PORT_UNSPEC', 'IFLA_VRF_PORT_TABLE',
  ],
  IPVLAN: [
    'IFLA_IPVLAN_UNSPEC', 'IFLA_IPVLAN_MODE', 'IFLA_IPVLAN_FLAGS',
  ],
  VXLAN: [
    'IFLA_VXLAN_UNSPEC', 'IFLA_VXLAN_ID', 'IFLA_VXLAN_GROUP',
    'IFLA_VXLAN_LINK', 'IFLA_VXLAN_LOCAL', 'IFLA_VXLAN_TTL', 'IFLA_VXLAN_TOS',
    'IFLA_VXLAN_LEARNING', 'IFLA_VXLAN_AGEING', 'IFLA_VXLAN_LIMIT',
    'IFLA_VXLAN_PORT_RANGE', 'IFLA_VXLAN_PROXY', 'IFLA_VXLAN_RSC',
    'IFLA_VXLAN_L2MISS', 'IFLA_VXLAN_L3MISS', 'IFLA_VXLAN_PORT',
    'IFLA_VXLAN_GROUP6', 'IFLA_VXLAN_LOCAL6', 'IFLA_VXLAN_UDP_CSUM',
    'IFLA_VXLAN_UDP_ZERO_CSUM6_TX', 'IFLA_VXLAN_UDP_ZERO_CSUM6_RX',
    'IFLA_VXLAN_REMCSUM_TX', 'IFLA_VXLAN_REMCSUM_RX', 'IFLA_VXLAN_GBP',
    'IFLA_VXLAN_REMCSUM_NOPARTIAL', 'IFLA_VXLAN_COLLECT_METADATA',
    'IFLA_VXLAN_LABEL', 'IFLA_VXLAN_GPE', 'IFLA_VXLAN_TTL_INHERIT',
    'IFLA_VXLAN_DF', 'IFLA_VXLAN_VNIFILTER',
  ],
  GENEVE: [
    'IFLA_GENEVE_UNSPEC', 'IFLA_GENEVE_ID', 'IFLA_GENEVE_REMOTE',
    'IFLA_GENEVE_TTL', 'IFLA_GENEVE_TOS', 'IFLA_GENEVE_PORT',
    'IFLA_GENEVE_COLLECT_METADATA', 'IFLA_GENEVE_REMOTE6',
    'IFLA_GENEVE_UDP_CSUM', 'IFLA_GENEVE_UDP_ZERO_CSUM6_TX',
    'IFLA_GENEVE_UDP_ZERO_CSUM6_RX', 'IFLA_GENEVE_LABEL',
    'IFLA_GENEVE_TTL_INHERIT', 'IFLA_GENEVE_DF',
    'IFLA_GENEVE_INNER_PROTO_INHERIT',
  ],
  BOND: [
    'IFLA_BOND_UNSPEC', 'IFLA_BOND_MODE', 'IFLA_BOND_ACTIVE_SLAVE',
    'IFLA_BOND_MIIMON', 'IFLA_BOND_UPDELAY', 'IFLA_BOND_DOWNDELAY',
    'IFLA_BOND_USE_CARRIER', 'IFLA_BOND_ARP_INTERVAL',
    'IFLA_BOND_ARP_IP_TARGET', 'IFLA_BOND_ARP_VALIDATE',
    'IFLA_BOND_ARP_ALL_TARGETS', 'IFLA_BOND_PRIMARY',
    'IFLA_BOND_PRIMARY_RESELECT', 'IFLA_BOND_FAIL_OVER_MAC',
    'IFLA_BOND_XMIT_HASH_POLICY', 'IFLA_BOND_RESEND_IGMP',
    'IFLA_BOND_NUM_PEER_NOTIF', 'IFLA_BOND_ALL_SLAVES_ACTIVE',
    'IFLA_BOND_MIN_LINKS', 'IFLA_BOND_LP_INTERVAL',
    'IFLA_BOND_PACKETS_PER_SLAVE', 'IFLA_BOND_AD_LACP_RATE',
    'IFLA_BOND_AD_SELECT', 'IFLA_BOND_AD_INFO', 'IFLA_BOND_AD_ACTOR_SYS_PRIO',
    'IFLA_BOND_AD_USER_PORT_KEY', 'IFLA_BOND_AD_ACTOR_SYSTEM',
    'IFLA_BOND_TLB_DYNAMIC_LB', 'IFLA_BOND_PEER_NOTIF_DELAY',
    'IFLA_BOND_AD_LACP_ACTIVE', 'IFLA_BOND_MISSED_MAX',
    'IFLA_BOND_NS_IP6_TARGET', 'IFLA_BOND_COUPLED_CONTROL',
  ],
  BOND_AD_INFO: [
    'IFLA_BOND_AD_INFO_UNSPEC', 'IFLA_BOND_AD_INFO_AGGREGATOR',
    'IFLA_BOND_AD_INFO_NUM_PORTS', 'IFLA_BOND_AD_INFO_ACTOR_KEY',
    'IFLA_BOND_AD_INFO_PARTNER_KEY', 'IFLA_BOND_AD_INFO_PARTNER_MAC',
  ],
  BOND_SLAVE: [
    'IFLA_BOND_SLAVE_UNSPEC', 'IFLA_BOND_SLAVE_STATE',
    'IFLA_BOND_SLAVE_MII_STATUS', 'IFLA_BOND_SLAVE_LINK_FAILURE_COUNT',
    'IFLA_BOND_SLAVE_PERM_HWADDR', 'IFLA_BOND_SLAVE_QUEUE_ID',
    'IFLA_BOND_SLAVE_AD_AGGREGATOR_ID',
    'IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE',
    'IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE', 'IFLA_BOND_SLAVE_PRIO',
    'IFLA_BOND_SLAVE_ACTOR_PORT_PRIO', 'IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE',
    'IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE',
  ],
  XDP: [
    'IFLA_XDP_UNSPEC', 'IFLA_XDP_FD', 'IFLA_XDP_ATTACHED', 'IFLA_XDP_FLAGS',
    'IFLA_XDP_PROG_ID', 'IFLA_XDP_DRV_PROG_ID', 'IFLA_XDP_SKB_PROG_ID',
    'IFLA_XDP_HW_PROG_ID', 'IFLA_XDP_EXPECTED_FD',
  ],
  IPTUN: [
    'IFLA_IPTUN_UNSPEC', 'IFLA_IPTUN_LINK', 'IFLA_IPTUN_LOCAL',
    'IFLA_IPTUN_REMOTE', 'IFLA_IPTUN_TTL', 'IFLA_IPTUN_TOS',
    'IFLA_IPTUN_ENCAP_LIMIT', 'IFLA_IPTUN_FLOWINFO', 'IFLA_IPTUN_FLAGS',
    'IFLA_IPTUN_PROTO', 'IFLA_IPTUN_PMTUDISC', 'IFLA_IPTUN_6RD_PREFIX',
    'IFLA_IPTUN_6RD_RELAY_PREFIX', 'IFLA_IPTUN_6RD_PREFIXLEN',
    'IFLA_IPTUN_6RD_RELAY_PREFIXLEN', 'IFLA_IPTUN_ENCAP_TYPE',
    'IFLA_IPTUN_ENCAP_FLAGS', 'IFLA_IPTUN_ENCAP_SPORT',
    'IFLA_IPTUN_ENCAP_DPORT', 'IFLA_IPTUN_COLLECT_METADATA',
    'IFLA_IPTUN_FWMARK',
  ],
  GRE: [
    'IFLA_GRE_UNSPEC', 'IFLA_GRE_LINK', 'IFLA_GRE_IFLAGS', 'IFLA_GRE_OFLAGS',
    'IFLA_GRE_IKEY', 'IFLA_GRE_OKEY', 'IFLA_GRE_LOCAL', 'IFLA_GRE_REMOTE',
    'IFLA_GRE_TTL', 'IFLA_GRE_TOS', 'IFLA_GRE_PMTUDISC',
    'IFLA_GRE_ENCAP_LIMIT', 'IFLA_GRE_FLOWINFO', 'IFLA_GRE_FLAGS',
    'IFLA_GRE_ENCAP_TYPE', 'IFLA_GRE_ENCAP_FLAGS', 'IFLA_GRE_ENCAP_SPORT',
    'IFLA_GRE_ENCAP_DPORT', 'IFLA_GRE_COLLECT_METADATA', 'IFLA_GRE_IGNORE_DF',
    'IFLA_GRE_FWMARK', 'IFLA_GRE_ERSPAN_INDEX', 'IFLA_GRE_ERSPAN_VER',
    'IFLA_GRE_ERSPAN_DIR', 'IFLA_GRE_ERSPAN_HWID',
  ],
};

const AF_NAMES = { 2: 'AF_INET', 7: 'AF_BRIDGE', 10: 'AF_INET6', 28: 'AF_MPLS' };

// ---------------------------------------------------------------------------
// Attribute schemas. A schema describes the children of a nest:
//   { names?: string[]|object, nests?: { [type]: Spec }, leafNames?: ... }
// Spec = Schema (nest of attributes) | { header: n, schema: Schema }.
// An attribute not listed in `nests` is a leaf unless NLA_F_NESTED is set,
// in which case it is parsed with GENERIC.

const GENERIC = { names: null, nests: {} };

const LINK = { names: IFLA_NAMES, nests: {} }; // filled in below (recursive)

const VETH_PEER = { header: 16, schema: LINK };

const flat = (names) => ({ names, nests: {} });
const MACVLAN = { names: N.MACVLAN, nests: { 5: flat(N.MACVLAN) } }; // MACADDR_DATA
const GRE = flat(N.GRE);
const IPTUN = flat(N.IPTUN);

// IFLA_INFO_DATA children, by IFLA_INFO_KIND.
const INFO_DATA_BY_KIND = {
  veth: { names: ['VETH_INFO_UNSPEC', 'VETH_INFO_PEER'], nests: { 1: VETH_PEER } },
  vxcan: { names: ['VXCAN_INFO_UNSPEC', 'VXCAN_INFO_PEER'], nests: { 1: VETH_PEER } },
  netkit: { names: null, nests: { 1: VETH_PEER } }, // IFLA_NETKIT_PEER_INFO
  bridge: flat(N.BR),
  macvlan: MACVLAN,
  macvtap: MACVLAN,
  vlan: { names: N.VLAN, nests: { 3: flat(N.VLAN_QOS), 4: flat(N.VLAN_QOS) } },
  ipvlan: flat(N.IPVLAN),
  ipvtap: flat(N.IPVLAN),
  vxlan: flat(N.VXLAN),
  geneve: flat(N.GENEVE),
  vrf: flat(N.VRF),
  bond: {
    names: N.BOND,
    nests: { 7: GENERIC, 23: flat(N.BOND_AD_INFO), 31: GENERIC }, // ARP_IP_TARGET, AD_INFO, NS_IP6_TARGET
  },
  gre: GRE, gretap: GRE, erspan: GRE, ip6gre: GRE, ip6gretap: GRE, ip6erspan: GRE,
  ipip: IPTUN, sit: IPTUN, ip6tnl: IPTUN,
};

// IFLA_INFO_SLAVE_DATA children, by IFLA_INFO_SLAVE_KIND.
const INFO_SLAVE_DATA_BY_KIND = {
  bridge: flat(N.BRPORT),
  bridge_slave: flat(N.BRPORT),
  bond: flat(N.BOND_SLAVE),
  bond_slave: flat(N.BOND_SLAVE),
  vrf: flat(N.VRF_PORT),
};

const AF_INET_SPEC = { names: N.INET, nests: { 1: GENERIC } }; // IFLA_INET_CONF
const AF_INET6_SPEC = flat(N.INET6);
const AF_BRIDGE_SPEC = { names: null, nests: { 3: GENERIC, 4: GENERIC, 5: GENERIC, 6: GENERIC } };

// IFLA_AF_SPEC: every child is a nest keyed by address family.
const AF_FAMILY_SPECS = { 2: AF_INET_SPEC, 7: AF_BRIDGE_SPEC, 10: AF_INET6_SPEC };
const AF_SPEC = {
  names: AF_NAMES,
  nests: {},
  dynamic: (type) => AF_FAMILY_SPECS[type] || GENERIC,
};

// IFLA_LINKINFO: INFO_DATA / INFO_SLAVE_DATA depend on the sibling kinds.
const LINKINFO = {
  names: IFLA_INFO_NAMES,
  nests: {},
  dynamic(type, siblings) {
    if (type === 2) {
      const kind = kindOf(siblings, 1);
      return (kind && INFO_DATA_BY_KIND[kind]) || GENERIC;
    }
    if (type === 5) {
      // iproute2 puts "bridge_slave" in IFLA_INFO_KIND; the kernel reports
      // IFLA_INFO_SLAVE_KIND. Accept either.
      const kind = kindOf(siblings, 4) || kindOf(siblings, 1);
      return (kind && INFO_SLAVE_DATA_BY_KIND[kind]) || GENERIC;
    }
    return undefined;
  },
};

Object.assign(LINK.nests, {
  12: GENERIC, // IFLA_PROTINFO
  18: LINKINFO,
  22: GENERIC, // IFLA_VFINFO_LIST
  24: GENERIC, // IFLA_VF_PORTS
  25: GENERIC, // IFLA_PORT_SELF
  26: AF_SPEC,
  43: flat(N.XDP), // IFLA_XDP
  52: flat(IFLA_NAMES), // IFLA_PROP_LIST (IFLA_ALT_IFNAME children)
  55: GENERIC, // IFLA_PROTO_DOWN_REASON
  62: GENERIC, // IFLA_DEVLINK_PORT
  65: GENERIC, // IFLA_DPLL_PIN
});

function kindOf(siblings, kindType) {
  const a = siblings.find((s) => s.type === kindType);
  return a ? a.data.toString('latin1').replace(/\0.*$/s, '') : null;
}

// Traffic control (tcmsg + TCA_*): TCA_OPTIONS is a nest for tbf, htb and
// u32 but a bare struct for pfifo/bfifo, and iproute2 sets NLA_F_NESTED on
// none of them, so the kind decides. A `null` schema means "a leaf".
const TCA_NAMES = ['TCA_UNSPEC', 'TCA_KIND', 'TCA_OPTIONS', 'TCA_STATS', 'TCA_XSTATS', 'TCA_RATE', 'TCA_FCNT', 'TCA_STATS2', 'TCA_STAB'];
const TC_ACT = { names: ['TCA_ACT_UNSPEC', 'TCA_ACT_KIND', 'TCA_ACT_OPTIONS', 'TCA_ACT_INDEX', 'TCA_ACT_STATS'], nests: { 2: GENERIC, 4: GENERIC } };
const TC_ACT_LIST = { names: null, nests: {}, dynamic: () => TC_ACT };
const TC_OPTIONS_BY_KIND = {
  tbf: { names: ['TCA_TBF_UNSPEC', 'TCA_TBF_PARMS', 'TCA_TBF_RTAB', 'TCA_TBF_PTAB', 'TCA_TBF_RATE64', 'TCA_TBF_PRATE64', 'TCA_TBF_BURST', 'TCA_TBF_PBURST'], nests: {} },
  htb: { names: ['TCA_HTB_UNSPEC', 'TCA_HTB_PARMS', 'TCA_HTB_INIT', 'TCA_HTB_CTAB', 'TCA_HTB_RTAB', 'TCA_HTB_DIRECT_QLEN', 'TCA_HTB_RATE64', 'TCA_HTB_CEIL64'], nests: {} },
  u32: { names: ['TCA_U32_UNSPEC', 'TCA_U32_CLASSID', 'TCA_U32_HASH', 'TCA_U32_LINK', 'TCA_U32_DIVISOR', 'TCA_U32_SEL', 'TCA_U32_POLICE', 'TCA_U32_ACT'], nests: { 7: TC_ACT_LIST } },
  pfifo: null,
  bfifo: null,
};
const TC = {
  names: TCA_NAMES,
  nests: { 7: GENERIC },
  dynamic(type, siblings) {
    if (type !== 2) return undefined;
    const kind = kindOf(siblings, 1);
    return kind in TC_OPTIONS_BY_KIND ? TC_OPTIONS_BY_KIND[kind] : GENERIC;
  },
};

// Fixed header lengths after nlmsghdr, by message type, and their schemas.
function messageLayout(type) {
  if ((type >= 16 && type <= 19) || (type >= 108 && type <= 110)) return { header: 16, schema: LINK };
  if (type >= 20 && type <= 23) return { header: 8, schema: GENERIC }; // ifaddrmsg
  if (type >= 24 && type <= 27) return { header: 12, schema: GENERIC }; // rtmsg
  if (type >= 28 && type <= 30) return { header: 12, schema: GENERIC }; // ndmsg
  if (type >= 32 && type <= 34) return { header: 12, schema: GENERIC }; // fib_rule_hdr
  if (type >= 36 && type <= 46) return { header: 20, schema: TC }; // tcmsg
  if (type >= 104 && type <= 106) return { header: 8, schema: GENERIC }; // nhmsg
  return { header: 0, schema: GENERIC };
}

// ---------------------------------------------------------------------------
// Parsing

/** Parse one attribute stream; throws on malformed lengths or trailing bytes. */
function parseAttrs(buf, schema, where) {
  const raw = [];
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < 4) {
      throw new Error(`${where}: ${buf.length - off} trailing byte(s) at offset ${off}`);
    }
    const len = buf.readUInt16LE(off);
    const rawType = buf.readUInt16LE(off + 2);
    if (len < 4) throw new Error(`${where}: attribute at offset ${off} has nla_len ${len} < 4`);
    if (off + len > buf.length) {
      throw new Error(`${where}: attribute type ${rawType & NLA_TYPE_MASK} at offset ${off} ` +
        `has nla_len ${len} past the end (${buf.length - off} bytes left)`);
    }
    const data = buf.subarray(off + 4, off + len);
    const pad = buf.subarray(off + len, Math.min(buf.length, off + align4(len)));
    if (pad.some((b) => b !== 0)) {
      throw new Error(`${where}: non-zero padding after attribute at offset ${off}`);
    }
    raw.push({ type: rawType & NLA_TYPE_MASK, flags: rawType & ~NLA_TYPE_MASK & 0xffff, data });
    off += align4(len);
  }
  return raw.map((r) => {
    const node = { type: r.type, nested: false, flags: r.flags, data: r.data };
    let spec;
    if (schema.dynamic) spec = schema.dynamic(r.type, raw);
    if (spec === undefined && schema.nests && r.type in schema.nests) spec = schema.nests[r.type];
    if (spec === undefined && (r.flags & NLA_F_NESTED)) spec = GENERIC;
    if (spec) {
      const sub = `${where}/${attrName(schema, r.type)}`;
      node.nested = true;
      let body = r.data;
      let childSchema = spec;
      if (typeof spec.header === 'number') {
        if (r.data.length < spec.header) {
          throw new Error(`${sub}: payload ${r.data.length} bytes, shorter than its ${spec.header}-byte header`);
        }
        node.header = r.data.subarray(0, spec.header);
        body = r.data.subarray(spec.header);
        childSchema = spec.schema;
      }
      node.schema = childSchema; // non-enumerable below; used for names
      node.children = parseAttrs(body, childSchema, sub);
    }
    return hideSchema(node);
  });
}

function hideSchema(node) {
  if ('schema' in node) {
    const s = node.schema;
    delete node.schema;
    Object.defineProperty(node, 'schema', { value: s, enumerable: false });
  }
  return node;
}

function attrName(schema, type) {
  const names = schema && schema.names;
  const n = names ? names[type] : undefined;
  return n ? `${n}(${type})` : `${type}`;
}

/**
 * Parse a netlink request (one nlmsghdr + payload). Throws when the buffer is
 * malformed: nlmsg_len not equal to the buffer length, attributes overrunning
 * their container, or trailing bytes.
 * @param {Buffer|Uint8Array|string} input Buffer or hex string
 * @param {{headerLen?: number}} [opts] override the fixed header length
 */
export function parseRequest(input, opts = {}) {
  const buf = typeof input === 'string' ? fromHex(input) : Buffer.isBuffer(input) ? input : Buffer.from(input);
  if (buf.length < 16) throw new Error(`parseRequest: ${buf.length} bytes is shorter than nlmsghdr`);
  const len = buf.readUInt32LE(0);
  if (len !== buf.length) {
    throw new Error(`parseRequest: nlmsg_len ${len} != buffer length ${buf.length}`);
  }
  const type = buf.readUInt16LE(4);
  const layout = messageLayout(type);
  const headerLen = opts.headerLen ?? layout.header;
  if (16 + align4(headerLen) > len) {
    throw new Error(`parseRequest: message too short for its ${headerLen}-byte header`);
  }
  const tree = {
    type,
    flags: buf.readUInt16LE(6),
    len,
    seq: buf.readUInt32LE(8),
    pid: buf.readUInt32LE(12),
    header: buf.subarray(16, 16 + headerLen),
    attrs: parseAttrs(buf.subarray(16 + align4(headerLen)), layout.schema, RTM_NAMES[type] || `msg${type}`),
  };
  Object.defineProperty(tree, 'schema', { value: layout.schema, enumerable: false });
  return tree;
}

// ---------------------------------------------------------------------------
// Comparison

const hex = (b) => Buffer.from(b).toString('hex');

function groupByType(nodes) {
  const m = new Map();
  for (const n of nodes) {
    if (!m.has(n.type)) m.set(n.type, []);
    m.get(n.type).push(n);
  }
  return m;
}

function label(schema, node, index, count) {
  const base = attrName(schema, node.type);
  return count > 1 ? `${base}[${index}]` : base;
}

function compareAttrs(a, b, schemaA, schemaB, path, out, opts) {
  const ga = groupByType(a);
  const gb = groupByType(b);
  const types = [...new Set([...ga.keys(), ...gb.keys()])].sort((x, y) => x - y);
  for (const t of types) {
    const la = ga.get(t) || [];
    const lb = gb.get(t) || [];
    const n = Math.max(la.length, lb.length);
    for (let i = 0; i < n; i++) {
      const na = la[i];
      const nb = lb[i];
      const p = `${path}/${label(schemaA || schemaB, na || nb, i, n)}`;
      if (!nb) {
        out.push(`${p}: only in a (${describeLeaf(na)})`);
        continue;
      }
      if (!na) {
        out.push(`${p}: only in b (${describeLeaf(nb)})`);
        continue;
      }
      compareNode(na, nb, p, out, opts);
    }
  }
}

function compareNode(a, b, path, out, opts) {
  if (!opts.ignoreAttrFlags && a.flags !== b.flags) {
    out.push(`${path}: nla_type flag bits differ: a=0x${a.flags.toString(16)} b=0x${b.flags.toString(16)}`);
  }
  if (a.nested !== b.nested) {
    out.push(`${path}: nested in ${a.nested ? 'a' : 'b'} only: a=${hex(a.data)} b=${hex(b.data)}`);
    return;
  }
  if (!a.nested) {
    if (!Buffer.from(a.data).equals(Buffer.from(b.data))) {
      out.push(`${path}: payload differs: a=${hex(a.data)} b=${hex(b.data)}`);
    }
    return;
  }
  if (a.header || b.header) {
    if (!a.header || !b.header || !Buffer.from(a.header).equals(Buffer.from(b.header))) {
      out.push(`${path}: header differs: a=${a.header ? hex(a.header) : '-'} b=${b.header ? hex(b.header) : '-'}`);
    }
  }
  compareAttrs(a.children, b.children, a.schema, b.schema, path, out, opts);
}

/**
 * Compare two parsed requests. Returns human-readable differences; empty
 * when equivalent. nlmsg_seq, nlmsg_pid and nlmsg_len are ignored (a length
 * difference always shows up as an attribute difference); attribute order
 * is ignored at every level.
 * @param {object} a tree from parseRequest (or a Buffer / hex string)
 * @param {object} b tree from parseRequest (or a Buffer / hex string)
 * @param {{ignoreAttrFlags?: boolean, ignoreMsgFlags?: boolean}} [opts]
 */
export function compareTrees(a, b, opts = {}) {
  const ta = isTree(a) ? a : parseRequest(a);
  const tb = isTree(b) ? b : parseRequest(b);
  const out = [];
  if (ta.type !== tb.type) {
    out.push(`nlmsg_type differs: a=${msgName(ta.type)} b=${msgName(tb.type)}`);
  }
  if (!opts.ignoreMsgFlags && ta.flags !== tb.flags) {
    out.push(`nlmsg_flags differ: a=0x${ta.flags.toString(16)} b=0x${tb.flags.toString(16)}`);
  }
  if (!Buffer.from(ta.header).equals(Buffer.from(tb.header))) {
    out.push(`header differs: a=${hex(ta.header)} b=${hex(tb.header)}`);
  }
  compareAttrs(ta.attrs, tb.attrs, ta.schema, tb.schema, msgName(ta.type), out, opts);
  return out;
}

function isTree(x) {
  return x && typeof x === 'object' && Array.isArray(x.attrs) && typeof x.type === 'number';
}

const msgName = (t) => (RTM_NAMES[t] ? `${RTM_NAMES[t]}(${t})` : `${t}`);

// ---------------------------------------------------------------------------
// Describe

function describeLeaf(node) {
  if (node.nested) return `nest, ${node.children.length} attr(s), ${node.data.length} bytes`;
  return `${node.data.length} bytes: ${printable(node.data)}`;
}

function printable(data) {
  const h = hex(data);
  const s = Buffer.from(data).toString('latin1');
  if (data.length >= 2 && /^[\x20-\x7e]+\0?$/.test(s)) return `${h} "${s.replace(/\0$/, '')}"`;
  return h;
}

function describeAttrs(nodes, schema, indent, lines) {
  for (const n of nodes) {
    const flags = n.flags ? ` [${n.flags & NLA_F_NESTED ? 'F_NESTED' : ''}${n.flags & NLA_F_NET_BYTEORDER ? ' F_NET_BYTEORDER' : ''}]` : '';
    if (n.nested) {
      lines.push(`${indent}${attrName(schema, n.type)}${flags} {${n.header ? ' header ' + hex(n.header) : ''}`);
      describeAttrs(n.children, n.schema, indent + '  ', lines);
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}${attrName(schema, n.type)}${flags} = ${printable(n.data)}`);
    }
  }
}

/** Multi-line, indented dump of a tree (or of a Buffer / hex string). */
export function describe(tree) {
  const t = isTree(tree) ? tree : parseRequest(tree);
  const lines = [
    `${msgName(t.type)} flags=0x${t.flags.toString(16)} len=${t.len} seq=${t.seq} pid=${t.pid}`,
    `  header ${hex(t.header)}`,
  ];
  describeAttrs(t.attrs, t.schema, '  ', lines);
  return lines.join('\n');
}
