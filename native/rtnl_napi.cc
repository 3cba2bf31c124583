// The codec and JavaScript: encoding JS objects into requests, tapes into JS values (see rtnl_napi.h).
#include "rtnl_napi.h"

#include <endian.h>
#include <linux/netlink.h>

#include <cmath>
#include <cstring>
#include <string>

#include "errors.h"
#include "sockaddr_codec.h"

namespace netloom::rtnl {

using schema::AttrSetSpec;
using schema::AttrSpec;
using schema::Kind;
using schema::StructSpec;

// ================================================================ decoding

Napi::Value tape_to_js(Napi::Env env, const TapeSink& tape) {
  // Most replies are a bare ACK (and a dump's last batch is often empty): an
  // empty tape is null, which spares six allocations per request.
  if (tape.ops().empty()) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  const auto& ops = tape.ops();
  const auto& nums = tape.nums();
  const auto& blob = tape.blob();
  auto ops_ab = Napi::ArrayBuffer::New(env, ops.size() * sizeof(uint32_t));
  if (!ops.empty()) memcpy(ops_ab.Data(), ops.data(), ops.size() * sizeof(uint32_t));
  auto nums_ab = Napi::ArrayBuffer::New(env, nums.size() * sizeof(double));
  if (!nums.empty()) memcpy(nums_ab.Data(), nums.data(), nums.size() * sizeof(double));
  o.Set("ops", Napi::Uint32Array::New(env, ops.size(), ops_ab, 0));
  o.Set("nums", Napi::Float64Array::New(env, nums.size(), nums_ab, 0));
  o.Set("blob", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(blob.data()), blob.size()));
  o.Set("keys", Napi::Number::New(env, static_cast<double>(key_count())));
  return o;
}

// ================================================================ encoding

namespace {

// The dotted path of the field being encoded, for error messages.
struct Path {
  std::vector<std::string> parts;
  std::string str(const std::string& leaf = "") const {
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "" : ".") + p;
    if (!leaf.empty()) s += (s.empty() ? "" : ".") + leaf;
    return s;
  }
};

struct Scope {
  Path& path;
  Scope(Path& p, std::string part) : path(p) { path.parts.push_back(std::move(part)); }
  ~Scope() { path.parts.pop_back(); }
};

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::U8: return "u8";
    case Kind::U16: return "u16";
    case Kind::U32: return "u32";
    case Kind::U64: return "u64";
    case Kind::S8: return "s8";
    case Kind::S16: return "s16";
    case Kind::S32: return "s32";
    case Kind::S64: return "s64";
    case Kind::Uint: return "uint";
    case Kind::Sint: return "sint";
    default: return "integer";
  }
}

// A JS number, bigint or boolean as an integer within [lo, hi].
template <typename T>
T read_int(Napi::Env env, Napi::Value v, const Path& path, Kind k, long double lo, long double hi) {
  long double x;
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d) || std::floor(d) != d) throw_type_error(env, path.str() + ": must be an integer, got " + v.ToString().Utf8Value());
    x = d;
  } else if (v.IsBigInt()) {
    bool lossless = true;
    if (lo < 0) x = static_cast<long double>(v.As<Napi::BigInt>().Int64Value(&lossless));
    else x = static_cast<long double>(v.As<Napi::BigInt>().Uint64Value(&lossless));
    if (!lossless) throw_range_error(env, path.str() + ": out of range for " + kind_name(k));
  } else if (v.IsBoolean()) {
    x = v.As<Napi::Boolean>().Value() ? 1 : 0;
  } else {
    throw_type_error(env, path.str() + ": must be a number, got " + v.ToString().Utf8Value());
  }
  if (x < lo || x > hi) throw_range_error(env, path.str() + ": " + v.ToString().Utf8Value() + " out of range for " + kind_name(k));
  return static_cast<T>(x);
}

