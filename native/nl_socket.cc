// NlSocket: setup, requests and dumps sent, closing and subscriptions on one netlink socket (see nl_socket.h); the replies side is nl_socket_replies.cc.
#include "nl_socket.h"

#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "addon_data.h"
#include "errors.h"
#include "fresh_thread.h"
#include "nl_codec.h"
#include "rtnl_codec.h"
#include "rtnl_napi.h"

#ifndef NETLINK_EXT_ACK
#error "linux/netlink.h too old: NETLINK_EXT_ACK missing"
#endif

namespace netloom {

namespace {

// Requests handed to the kernel and not yet answered. Each unanswered ACK
// or GET reply waits in our receive buffer; bounding them keeps that far
// below the buffer size, so the kernel never drops an answer (ENOBUFS).
constexpr size_t kWindow = 256;
constexpr int kRcvBuf = 8 * 1024 * 1024;
constexpr int kSndBuf = 1024 * 1024;

void set_buf(int fd, int force_opt, int opt, int size) {
  // SO_*BUFFORCE lifts the sysctl cap when we have CAP_NET_ADMIN; otherwise
  // take what the plain option allows.
  if (::setsockopt(fd, SOL_SOCKET, force_opt, &size, sizeof size) != 0)
    ::setsockopt(fd, SOL_SOCKET, opt, &size, sizeof size);
}

// Runs on a fresh thread already switched into the target namespace (or the
// caller's thread for the current namespace).
FdResult open_route_socket(int protocol) {
  UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol));
  if (!fd) return FdResult::fail(errno, "socket");
  int one = 1;
  // Extended ACK text, capped ACKs (no echo of our request), strict checking
  // of dump requests (so filters in them are honoured or refused, never ignored).
  if (::setsockopt(fd.get(), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one) != 0) return FdResult::fail(errno, "setsockopt");
  if (::setsockopt(fd.get(), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one) != 0) return FdResult::fail(errno, "setsockopt");
  if (::setsockopt(fd.get(), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one) != 0 && errno != ENOPROTOOPT)
    return FdResult::fail(errno, "setsockopt");
  set_buf(fd.get(), SO_RCVBUFFORCE, SO_RCVBUF, kRcvBuf);
  set_buf(fd.get(), SO_SNDBUFFORCE, SO_SNDBUF, kSndBuf);
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return FdResult::fail(errno, "bind");
  return FdResult{fd.release(), 0, nullptr};
}

uint16_t u16_arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsNumber()) throw_type_error(info.Env(), std::string(what) + " must be a number");
  uint32_t v = info[i].As<Napi::Number>().Uint32Value();
  if (v > 0xffff) throw_range_error(info.Env(), std::string(what) + " out of range");
  return static_cast<uint16_t>(v);
}

}  // namespace

// ---------------------------------------------------------------- setup

Napi::Function NlSocket::Init(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "NetlinkSocket",
                                    {
                                        InstanceMethod("request", &NlSocket::Request),
                                        InstanceMethod("dump", &NlSocket::Dump),
                                        InstanceMethod("abandon", &NlSocket::Abandon),
                                        InstanceMethod("close", &NlSocket::Close),
                                        InstanceMethod("ref", &NlSocket::RefLoop),
                                        InstanceMethod("unref", &NlSocket::UnrefLoop),
                                        InstanceMethod("subscribe", &NlSocket::Subscribe),
                                        InstanceMethod("batch", &NlSocket::SendBatch),
                                        InstanceAccessor("pending", &NlSocket::GetPending, nullptr),
                                    });
  AddonData::of(env).socket_ctor = Napi::Persistent(ctor);
  return Napi::Function::New(env, Open, "openSocket");
}

