// The NETLINK_NETFILTER wire format as one protocol: every message is
// nlmsghdr + struct nfgenmsg + attributes, and its type's high byte names the
// subsystem whose tables describe it (NFNL_SUBSYS_NFTABLES: nft_tables.h,
// NFNL_SUBSYS_CTNETLINK: ct_tables.h, the batch delimiters: nft_tables.h).
// Pure functions apart from reading the JS values to encode.
#pragma once

#include <napi.h>

#include <cstdint>

#include "rtnl_codec.h"
#include "rtnl_schema.h"

namespace netloom::nfnl {

// struct nfgenmsg { u8 nfgen_family; u8 version; __be16 res_id; }, shared by
// every subsystem.
extern const schema::StructSpec kNfgenmsg;

// The table of any nfnetlink message type netloom knows, nullptr otherwise.
const schema::MessageSpec* find_message(uint16_t type);

// One request (a RawMessage object, or a Buffer payload) / one whole message
// into the sink, with the table of its subsystem.
void encode_request(Napi::Env env, rtnl::Writer& w, uint16_t type, uint16_t flags, uint32_t seq, Napi::Value msg);
void decode_message(const uint8_t* msg, size_t len, rtnl::Sink& sink, int64_t netnsid);

// addon exports (the `nft` and `ct` objects share them): encode(type, flags,
// msg) → Buffer, exactly as a request (seq 0, no flags added); decode(buf) →
// tape of every message in buf.
Napi::Value Encode(const Napi::CallbackInfo& info);
Napi::Value Decode(const Napi::CallbackInfo& info);

}  // namespace netloom::nfnl
