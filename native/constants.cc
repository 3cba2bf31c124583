// The kernel constants table exported to JavaScript (see constants.h).
#include "constants.h"

#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_bonding.h>
#include <linux/if_bridge.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/ip6_tunnel.h>
#include <linux/if_vlan.h>
#include <linux/neighbour.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ct_napi.h"
#include "genl_codec.h"
#include "nft_napi.h"
#include "tun_ioctl.h"
#include "tun_writer.h"
#include "vnet.h"

namespace netloom {

Napi::Object make_constants(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
#define C(name) o.Set(#name, Napi::Number::New(env, static_cast<double>(name)))
  // netlink message header
  C(NLMSG_NOOP); C(NLMSG_ERROR); C(NLMSG_DONE); C(NLMSG_OVERRUN);
  C(NLM_F_REQUEST); C(NLM_F_MULTI); C(NLM_F_ACK); C(NLM_F_ECHO); C(NLM_F_DUMP_INTR); C(NLM_F_DUMP_FILTERED);
  C(NLM_F_ROOT); C(NLM_F_MATCH); C(NLM_F_ATOMIC); C(NLM_F_DUMP);
  C(NLM_F_REPLACE); C(NLM_F_EXCL); C(NLM_F_CREATE); C(NLM_F_APPEND);
  C(NLM_F_NONREC); C(NLM_F_BULK); C(NLM_F_CAPPED); C(NLM_F_ACK_TLVS);
  // rtnetlink message types
  C(RTM_NEWLINK); C(RTM_DELLINK); C(RTM_GETLINK); C(RTM_SETLINK);
  C(RTM_NEWADDR); C(RTM_DELADDR); C(RTM_GETADDR);
  C(RTM_NEWROUTE); C(RTM_DELROUTE); C(RTM_GETROUTE);
  C(RTM_NEWNEIGH); C(RTM_DELNEIGH); C(RTM_GETNEIGH);
  C(RTM_NEWRULE); C(RTM_DELRULE); C(RTM_GETRULE);
  C(RTM_NEWQDISC); C(RTM_DELQDISC); C(RTM_GETQDISC);
  C(RTM_NEWTCLASS); C(RTM_DELTCLASS); C(RTM_GETTCLASS);
  C(RTM_NEWTFILTER); C(RTM_DELTFILTER); C(RTM_GETTFILTER);
  // traffic control: handles, rate specs, htb, u32, actions (pkt_sched.h, pkt_cls.h, tc_mirred.h)
  C(TC_H_UNSPEC); C(TC_H_ROOT); C(TC_H_INGRESS); C(TC_H_CLSACT); C(TC_H_MIN_INGRESS); C(TC_H_MIN_EGRESS);
  C(TC_LINKLAYER_ETHERNET); C(TC_HTB_PROTOVER); C(TC_U32_TERMINAL); C(TCA_ACT_MAX_PRIO);
  C(TC_ACT_OK); C(TC_ACT_PIPE); C(TC_ACT_STOLEN); C(TC_ACT_SHOT);
  C(TCA_EGRESS_REDIR); C(TCA_EGRESS_MIRROR); C(TCA_INGRESS_REDIR); C(TCA_INGRESS_MIRROR);
  C(RTM_NEWNSID); C(RTM_DELNSID); C(RTM_GETNSID);
  C(RTM_NEWNEXTHOP); C(RTM_DELNEXTHOP); C(RTM_GETNEXTHOP);
  // address families
  C(AF_UNSPEC); C(AF_INET); C(AF_INET6); C(AF_BRIDGE); C(AF_PACKET); C(AF_MPLS);
  // interface flags
  C(IFF_UP); C(IFF_BROADCAST); C(IFF_DEBUG); C(IFF_LOOPBACK); C(IFF_POINTOPOINT); C(IFF_NOTRAILERS);
  C(IFF_RUNNING); C(IFF_NOARP); C(IFF_PROMISC); C(IFF_ALLMULTI); C(IFF_MASTER); C(IFF_SLAVE);
  C(IFF_MULTICAST); C(IFF_PORTSEL); C(IFF_AUTOMEDIA); C(IFF_DYNAMIC); C(IFF_LOWER_UP); C(IFF_DORMANT); C(IFF_ECHO);
  // operstate (RFC 2863)
  C(IF_OPER_UNKNOWN); C(IF_OPER_NOTPRESENT); C(IF_OPER_DOWN); C(IF_OPER_LOWERLAYERDOWN);
  C(IF_OPER_TESTING); C(IF_OPER_DORMANT); C(IF_OPER_UP);
  C(IF_LINK_MODE_DEFAULT); C(IF_LINK_MODE_DORMANT); C(IF_LINK_MODE_TESTING);
  // link kinds' enums
  C(MACVLAN_MODE_PRIVATE); C(MACVLAN_MODE_VEPA); C(MACVLAN_MODE_BRIDGE); C(MACVLAN_MODE_PASSTHRU); C(MACVLAN_MODE_SOURCE);
  C(MACVLAN_FLAG_NOPROMISC); C(MACVLAN_FLAG_NODST);
  C(MACVLAN_MACADDR_ADD); C(MACVLAN_MACADDR_DEL); C(MACVLAN_MACADDR_FLUSH); C(MACVLAN_MACADDR_SET);
  C(IPVLAN_MODE_L2); C(IPVLAN_MODE_L3); C(IPVLAN_MODE_L3S); C(IPVLAN_F_PRIVATE); C(IPVLAN_F_VEPA);
  C(VLAN_FLAG_REORDER_HDR); C(VLAN_FLAG_GVRP); C(VLAN_FLAG_LOOSE_BINDING); C(VLAN_FLAG_MVRP); C(VLAN_FLAG_BRIDGE_BINDING);
  C(BR_STATE_DISABLED); C(BR_STATE_LISTENING); C(BR_STATE_LEARNING); C(BR_STATE_FORWARDING); C(BR_STATE_BLOCKING);
  C(VXLAN_DF_UNSET); C(VXLAN_DF_SET); C(VXLAN_DF_INHERIT);
  C(BRIDGE_MODE_UNSPEC); C(BRIDGE_MODE_HAIRPIN);
  C(IN6_ADDR_GEN_MODE_EUI64); C(IN6_ADDR_GEN_MODE_NONE); C(IN6_ADDR_GEN_MODE_STABLE_PRIVACY); C(IN6_ADDR_GEN_MODE_RANDOM);
  C(ETH_P_8021Q); C(ETH_P_8021AD); C(ETH_P_IP); C(ETH_P_IPV6); C(ETH_P_ALL); C(ETH_P_ARP);
  C(ARPHRD_ETHER); C(ARPHRD_LOOPBACK); C(ARPHRD_NONE); C(ARPHRD_VOID); C(ARPHRD_TUNNEL); C(ARPHRD_IPGRE); C(ARPHRD_SIT);
  // L3 tunnels (if_tunnel.h, ip6_tunnel.h). GRE_* are __be16 in the header; the codec's
  // IFLA_GRE_IFLAGS/OFLAGS are big-endian u16s it byte-swaps itself, so they go out in host order.
#define BE16(name) o.Set(#name, Napi::Number::New(env, static_cast<double>(ntohs(name))))
  BE16(GRE_CSUM); BE16(GRE_KEY); BE16(GRE_SEQ);
#undef BE16
  C(TUNNEL_ENCAP_NONE); C(TUNNEL_ENCAP_FOU); C(TUNNEL_ENCAP_GUE); C(TUNNEL_ENCAP_MPLS);
  C(TUNNEL_ENCAP_FLAG_CSUM); C(TUNNEL_ENCAP_FLAG_CSUM6); C(TUNNEL_ENCAP_FLAG_REMCSUM);
  C(IP6_TNL_F_IGN_ENCAP_LIMIT); C(IP6_TNL_F_USE_ORIG_TCLASS); C(IP6_TNL_F_USE_ORIG_FLOWLABEL);
  C(IP6_TNL_F_RCV_DSCP_COPY); C(IP6_TNL_F_USE_ORIG_FWMARK); C(IP6_TNL_F_ALLOW_LOCAL_REMOTE);
  C(SIT_ISATAP);
  C(IPPROTO_IP); C(IPPROTO_IPIP); C(IPPROTO_IPV6); C(IPPROTO_MPLS);
  C(GENEVE_DF_UNSET); C(GENEVE_DF_SET); C(GENEVE_DF_INHERIT);
  // bonding (if_bonding.h); lacp_rate, ad_select and the rest have no UAPI names (see kinds/bond.ts)
  C(BOND_MODE_ROUNDROBIN); C(BOND_MODE_ACTIVEBACKUP); C(BOND_MODE_XOR); C(BOND_MODE_BROADCAST);
  C(BOND_MODE_8023AD); C(BOND_MODE_TLB); C(BOND_MODE_ALB);
  C(BOND_XMIT_POLICY_LAYER2); C(BOND_XMIT_POLICY_LAYER34); C(BOND_XMIT_POLICY_LAYER23);
  C(BOND_XMIT_POLICY_ENCAP23); C(BOND_XMIT_POLICY_ENCAP34); C(BOND_XMIT_POLICY_VLAN_SRCMAC);
  C(BOND_STATE_ACTIVE); C(BOND_STATE_BACKUP);
  C(BOND_LINK_UP); C(BOND_LINK_FAIL); C(BOND_LINK_DOWN); C(BOND_LINK_BACK);
  C(RTEXT_FILTER_VF); C(RTEXT_FILTER_BRVLAN); C(RTEXT_FILTER_SKIP_STATS);
  // routes, addresses, neighbours, rules (used by the object files beyond links)
  C(RT_SCOPE_UNIVERSE); C(RT_SCOPE_SITE); C(RT_SCOPE_LINK); C(RT_SCOPE_HOST); C(RT_SCOPE_NOWHERE);
  C(RT_TABLE_UNSPEC); C(RT_TABLE_DEFAULT); C(RT_TABLE_MAIN); C(RT_TABLE_LOCAL);
  C(RTN_UNSPEC); C(RTN_UNICAST); C(RTN_LOCAL); C(RTN_BROADCAST); C(RTN_ANYCAST); C(RTN_MULTICAST);
  C(RTN_BLACKHOLE); C(RTN_UNREACHABLE); C(RTN_PROHIBIT); C(RTN_THROW); C(RTN_NAT);
  C(RTPROT_UNSPEC); C(RTPROT_KERNEL); C(RTPROT_BOOT); C(RTPROT_STATIC);
  C(RTNH_F_DEAD); C(RTNH_F_PERVASIVE); C(RTNH_F_ONLINK); C(RTNH_F_LINKDOWN);
  C(IFA_F_SECONDARY); C(IFA_F_NODAD); C(IFA_F_OPTIMISTIC); C(IFA_F_DADFAILED); C(IFA_F_HOMEADDRESS);
  C(IFA_F_DEPRECATED); C(IFA_F_TENTATIVE); C(IFA_F_PERMANENT); C(IFA_F_MANAGETEMPADDR); C(IFA_F_NOPREFIXROUTE);
  C(IFA_F_MCAUTOJOIN); C(IFA_F_STABLE_PRIVACY);
  C(NUD_INCOMPLETE); C(NUD_REACHABLE); C(NUD_STALE); C(NUD_DELAY); C(NUD_PROBE); C(NUD_FAILED);
  C(NUD_NOARP); C(NUD_PERMANENT); C(NUD_NONE);
  C(NTF_USE); C(NTF_SELF); C(NTF_MASTER); C(NTF_PROXY); C(NTF_EXT_LEARNED); C(NTF_OFFLOADED); C(NTF_ROUTER);
  C(FIB_RULE_INVERT);
  C(FR_ACT_TO_TBL); C(FR_ACT_GOTO); C(FR_ACT_NOP); C(FR_ACT_BLACKHOLE); C(FR_ACT_UNREACHABLE); C(FR_ACT_PROHIBIT);
  // multicast groups (for monitors)
  C(RTNLGRP_LINK); C(RTNLGRP_NEIGH); C(RTNLGRP_IPV4_IFADDR); C(RTNLGRP_IPV4_ROUTE); C(RTNLGRP_IPV4_RULE);
  C(RTNLGRP_IPV6_IFADDR); C(RTNLGRP_IPV6_ROUTE); C(RTNLGRP_IPV6_RULE); C(RTNLGRP_NSID);
  // limits
  C(IFNAMSIZ); C(IFALIASZ);
  // routes (lib/route.ts): RTA_MULTIPATH entries are struct rtnexthop + attributes, built in TypeScript
  C(RTA_GATEWAY); C(RTA_VIA); C(RTAX_MTU); C(RTAX_ADVMSS); C(RTNH_ALIGNTO);
  // nexthop objects (lib/rtnl/nexthop/): group types
  C(NEXTHOP_GRP_TYPE_MPATH); C(NEXTHOP_GRP_TYPE_RES);
  C(RTM_F_NOTIFY); C(RTM_F_CLONED); C(RTM_F_LOOKUP_TABLE); C(RTM_F_FIB_MATCH);
  C(RTPROT_REDIRECT); C(RTPROT_RA); C(RTPROT_DHCP);
  // tun/tap (lib/tun/): TUNSETIFF flags, TUNSETOFFLOAD flags, the virtio_net_hdr
  C(IFF_TUN); C(IFF_TAP); C(IFF_NAPI); C(IFF_NAPI_FRAGS); C(IFF_NO_CARRIER); C(IFF_NO_PI); C(IFF_ONE_QUEUE);
  C(IFF_VNET_HDR); C(IFF_TUN_EXCL); C(IFF_MULTI_QUEUE); C(IFF_PERSIST); C(IFF_NOFILTER);
  C(TUN_F_CSUM); C(TUN_F_TSO4); C(TUN_F_TSO6); C(TUN_F_TSO_ECN); C(TUN_F_UFO); C(TUN_F_USO4); C(TUN_F_USO6);
#define V(name, field) o.Set(#name, Napi::Number::New(env, netloom_virtio.field))
  V(VIRTIO_NET_HDR_F_NEEDS_CSUM, f_needs_csum); V(VIRTIO_NET_HDR_F_DATA_VALID, f_data_valid); V(VIRTIO_NET_HDR_F_RSC_INFO, f_rsc_info);
  V(VIRTIO_NET_HDR_GSO_NONE, gso_none); V(VIRTIO_NET_HDR_GSO_TCPV4, gso_tcpv4); V(VIRTIO_NET_HDR_GSO_UDP, gso_udp);
  V(VIRTIO_NET_HDR_GSO_TCPV6, gso_tcpv6); V(VIRTIO_NET_HDR_GSO_UDP_L4, gso_udp_l4); V(VIRTIO_NET_HDR_GSO_ECN, gso_ecn);
  V(NETLOOM_SIZEOF_VIRTIO_NET_HDR, hdr_size); V(NETLOOM_SIZEOF_VIRTIO_NET_HDR_MRG_RXBUF, hdr_mrg_size);
#undef V
  add_nft_constants(env, o);  // nft_napi.cc: its headers clash with <net/if_arp.h>
  add_ct_constants(env, o);   // ct_napi.cc: likewise
  genl::add_genl_constants(env, o);  // genl_codec.cc: generic netlink and wireguard
  o.Set("NETLOOM_TUN_MAX_FRAME", Napi::Number::New(env, static_cast<double>(kMaxFrame)));
  o.Set("NETLOOM_SIZEOF_RTNEXTHOP", Napi::Number::New(env, static_cast<double>(sizeof(struct rtnexthop))));
#undef C
  o.Freeze();
  return o;
}

}  // namespace netloom
