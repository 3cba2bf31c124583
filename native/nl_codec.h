// What one netlink protocol's socket needs from its codec: the NlSocket
// engine (sequence numbers, ACKs, dumps, the send thread, libuv) is the same
// for NETLINK_ROUTE, NETLINK_NETFILTER and NETLINK_GENERIC; how a request is encoded, how a
// message is decoded, which ACKs may be elided and how a transaction is
// framed are not.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "rtnl_codec.h"

namespace netloom {

struct NlCodec {
  int protocol;          // NETLINK_ROUTE, NETLINK_NETFILTER, NETLINK_GENERIC
  const char* name;      // for messages: "rtnetlink", "nfnetlink", "generic netlink"
  // One request: nlmsghdr(type, flags, seq) + the encoded message (an object
  // for the tables, or a Buffer payload). Throws TypeError/RangeError.
  void (*encode)(Napi::Env env, rtnl::Writer& w, uint16_t type, uint16_t flags, uint32_t seq, Napi::Value msg);
  // One whole message into the sink ({ type, flags, header, attrs }).
  void (*decode)(const uint8_t* msg, size_t len, rtnl::Sink& sink, int64_t netnsid);
  // May this request's ACK be elided when a later one in the datagram covers
  // it (see NlSender::Ack)? Only for changes without reply data, and only
  // where the protocol answers every failure in order.
  bool (*elidable)(uint16_t type, uint16_t flags);
  // A transaction, or nullptr when the protocol has none: `members` (a JS
  // array of { type, flags, msg }) framed as one datagram; seqs[0] is the
  // opening message's, seqs[1..n] the members', seqs[n+1] the closing one's.
  // `options` is the JS object of batch options (genid).
  void (*encode_batch)(Napi::Env env, rtnl::Writer& w, Napi::Array members, Napi::Value options, const std::vector<uint32_t>& seqs);
};

// The codec of `protocol`, nullptr when netloom has none.
const NlCodec* codec_for(int protocol);

}  // namespace netloom
