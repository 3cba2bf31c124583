// segment() for JavaScript over a batch of records (see vnet_napi.h).
#include "vnet_napi.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "errors.h"
#include "vnet.h"

namespace netloom {

namespace {

struct Rec {
  const uint8_t* pi;
  const uint8_t* frame;
  size_t len;
  vnet::Header h;
  vnet::Plan plan;
  bool gso;
};

[[noreturn]] void bad_record(Napi::Env env, uint32_t i, const char* why) {
  Napi::Error e = errno_error(env, EINVAL, "segment");
  e.Value().Set("message", "segment: packet " + std::to_string(i) + ": " + why);
  throw e;
}

}  // namespace

Napi::Value Segment(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 6 || !info[0].IsTypedArray() || !info[1].IsTypedArray() || !info[2].IsNumber())
    throw_type_error(env, "segment(buffer, offsets, count, tap, piLen, vnetLen)");
  Napi::Uint8Array buf = info[0].As<Napi::Uint8Array>();
  if (buf.TypedArrayType() != napi_uint8_array || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array)
    throw_type_error(env, "segment: expected a Uint8Array and a Uint32Array");
  Napi::Uint32Array offs = info[1].As<Napi::Uint32Array>();
  uint32_t count = info[2].As<Napi::Number>().Uint32Value();
  bool tap = info[3].ToBoolean().Value();
  size_t pi_len = info[4].As<Napi::Number>().Uint32Value();
  size_t vnet_len = info[5].As<Napi::Number>().Uint32Value();
  if (offs.ElementLength() < static_cast<size_t>(count) + 1) throw_range_error(env, "segment: offsets shorter than count + 1");
  if (vnet_len < vnet::header_size()) throw_type_error(env, "segment: the records have no virtio header");
  const uint8_t* data = buf.Data();
  const uint32_t* o = offs.Data();

  // Plan everything first: the output is allocated once, at its exact size.
  std::vector<Rec> recs(count);
  size_t out_packets = 0, out_bytes = 0;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t s = o[i], e = o[i + 1];
    if (s > e || e > buf.ByteLength()) throw_range_error(env, "segment: offsets out of order or beyond the buffer");
    if (e - s <= pi_len + vnet_len) bad_record(env, i, "shorter than its headers");
    Rec& r = recs[i];
    r.pi = data + s;
    r.h = vnet::parse(data + s + pi_len);
    r.frame = data + s + pi_len + vnet_len;
    r.len = e - s - pi_len - vnet_len;
    r.gso = vnet::is_gso(r.h);
    if (r.gso) {
      if (const char* why = vnet::plan(r.h, r.frame, r.len, tap, r.plan)) bad_record(env, i, why);
      out_packets += r.plan.count;
      out_bytes += r.plan.total() + r.plan.count * pi_len;
    } else {
      out_packets += 1;
      out_bytes += pi_len + r.len;
    }
  }
  size_t head = (out_packets + 1) * 4;
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(env, head + out_bytes);
  uint8_t* base = out.Data();
  uint8_t* w = base + head;
  uint32_t k = 0;
  auto mark = [&](uint32_t idx) {
    uint32_t v = static_cast<uint32_t>(w - (base + head));
    memcpy(base + idx * 4, &v, 4);
  };
  for (uint32_t i = 0; i < count; i++) {
    Rec& r = recs[i];
    if (r.gso) {
      for (size_t seg = 0; seg < r.plan.count; seg++) {
        mark(k++);
        memcpy(w, r.pi, pi_len);
        w += pi_len;
        w += vnet::build_segment(r.plan, r.frame, seg, w);
      }
      continue;
    }
    mark(k++);
    memcpy(w, r.pi, pi_len);
    w += pi_len;
    memcpy(w, r.frame, r.len);
    if (vnet::needs_csum(r.h)) {
      if (const char* why = vnet::complete_checksum(w, r.len, r.h.csum_start, r.h.csum_offset)) bad_record(env, i, why);
    }
    w += r.len;
  }
  mark(k);
  Napi::Object result = Napi::Object::New(env);
  result.Set("buffer", out);
  result.Set("count", static_cast<double>(out_packets));
  return result;
}

}  // namespace netloom
