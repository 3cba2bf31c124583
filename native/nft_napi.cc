#include "nft_napi.h"

#include <limits.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter_arp.h>
#include <linux/netfilter_bridge.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netlink.h>

#include <cstring>

#include "errors.h"
#include "nfnl_codec.h"
#include "nft_bulk.h"
#include "nft_codec.h"
#include "nft_tables.h"
#include "rtnl_napi.h"
#include "tape_sink.h"

namespace netloom {

namespace {

// encodeBatch(messages, options) → Buffer, with sequence numbers 1, 2, ...
Napi::Value EncodeBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) throw_type_error(env, "encodeBatch(messages, options): messages must be an array");
  Napi::Array members = info[0].As<Napi::Array>();
  std::vector<uint32_t> seqs(members.Length() + 2);
  for (size_t i = 0; i < seqs.size(); i++) seqs[i] = static_cast<uint32_t>(i + 1);
  rtnl::Writer w;
  nft::encode_batch(env, w, members, info.Length() > 1 ? info[1] : env.Undefined(), seqs);
  return Napi::Buffer<uint8_t>::Copy(env, w.bytes().data(), w.size());
}

// encodeExprs(list) → Buffer: NFTA_LIST_ELEM attributes of these expressions
// ({ name, data } each, as in a rule's `expressions.elem`), for a rule's
// `expressions` given as bytes. The same expression is the same bytes in
// every rule, so a caller encodes each distinct one once.
Napi::Value EncodeExprs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) throw_type_error(env, "encodeExprs(list): list must be an array");
  Napi::Object attrs = Napi::Object::New(env);
  attrs.Set("elem", info[0]);
  rtnl::Writer w;
  rtnl::encode_attrs_of(env, w, nft::kExprListSet, attrs);
  return Napi::Buffer<uint8_t>::Copy(env, w.bytes().data(), w.size());
}

// udataEncode([{ type, text } | { type, data }]) → Buffer; text is stored
// NUL-terminated (nftnl_udata_put_strz). RangeError past NFT_USERDATA_MAXLEN.
Napi::Value UdataEncode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) throw_type_error(env, "udataEncode(entries): entries must be an array");
  Napi::Array a = info[0].As<Napi::Array>();
  std::vector<nft::Udata> in;
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Value v = a.Get(i);
    if (!v.IsObject()) throw_type_error(env, "udataEncode: entries must be { type, text | data }");
    Napi::Object o = v.As<Napi::Object>();
    Napi::Value t = o.Get("type");
    if (!t.IsNumber() || t.As<Napi::Number>().Uint32Value() > 255) throw_range_error(env, "udataEncode: type must be 0..255");
    nft::Udata u{static_cast<uint8_t>(t.As<Napi::Number>().Uint32Value()), {}};
    Napi::Value text = o.Get("text");
    Napi::Value data = o.Get("data");
    if (text.IsString()) {
      std::string s = text.As<Napi::String>().Utf8Value();
      if (memchr(s.data(), 0, s.size())) throw_type_error(env, "udataEncode: text must not contain NUL");
      u.value.assign(s.begin(), s.end());
      u.value.push_back(0);
    } else if (data.IsBuffer()) {
      auto b = data.As<Napi::Buffer<uint8_t>>();
      u.value.assign(b.Data(), b.Data() + b.Length());
    } else {
      throw_type_error(env, "udataEncode: an entry needs text (a string) or data (a Buffer)");
    }
    in.push_back(std::move(u));
  }
  std::vector<uint8_t> out;
  if (!nft::encode_udata(in, NFT_USERDATA_MAXLEN, out))
    throw_range_error(env, "longer than the kernel keeps (" + std::to_string(NFT_USERDATA_MAXLEN) + " bytes of userdata, 254 per entry)");
  return Napi::Buffer<uint8_t>::Copy(env, out.data(), out.size());
}

// udataDecode(buf) → [{ type, data, text }] (text: up to the first NUL), or
// null when the bytes are not TLVs (someone else's userdata).
Napi::Value UdataDecode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsBuffer()) throw_type_error(env, "udataDecode(buf): buf must be a Buffer");
  auto b = info[0].As<Napi::Buffer<uint8_t>>();
  std::vector<nft::Udata> out;
  if (!nft::decode_udata(b.Data(), b.Length(), out)) return env.Null();
  Napi::Array a = Napi::Array::New(env, out.size());
  for (size_t i = 0; i < out.size(); i++) {
    const auto& u = out[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("type", u.type);
    o.Set("data", Napi::Buffer<uint8_t>::Copy(env, u.value.data(), u.value.size()));
    const void* nul = memchr(u.value.data(), 0, u.value.size());
    size_t n = nul ? static_cast<const uint8_t*>(nul) - u.value.data() : u.value.size();
    o.Set("text", Napi::String::New(env, reinterpret_cast<const char*>(u.value.data()), n));
    a.Set(static_cast<uint32_t>(i), o);
  }
  return a;
}

}  // namespace

