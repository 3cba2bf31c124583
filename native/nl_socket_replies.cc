// NlSocket, the replies side: reading datagrams, matching them to requests
// by sequence number, settling ACKs (also the elided ones), delivering dump
// batches and notifications to JavaScript, and failing what a send lost.
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "addon_data.h"
#include "errors.h"
#include "nl_codec.h"
#include "nl_socket.h"
#include "rtnl_codec.h"
#include "rtnl_napi.h"

namespace netloom {

namespace {
// Datagrams read per wakeup before yielding to the rest of the loop.
constexpr int kReadBudget = 512;
// A dump's batch is handed to JavaScript once its tape holds this much, even
// mid-wakeup: a wakeup can read a whole 2000-link dump, and its tape, the
// copy JavaScript gets and the objects built from it all at once were the
// dump's peak memory.
constexpr size_t kBatchBytes = 512 * 1024;

size_t tape_bytes(const rtnl::TapeSink& t) {
  return t.ops().size() * sizeof(uint32_t) + t.nums().size() * sizeof(double) + t.blob().size();
}
}  // namespace

// ---------------------------------------------------------------- replies

void NlSocket::on_readable() {
  try {
    read_and_dispatch();
  } catch (const std::exception& e) {
    // Decoding and JS calls should not throw; if N-API fails anyway (the env
    // going away, out of memory) fail what is in flight rather than crash.
    try {
      Napi::HandleScope hs(env_);
      fail_in_flight(EIO, e.what());
      update_poll();
    } catch (...) {
    }
  }
}

void NlSocket::on_socket_error() {
  try {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    Napi::HandleScope hs(env_);
    Napi::CallbackScope scope(env_, *async_ctx_);
    if (err == ENOBUFS) {
      if (!on_event_.IsEmpty()) overrun_ = true;
      if (in_flight_ > 0) fail_in_flight(ENOBUFS, "receive buffer overrun: answers were lost; the requests may have been applied");
    } else if (err != 0 && err != EINVAL) {
      // EINVAL: netlink_recvmsg saw a dump running and went to continue it,
      // but by the time it held the dump's lock the dump had finished (it was
      // the next dump, started and finished by our send thread meanwhile);
      // netlink_dump then answers -EINVAL into sk_err. Nothing was lost: the
      // dump's messages are all queued. Any other error fails what is in flight.
      fail_in_flight(err, "poll");
    }
    update_poll();      // re-arm (libuv stopped the handle)
    read_and_dispatch();  // and read what is queued behind the error
  } catch (...) {  // never let an exception reach libuv
  }
}

void NlSocket::read_and_dispatch() {
  Napi::HandleScope hs(env_);
  Napi::CallbackScope scope(env_, *async_ctx_);
  std::unordered_map<uint32_t, Batch> batches;
  for (int i = 0; i < kReadBudget && !closed_; i++) {
    // Peek the datagram's true size first so nothing is ever truncated.
    ssize_t size = ::recv(fd_.get(), nullptr, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    if (size < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == ENOBUFS) {
        // Notifications were dropped (a monitor that fell behind), or
        // answers: tell the monitor, fail what may have lost its answer.
        if (!on_event_.IsEmpty()) overrun_ = true;
        if (in_flight_ > 0) fail_in_flight(ENOBUFS, "receive buffer overrun: answers were lost; the requests may have been applied");
        continue;
      }
      if (errno == EINVAL) continue;  // the kernel's lost dump race, nothing lost: see on_socket_error
      fail_in_flight(errno, "recv");
      break;
    }
    if (rx_.size() < static_cast<size_t>(size)) rx_.resize(static_cast<size_t>(size));
    // recvmsg for the control message NETLINK_LISTEN_ALL_NSID attaches:
    // the id of the namespace a notification comes from.
    iovec iov{rx_.data(), rx_.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control;
    mh.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(fd_.get(), &mh, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EINVAL) continue;
      fail_in_flight(errno, "recv");
      break;
    }
    int64_t netnsid = rtnl::kNoNetnsid;
    for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c != nullptr; c = CMSG_NXTHDR(&mh, c)) {
      if (c->cmsg_level == SOL_NETLINK && c->cmsg_type == NETLINK_LISTEN_ALL_NSID && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
        int id;
        memcpy(&id, CMSG_DATA(c), sizeof id);
        netnsid = id;
      }
    }
    const uint8_t* p = rx_.data();
    size_t len = static_cast<size_t>(n);
    while (len >= NLMSG_HDRLEN) {
      nlmsghdr h;
      memcpy(&h, p, sizeof h);
      if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len) break;
      handle_message(p, h.nlmsg_len, netnsid, batches);
      size_t step = NLMSG_ALIGN(h.nlmsg_len);
      if (step >= len) break;
      p += step;
      len -= step;
    }
    size_t pending_bytes = 0;
    for (const auto& [seq, b] : batches) pending_bytes += tape_bytes(b.tape);
    if (pending_bytes >= kBatchBytes) {
      deliver(batches);
      batches.clear();
    }
  }
  deliver(batches);
  deliver_events();
  pump();
  update_poll();
}