// Encodes an integer of kind `k` into out (host or network order); returns its width.
size_t encode_int(Napi::Env env, Napi::Value v, const Path& path, Kind k, bool be, uint8_t* out) {
  switch (k) {
    case Kind::U8: out[0] = read_int<uint8_t>(env, v, path, k, 0, 0xff); return 1;
    case Kind::S8: { int8_t x = read_int<int8_t>(env, v, path, k, -128, 127); memcpy(out, &x, 1); return 1; }
    case Kind::U16: case Kind::S16: {
      uint16_t x = k == Kind::U16 ? read_int<uint16_t>(env, v, path, k, 0, 0xffff)
                                  : static_cast<uint16_t>(read_int<int16_t>(env, v, path, k, -32768, 32767));
      if (be) x = htobe16(x);
      memcpy(out, &x, 2);
      return 2;
    }
    case Kind::U32: case Kind::S32: {
      uint32_t x = k == Kind::U32 ? read_int<uint32_t>(env, v, path, k, 0, 4294967295.0L)
                                  : static_cast<uint32_t>(read_int<int32_t>(env, v, path, k, -2147483648.0L, 2147483647.0L));
      if (be) x = htobe32(x);
      memcpy(out, &x, 4);
      return 4;
    }
    case Kind::U64: case Kind::S64: case Kind::Uint: case Kind::Sint: {
      bool sign = k == Kind::S64 || k == Kind::Sint;
      uint64_t x = sign ? static_cast<uint64_t>(read_int<int64_t>(env, v, path, k, -9223372036854775808.0L, 9223372036854775807.0L))
                        : read_int<uint64_t>(env, v, path, k, 0, 18446744073709551615.0L);
      // uint/sint: the kernel takes 4 bytes when the value fits (as ynl does).
      if ((k == Kind::Uint && x <= 0xffffffffULL) ||
          (k == Kind::Sint && static_cast<int64_t>(x) >= INT32_MIN && static_cast<int64_t>(x) <= INT32_MAX)) {
        uint32_t y = static_cast<uint32_t>(x);
        if (be) y = htobe32(y);
        memcpy(out, &y, 4);
        return 4;
      }
      if (be) x = htobe64(x);
      memcpy(out, &x, 8);
      return 8;
    }
    default: return 0;
  }
}

bool is_int_kind(Kind k) {
  switch (k) {
    case Kind::U8: case Kind::U16: case Kind::U32: case Kind::U64:
    case Kind::S8: case Kind::S16: case Kind::S32: case Kind::S64:
    case Kind::Uint: case Kind::Sint: return true;
    default: return false;
  }
}

std::string need_string(Napi::Env env, Napi::Value v, const Path& path, const char* what) {
  if (!v.IsString()) throw_type_error(env, path.str() + ": must be " + what);
  return v.As<Napi::String>().Utf8Value();
}

// Bytes of an address or opaque value. Returns the length written to out (cap bytes).
size_t encode_bytes(Napi::Env env, Napi::Value v, const Path& path, Kind k, std::vector<uint8_t>& out) {
  uint8_t buf[32];
  switch (k) {
    case Kind::Mac: {
      if (v.IsBuffer()) break;
      std::string s = need_string(env, v, path, "a MAC address string like '02:00:00:00:00:01'");
      size_t n = parse_hwaddr(s, buf, sizeof buf);
      if (n == 0) throw_type_error(env, path.str() + ": not a MAC address: '" + s + "'");
      out.assign(buf, buf + n);
      return n;
    }
    case Kind::Ipv4: case Kind::Ipv6: case Kind::IpAny: {
      if (v.IsBuffer()) break;
      std::string s = need_string(env, v, path, "an IP address string");
      size_t n = parse_ip(s, buf);
      if (n == 0 || (k == Kind::Ipv4 && n != 4) || (k == Kind::Ipv6 && n != 16))
        throw_type_error(env, path.str() + ": not an " + (k == Kind::Ipv4 ? "IPv4" : k == Kind::Ipv6 ? "IPv6" : "IP") + " address: '" + s + "'");
      out.assign(buf, buf + n);
      return n;
    }
    case Kind::String: {
      std::string s = need_string(env, v, path, "a string");
      if (memchr(s.data(), 0, s.size())) throw_type_error(env, path.str() + ": must not contain NUL");
      out.assign(s.begin(), s.end());
      out.push_back(0);  // NUL-terminated, as iproute2 sends
      return out.size();
    }
    default:
      break;
  }
  if (v.IsBuffer()) {
    auto b = v.As<Napi::Buffer<uint8_t>>();
    out.assign(b.Data(), b.Data() + b.Length());
    return out.size();
  }
  if (v.IsTypedArray()) {
    auto ta = v.As<Napi::TypedArray>();
    auto ab = ta.ArrayBuffer();
    const uint8_t* p = static_cast<const uint8_t*>(ab.Data()) + ta.ByteOffset();
    out.assign(p, p + ta.ByteLength());
    return out.size();
  }
  throw_type_error(env, path.str() + ": must be a Buffer");
}

