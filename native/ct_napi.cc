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

namespace {

uint16_t u16(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsNumber()) throw_type_error(info.Env(), std::string(what) + " must be a number");
  uint32_t v = info[i].As<Napi::Number>().Uint32Value();
  if (v > 0xffff) throw_range_error(info.Env(), std::string(what) + " out of range");
  return static_cast<uint16_t>(v);
}

// encode(type, flags, msg) → Buffer, exactly as a request (seq 0, no flags added).
Napi::Value Encode(const Napi::CallbackInfo& info) {
  rtnl::Writer w;
  nfnl::encode_request(info.Env(), w, u16(info, 0, "type"), u16(info, 1, "flags"), 0, info[2]);
  return Napi::Buffer<uint8_t>::Copy(info.Env(), w.bytes().data(), w.size());
}

// decode(buf) → tape of every message in buf.
Napi::Value Decode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsBuffer()) throw_type_error(env, "decode(buf): buf must be a Buffer");
  auto b = info[0].As<Napi::Buffer<uint8_t>>();
  const uint8_t* p = b.Data();
  size_t len = b.Length();
  rtnl::TapeSink tape;
  while (len >= NLMSG_HDRLEN) {
    nlmsghdr h;
    memcpy(&h, p, sizeof h);
    if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len) break;
    nfnl::decode_message(p, h.nlmsg_len, tape, rtnl::kNoNetnsid);
    size_t step = NLMSG_ALIGN(h.nlmsg_len);
    if (step >= len) break;
    p += step;
    len -= step;
  }
  return rtnl::tape_to_js(env, tape);
}

}  // namespace

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
  Napi::Object o = Napi::Object::New(env);
  o.Set("encode", Napi::Function::New(env, Encode, "encode"));
  o.Set("decode", Napi::Function::New(env, Decode, "decode"));
  return o;
}

}  // namespace netloom