void NlSocket::deliver_events() {
  if (on_event_.IsEmpty() || (events_.empty() && !overrun_)) return;
  Napi::Value tape = events_.empty() ? env_.Null() : rtnl::tape_to_js(env_, events_);
  bool overrun = overrun_;
  events_ = rtnl::TapeSink();
  overrun_ = false;
  try {
    on_event_.MakeCallback(Value(), {env_.Null(), tape, Napi::Boolean::New(env_, overrun)}, *async_ctx_);
  } catch (const Napi::Error& e) {
    napi_fatal_exception(env_, e.Value());
  }
}

void NlSocket::handle_message(const uint8_t* msg, size_t len, int64_t netnsid, std::unordered_map<uint32_t, Batch>& batches) {
  nlmsghdr h;
  memcpy(&h, msg, sizeof h);
  // Replies are addressed to our port id; a notification carries whoever
  // caused it (0: the kernel), possibly with a sequence number like ours.
  bool ours = portid_ == 0 || h.nlmsg_pid == portid_;  // 0: address unknown, match by seq alone
  uint32_t key = h.nlmsg_seq;  // a batch member's answer belongs to its batch
  if (ours && !batch_seqs_.empty())
    if (auto b = batch_seqs_.find(key); b != batch_seqs_.end()) key = b->second;
  auto it = ours ? pending_.find(key) : pending_.end();
  if (it == pending_.end()) {
    if (!on_event_.IsEmpty() && h.nlmsg_type >= NLMSG_MIN_TYPE) codec_->decode(msg, len, events_, netnsid);
    return;  // otherwise: a late answer to something already settled
  }
  Pending& p = *it->second;
  if (h.nlmsg_type == NLMSG_NOOP || h.nlmsg_type == NLMSG_OVERRUN) return;

  if (h.nlmsg_type == NLMSG_ERROR || h.nlmsg_type == NLMSG_DONE) {
    rtnl::AckInfo ack;
    bool ok = h.nlmsg_type == NLMSG_ERROR ? rtnl::parse_error(msg, len, ack) : rtnl::parse_done(msg, len, ack);
    if (!ok) ack.error = EBADMSG;
    if (p.batch) {
      if (p.batch->on_ack(h.nlmsg_seq, ack)) {
        settle_implied(p.order);
        settle_batch(p);
        finish(key);
      }
      return;
    }
    if (p.dump && !p.abandoned) {
      // Delivered (and finished) with this wakeup's batch, after its items.
      Batch& b = batches[h.nlmsg_seq];
      b.done = true;
      if (ack.error) b.error = nack_error(env_, ack.error, ack.msg, ack.offset).Value();
      return;
    }
    if (!p.dump) {
      settle_implied(p.order);
      settle_request(p, ack.error, ack.msg, ack.offset);
    }
    finish(h.nlmsg_seq);
    return;
  }

  if (p.dump) {
    if (p.abandoned) return;
    rtnl::TapeSink& tape = batches[h.nlmsg_seq].tape;
    if (p.keep) {
      rtnl::KeepSink lean(tape, *p.keep);
      lean.start(msg, len);
      codec_->decode(msg, len, lean, rtnl::kNoNetnsid);
    } else {
      codec_->decode(msg, len, tape, rtnl::kNoNetnsid);
    }
  } else if (p.batch) {
    p.batch->on_echo(h.nlmsg_seq, msg, len);
  } else {
    p.replies.emplace_back(msg, msg + len);
  }
}