// { address, port, flowinfo?, scopeId? } as a sockaddr_in / sockaddr_in6.
size_t encode_sockaddr(Napi::Env env, Napi::Value v, Path& path, uint8_t* out) {
  if (!v.IsObject()) throw_type_error(env, path.str() + ": must be { address, port }");
  Napi::Object o = v.As<Napi::Object>();
  uint8_t ip[16];
  Scope s(path, "address");
  std::string text = need_string(env, o.Get("address"), path, "an IP address string");
  size_t ip_len = parse_ip(text, ip);
  if (ip_len == 0) throw_type_error(env, path.str() + ": not an IP address: '" + text + "'");
  path.parts.back() = "port";
  uint16_t port = read_int<uint16_t>(env, o.Get("port"), path, Kind::U16, 0, 0xffff);
  uint32_t extra[2] = {0, 0};  // flowinfo, scopeId: IPv6 only, 0 unless given
  const char* names[2] = {"flowinfo", "scopeId"};
  for (int i = 0; i < 2; i++) {
    Napi::Value n = o.Get(names[i]);
    if (n.IsUndefined()) continue;
    path.parts.back() = names[i];
    extra[i] = read_int<uint32_t>(env, n, path, Kind::U32, 0, 0xffffffff);
  }
  return sockaddr::encode(ip, ip_len, port, extra[0], extra[1], out);
}

// Own enumerable string keys of `o` with their values, in property order.
// napi_get_all_property_names(own only) is several times cheaper than
// GetPropertyNames (a for-in walk up the prototype chain), and reading each
// value through its key handle skips re-internalizing the name: together
// they were most of the cost of encoding a small request.
template <typename Fn>
void for_each_own(Napi::Env env, Napi::Object o, Fn&& fn) {
  napi_value keys;
  uint32_t n = 0;
  if (napi_get_all_property_names(env, o, napi_key_own_only, static_cast<napi_key_filter>(napi_key_enumerable | napi_key_skip_symbols),
                                  napi_key_numbers_to_strings, &keys) != napi_ok ||
      napi_get_array_length(env, keys, &n) != napi_ok)
    throw Napi::Error::New(env);
  for (uint32_t i = 0; i < n; i++) {
    napi_value k;
    napi_value v;
    char buf[64];
    size_t len = 0;
    if (napi_get_element(env, keys, i, &k) != napi_ok || napi_get_value_string_utf8(env, k, buf, sizeof buf, &len) != napi_ok ||
        napi_get_property(env, o, k, &v) != napi_ok)
      throw Napi::Error::New(env);
    // A name that filled the buffer may have been cut: read it whole.
    std::string key = len + 1 < sizeof buf ? std::string(buf, len) : Napi::Value(env, k).As<Napi::String>().Utf8Value();
    fn(key, Napi::Value(env, v));
  }
}

void encode_struct(Napi::Env env, const StructSpec& st, Napi::Value v, Path& path, uint8_t* out) {
  if (!v.IsObject() || v.IsArray()) throw_type_error(env, path.str() + ": must be an object");
  for_each_own(env, v.As<Napi::Object>(), [&](const std::string& key, Napi::Value fv) {
    const schema::StructField* f = nullptr;
    for (uint16_t j = 0; j < st.nfields; j++)
      if (st.fields[j].name && key == st.fields[j].name) f = &st.fields[j];
    if (f == nullptr) throw_type_error(env, path.str(key) + ": unknown field of struct " + st.name);
    if (fv.IsUndefined()) return;
    Scope s(path, key);
    if (is_int_kind(f->kind)) {
      encode_int(env, fv, path, f->kind, f->big_endian, out + f->offset);
    } else {
      std::vector<uint8_t> b;
      size_t n = encode_bytes(env, fv, path, f->kind, b);
      if (n > f->len) throw_range_error(env, path.str() + ": longer than " + std::to_string(f->len) + " bytes");
      memcpy(out + f->offset, b.data(), n);
    }
  });
}

void encode_attrs(Napi::Env env, Writer& w, const AttrSetSpec* set, Napi::Value v, Path& path);

