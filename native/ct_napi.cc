// The addon's `ct` object and the conntrack constants (ct_napi.h).

#include "ct_napi.h"

#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <netinet/in.h>

#include <cstring>

#include "ct_tables.h"
#include "errors.h"
#include "nfnl_codec.h"
#include "rtnl_napi.h"
#include "tape_sink.h"

namespace netloom {

void add_ct_constants(Napi::Env env, Napi::Object o) {
#define C(name) o.Set(#name, Napi::Number::New(env, static_cast<double>(name)))
  C(NFNL_SUBSYS_CTNETLINK); C(NFNETLINK_V0); C(NFNLGRP_CONNTRACK_NEW); C(NFNLGRP_CONNTRACK_UPDATE); C(NFNLGRP_CONNTRACK_DESTROY);
  C(IPCTNL_MSG_CT_NEW); C(IPCTNL_MSG_CT_GET); C(IPCTNL_MSG_CT_DELETE); C(IPCTNL_MSG_CT_GET_CTRZERO);
  C(IPS_EXPECTED); C(IPS_SEEN_REPLY); C(IPS_ASSURED); C(IPS_CONFIRMED); C(IPS_SRC_NAT); C(IPS_DST_NAT); C(IPS_SEQ_ADJUST);
  C(IPS_SRC_NAT_DONE); C(IPS_DST_NAT_DONE); C(IPS_DYING); C(IPS_FIXED_TIMEOUT); C(IPS_TEMPLATE); C(IPS_UNTRACKED); C(IPS_HELPER);
  C(IPS_OFFLOAD); C(IPS_HW_OFFLOAD);
  C(TCP_CONNTRACK_NONE); C(TCP_CONNTRACK_SYN_SENT); C(TCP_CONNTRACK_SYN_RECV); C(TCP_CONNTRACK_ESTABLISHED); C(TCP_CONNTRACK_FIN_WAIT);
  C(TCP_CONNTRACK_CLOSE_WAIT); C(TCP_CONNTRACK_LAST_ACK); C(TCP_CONNTRACK_TIME_WAIT); C(TCP_CONNTRACK_CLOSE); C(TCP_CONNTRACK_SYN_SENT2);
  C(IPPROTO_ICMP); C(IPPROTO_TCP); C(IPPROTO_UDP); C(IPPROTO_ICMPV6); C(IPPROTO_SCTP); C(IPPROTO_DCCP); C(IPPROTO_UDPLITE); C(IPPROTO_GRE);
#undef C
  // Not UAPI (net/netfilter/nf_internals.h): see ct_tables.h.
  o.Set("CTA_FILTER_F_CTA_IP_SRC", static_cast<double>(ct::kFilterIpSrc)); o.Set("CTA_FILTER_F_CTA_IP_DST", static_cast<double>(ct::kFilterIpDst));
  o.Set("CTA_FILTER_F_CTA_PROTO_NUM", static_cast<double>(ct::kFilterProtoNum));
  o.Set("CTA_FILTER_F_CTA_PROTO_SRC_PORT", static_cast<double>(ct::kFilterProtoSrcPort)); o.Set("CTA_FILTER_F_CTA_PROTO_DST_PORT", static_cast<double>(ct::kFilterProtoDstPort));
  // ctnetlink_del_conntrack honours nfgen_family in a flush only when the
  // nfgenmsg version is non-zero (`info->nfmsg->version ? family :
  // AF_UNSPEC`); UAPI names no version 1, conntrack-tools sends 1.
  o.Set("NETLOOM_CTNETLINK_FAMILY_VERSION", 1);
}

Napi::Object make_ct_exports(Napi::Env env) {
  // One codec for every nfnetlink subsystem (nfnl_codec): the same two functions as `nft`'s.
  Napi::Object o = Napi::Object::New(env);
  o.Set("encode", Napi::Function::New(env, nfnl::Encode, "encode"));
  o.Set("decode", Napi::Function::New(env, nfnl::Decode, "decode"));
  return o;
}

}  // namespace netloom
