// The codec's JavaScript side: decoded messages become plain JS objects, and
// plain JS objects (lib/native.ts RawMessage) become request bytes.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "rtnl_codec.h"

namespace netloom::rtnl {

// Decode one netlink message (nlmsghdr included) into a JS object.
Napi::Value to_js(Napi::Env env, const uint8_t* msg, size_t len);

// Append one request message to `w`: nlmsghdr(type, flags, seq) followed by
// the encoded `msg` — a RawMessage object, or a Buffer holding the payload
// after the nlmsghdr (the raw escape hatch). Throws TypeError/RangeError
// naming the offending field.
void encode_request(Napi::Env env, Writer& w, uint16_t type, uint16_t flags, uint32_t seq, Napi::Value msg);

// addon exports: encode(type, flags, msg) → Buffer; decode(buf) → RawReply[].
Napi::Value Encode(const Napi::CallbackInfo& info);
Napi::Value Decode(const Napi::CallbackInfo& info);

}  // namespace netloom::rtnl