// A nest's body: an optional fixed header, then attributes.
void encode_nest_body(Napi::Env env, Writer& w, const StructSpec* fixed, const AttrSetSpec* set, Napi::Value v, Path& path) {
  if (fixed == nullptr) {
    encode_attrs(env, w, set, v, path);
    return;
  }
  if (!v.IsObject()) throw_type_error(env, path.str() + ": must be an object { header, attrs }");
  Napi::Object o = v.As<Napi::Object>();
  size_t off = w.reserve(fixed->size);
  Napi::Value h = o.Get("header");
  if (!h.IsUndefined()) {
    Scope s(path, "header");
    encode_struct(env, *fixed, h, path, w.at(off));  // reserve() zero-filled it
  }
  Napi::Value a = o.Get("attrs");
  if (!a.IsUndefined()) {
    Scope s(path, "attrs");
    encode_attrs(env, w, set, a, path);
  }
}

// nla_len is 16 bits: a nest that grew past it cannot be sent (a set's
// elements are split over several messages before they get there).
void end_nest(Napi::Env env, Writer& w, size_t nest, Path& path) {
  if (w.size() - nest > 0xffff) throw_range_error(env, path.str() + ": longer than a netlink attribute can be (65535 bytes)");
  w.end_nest(nest);
}

void encode_value(Napi::Env env, Writer& w, const AttrSetSpec& set, const AttrSpec& a, Napi::Object siblings,
                  Napi::Value v, Path& path, Kind kind) {
  switch (kind) {
    case Kind::Flag:
      if (!v.IsBoolean()) throw_type_error(env, path.str() + ": must be a boolean");
      if (v.As<Napi::Boolean>().Value()) w.attr(a.type, nullptr, 0);
      return;
    case Kind::Nest: {
      size_t nest = w.begin_nest(a.type);
      if (v.IsBuffer()) {
        // Attributes this codec encoded earlier (encode_attrs_of), kept as
        // bytes by the caller to be reused: written as they are.
        auto b = v.As<Napi::Buffer<uint8_t>>();
        size_t off = w.reserve(b.Length());
        if (b.Length() > 0) memcpy(w.at(off), b.Data(), b.Length());
      } else if (v.IsArray()) {
        // The same, in pieces (Buffers one after the other).
        Napi::Array parts = v.As<Napi::Array>();
        for (uint32_t i = 0; i < parts.Length(); i++) {
          Napi::Value p = parts.Get(i);
          if (!p.IsBuffer()) throw_type_error(env, path.str() + "[" + std::to_string(i) + "]: a nest given in pieces takes Buffers");
          auto b = p.As<Napi::Buffer<uint8_t>>();
          size_t off = w.reserve(b.Length());
          if (b.Length() > 0) memcpy(w.at(off), b.Data(), b.Length());
        }
      } else {
        encode_nest_body(env, w, a.fixed, a.nested, v, path);
      }
      end_nest(env, w, nest, path);
      return;
    }
    case Kind::Struct: {
      if (a.fixed == nullptr) break;
      std::vector<uint8_t> tmp(a.fixed->size, 0);
      encode_struct(env, *a.fixed, v, path, tmp.data());
      w.attr(a.type, tmp.data(), tmp.size());
      return;
    }
    case Kind::StructArray: {
      if (a.fixed == nullptr) break;
      if (v.IsBuffer()) {  // the packed bytes as they are
        auto b = v.As<Napi::Buffer<uint8_t>>();
        w.attr(a.type, b.Data(), b.Length());
        return;
      }
      if (!v.IsArray()) throw_type_error(env, path.str() + ": must be an array of objects");
      Napi::Array arr = v.As<Napi::Array>();
      std::vector<uint8_t> tmp(static_cast<size_t>(a.fixed->size) * arr.Length(), 0);
      for (uint32_t i = 0; i < arr.Length(); i++) {
        Scope s(path, std::to_string(i));
        encode_struct(env, *a.fixed, arr.Get(i), path, tmp.data() + static_cast<size_t>(i) * a.fixed->size);
      }
      w.attr(a.type, tmp.data(), tmp.size());
      return;
    }
    case Kind::IndexedArray: {
      if (!v.IsArray()) throw_type_error(env, path.str() + ": must be an array");
      Napi::Array arr = v.As<Napi::Array>();
      size_t nest = w.begin_nest(a.type);
      for (uint32_t i = 0; i < arr.Length(); i++) {
        Scope s(path, std::to_string(i));
        AttrSpec elem = a;
        // The index is the type, as the kernel's arrays number them (or one type for all).
        elem.type = static_cast<uint16_t>(a.unnumbered ? a.first_index : a.first_index + i);
        encode_value(env, w, set, elem, siblings, arr.Get(i), path, a.elem);
      }
      end_nest(env, w, nest, path);
      return;
    }
    case Kind::SubMessage: {
      if (v.IsBuffer()) {  // raw payload (a format the decoder could not pick): no selector needed
        auto b = v.As<Napi::Buffer<uint8_t>>();
        w.attr(a.type, b.Data(), b.Length());
        return;
      }
      const AttrSpec* sel = a.selector ? schema::find_attr(set, a.selector) : nullptr;
      Napi::Value sv = sel ? siblings.Get(sel->name) : env.Undefined();
      if (!sv.IsString()) throw_type_error(env, path.str() + ": needs its selector '" + (a.selector ? a.selector : "?") + "' set");
      std::string sel_value = sv.As<Napi::String>().Utf8Value();
      const schema::SubFormat* f = a.sub ? schema::find_format(*a.sub, sel_value.data(), sel_value.size()) : nullptr;
      size_t nest = w.begin_nest(a.type);
      if (f && f->set) {
        encode_nest_body(env, w, f->fixed, f->set, v, path);
      } else if (f == nullptr) {
        throw_type_error(env, path.str() + ": no attribute table for '" + sel_value + "'; pass the payload as a Buffer");
      } else if (v.IsObject() && v.As<Napi::Object>().GetPropertyNames().Length() > 0) {
        throw_type_error(env, path.str() + ": '" + sel_value + "' has no attributes");
      }
      end_nest(env, w, nest, path);
      return;
    }
    case Kind::Bitfield32: {
      if (!v.IsObject()) throw_type_error(env, path.str() + ": must be { value, selector }");
      Napi::Object o = v.As<Napi::Object>();
      uint8_t buf[8];
      Scope s1(path, "value");
      encode_int(env, o.Get("value"), path, Kind::U32, false, buf);
      path.parts.back() = "selector";
      encode_int(env, o.Get("selector"), path, Kind::U32, false, buf + 4);
      w.attr(a.type, buf, 8);
      return;
    }
    case Kind::Sockaddr: {
      if (v.IsBuffer()) break;  // the bytes as they are
      uint8_t out[sockaddr::kMaxLen];
      size_t n = encode_sockaddr(env, v, path, out);
      w.attr(a.type, out, n);
      return;
    }
    case Kind::Pad:
      return;
    default:
      break;
  }
  if (is_int_kind(kind)) {
    uint8_t buf[8];
    size_t n = encode_int(env, v, path, kind, a.big_endian, buf);
    w.attr(a.type, buf, n);
    return;
  }
  std::vector<uint8_t> b;
  encode_bytes(env, v, path, kind, b);
  w.attr(a.type, b.data(), b.size());
}