// openSocket(netnsFd, protocol = NETLINK_ROUTE): in the current namespace
// the socket is made right here (cheap, no namespace switch); elsewhere on a
// fresh thread.
Napi::Value NlSocket::Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw_type_error(env, "openSocket(netnsFd): netnsFd must be a number");
  int nsfd = info[0].As<Napi::Number>().Int32Value();
  int protocol = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : NETLINK_ROUTE;
  if (codec_for(protocol) == nullptr) throw_range_error(env, "openSocket: unsupported netlink protocol " + std::to_string(protocol));
  auto make = [protocol](Napi::Env e, int fd) -> Napi::Value {
    return AddonData::of(e).socket_ctor.New({Napi::Number::New(e, fd), Napi::Number::New(e, protocol)});
  };
  if (nsfd < 0) {
    auto d = Napi::Promise::Deferred::New(env);
    FdResult r = open_route_socket(protocol);
    if (r.err) d.Reject(errno_error(env, r.err, r.syscall).Value());
    else d.Resolve(make(env, r.fd));
    return d.Promise();
  }
  int dup = ::fcntl(nsfd, F_DUPFD_CLOEXEC, 0);  // the thread holds its own fd: JS may close nsfd meanwhile
  if (dup < 0) throw errno_error(env, errno, "fcntl");
  return run_fd_on_fresh_thread(
      env,
      [dup, protocol]() -> FdResult {
        UniqueFd ns(dup);
        FdResult r;
        if (!enter_netns(ns.get(), r)) return r;
        return open_route_socket(protocol);
      },
      make);
}

NlSocket::NlSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NlSocket>(info), env_(info.Env()) {
  if (info.Length() < 1 || !info[0].IsNumber()) throw_type_error(env_, "NetlinkSocket is created by openSocket()");
  fd_.reset(info[0].As<Napi::Number>().Int32Value());
  codec_ = codec_for(info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : NETLINK_ROUTE);
  if (codec_ == nullptr) throw_range_error(env_, "NetlinkSocket: unsupported netlink protocol");
  poll_.open(env_, fd_.get(), this);
  sockaddr_nl local{};
  socklen_t local_len = sizeof local;
  if (::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&local), &local_len) == 0) portid_ = local.nl_pid;
  int dup = ::fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0);
  if (dup < 0) {
    int e = errno;
    shutdown(false);
    throw errno_error(env_, e, "fcntl");
  }
  sender_ = std::make_unique<NlSender>(poll_.loop(), dup, [this] { on_send_failure(); });
  async_ctx_ = std::make_unique<Napi::AsyncContext>(env_, "netloom.NetlinkSocket", Value());
  poll_.on_teardown(cleanup_hook);
}

NlSocket::~NlSocket() {
  // Only reachable with nothing pending (pending requests hold a strong
  // reference), so there is nobody to notify.
  if (!closed_) {
    poll_.forget_teardown();
    shutdown(false);
  }
}

void NlSocket::cleanup_hook(void* arg) {
  auto* self = static_cast<NlSocket*>(arg);
  self->shutdown(false, true);
}

// ---------------------------------------------------------------- requests

uint32_t NlSocket::next_seq() {
  if (++seq_ == 0) ++seq_;  // 0 is what notifications carry; never use it
  return seq_;
}

Napi::Value NlSocket::Request(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) throw errno_error(env, EBADF, "request (socket closed)");
  uint16_t type = u16_arg(info, 0, "type");
  uint16_t flags = u16_arg(info, 1, "flags");
  uint32_t seq = next_seq();
  rtnl::Writer w;
  codec_->encode(env, w, type, static_cast<uint16_t>(flags | NLM_F_REQUEST | NLM_F_ACK), seq, info[2]);
  auto p = std::make_unique<Pending>();
  p->bytes = std::move(w.bytes());
  // request(type, flags, msg, raw): raw callers (name → ifindex look-ups)
  // want one field of the answer; skip decoding the rest.
  p->raw = info.Length() > 3 && info[3].IsBoolean() && info[3].As<Napi::Boolean>().Value();
  // A change with no reply data: its ACK may be elided when a later one covers it.
  if (!p->raw && codec_->elidable(type, flags)) p->ack = NlSender::Ack::Elidable;
  napi_value promise;
  if (napi_create_promise(env, &p->deferred, &promise) != napi_ok) throw Napi::Error::New(env, "napi_create_promise failed");
  enqueue(seq, std::move(p));
  return Napi::Value(env, promise);
}

