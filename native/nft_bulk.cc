#include "nft_bulk.h"

#include <endian.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <cmath>
#include <cstring>
#include <string>

#include "errors.h"
#include "nfnl_codec.h"
#include "rtnl_codec.h"

namespace netloom::nft {

namespace {

// The payload after the nlmsghdr of `head` encoded as a `type` message.
std::vector<uint8_t> prefix_of(Napi::Env env, uint32_t type, Napi::Value head) {
  rtnl::Writer w;
  nfnl::encode_request(env, w, static_cast<uint16_t>(type), 0, 0, head);
  return std::vector<uint8_t>(w.bytes().begin() + NLMSG_HDRLEN, w.bytes().end());
}

void put(rtnl::Writer& w, const void* p, size_t n) {
  if (n == 0) return;
  size_t off = w.reserve(n);
  memcpy(w.at(off), p, n);
}

Napi::Value result(Napi::Env env, rtnl::Writer& w, Napi::Uint32Array ends) {
  Napi::Object r = Napi::Object::New(env);
  r.Set("bytes", Napi::Buffer<uint8_t>::Copy(env, w.bytes().data(), w.size()));
  r.Set("ends", ends);
  return r;
}

Napi::Uint32Array u32s(Napi::Env env, Napi::Value v, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) throw_type_error(env, std::string(what) + " must be a Uint32Array");
  return v.As<Napi::Uint32Array>();
}

// A nest holding one NFTA_DATA_VALUE (an element's key or data).
void data_value(rtnl::Writer& w, uint16_t type, const uint8_t* p, size_t n) {
  size_t nest = w.begin_nest(type);
  w.attr(NFTA_DATA_VALUE, p, n);
  w.end_nest(nest);
}

}  // namespace

// encodeRules(type, head, exprs, ends, userdata) → { bytes, ends }: the
// payloads (nfgenmsg and attributes) of many rules of one chain, one after
// the other in `bytes`, payload i ending at ends[i]. `head` is a message
// ({ header, attrs: { table, chain } }) encoded once; each rule adds
// NFTA_RULE_EXPRESSIONS holding exprs[ends[i-1]..ends[i]] (NFTA_LIST_ELEM
// attributes encoded earlier, encodeExprs) and, when userdata[i] is a
// Buffer, NFTA_RULE_USERDATA: the attributes in the order encode() writes
// them, so each payload is the bytes encode() makes of the same rule. A
// batch takes the payloads as Buffers, without walking 10,000 objects.
Napi::Value EncodeRules(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsNumber() || !info[2].IsBuffer() || !info[3].IsTypedArray())
    throw_type_error(env, "encodeRules(type, head, exprs, ends, userdata): type a number, exprs a Buffer, ends a Uint32Array");
  uint32_t type = info[0].As<Napi::Number>().Uint32Value();
  if (type > 0xffff || (type >> 8) != NFNL_SUBSYS_NFTABLES || (type & 0xff) != NFT_MSG_NEWRULE) throw_range_error(env, "encodeRules: type must be NFT_MSG_NEWRULE");
  Napi::TypedArray ta = info[3].As<Napi::TypedArray>();
  if (ta.TypedArrayType() != napi_uint32_array) throw_type_error(env, "encodeRules: ends must be a Uint32Array");
  Napi::Uint32Array ends = ta.As<Napi::Uint32Array>();
  auto exprs = info[2].As<Napi::Buffer<uint8_t>>();
  Napi::Value ud = info.Length() > 4 ? info[4] : env.Undefined();
  if (!ud.IsUndefined() && !ud.IsArray()) throw_type_error(env, "encodeRules: userdata must be an array (or left out)");
  std::vector<uint8_t> head = prefix_of(env, type, info[1]);
  const uint8_t* prefix = head.data();
  size_t prefix_len = head.size();
  size_t n = ends.ElementLength();
  rtnl::Writer w;
  w.bytes().reserve(n * (prefix_len + 8) + exprs.Length());
  Napi::Uint32Array out_ends = Napi::Uint32Array::New(env, n);
  size_t from = 0;
  for (size_t i = 0; i < n; i++) {
    size_t to = ends[i];
    if (to < from || to > exprs.Length()) throw_range_error(env, "encodeRules: ends[" + std::to_string(i) + "] out of order or past exprs");
    size_t off = w.reserve(prefix_len);
    memcpy(w.at(off), prefix, prefix_len);
    size_t nest = w.begin_nest(NFTA_RULE_EXPRESSIONS);
    if (to > from) {
      off = w.reserve(to - from);
      memcpy(w.at(off), exprs.Data() + from, to - from);
    }
    if (w.size() - nest > 0xffff) throw_range_error(env, "encodeRules: rule " + std::to_string(i) + ": expressions longer than a netlink attribute can be (65535 bytes)");
    w.end_nest(nest);
    if (!ud.IsUndefined()) {
      Napi::Value u = ud.As<Napi::Array>().Get(static_cast<uint32_t>(i));
      if (u.IsBuffer()) {
        auto b = u.As<Napi::Buffer<uint8_t>>();
        w.attr(NFTA_RULE_USERDATA, b.Data(), b.Length());
      } else if (!u.IsUndefined()) {
        throw_type_error(env, "encodeRules: userdata[" + std::to_string(i) + "] must be a Buffer or undefined");
      }
    }
    out_ends[i] = static_cast<uint32_t>(w.size());
    from = to;
  }
  return result(env, w, out_ends);
}


