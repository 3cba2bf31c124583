// The nfnetlink header and the choice of a message's table by subsystem
// (nfnl_codec.h).

#include "nfnl_codec.h"

#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <cstddef>
#include <cstring>

#include "ct_tables.h"
#include "errors.h"
#include "nft_tables.h"
#include "rtnl_napi.h"

namespace netloom::nfnl {

using schema::Kind;
using schema::StructField;

static_assert(sizeof(nfgenmsg) == 4, "nfgenmsg");
static_assert(offsetof(nfgenmsg, nfgen_family) == 0 && offsetof(nfgenmsg, version) == 1 && offsetof(nfgenmsg, res_id) == 2, "nfgenmsg layout");
// res_id is __be16: the subsystem in batch delimiters, the low 16 bits of the
// ruleset generation in nf_tables dump replies. ctnetlink reads `version`
// (NFNETLINK_V1 makes a flush honour nfgen_family).
namespace {
constexpr StructField kNfgenmsgFields[] = {
    {"nfgenFamily", Kind::U8, 0, 1, false},
    {"version", Kind::U8, 1, 1, false},
    {"resId", Kind::U16, 2, 2, true},
};
}  // namespace
const schema::StructSpec kNfgenmsg = {"nfgenmsg", sizeof(nfgenmsg), 3, kNfgenmsgFields};

const schema::MessageSpec* find_message(uint16_t type) {
  switch (NFNL_SUBSYS_ID(type)) {
    case NFNL_SUBSYS_CTNETLINK: return ct::find_message(type);
    default: return nft::find_message(type);  // nf_tables, and the batch delimiters (subsystem 0)
  }
}

void encode_request(Napi::Env env, rtnl::Writer& w, uint16_t type, uint16_t flags, uint32_t seq, Napi::Value msg) {
  rtnl::encode_request_as(env, w, msg.IsBuffer() ? nullptr : find_message(type), type, flags, seq, msg);
}

void decode_message(const uint8_t* msg, size_t len, rtnl::Sink& sink, int64_t netnsid) {
  nlmsghdr h{};
  if (len >= NLMSG_HDRLEN) memcpy(&h, msg, sizeof h);
  rtnl::decode_message_as(len >= NLMSG_HDRLEN ? find_message(h.nlmsg_type) : nullptr, msg, len, sink, netnsid);
}

namespace {

uint16_t u16(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsNumber()) throw_type_error(info.Env(), std::string(what) + " must be a number");
  uint32_t v = info[i].As<Napi::Number>().Uint32Value();
  if (v > 0xffff) throw_range_error(info.Env(), std::string(what) + " out of range");
  return static_cast<uint16_t>(v);
}

}  // namespace

Napi::Value Encode(const Napi::CallbackInfo& info) {
  rtnl::Writer w;
  nfnl::encode_request(info.Env(), w, u16(info, 0, "type"), u16(info, 1, "flags"), 0, info[2]);
  return Napi::Buffer<uint8_t>::Copy(info.Env(), w.bytes().data(), w.size());
}

Napi::Value Decode(const Napi::CallbackInfo& info) {
  return rtnl::decode_buffer(info, nfnl::decode_message);
}

}  // namespace netloom::nfnl
