// Generic netlink requests and replies by family table (genl_codec.h).

#include "genl_codec.h"

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/wireguard.h>
#include <sys/socket.h>

#include <cstring>
#include <string>
#include <vector>

#include "errors.h"
#include "genl_tables.h"
#include "rtnl_napi.h"
#include "tape_sink.h"

namespace netloom::genl {

namespace {

const schema::MessageSpec* family_of(Napi::Env env, Napi::Value name) {
  if (!name.IsString()) throw_type_error(env, "family: must be a string");
  std::string s = name.As<Napi::String>().Utf8Value();
  const schema::MessageSpec* m = find_family(s.data(), s.size());
  if (m == nullptr) throw_type_error(env, "family: netloom has no table for generic netlink family '" + s + "'");
  return m;
}

// The table for a message of `type` whose family the caller named (nullptr: none named).
const schema::MessageSpec* table_for(uint16_t type, const schema::MessageSpec* named) {
  if (type < NLMSG_MIN_TYPE) return nullptr;  // NLMSG_ERROR, NLMSG_DONE
  if (type == GENL_ID_CTRL) return control();
  return named;
}

void decode_all(const uint8_t* p, size_t len, const schema::MessageSpec* named, rtnl::TapeSink& tape) {
  while (len >= NLMSG_HDRLEN) {
    nlmsghdr h;
    memcpy(&h, p, sizeof h);
    if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len) break;
    rtnl::decode_message_as(table_for(h.nlmsg_type, named), p, h.nlmsg_len, tape);
    size_t step = NLMSG_ALIGN(h.nlmsg_len);
    if (step >= len) break;
    p += step;
    len -= step;
  }
}

uint16_t u16(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsNumber()) throw_type_error(info.Env(), std::string(what) + " must be a number");
  uint32_t v = info[i].As<Napi::Number>().Uint32Value();
  if (v > 0xffff) throw_range_error(info.Env(), std::string(what) + " out of range");
  return static_cast<uint16_t>(v);
}

Napi::Buffer<uint8_t> buffer_arg(const Napi::CallbackInfo& info, size_t i, const char* usage) {
  if (info.Length() <= i || !info[i].IsBuffer()) throw_type_error(info.Env(), usage);
  return info[i].As<Napi::Buffer<uint8_t>>();
}

Napi::Value Encode(const Napi::CallbackInfo& info) {
  rtnl::Writer w;
  genl::encode_request(info.Env(), w, u16(info, 0, "type"), u16(info, 1, "flags"), 0, info.Length() > 2 ? info[2] : info.Env().Undefined());
  return Napi::Buffer<uint8_t>::Copy(info.Env(), w.bytes().data(), w.size());
}

Napi::Value Decode(const Napi::CallbackInfo& info) {
  auto b = buffer_arg(info, 0, "decode(buf, family?): buf must be a Buffer");
  const schema::MessageSpec* named = info.Length() > 1 && !info[1].IsUndefined() ? family_of(info.Env(), info[1]) : nullptr;
  rtnl::TapeSink tape;
  decode_all(b.Data(), b.Length(), named, tape);
  return rtnl::tape_to_js(info.Env(), tape);
}

// One message's payload (what a reply of an unnamed type carries) with the
// family's table: framed as the message it came in, then decoded as one.
Napi::Value DecodePayload(const Napi::CallbackInfo& info) {
  const schema::MessageSpec* m = family_of(info.Env(), info.Length() > 0 ? info[0] : info.Env().Undefined());
  auto b = buffer_arg(info, 1, "decodePayload(family, payload): payload must be a Buffer");
  std::vector<uint8_t> msg(NLMSG_HDRLEN + b.Length(), 0);
  nlmsghdr h{};
  h.nlmsg_len = static_cast<uint32_t>(msg.size());
  h.nlmsg_type = GENL_ID_CTRL;  // any type above the control messages: the table is m either way
  memcpy(msg.data(), &h, sizeof h);
  if (b.Length() > 0) memcpy(msg.data() + NLMSG_HDRLEN, b.Data(), b.Length());
  rtnl::TapeSink tape;
  rtnl::decode_message_as(m, msg.data(), msg.size(), tape);
  return rtnl::tape_to_js(info.Env(), tape);
}

}  // namespace

void encode_request(Napi::Env env, rtnl::Writer& w, uint16_t type, uint16_t flags, uint32_t seq, Napi::Value msg) {
  const schema::MessageSpec* m = nullptr;
  if (msg.IsObject() && !msg.IsBuffer()) {
    Napi::Value family = msg.As<Napi::Object>().Get("family");
    m = family.IsUndefined() ? table_for(type, nullptr) : family_of(env, family);
  }
  rtnl::encode_request_as(env, w, m, type, flags, seq, msg);
}

void decode_message(const uint8_t* msg, size_t len, rtnl::Sink& sink, int64_t netnsid) {
  nlmsghdr h{};
  if (len >= NLMSG_HDRLEN) memcpy(&h, msg, sizeof h);
  rtnl::decode_message_as(len >= NLMSG_HDRLEN ? table_for(h.nlmsg_type, nullptr) : nullptr, msg, len, sink, netnsid);
}

Napi::Object make_genl_exports(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("encode", Napi::Function::New(env, Encode, "encode"));
  o.Set("decode", Napi::Function::New(env, Decode, "decode"));
  o.Set("decodePayload", Napi::Function::New(env, DecodePayload, "decodePayload"));
  return o;
}

void add_genl_constants(Napi::Env env, Napi::Object o) {
#define C(name) o.Set(#name, Napi::Number::New(env, static_cast<double>(name)))
  C(NETLINK_GENERIC); C(GENL_ID_CTRL); C(GENL_NAMSIZ); C(CTRL_CMD_GETFAMILY); C(CTRL_CMD_NEWFAMILY);
  C(WG_GENL_VERSION); C(WG_KEY_LEN); C(WG_CMD_GET_DEVICE); C(WG_CMD_SET_DEVICE);
  C(WGDEVICE_F_REPLACE_PEERS); C(WGPEER_F_REMOVE_ME); C(WGPEER_F_REPLACE_ALLOWEDIPS); C(WGPEER_F_UPDATE_ONLY);
  C(AF_INET); C(AF_INET6);
#undef C
}

}  // namespace netloom::genl
