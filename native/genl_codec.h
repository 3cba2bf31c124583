// The NETLINK_GENERIC wire format as one protocol for the socket engine
// (nl_codec.h): every message is nlmsghdr + struct genlmsghdr + attributes,
// the nlmsg_type being the family's id. A request names its family's table
// with `family` ('wireguard'; the controller's messages, type GENL_ID_CTRL,
// need none). A reply's type says nothing netloom can look a table up by
// (ids are assigned at run time), so replies other than the controller's
// arrive as payload bytes, and the family's API decodes them with
// decodePayload(family, payload), knowing what it asked.
#pragma once

#include <napi.h>

#include <cstdint>

#include "rtnl_codec.h"

namespace netloom::genl {

void encode_request(Napi::Env env, rtnl::Writer& w, uint16_t type, uint16_t flags, uint32_t seq, Napi::Value msg);
void decode_message(const uint8_t* msg, size_t len, rtnl::Sink& sink, int64_t netnsid);

// The addon's `genl` object: encode(type, flags, msg) → Buffer (seq 0, as a
// request); decode(buf, family?) → every message in buf, those of other
// types than the controller's with `family`'s table; decodePayload(family,
// payload) → { header, attrs } of one message's payload.
Napi::Object make_genl_exports(Napi::Env env);

// NETLINK_GENERIC, GENL_ID_CTRL, CTRL_CMD_*, and the wireguard UAPI constants.
void add_genl_constants(Napi::Env env, Napi::Object o);

}  // namespace netloom::genl