Napi::Value NlSocket::Dump(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) throw errno_error(env, EBADF, "dump (socket closed)");
  uint16_t type = u16_arg(info, 0, "type");
  uint16_t flags = u16_arg(info, 1, "flags");
  if (info.Length() < 4 || !info[3].IsFunction()) throw_type_error(env, "dump(type, flags, msg, onBatch): onBatch must be a function");
  uint32_t seq = next_seq();
  rtnl::Writer w;
  codec_->encode(env, w, type, static_cast<uint16_t>(flags | NLM_F_REQUEST | NLM_F_DUMP), seq, info[2]);
  auto p = std::make_unique<Pending>();
  p->dump = true;
  p->ack = NlSender::Ack::None;
  p->bytes = std::move(w.bytes());
  p->on_batch = Napi::Persistent(info[3].As<Napi::Function>());
  // dump(type, flags, msg, onBatch, keep): a lean dump (keep_filter.h).
  if (info.Length() > 4 && !info[4].IsUndefined()) p->keep = rtnl::KeepNode::from_js(env, info[4]);
  enqueue(seq, std::move(p));
  return Napi::Number::New(env, seq);
}

Napi::Value NlSocket::Abandon(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) throw_type_error(info.Env(), "abandon(seq): seq must be a number");
  uint32_t seq = info[0].As<Napi::Number>().Uint32Value();
  auto it = pending_.find(seq);
  if (it != pending_.end() && it->second->dump) {
    Pending& p = *it->second;
    p.abandoned = true;
    p.on_batch.Reset();
    if (!p.sent) {  // never started: just forget it
      for (auto q = dump_queue_.begin(); q != dump_queue_.end(); ++q)
        if (*q == seq) {
          dump_queue_.erase(q);
          break;
        }
      pending_.erase(it);
      update_poll();
    }
  }
  return info.Env().Undefined();
}

void NlSocket::enqueue(uint32_t seq, std::unique_ptr<Pending> p) {
  Pending& ref = *p;
  pending_.emplace(seq, std::move(p));
  if (ref.dump) dump_queue_.push_back(seq);
  else backlog_.push_back(seq);
  pump();
  update_poll();
}

// Hand queued work to the sender while the window has room; dumps one at a time.
void NlSocket::pump() {
  while (!closed_ && in_flight_ < kWindow && !dump_active_ && !dump_queue_.empty()) {
    uint32_t seq = dump_queue_.front();
    dump_queue_.pop_front();
    auto it = pending_.find(seq);
    if (it == pending_.end()) continue;
    dump_active_ = true;
    submit(seq, *it->second);
  }
  while (!closed_ && in_flight_ < kWindow && !backlog_.empty()) {
    uint32_t seq = backlog_.front();
    backlog_.pop_front();
    auto it = pending_.find(seq);
    if (it == pending_.end()) continue;
    submit(seq, *it->second);
  }
}

void NlSocket::submit(uint32_t seq, Pending& p) {
  p.sent = true;
  in_flight_++;
  if (!p.dump) {
    p.order = ++sent_count_;
    acks_due_.emplace_back(p.order, seq);
  }
  int err = sender_->send(seq, std::move(p.bytes), p.ack, /*alone=*/p.batch != nullptr);
  // No send thread could start: answered like a failed sendmsg, later.
  if (err != 0) sender_->report(NlSender::Failure{{seq}, err, "pthread_create"});
}

void NlSocket::finish(uint32_t seq) {
  auto it = pending_.find(seq);
  if (it == pending_.end()) return;
  if (it->second->batch)
    for (uint32_t s : it->second->batch->seqs()) batch_seqs_.erase(s);
  if (it->second->sent) {
    in_flight_--;
    if (it->second->dump) dump_active_ = false;
  }
  pending_.erase(it);
}