// encodeElements(type, head, columns, ends) → { bytes, ends }: the payloads
// of NEWSETELEM/DELSETELEM messages, message i holding elements
// ends[i-1]..ends[i] in NFTA_SET_ELEM_LIST_ELEMENTS (numbered from 1 in
// each message, as libnftnl numbers them) after `head` ({ header, attrs:
// { table, set, setId? } }, encoded once). Element j's attributes, in the
// order kernelElements (lib/nft/set-codec.ts) gives them: NFTA_SET_ELEM_FLAGS
// if flags[j] is not 0, NFTA_SET_ELEM_TIMEOUT if timeout[j] is not -1, the
// key (keys[j*keyLen..]), the data (data[j*dataLen..], when dataLen > 0),
// NFTA_SET_ELEM_USERDATA when userdata[j] is a Buffer. Columns left out
// are absent for every element.
Napi::Value EncodeElements(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsNumber() || !info[2].IsObject())
    throw_type_error(env, "encodeElements(type, head, columns, ends): type a number, columns an object");
  uint32_t type = info[0].As<Napi::Number>().Uint32Value();
  if (type > 0xffff || (type >> 8) != NFNL_SUBSYS_NFTABLES || ((type & 0xff) != NFT_MSG_NEWSETELEM && (type & 0xff) != NFT_MSG_DELSETELEM))
    throw_range_error(env, "encodeElements: type must be NFT_MSG_NEWSETELEM or NFT_MSG_DELSETELEM");
  Napi::Object c = info[2].As<Napi::Object>();
  Napi::Value kv = c.Get("keys");
  if (!kv.IsBuffer()) throw_type_error(env, "encodeElements: columns.keys must be a Buffer");
  auto keys = kv.As<Napi::Buffer<uint8_t>>();
  uint32_t key_len = c.Get("keyLen").ToNumber().Uint32Value();
  if (key_len == 0 || key_len > NFT_DATA_VALUE_MAXLEN || keys.Length() % key_len != 0)
    throw_range_error(env, "encodeElements: columns.keyLen must be 1.." + std::to_string(NFT_DATA_VALUE_MAXLEN) + " and divide keys' length");
  size_t n = keys.Length() / key_len;
  Napi::Value fv = c.Get("flags");
  Napi::Value tv = c.Get("timeout");
  Napi::Value dv = c.Get("data");
  Napi::Value uv = c.Get("userdata");
  const uint32_t* flags = nullptr;
  if (!fv.IsUndefined()) {
    Napi::Uint32Array f = u32s(env, fv, "encodeElements: columns.flags");
    if (f.ElementLength() != n) throw_range_error(env, "encodeElements: columns.flags must have one entry per key");
    flags = f.Data();
  }
  const double* timeout = nullptr;
  if (!tv.IsUndefined()) {
    if (!tv.IsTypedArray() || tv.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) throw_type_error(env, "encodeElements: columns.timeout must be a Float64Array");
    Napi::Float64Array t = tv.As<Napi::Float64Array>();
    if (t.ElementLength() != n) throw_range_error(env, "encodeElements: columns.timeout must have one entry per key");
    timeout = t.Data();
  }
  const uint8_t* data = nullptr;
  uint32_t data_len = 0;
  if (!dv.IsUndefined()) {
    if (!dv.IsBuffer()) throw_type_error(env, "encodeElements: columns.data must be a Buffer");
    data_len = c.Get("dataLen").ToNumber().Uint32Value();
    auto d = dv.As<Napi::Buffer<uint8_t>>();
    if (data_len == 0 || data_len > NFT_DATA_VALUE_MAXLEN || d.Length() != n * data_len) throw_range_error(env, "encodeElements: columns.dataLen must be 1.." + std::to_string(NFT_DATA_VALUE_MAXLEN) + ", one per key");
    data = d.Data();
  }
  if (!uv.IsUndefined() && (!uv.IsArray() || uv.As<Napi::Array>().Length() != n)) throw_type_error(env, "encodeElements: columns.userdata must be an array with one entry per key");
  Napi::Uint32Array ends = u32s(env, info[3], "encodeElements: ends");
  std::vector<uint8_t> head = prefix_of(env, type, info[1]);
  rtnl::Writer w;
  w.bytes().reserve(ends.ElementLength() * head.size() + n * (24 + key_len + data_len));
  Napi::Uint32Array out_ends = Napi::Uint32Array::New(env, ends.ElementLength());
  size_t from = 0;
  for (size_t m = 0; m < ends.ElementLength(); m++) {
    size_t to = ends[m];
    if (to < from || to > n) throw_range_error(env, "encodeElements: ends[" + std::to_string(m) + "] out of order or past the keys");
    put(w, head.data(), head.size());
    size_t list = w.begin_nest(NFTA_SET_ELEM_LIST_ELEMENTS);
    for (size_t j = from; j < to; j++) {
      size_t elem = w.begin_nest(static_cast<uint16_t>(j - from + 1));
      if (flags && flags[j] != 0) {
        uint32_t be = htobe32(flags[j]);
        w.attr(NFTA_SET_ELEM_FLAGS, &be, 4);
      }
      if (timeout && timeout[j] != -1) {
        double t = timeout[j];
        if (!(t >= 0 && t <= 18446744073709551615.0 && t == std::floor(t))) throw_range_error(env, "encodeElements: columns.timeout[" + std::to_string(j) + "] must be an integer from 0 (or -1: none)");
        uint64_t be = htobe64(static_cast<uint64_t>(t));
        w.attr(NFTA_SET_ELEM_TIMEOUT, &be, 8);
      }
      data_value(w, NFTA_SET_ELEM_KEY, keys.Data() + j * key_len, key_len);
      if (data) data_value(w, NFTA_SET_ELEM_DATA, data + j * data_len, data_len);
      if (!uv.IsUndefined()) {
        Napi::Value u = uv.As<Napi::Array>().Get(static_cast<uint32_t>(j));
        if (u.IsBuffer()) {
          auto b = u.As<Napi::Buffer<uint8_t>>();
          w.attr(NFTA_SET_ELEM_USERDATA, b.Data(), b.Length());
        } else if (!u.IsUndefined()) {
          throw_type_error(env, "encodeElements: columns.userdata[" + std::to_string(j) + "] must be a Buffer or undefined");
        }
      }
      w.end_nest(elem);
    }
    if (w.size() - list > 0xffff) throw_range_error(env, "encodeElements: message " + std::to_string(m) + ": elements longer than a netlink attribute can be (65535 bytes)");
    w.end_nest(list);
    out_ends[m] = static_cast<uint32_t>(w.size());
    from = to;
  }
  return result(env, w, out_ends);
}

}  // namespace netloom::nft