void encode_unknown(Napi::Env env, Writer& w, Napi::Value v, Path& path) {
  if (!v.IsArray()) throw_type_error(env, path.str() + ": must be an array of { type, data }");
  Napi::Array arr = v.As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Scope s(path, std::to_string(i));
    Napi::Value e = arr.Get(i);
    if (!e.IsObject()) throw_type_error(env, path.str() + ": must be { type, data }");
    uint8_t t[2];
    Scope st(path, "type");
    encode_int(env, e.As<Napi::Object>().Get("type"), path, Kind::U16, false, t);
    path.parts.back() = "data";
    std::vector<uint8_t> b;
    encode_bytes(env, e.As<Napi::Object>().Get("data"), path, Kind::Binary, b);
    uint16_t type;
    memcpy(&type, t, 2);
    w.attr(type, b.data(), b.size());
  }
}

void encode_attrs(Napi::Env env, Writer& w, const AttrSetSpec* set, Napi::Value v, Path& path) {
  if (v.IsUndefined() || v.IsNull()) return;
  if (!v.IsObject() || v.IsArray() || v.IsBuffer()) throw_type_error(env, path.str() + ": must be an object of attributes");
  Napi::Object o = v.As<Napi::Object>();
  for_each_own(env, o, [&](const std::string& key, Napi::Value val) {
    if (val.IsUndefined()) return;  // { mtu: undefined } means "not given"
    Scope s(path, key);
    if (key == "$unknown") {
      encode_unknown(env, w, val, path);
      return;
    }
    const AttrSpec* a = set ? schema::find_attr(*set, key.c_str()) : nullptr;
    if (a == nullptr) throw_type_error(env, path.str() + ": unknown attribute" + (set ? std::string(" of ") + set->name : ""));
    if (a->multi && val.IsArray()) {
      Napi::Array arr = val.As<Napi::Array>();
      for (uint32_t j = 0; j < arr.Length(); j++) {
        Scope sj(path, std::to_string(j));
        encode_value(env, w, *set, *a, o, arr.Get(j), path, a->kind);
      }
    } else {
      encode_value(env, w, *set, *a, o, val, path, a->kind);
    }
  });
}

}  // namespace

