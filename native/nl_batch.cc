// NlBatch, and the two NlSocket members that send a batch and settle it
// (kept here so nl_socket.cc only routes answers to them).
#include "nl_batch.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "errors.h"
#include "nl_codec.h"
#include "nl_socket.h"
#include "rtnl_napi.h"
#include "tape_sink.h"

namespace netloom {

namespace {
// Only failures and the last member are answered, so the size of a batch is
// bounded by what one datagram may carry (the send buffer is grown to fit,
// below). Echoes (NLM_F_ECHO copies, one per member asking) wait in the
// receive buffer until the batch settles: bound those well below its size
// (kRcvBuf in nl_socket.cc).
constexpr uint32_t kMaxMembers = 1u << 20;
constexpr uint32_t kMaxEchoes = 4096;
constexpr size_t kSndBufDefault = 1024 * 1024;  // as nl_socket.cc sets it
}  // namespace

NlBatch::NlBatch(std::vector<uint32_t> seqs) : seqs_(std::move(seqs)), answered_(seqs_.size(), false) {}

long NlBatch::member_index(uint32_t seq) const {
  size_t n = seqs_.size() - 2;
  // Sequence numbers are consecutive unless they wrapped past 0.
  uint32_t guess = seq - seqs_[1];
  if (guess < n && seqs_[guess + 1] == seq) return static_cast<long>(guess);
  for (size_t i = 0; i < n; i++)
    if (seqs_[i + 1] == seq) return static_cast<long>(i);
  return -1;
}

bool NlBatch::on_ack(uint32_t seq, const rtnl::AckInfo& ack) {
  if (seq == seqs_[0]) {
    if (ack.error == 0) return false;  // not asked for; nothing to learn
    begin_failed_ = true;
    begin_ = ack;
    return true;
  }
  long i = member_index(seq);
  if (i < 0 || answered_[static_cast<size_t>(i)]) return false;
  answered_[static_cast<size_t>(i)] = true;
  if (ack.error != 0) failures_.emplace_back(static_cast<size_t>(i), ack);
  // The last member's answer (its ACK or its error) comes after every other.
  return static_cast<size_t>(i) == seqs_.size() - 3;
}

void NlBatch::on_echo(uint32_t seq, const uint8_t* msg, size_t len) {
  long i = member_index(seq);
  if (i >= 0) echoes_.emplace_back(static_cast<size_t>(i), std::vector<uint8_t>(msg, msg + len));
}

Napi::Value NlBatch::result(Napi::Env env, const NlCodec& codec) const {
  Napi::Object o = Napi::Object::New(env);
  o.Set("begin", begin_failed_ ? nack_error(env, begin_.error, begin_.msg, begin_.offset).Value() : env.Null());
  Napi::Array failures = Napi::Array::New(env, failures_.size());
  for (size_t i = 0; i < failures_.size(); i++) {
    Napi::Object f = Napi::Object::New(env);
    f.Set("index", Napi::Number::New(env, static_cast<double>(failures_[i].first)));
    const rtnl::AckInfo& a = failures_[i].second;
    f.Set("error", nack_error(env, a.error, a.msg, a.offset).Value());
    failures.Set(static_cast<uint32_t>(i), f);
  }
  o.Set("failures", failures);
  Napi::Array echoes = Napi::Array::New(env, echoes_.size());
  for (size_t i = 0; i < echoes_.size(); i++) {
    rtnl::TapeSink tape;
    codec.decode(echoes_[i].second.data(), echoes_[i].second.size(), tape, rtnl::kNoNetnsid);
    Napi::Object e = Napi::Object::New(env);
    e.Set("index", Napi::Number::New(env, static_cast<double>(echoes_[i].first)));
    e.Set("message", rtnl::tape_to_js(env, tape));  // a tape: materialized in JS
    echoes.Set(static_cast<uint32_t>(i), e);
  }
  o.Set("echoes", echoes);
  return o;
}

// batch(messages: { type, flags, msg }[], options?: { genid }) → Promise<result>
Napi::Value NlSocket::SendBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) throw errno_error(env, EBADF, "batch (socket closed)");
  if (codec_->encode_batch == nullptr) throw_type_error(env, std::string("batch: ") + codec_->name + " has no transactions");
  if (info.Length() < 1 || !info[0].IsArray()) throw_type_error(env, "batch(messages, options): messages must be an array");
  Napi::Array members = info[0].As<Napi::Array>();
  // An empty batch would never be answered: the kernel ACKs members only.
  if (members.Length() == 0) throw_range_error(env, "batch: no messages");
  if (members.Length() > kMaxMembers) throw_range_error(env, "batch: more than " + std::to_string(kMaxMembers) + " messages");
  uint32_t echoes = 0;
  for (uint32_t i = 0; i < members.Length(); i++) {
    Napi::Value m = members.Get(i);
    if (!m.IsObject()) continue;  // encode_batch names it
    Napi::Value f = m.As<Napi::Object>().Get("flags");
    if (f.IsNumber() && (f.As<Napi::Number>().Uint32Value() & NLM_F_ECHO) != 0) echoes++;
  }
  if (echoes > kMaxEchoes) throw_range_error(env, "batch: more than " + std::to_string(kMaxEchoes) + " messages asking for an echo");
  std::vector<uint32_t> seqs(members.Length() + 2);
  for (auto& s : seqs) s = next_seq();
  rtnl::Writer w;
  codec_->encode_batch(env, w, members, info.Length() > 1 ? info[1] : env.Undefined(), seqs);
  auto p = std::make_unique<Pending>();
  p->bytes = std::move(w.bytes());
  // A batch is one datagram, and the kernel refuses one larger than the send
  // buffer (EMSGSIZE): grow it to fit, as nft does (needs CAP_NET_ADMIN past
  // the sysctl cap, which changing nf_tables needs anyway).
  if (p->bytes.size() + 4096 > kSndBufDefault) {
    int size = static_cast<int>(std::min<size_t>(p->bytes.size() + 65536, 1u << 30));
    if (::setsockopt(fd_.get(), SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0) ::setsockopt(fd_.get(), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  }
  p->batch = std::make_unique<NlBatch>(seqs);
  napi_value promise;
  if (napi_create_promise(env, &p->deferred, &promise) != napi_ok) throw Napi::Error::New(env, "napi_create_promise failed");
  for (size_t i = 1; i + 1 < seqs.size(); i++) batch_seqs_[seqs[i]] = seqs[0];
  enqueue(seqs[0], std::move(p));
  return Napi::Value(env, promise);
}

void NlSocket::settle_batch(Pending& p) {
  if (p.deferred == nullptr) return;
  napi_deferred d = p.deferred;
  p.deferred = nullptr;
  napi_resolve_deferred(env_, d, p.batch->result(env_, *codec_));
}

}  // namespace netloom