void add_nft_constants(Napi::Env env, Napi::Object o) {
#define C(name) o.Set(#name, Napi::Number::New(env, static_cast<double>(name)))
  // lib/nft/: protocol, message types (NFNL_SUBSYS_NFTABLES << 8 is
  // added in lib/nft/encode.ts from NFNL_SUBSYS_NFTABLES), families, hooks,
  // flags, verdicts, standard priorities, limits
  C(NETLINK_NETFILTER); C(NFNL_SUBSYS_NFTABLES); C(NFNL_MSG_BATCH_BEGIN); C(NFNL_MSG_BATCH_END); C(NFNLGRP_NFTABLES);
  C(NFT_MSG_NEWTABLE); C(NFT_MSG_GETTABLE); C(NFT_MSG_DELTABLE);
  C(NFT_MSG_NEWCHAIN); C(NFT_MSG_GETCHAIN); C(NFT_MSG_DELCHAIN); C(NFT_MSG_NEWGEN); C(NFT_MSG_GETGEN);
  C(NFPROTO_UNSPEC); C(NFPROTO_INET); C(NFPROTO_IPV4); C(NFPROTO_ARP); C(NFPROTO_NETDEV); C(NFPROTO_BRIDGE); C(NFPROTO_IPV6);
  C(NF_INET_PRE_ROUTING); C(NF_INET_LOCAL_IN); C(NF_INET_FORWARD); C(NF_INET_LOCAL_OUT); C(NF_INET_POST_ROUTING); C(NF_INET_INGRESS);
  C(NF_NETDEV_INGRESS); C(NF_NETDEV_EGRESS); C(NF_ARP_IN); C(NF_ARP_OUT); C(NF_ARP_FORWARD);
  C(NFT_TABLE_F_DORMANT); C(NFT_TABLE_F_OWNER); C(NFT_CHAIN_BASE); C(NFT_CHAIN_HW_OFFLOAD); C(NFT_CHAIN_BINDING);
  C(NF_DROP); C(NF_ACCEPT);
  C(NF_IP_PRI_RAW); C(NF_IP_PRI_MANGLE); C(NF_IP_PRI_NAT_DST); C(NF_IP_PRI_FILTER); C(NF_IP_PRI_SECURITY); C(NF_IP_PRI_NAT_SRC);
  C(NF_BR_PRI_NAT_DST_BRIDGED); C(NF_BR_PRI_FILTER_BRIDGED); C(NF_BR_PRI_NAT_DST_OTHER); C(NF_BR_PRI_NAT_SRC);
  C(NFT_NAME_MAXLEN); C(NFT_USERDATA_MAXLEN);
  // rules and their expressions (lib/nft/expr*.ts)
  C(NFT_MSG_NEWRULE); C(NFT_MSG_GETRULE); C(NFT_MSG_DELRULE); C(NFT_DATA_VALUE_MAXLEN);
  C(NFT_REG_VERDICT); C(NFT_REG_1); C(NFT_REG_2); C(NFT_REG_3); C(NFT_REG_4); C(NFT_REG32_00); C(NFT_REG32_15);
  C(NFT_CONTINUE); C(NFT_BREAK); C(NFT_JUMP); C(NFT_GOTO); C(NFT_RETURN);
  C(NFT_PAYLOAD_LL_HEADER); C(NFT_PAYLOAD_NETWORK_HEADER); C(NFT_PAYLOAD_TRANSPORT_HEADER);
  C(NFT_CMP_EQ); C(NFT_CMP_NEQ); C(NFT_CMP_LT); C(NFT_CMP_LTE); C(NFT_CMP_GT); C(NFT_CMP_GTE);
  C(NFT_RANGE_EQ); C(NFT_RANGE_NEQ); C(NFT_BITWISE_MASK_XOR); C(NFT_LOOKUP_F_INV);
  C(NFT_META_LEN); C(NFT_META_PROTOCOL); C(NFT_META_MARK); C(NFT_META_IIF); C(NFT_META_OIF); C(NFT_META_IIFNAME); C(NFT_META_OIFNAME);
  C(NFT_META_IIFTYPE); C(NFT_META_OIFTYPE); C(NFT_META_SKUID); C(NFT_META_SKGID); C(NFT_META_NFPROTO); C(NFT_META_L4PROTO);
  C(NFT_CT_STATE); C(NFT_CT_DIRECTION); C(NFT_CT_STATUS); C(NFT_CT_MARK); C(NFT_CT_ZONE);
  C(IP_CT_DIR_ORIGINAL); C(IP_CT_DIR_REPLY);
  C(NF_CT_STATE_INVALID_BIT); C(NF_CT_STATE_UNTRACKED_BIT);
  o.Set("NF_CT_STATE_ESTABLISHED_BIT", NF_CT_STATE_BIT(IP_CT_ESTABLISHED)); o.Set("NF_CT_STATE_RELATED_BIT", NF_CT_STATE_BIT(IP_CT_RELATED));
  o.Set("NF_CT_STATE_NEW_BIT", NF_CT_STATE_BIT(IP_CT_NEW));
  C(NFT_NAT_SNAT); C(NFT_NAT_DNAT);
  C(NF_NAT_RANGE_MAP_IPS); C(NF_NAT_RANGE_PROTO_SPECIFIED); C(NF_NAT_RANGE_PROTO_RANDOM); C(NF_NAT_RANGE_PERSISTENT);
  C(NF_NAT_RANGE_PROTO_RANDOM_FULLY); C(NF_NAT_RANGE_NETMAP);
  C(NFT_LIMIT_PKTS); C(NFT_LIMIT_PKT_BYTES); C(NFT_LIMIT_F_INV);
  C(NFT_REJECT_ICMP_UNREACH); C(NFT_REJECT_TCP_RST); C(NFT_REJECT_ICMPX_UNREACH);
  C(NFT_REJECT_ICMPX_NO_ROUTE); C(NFT_REJECT_ICMPX_PORT_UNREACH); C(NFT_REJECT_ICMPX_HOST_UNREACH); C(NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
  C(NFT_FIB_RESULT_OIF); C(NFT_FIB_RESULT_OIFNAME); C(NFT_FIB_RESULT_ADDRTYPE);
  // sets, maps and their elements (lib/nft/set-*.ts)
  C(NFT_MSG_NEWSET); C(NFT_MSG_GETSET); C(NFT_MSG_DELSET); C(NFT_MSG_NEWSETELEM); C(NFT_MSG_GETSETELEM); C(NFT_MSG_DELSETELEM);
  C(NFT_SET_ANONYMOUS); C(NFT_SET_CONSTANT); C(NFT_SET_INTERVAL); C(NFT_SET_MAP); C(NFT_SET_TIMEOUT); C(NFT_SET_EVAL);
  C(NFT_SET_OBJECT); C(NFT_SET_CONCAT); C(NFT_SET_EXPR); C(NFT_SET_POL_PERFORMANCE); C(NFT_SET_POL_MEMORY);
  C(NFT_SET_ELEM_INTERVAL_END); C(NFT_SET_ELEM_CATCHALL); C(NFT_DATA_VALUE); C(NFT_DATA_VERDICT); C(NFT_SET_MAXNAMELEN);
  C(NFTA_FIB_F_SADDR); C(NFTA_FIB_F_DADDR); C(NFTA_FIB_F_MARK); C(NFTA_FIB_F_IIF); C(NFTA_FIB_F_OIF); C(NFTA_FIB_F_PRESENT);
#undef C
}

Napi::Object make_nft_exports(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("encode", Napi::Function::New(env, nfnl::Encode, "encode"));
  o.Set("encodeBatch", Napi::Function::New(env, EncodeBatch, "encodeBatch"));
  o.Set("encodeExprs", Napi::Function::New(env, EncodeExprs, "encodeExprs"));
  o.Set("encodeRules", Napi::Function::New(env, nft::EncodeRules, "encodeRules"));
  o.Set("encodeElements", Napi::Function::New(env, nft::EncodeElements, "encodeElements"));
  o.Set("decode", Napi::Function::New(env, nfnl::Decode, "decode"));
  o.Set("udataEncode", Napi::Function::New(env, UdataEncode, "udataEncode"));
  o.Set("udataDecode", Napi::Function::New(env, UdataDecode, "udataDecode"));
  return o;
}

}  // namespace netloom