void encode_request(Napi::Env env, Writer& w, uint16_t type, uint16_t flags, uint32_t seq, Napi::Value msg) {
  encode_request_as(env, w, msg.IsBuffer() ? nullptr : schema::find_message(type), type, flags, seq, msg);
}

void encode_attrs_of(Napi::Env env, Writer& w, const AttrSetSpec& set, Napi::Value attrs) {
  Path path;
  path.parts.push_back(set.name);
  encode_attrs(env, w, &set, attrs, path);
}

void encode_request_as(Napi::Env env, Writer& w, const schema::MessageSpec* m, uint16_t type, uint16_t flags, uint32_t seq, Napi::Value msg) {
  size_t start = w.begin_message(type, flags, seq);
  if (msg.IsBuffer()) {
    auto b = msg.As<Napi::Buffer<uint8_t>>();
    size_t off = w.reserve(b.Length());
    memcpy(w.at(off), b.Data(), b.Length());
    w.end_message(start);
    return;
  }
  if (!msg.IsObject()) throw_type_error(env, "message: must be an object { header, attrs } or a Buffer");
  if (m == nullptr) throw_type_error(env, "message: no table for message type " + std::to_string(type) + "; pass the payload as a Buffer");
  Napi::Object o = msg.As<Napi::Object>();
  Path path;
  if (m->header) {
    size_t off = w.reserve(m->header->size);
    Napi::Value h = o.Get("header");
    if (!h.IsUndefined()) {
      Scope s(path, "header");
      encode_struct(env, *m->header, h, path, w.at(off));  // reserve() zero-filled it
    }
  }
  Scope s(path, "attrs");
  encode_attrs(env, w, m->attrs, o.Get("attrs"), path);
  if (w.size() - start > 0xffff * 16) throw_range_error(env, "message: too large");
  w.end_message(start);
}

Napi::Value Encode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsNumber())
    throw_type_error(env, "encode(type, flags, msg): type and flags must be numbers");
  Writer w;
  encode_request(env, w, static_cast<uint16_t>(info[0].As<Napi::Number>().Uint32Value()),
                 static_cast<uint16_t>(info[1].As<Napi::Number>().Uint32Value()), 0, info[2]);
  return Napi::Buffer<uint8_t>::Copy(env, w.bytes().data(), w.size());
}

Napi::Value decode_buffer(const Napi::CallbackInfo& info, MessageDecoder decode) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsBuffer()) throw_type_error(env, "decode(buf): buf must be a Buffer");
  auto b = info[0].As<Napi::Buffer<uint8_t>>();
  const uint8_t* p = b.Data();
  size_t len = b.Length();
  TapeSink tape;
  while (len >= NLMSG_HDRLEN) {
    nlmsghdr h;
    memcpy(&h, p, sizeof h);
    if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len) break;
    decode(p, h.nlmsg_len, tape, kNoNetnsid);
    size_t step = NLMSG_ALIGN(h.nlmsg_len);
    if (step >= len) break;
    p += step;
    len -= step;
  }
  return tape_to_js(env, tape);
}

Napi::Value Decode(const Napi::CallbackInfo& info) {
  return decode_buffer(info, decode_message);
}

Napi::Value KeyNames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t from = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Uint32Value() : 0;
  auto names = key_names(from);
  Napi::Array out = Napi::Array::New(env, names.size());
  for (uint32_t i = 0; i < names.size(); i++) out.Set(i, names[i] ? Napi::Value(Napi::String::New(env, names[i])) : env.Null());
  return out;
}

}  // namespace netloom::rtnl
