#include "nft_codec.h"

#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <cstring>

#include "errors.h"
#include "nfnl_codec.h"
#include "nft_tables.h"
#include "rtnl_napi.h"

namespace netloom::nft {

namespace {

// A batch delimiter: nfgenmsg { AF_UNSPEC, NFNETLINK_V0, htons(NFNL_SUBSYS_NFTABLES) }
// and, on BATCH_BEGIN, the generation the batch is only valid against.
void delimiter(Napi::Env env, rtnl::Writer& w, uint16_t type, uint32_t seq, uint32_t genid) {
  Napi::Object m = Napi::Object::New(env);
  Napi::Object h = Napi::Object::New(env);
  h.Set("nfgenFamily", 0);
  h.Set("version", NFNETLINK_V0);
  h.Set("resId", NFNL_SUBSYS_NFTABLES);
  m.Set("header", h);
  if (genid != 0) {
    Napi::Object a = Napi::Object::New(env);
    a.Set("genid", Napi::Number::New(env, genid));
    m.Set("attrs", a);
  }
  nfnl::encode_request(env, w, type, NLM_F_REQUEST, seq, m);
}

}  // namespace

void encode_batch(Napi::Env env, rtnl::Writer& w, Napi::Array members, Napi::Value options, const std::vector<uint32_t>& seqs) {
  uint32_t n = members.Length();
  if (seqs.size() != static_cast<size_t>(n) + 2) throw_range_error(env, "batch: internal: wrong number of sequence numbers");
  uint32_t genid = 0;
  if (options.IsObject()) {
    Napi::Value g = options.As<Napi::Object>().Get("genid");
    if (!g.IsUndefined()) {
      if (!g.IsNumber()) throw_type_error(env, "genid: must be a number");
      double d = g.As<Napi::Number>().DoubleValue();
      if (d < 0 || d > 4294967295.0 || d != static_cast<double>(static_cast<uint32_t>(d))) throw_range_error(env, "genid: must be 0..4294967295");
      genid = static_cast<uint32_t>(d);
    }
  }
  delimiter(env, w, NFNL_MSG_BATCH_BEGIN, seqs[0], genid);
  for (uint32_t i = 0; i < n; i++) {
    // Each member's handles die with it: a batch of 10,000 rules would
    // otherwise keep a million alive, and every scavenge would walk them.
    Napi::HandleScope scope(env);
    std::string where = "messages[" + std::to_string(i) + "]";
    Napi::Value v = members.Get(i);
    if (!v.IsObject()) throw_type_error(env, where + ": must be { type, flags, msg }");
    Napi::Object o = v.As<Napi::Object>();
    Napi::Value t = o.Get("type");
    Napi::Value f = o.Get("flags");
    if (!t.IsNumber() || !f.IsNumber()) throw_type_error(env, where + ": type and flags must be numbers");
    uint32_t type = t.As<Napi::Number>().Uint32Value();
    uint32_t flags = f.As<Napi::Number>().Uint32Value();
    // Only nf_tables messages belong in an nf_tables batch (the kernel
    // refuses others with EINVAL; a delimiter would end or break the batch).
    if (type > 0xffff || (type >> 8) != NFNL_SUBSYS_NFTABLES) throw_range_error(env, where + ".type: not an nf_tables message type");
    if (flags > 0xffff) throw_range_error(env, where + ".flags: out of range");
    // Only the last member asks for an ACK: the kernel answers every failing
    // member anyway, in order, and the last member's answer comes after all
    // of them (nfnetlink processes the whole batch before it answers). So a
    // batch of any size waits for one ACK, as nft's do for none.
    uint32_t ack = i + 1 == n ? NLM_F_ACK : 0;
    try {
      nfnl::encode_request(env, w, static_cast<uint16_t>(type), static_cast<uint16_t>(flags | NLM_F_REQUEST | ack), seqs[i + 1], o.Get("msg"));
    } catch (Napi::Error& e) {
      e.Value().Set("message", where + "." + e.Message());
      throw;
    }
  }
  delimiter(env, w, NFNL_MSG_BATCH_END, seqs[n + 1], 0);
}

bool encode_udata(const std::vector<Udata>& in, size_t cap, std::vector<uint8_t>& out) {
  out.clear();
  for (const auto& u : in) {
    if (u.value.size() > 255 || out.size() + 2 + u.value.size() > cap) return false;
    out.push_back(u.type);
    out.push_back(static_cast<uint8_t>(u.value.size()));
    out.insert(out.end(), u.value.begin(), u.value.end());
  }
  return true;
}

bool decode_udata(const uint8_t* p, size_t n, std::vector<Udata>& out) {
  size_t i = 0;
  while (i < n) {
    if (n - i < 2) return false;
    uint8_t type = p[i];
    size_t len = p[i + 1];
    if (n - i - 2 < len) return false;
    out.push_back(Udata{type, std::vector<uint8_t>(p + i + 2, p + i + 2 + len)});
    i += 2 + len;
  }
  return true;
}

}  // namespace netloom::nft
