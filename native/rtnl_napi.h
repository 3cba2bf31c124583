// The codec's JavaScript side: decoded messages become plain JS objects, and
// plain JS objects (lib/native.ts RawMessage) become request bytes.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "rtnl_codec.h"
#include "tape_sink.h"

namespace netloom::rtnl {

// A decoded batch as { ops: Uint32Array, nums: Float64Array, blob: Buffer,
// keys: number of key names so far }; lib/netlink/tape.ts materializes it.
Napi::Value tape_to_js(Napi::Env env, const TapeSink& tape);

// Append one request message to `w`: nlmsghdr(type, flags, seq) followed by
// the encoded `msg` — a RawMessage object, or a Buffer holding the payload
// after the nlmsghdr (the raw escape hatch). Throws TypeError/RangeError
// naming the offending field.
void encode_request(Napi::Env env, Writer& w, uint16_t type, uint16_t flags, uint32_t seq, Napi::Value msg);
// The same with the message's table chosen by the caller (nullptr: only a
// Buffer payload is accepted), for netlink families with tables of their own.
void encode_request_as(Napi::Env env, Writer& w, const schema::MessageSpec* m, uint16_t type, uint16_t flags, uint32_t seq, Napi::Value msg);

// Append the attributes `attrs` (a RawAttrs object) of `set` to `w`, no
// header: bytes a caller can keep and hand back later as a nest's payload
// (a Buffer where the nest's attributes go).
void encode_attrs_of(Napi::Env env, Writer& w, const schema::AttrSetSpec& set, Napi::Value attrs);

// decode(buf) for any protocol: every whole message in the Buffer info[0]
// through `decode`, into one tape (TypeError unless info[0] is a Buffer).
using MessageDecoder = void (*)(const uint8_t* msg, size_t len, Sink& sink, int64_t netnsid);
Napi::Value decode_buffer(const Napi::CallbackInfo& info, MessageDecoder decode);

// addon exports: encode(type, flags, msg) → Buffer; decode(buf) → tape;
// keyNames(from) → the names of key ids from, from + 1, ...
Napi::Value Encode(const Napi::CallbackInfo& info);
Napi::Value Decode(const Napi::CallbackInfo& info);
Napi::Value KeyNames(const Napi::CallbackInfo& info);

}  // namespace netloom::rtnl
