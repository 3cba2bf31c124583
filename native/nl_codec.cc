#include "nl_codec.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "genl_codec.h"
#include "nfnl_codec.h"
#include "nft_codec.h"
#include "rtnl_napi.h"

namespace netloom {

namespace {

void rtnl_encode(Napi::Env env, rtnl::Writer& w, uint16_t type, uint16_t flags, uint32_t seq, Napi::Value msg) {
  rtnl::encode_request(env, w, type, flags, seq, msg);
}

void rtnl_decode(const uint8_t* msg, size_t len, rtnl::Sink& sink, int64_t netnsid) { rtnl::decode_message(msg, len, sink, netnsid); }

// A change (not a GET: RTM_GET* are 2 mod 4) that asked for no echo has no
// reply data. rtnetlink handles a socket's messages in order and answers
// every failure, so a later ACK proves it succeeded.
bool rtnl_elidable(uint16_t type, uint16_t flags) {
  bool get = type >= RTM_BASE && (type & 3) == 2;
  return !get && !(flags & NLM_F_ECHO);
}

// nf_tables changes only go in batches, whose members keep their ACKs; the
// nf_tables requests outside batches are reads (GETGEN), which have reply
// data. ctnetlink deletes could be elided, but a dump-then-delete wants each
// flow's own answer (ENOENT for one already gone), so none is.
bool nfnl_elidable(uint16_t, uint16_t) { return false; }

// Generic netlink families answer every request on their own terms; none is
// known to answer failures strictly in order across families, so every
// request keeps its ACK.
bool genl_elidable(uint16_t, uint16_t) { return false; }

const NlCodec kRtnl = {NETLINK_ROUTE, "rtnetlink", rtnl_encode, rtnl_decode, rtnl_elidable, nullptr};
const NlCodec kNfnl = {NETLINK_NETFILTER, "nfnetlink", nfnl::encode_request, nfnl::decode_message, nfnl_elidable, nft::encode_batch};
const NlCodec kGenl = {NETLINK_GENERIC, "generic netlink", genl::encode_request, genl::decode_message, genl_elidable, nullptr};

}  // namespace

const NlCodec* codec_for(int protocol) {
  switch (protocol) {
    case NETLINK_ROUTE: return &kRtnl;
    case NETLINK_NETFILTER: return &kNfnl;
    case NETLINK_GENERIC: return &kGenl;
    default: return nullptr;
  }
}

}  // namespace netloom