void NlSocket::settle_request(Pending& p, int err, const std::string& extack, long offset) {
  if (p.deferred == nullptr) return;
  napi_deferred d = p.deferred;
  p.deferred = nullptr;
  if (err) {
    napi_reject_deferred(env_, d, nack_error(env_, err, extack, offset).Value());
    return;
  }
  if (p.raw) {
    std::vector<uint8_t> all;
    for (const auto& r : p.replies) all.insert(all.end(), r.begin(), r.end());
    napi_resolve_deferred(env_, d, Napi::Buffer<uint8_t>::Copy(env_, all.data(), all.size()));
    return;
  }
  rtnl::TapeSink tape;
  for (const auto& r : p.replies) codec_->decode(r.data(), r.size(), tape, rtnl::kNoNetnsid);
  napi_resolve_deferred(env_, d, rtnl::tape_to_js(env_, tape));
}

// The kernel has answered the request sent `before`-th, so it handled every
// request sent earlier (one socket's messages are handled in order). Those
// still waiting had their ACK elided by the sender: they succeeded.
void NlSocket::settle_implied(uint64_t before) {
  while (!acks_due_.empty() && acks_due_.front().first <= before) {
    uint32_t seq = acks_due_.front().second;
    bool earlier = acks_due_.front().first < before;
    acks_due_.pop_front();
    if (!earlier) continue;
    auto it = pending_.find(seq);
    if (it == pending_.end() || it->second->dump) continue;  // answered already (a failure), or a new request reusing the seq
    Pending& p = *it->second;
    if (p.ack != NlSender::Ack::Elidable) continue;
    settle_request(p, 0, std::string(), -1);
    finish(seq);
  }
}

void NlSocket::deliver(std::unordered_map<uint32_t, Batch>& batches) {
  Napi::Value uncaught;
  for (auto& [seq, b] : batches) {
    auto it = pending_.find(seq);
    if (it == pending_.end()) continue;
    Pending& p = *it->second;
    if (p.on_batch.IsEmpty() || p.abandoned) {
      if (b.done) finish(seq);
      continue;
    }
    Napi::Function cb = p.on_batch.Value();
    if (b.done) finish(seq);  // before the call: the callback may start the next dump
    Napi::Value err = b.error.IsEmpty() ? env_.Null() : b.error;
    try {
      cb.MakeCallback(Value(), {err, rtnl::tape_to_js(env_, b.tape), Napi::Boolean::New(env_, b.done)}, *async_ctx_);
    } catch (const Napi::Error& e) {
      if (uncaught.IsEmpty()) uncaught = e.Value();
    }
  }
  // A throwing callback is the caller's bug: report it like any uncaught
  // exception, after our own bookkeeping is consistent.
  if (!uncaught.IsEmpty()) napi_fatal_exception(env_, uncaught);
}

void NlSocket::fail_in_flight(int err, const char* why) {
  std::vector<uint32_t> seqs;
  for (auto& [seq, p] : pending_)
    if (p->sent) seqs.push_back(seq);
  acks_due_.clear();  // every request sent is failed below
  for (uint32_t seq : seqs) {
    auto it = pending_.find(seq);
    if (it == pending_.end()) continue;
    Pending& p = *it->second;
    Napi::Value e = errno_error(env_, err, why).Value();
    Napi::FunctionReference cb = std::move(p.on_batch);
    if (p.dump) {
      finish(seq);
      if (!cb.IsEmpty()) cb.MakeCallback(Value(), {e, env_.Null(), Napi::Boolean::New(env_, true)}, *async_ctx_);
    } else {
      if (p.deferred) napi_reject_deferred(env_, p.deferred, e);
      p.deferred = nullptr;
      finish(seq);
    }
  }
}

void NlSocket::on_send_failure() {
  try {
    dispatch_send_failures();
  } catch (...) {  // see on_readable: never let an exception reach libuv
  }
}

void NlSocket::dispatch_send_failures() {
  if (closed_) return;
  Napi::HandleScope hs(env_);
  Napi::CallbackScope scope(env_, *async_ctx_);
  for (auto& f : sender_->take_failures()) {
    for (uint32_t seq : f.seqs) {
      auto it = pending_.find(seq);
      if (it == pending_.end()) continue;
      Pending& p = *it->second;
      Napi::Value e = errno_error(env_, f.err, f.syscall).Value();
      Napi::FunctionReference cb = std::move(p.on_batch);
      if (p.dump) {
        finish(seq);
        if (!cb.IsEmpty() && !p.abandoned)
          cb.MakeCallback(Value(), {e, env_.Null(), Napi::Boolean::New(env_, true)}, *async_ctx_);
      } else {
        if (p.deferred) napi_reject_deferred(env_, p.deferred, e);
        p.deferred = nullptr;
        finish(seq);
      }
    }
  }
  pump();
  update_poll();
}

}  // namespace netloom