void NlSocket::update_poll() {
  if (closed_) return;
  bool want = !pending_.empty() || !on_event_.IsEmpty();
  if (want && !polling_) {
    poll_.start(UV_READABLE, [](uv_poll_t* h, int status, int) {
      auto* self = static_cast<NlSocket*>(h->data);
      if (self == nullptr) return;
      if (status < 0) {
        // libuv turns POLLERR (a pending socket error, such as ENOBUFS after
        // an overrun) into an error status and stops the handle. Take the
        // error, handle it, and poll again: the socket itself is fine.
        self->polling_ = false;
        self->on_socket_error();
        return;
      }
      self->on_readable();
    });
    if (!loop_ref_) poll_.set_loop_ref(false);
    polling_ = true;
  } else if (!want && polling_) {
    poll_.stop();
    polling_ = false;
  }
  // While anything is pending the JS object must not be collected: its
  // callbacks and promises are still to be settled.
  hold_.update(*this, want);
}

// ---------------------------------------------------------------- closing

Napi::Value NlSocket::Close(const Napi::CallbackInfo& info) {
  if (!closed_) {
    poll_.forget_teardown();
    Napi::CallbackScope scope(env_, *async_ctx_);
    shutdown(true);
  }
  return info.Env().Undefined();
}

void NlSocket::shutdown(bool notify, bool teardown) {
  if (closed_) return;
  closed_ = true;
  if (sender_) sender_->shutdown(teardown);
  poll_.close(teardown);  // stop (a no-op when not polling), detach, close: before the fd
  polling_ = false;
  fd_.reset();
  auto pending = std::move(pending_);
  pending_.clear();
  Napi::FunctionReference on_event = std::move(on_event_);
  backlog_.clear();
  dump_queue_.clear();
  in_flight_ = 0;
  if (notify) {
    Napi::HandleScope hs(env_);
    for (auto& [seq, p] : pending) {
      Napi::Value e = errno_error(env_, ECANCELED, "close").Value();
      e.As<Napi::Object>().Set("message", "the netlink socket was closed with this request pending");
      if (p->dump) {
        if (!p->on_batch.IsEmpty() && !p->abandoned)
          p->on_batch.MakeCallback(Value(), {e, env_.Null(), Napi::Boolean::New(env_, true)}, *async_ctx_);
      } else if (p->deferred) {
        napi_reject_deferred(env_, p->deferred, e);
      }
    }
  }
  hold_.release(*this, notify);
}

Napi::Value NlSocket::RefLoop(const Napi::CallbackInfo& info) {
  loop_ref_ = true;
  poll_.set_loop_ref(true);
  return info.Env().Undefined();
}

Napi::Value NlSocket::UnrefLoop(const Napi::CallbackInfo& info) {
  loop_ref_ = false;
  poll_.set_loop_ref(false);
  return info.Env().Undefined();
}

Napi::Value NlSocket::Subscribe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) throw errno_error(env, EBADF, "subscribe (socket closed)");
  if (info.Length() < 3 || !info[0].IsArray() || !info[1].IsBoolean() || !info[2].IsFunction())
    throw_type_error(env, "subscribe(groups, allNsid, onEvent): expected an array, a boolean and a function");
  Napi::Array groups = info[0].As<Napi::Array>();
  for (uint32_t i = 0; i < groups.Length(); i++) {
    Napi::Value g = groups.Get(i);
    if (!g.IsNumber()) throw_type_error(env, "subscribe: groups must be numbers");
    int group = g.As<Napi::Number>().Int32Value();
    if (::setsockopt(fd_.get(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) != 0) throw errno_error(env, errno, "setsockopt");
  }
  if (info[1].As<Napi::Boolean>().Value()) {
    int one = 1;
    if (::setsockopt(fd_.get(), SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, &one, sizeof one) != 0) throw errno_error(env, errno, "setsockopt");
  }
  // Optional 4th argument: the receive buffer size in bytes (the default is
  // large; a small one makes overruns easy to provoke and to test).
  if (info.Length() > 3 && info[3].IsNumber()) {
    int size = info[3].As<Napi::Number>().Int32Value();
    if (size <= 0) throw_range_error(env, "subscribe: receiveBuffer must be > 0");
    if (::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0 &&
        ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size) != 0)
      throw errno_error(env, errno, "setsockopt");
  }
  on_event_ = Napi::Persistent(info[2].As<Napi::Function>());
  update_poll();
  return env.Undefined();
}

Napi::Value NlSocket::GetPending(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(pending_.size()));
}

}  // namespace netloom
