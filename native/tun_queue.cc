// TunQueue: reading, writing, piping and control of one tun/tap queue fd (see tun_queue.h).
#include "tun_queue.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "addon_data.h"
#include "errors.h"
#include "fresh_thread.h"
#include "tun_ioctl.h"

namespace netloom {

namespace {

// Slabs kept for reuse per queue: one being filled, one or two lent out and
// on their way back.
constexpr size_t kIdleSlabs = 4;
// A piped queue forwards at most this many packets (as tunfwd.c does) and
// bytes (64 super-packets of 64 KiB) per wakeup before letting the rest of
// the loop run: bigger bursts showed as event-loop delay, not as speed.
constexpr uint32_t kPipeBudgetPackets = 64;
constexpr size_t kPipeBudgetBytes = 4 * 1024 * 1024;

void bytes_of(Napi::Env env, const Napi::Value& v, const char* what, const uint8_t*& p, size_t& n) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw_type_error(env, std::string(what) + " must be a Buffer or Uint8Array");
  Napi::Uint8Array a = v.As<Napi::Uint8Array>();
  p = a.Data();
  n = a.ByteLength();
}

uint32_t u32_arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsNumber()) throw_type_error(info.Env(), std::string(what) + " must be a number");
  return info[i].As<Napi::Number>().Uint32Value();
}

// Closing a tun fd takes RTNL (and deletes the device when it was the last
// reference): do it on a fresh thread. Should no thread start, the
// UniqueFd still closes the fd, right here.
Napi::Promise close_off_loop(Napi::Env env, int fd) {
  auto owned = std::make_shared<UniqueFd>(fd);
  return run_on_fresh_thread<int>(
      env,
      [owned]() {
        owned->reset();
        return 0;
      },
      [](Napi::Env e, int&) -> Napi::Value { return e.Undefined(); });
}

}  // namespace

// ---------------------------------------------------------------- setup

void TunQueue::Init(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "TunQueue",
                                    {
                                        InstanceMethod("start", &TunQueue::Start),
                                        InstanceMethod("pause", &TunQueue::Pause),
                                        InstanceMethod("resume", &TunQueue::Resume),
                                        InstanceMethod("write", &TunQueue::Write),
                                        InstanceMethod("writeRecords", &TunQueue::WriteRecords),
                                        InstanceMethod("writeArray", &TunQueue::WriteArray),
                                        InstanceMethod("drain", &TunQueue::Drain),
                                        InstanceMethod("pipe", &TunQueue::Pipe),
                                        InstanceMethod("unpipe", &TunQueue::Unpipe),
                                        InstanceMethod("stats", &TunQueue::Stats),
                                        InstanceMethod("control", &TunQueue::Control),
                                        InstanceMethod("setDetached", &TunQueue::SetDetached),
                                        InstanceMethod("close", &TunQueue::Close),
                                        InstanceMethod("ref", &TunQueue::RefLoop),
                                        InstanceMethod("unref", &TunQueue::UnrefLoop),
                                    });
  AddonData::of(env).tun_queue_ctor = Napi::Persistent(ctor);
}

Napi::Object TunQueue::New(Napi::Env env, int fd, TunFormat fmt, uint32_t batch_packets, size_t slab_size) {
  return AddonData::of(env).tun_queue_ctor.New({
      Napi::Number::New(env, fd),
      Napi::Boolean::New(env, fmt.tap),
      Napi::Number::New(env, fmt.pi_len),
      Napi::Number::New(env, fmt.vnet_len),
      Napi::Number::New(env, batch_packets),
      Napi::Number::New(env, static_cast<double>(slab_size)),
  });
}

TunQueue::TunQueue(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<TunQueue>(info), env_(info.Env()), writer_(-1, TunFormat{}, stats_) {
  // Own the fd before anything can throw: a failed construction closes it.
  if (info.Length() > 0 && info[0].IsNumber()) fd_.reset(info[0].As<Napi::Number>().Int32Value());
  if (info.Length() < 6 || !fd_) throw_type_error(env_, "TunQueue is created by tunOpen()");
  fmt_.tap = info[1].ToBoolean().Value();
  fmt_.pi_len = static_cast<uint8_t>(u32_arg(info, 2, "piLen"));
  fmt_.vnet_len = static_cast<uint8_t>(u32_arg(info, 3, "vnetLen"));
  batch_packets_ = u32_arg(info, 4, "batchPackets");
  size_t slab_size = u32_arg(info, 5, "slabSize");
  if (batch_packets_ < 1 || slab_size < (batch_packets_ + 1) * 4 + max_record(fmt_))
    throw_range_error(env_, "TunQueue: the slab is too small for the batch size and one packet");
  writer_.set_target(fd_.get(), fmt_);
  pool_ = std::make_shared<SlabPool>(slab_size, kIdleSlabs);
  poll_.open(env_, fd_.get(), this);
  async_ctx_ = std::make_unique<Napi::AsyncContext>(env_, "netloom.TunQueue", Value());
  poll_.on_teardown(cleanup_hook);
}

TunQueue::~TunQueue() {
  // Collected without close() (the JS layer warns): nothing can be pending,
  // since pending work holds a strong reference.
  if (!closed_) {
    poll_.forget_teardown();
    UniqueFd fd(shutdown(false));
  }
}

void TunQueue::cleanup_hook(void* arg) {
  auto* self = static_cast<TunQueue*>(arg);
  UniqueFd fd(self->shutdown(false, true));
}

// ---------------------------------------------------------------- polling

void TunQueue::on_poll(uv_poll_t* h, int status, int events) {
  auto* self = static_cast<TunQueue*>(h->data);
  if (self == nullptr) return;
  try {
    self->handle_poll(status, events);
  } catch (...) {
    // N-API failing (the env going away, out of memory): stop this queue
    // rather than let an exception reach libuv.
    try {
      self->read_failed(EIO);
    } catch (...) {
    }
  }
}

void TunQueue::handle_poll(int status, int events) {
  if (status < 0) {
    // libuv stops a handle on POLLERR. tun polls as an error once its
    // device is gone (deleted with `ip link del`) or the queue detached.
    // Packets waiting to be written never will be: drop them (counted) and
    // tell whoever waits for the drain.
    poll_events_ = 0;
    if (!writer_.idle()) {
      writer_.discard();
      fail_drains(EBADFD, "the device was deleted, or this queue detached, with packets waiting to be written");
    }
    read_failed(EBADFD);
    return;
  }
  if (events & UV_WRITABLE) on_writable();
  if (closed_) return;
  if (events & UV_READABLE) {
    if (target_ != nullptr) pump_pipe();
    else if (!on_batch_.IsEmpty()) read_batch();
  }
  update_poll();
}

void TunQueue::update_poll() {
  if (closed_ || !poll_) return;
  bool reading = target_ != nullptr || !on_batch_.IsEmpty();
  int ev = 0;
  if (reading && !paused_ && !blocked_ && !detached_) ev |= UV_READABLE;
  if (!writer_.idle() && !detached_) ev |= UV_WRITABLE;
  if (ev != poll_events_) {
    int r = ev ? poll_.start(ev, on_poll) : poll_.stop();
    poll_events_ = r == 0 ? ev : 0;
  }
  // While anything is in progress the JS object must stay: its callbacks
  // are still to be called, its buffers still to be written.
  bool keep = reading || !writer_.idle() || !drain_cbs_.empty() || !sources_.empty();
  hold_.update(*this, keep);
}

// ---------------------------------------------------------------- reading

void TunQueue::read_batch() {
  if (slab_ == nullptr) slab_ = pool_->take();
  if (slab_ == nullptr) {
    read_failed(ENOMEM);
    return;
  }
  const size_t cap = pool_->slab_size();
  const size_t data0 = (static_cast<size_t>(batch_packets_) + 1) * 4;
  const size_t maxrec = max_record(fmt_);
  auto put_off = [this](uint32_t i, size_t v) {
    uint32_t x = static_cast<uint32_t>(v);
    memcpy(slab_ + i * 4, &x, 4);
  };
  size_t off = data0;
  uint32_t count = 0;
  int err = 0;
  while (count < batch_packets_ && cap - off >= maxrec) {
    ssize_t n = ::read(fd_.get(), slab_ + off, maxrec);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) err = errno;
      break;
    }
    if (n == 0) break;
    put_off(count++, off - data0);
    off += static_cast<size_t>(n);
    stats_.rx_packets++;
    stats_.rx_bytes += static_cast<uint64_t>(n);
  }
  if (count > 0) {
    put_off(count, off - data0);
    stats_.rx_batches++;
    Napi::HandleScope hs(env_);
    Napi::CallbackScope scope(env_, *async_ctx_);
    Napi::Value buffer;
    Napi::Value lease = env_.Undefined();
    size_t start;
    size_t data_len = off - data0;
    size_t offs_len = (static_cast<size_t>(count) + 1) * 4;
    if (offs_len + data_len <= kCopyBelow) {
      // Small: one Buffer of its own, offsets then records; the slab stays.
      Napi::Buffer<uint8_t> b = Napi::Buffer<uint8_t>::New(env_, offs_len + data_len);
      memcpy(b.Data(), slab_, offs_len);
      memcpy(b.Data() + offs_len, slab_ + data0, data_len);
      buffer = b;
      start = offs_len;
    } else {
      Handed h = hand_to_js(env_, pool_, slab_, off);
      buffer = h.buffer;
      lease = h.lease;
      start = data0;
    }
    try {
      on_batch_.MakeCallback(Value(), {env_.Null(), buffer, Napi::Number::New(env_, count), Napi::Number::New(env_, static_cast<double>(start)), lease},
                             *async_ctx_);
    } catch (const Napi::Error& e) {
      napi_fatal_exception(env_, e.Value());  // the caller's bug: report it as uncaught
    }
  }
  if (err != 0 && !closed_) read_failed(err);
}

void TunQueue::pump_pipe() {
  const size_t maxrec = max_record(fmt_);
  if (!scratch_) scratch_.reset(new uint8_t[maxrec]);
  size_t bytes = 0;
  bool any = false;
  const uint32_t budget = batch_packets_ < kPipeBudgetPackets ? batch_packets_ : kPipeBudgetPackets;
  for (uint32_t i = 0; i < budget && bytes < kPipeBudgetBytes && target_ != nullptr; i++) {
    if (!target_->writer_.idle()) {
      // The other side is waiting for room: stop reading (the kernel holds
      // the packets) until it drains, rather than queue without bound.
      blocked_ = true;
      break;
    }
    ssize_t n = ::read(fd_.get(), scratch_.get(), maxrec);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) read_failed(errno);
      break;
    }
    if (n == 0) break;
    any = true;
    stats_.rx_packets++;
    stats_.rx_bytes += static_cast<uint64_t>(n);
    bytes += static_cast<size_t>(n);
    int err = 0;
    target_->writer_.write_record(scratch_.get(), static_cast<size_t>(n), fmt_, err);  // refusals are counted there
  }
  if (any) stats_.rx_batches++;
  if (target_ != nullptr) target_->update_poll();
}

void TunQueue::read_failed(int err) {
  Napi::HandleScope hs(env_);
  Napi::CallbackScope scope(env_, *async_ctx_);
  const char* why = "read";
  if (target_ != nullptr) {
    end_pipe(why, err);
  } else if (!on_batch_.IsEmpty()) {
    Napi::FunctionReference cb = std::move(on_batch_);
    update_poll();
    try {
      cb.MakeCallback(Value(), {errno_error(env_, err, why).Value()}, *async_ctx_);
    } catch (const Napi::Error& e) {
      napi_fatal_exception(env_, e.Value());
    }
  }
  update_poll();
}

Napi::Value TunQueue::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) throw errno_error(env, EBADF, "read (closed)");
  if (target_ != nullptr) throw errno_error(env, EBUSY, "read (this queue is piped to another)");
  if (info.Length() < 1 || !info[0].IsFunction()) throw_type_error(env, "start(onBatch): onBatch must be a function");
  on_batch_ = Napi::Persistent(info[0].As<Napi::Function>());
  update_poll();
  return env.Undefined();
}

Napi::Value TunQueue::Pause(const Napi::CallbackInfo& info) {
  paused_ = true;
  update_poll();
  return info.Env().Undefined();
}

Napi::Value TunQueue::Resume(const Napi::CallbackInfo& info) {
  paused_ = false;
  update_poll();
  return info.Env().Undefined();
}

Napi::Value TunQueue::SetDetached(const Napi::CallbackInfo& info) {
  detached_ = info.Length() > 0 && info[0].ToBoolean().Value();
  update_poll();
  return info.Env().Undefined();
}

// ---------------------------------------------------------------- writing

Napi::Value TunQueue::written(TunWriter::Result r, int err, bool single) {
  if (r == TunWriter::kQueued) update_poll();
  if (r == TunWriter::kDropped && single) throw errno_error(env_, err, "write");
  return Napi::Boolean::New(env_, writer_.idle());
}

Napi::Value TunQueue::Write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) throw errno_error(env, EBADF, "write (closed)");
  const uint8_t* p;
  size_t n;
  bytes_of(env, info[0], "packet", p, n);
  const uint8_t* vp = nullptr;
  size_t vn = 0;
  if (info.Length() > 1 && !info[1].IsUndefined()) bytes_of(env, info[1], "vnet header", vp, vn);
  int err = 0;
  TunWriter::Result r = writer_.write_frame(p, n, vp, vn, err);
  return written(r, err, true);
}

Napi::Value TunQueue::WriteRecords(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) throw errno_error(env, EBADF, "write (closed)");
  const uint8_t* data;
  size_t len;
  bytes_of(env, info[0], "buffer", data, len);
  if (info.Length() < 2 || !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array)
    throw_type_error(env, "writeRecords: offsets must be a Uint32Array");
  Napi::Uint32Array offs = info[1].As<Napi::Uint32Array>();
  uint32_t count = u32_arg(info, 2, "count");
  if (offs.ElementLength() < static_cast<size_t>(count) + 1) throw_range_error(env, "writeRecords: offsets shorter than count + 1");
  TunFormat src;
  src.tap = info[3].ToBoolean().Value();
  src.pi_len = static_cast<uint8_t>(u32_arg(info, 4, "piLen"));
  src.vnet_len = static_cast<uint8_t>(u32_arg(info, 5, "vnetLen"));
  const uint32_t* o = offs.Data();
  TunWriter::Result worst = TunWriter::kWritten;
  int err = 0;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t s = o[i], e = o[i + 1];
    if (s > e || e > len) throw_range_error(env, "writeRecords: offsets out of order or beyond the buffer");
    TunWriter::Result r = writer_.write_record(data + s, e - s, src, err);
    if (r == TunWriter::kQueued) worst = r;
  }
  return written(worst, err, false);
}

Napi::Value TunQueue::WriteArray(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) throw errno_error(env, EBADF, "write (closed)");
  if (info.Length() < 1 || !info[0].IsArray()) throw_type_error(env, "writeArray(frames): frames must be an array");
  Napi::Array a = info[0].As<Napi::Array>();
  TunWriter::Result worst = TunWriter::kWritten;
  int err = 0;
  for (uint32_t i = 0, n = a.Length(); i < n; i++) {
    const uint8_t* p;
    size_t len;
    bytes_of(env, a.Get(i), "packet", p, len);
    TunWriter::Result r = writer_.write_frame(p, len, nullptr, 0, err);
    if (r == TunWriter::kQueued) worst = r;
  }
  return written(worst, err, false);
}

void TunQueue::on_writable() {
  if (writer_.flush()) notify_drained();
}

void TunQueue::notify_drained() {
  std::vector<TunQueue*> sources = sources_;
  for (TunQueue* s : sources) {
    if (s->blocked_) {
      s->blocked_ = false;
      s->update_poll();
    }
  }
  if (drain_cbs_.empty()) return;
  std::vector<Napi::FunctionReference> cbs = std::move(drain_cbs_);
  drain_cbs_.clear();
  Napi::HandleScope hs(env_);
  Napi::CallbackScope scope(env_, *async_ctx_);
  for (auto& cb : cbs) {
    try {
      cb.MakeCallback(Value(), {env_.Null()}, *async_ctx_);
    } catch (const Napi::Error& e) {
      napi_fatal_exception(env_, e.Value());
    }
  }
}

Napi::Value TunQueue::Drain(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) throw errno_error(env, EBADF, "drain (closed)");
  if (writer_.idle()) return Napi::Boolean::New(env, true);
  if (info.Length() < 1 || !info[0].IsFunction()) throw_type_error(env, "drain(cb): cb must be a function");
  drain_cbs_.push_back(Napi::Persistent(info[0].As<Napi::Function>()));
  update_poll();
  return Napi::Boolean::New(env, false);
}

void TunQueue::fail_drains(int err, const char* why) {
  std::vector<Napi::FunctionReference> cbs = std::move(drain_cbs_);
  drain_cbs_.clear();
  call_drains(cbs, err, why);
}

void TunQueue::call_drains(std::vector<Napi::FunctionReference>& cbs, int err, const char* why) {
  if (cbs.empty()) return;
  Napi::HandleScope hs(env_);
  Napi::CallbackScope scope(env_, *async_ctx_);
  for (auto& cb : cbs) {
    Napi::Error e = errno_error(env_, err, "drain");
    e.Value().Set("message", why);
    try {
      cb.MakeCallback(Value(), {e.Value()}, *async_ctx_);
    } catch (const Napi::Error& ex) {
      napi_fatal_exception(env_, ex.Value());
    }
  }
}

// ---------------------------------------------------------------- piping

Napi::Value TunQueue::Pipe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) throw errno_error(env, EBADF, "pipe (closed)");
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) throw_type_error(env, "pipe(target, onEnd): expected a TunQueue and a function");
  Napi::Object obj = info[0].As<Napi::Object>();
  if (!obj.InstanceOf(AddonData::of(env).tun_queue_ctor.Value())) throw_type_error(env, "pipe: target must be a TunQueue of the same thread");
  TunQueue* t = Unwrap(obj);
  if (t == this) throw_type_error(env, "pipe: a queue cannot pipe to itself");
  if (t->closed_) throw errno_error(env, EBADF, "pipe (the target is closed)");
  if (target_ != nullptr || !on_batch_.IsEmpty()) throw errno_error(env, EBUSY, "pipe (this queue is already being read)");
  if (t->fmt_.tap != fmt_.tap || t->fmt_.pi_len != fmt_.pi_len) throw_type_error(env, "pipe: both queues must be tun, or both tap, with the same packet-info setting");
  target_ = t;
  target_ref_ = Napi::Persistent(obj);
  on_pipe_end_ = Napi::Persistent(info[1].As<Napi::Function>());
  t->sources_.push_back(this);
  t->update_poll();
  update_poll();
  return env.Undefined();
}

void TunQueue::end_pipe(const char* why, int err) {
  if (target_ == nullptr) return;
  TunQueue* t = target_;
  t->sources_.erase(std::remove(t->sources_.begin(), t->sources_.end(), this), t->sources_.end());
  target_ = nullptr;
  blocked_ = false;
  Napi::FunctionReference cb = std::move(on_pipe_end_);
  Napi::ObjectReference keep = std::move(target_ref_);  // released at the end of this scope
  t->update_poll();
  update_poll();
  if (cb.IsEmpty()) return;
  Napi::HandleScope hs(env_);
  Napi::CallbackScope scope(env_, *async_ctx_);
  Napi::Value e = err ? errno_error(env_, err, why).Value() : env_.Null();
  try {
    cb.MakeCallback(Value(), {e, Napi::String::New(env_, why)}, *async_ctx_);
  } catch (const Napi::Error& ex) {
    napi_fatal_exception(env_, ex.Value());
  }
}

Napi::Value TunQueue::Unpipe(const Napi::CallbackInfo& info) {
  end_pipe("unpipe", 0);
  return info.Env().Undefined();
}

// ---------------------------------------------------------------- control

Napi::Value TunQueue::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  auto n = [&](const char* k, uint64_t v) { o.Set(k, Napi::Number::New(env, static_cast<double>(v))); };
  n("rxPackets", stats_.rx_packets);
  n("rxBytes", stats_.rx_bytes);
  n("rxBatches", stats_.rx_batches);
  n("txPackets", stats_.tx_packets);
  n("txBytes", stats_.tx_bytes);
  n("txDropped", stats_.tx_dropped);
  n("txSegmented", stats_.tx_segmented);
  n("txQueuedPackets", writer_.queued_packets());
  n("txQueuedBytes", writer_.queued_bytes());
  o.Set("lastTxError", stats_.last_tx_error ? Napi::Value(Napi::String::New(env, errno_name(stats_.last_tx_error))) : env.Null());
  n("slabs", pool_ ? pool_->live() : 0);
  return o;
}

Napi::Value TunQueue::Control(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) throw errno_error(env, EBADF, "control (closed)");
  uint32_t op = u32_arg(info, 0, "op");
  uint32_t value = u32_arg(info, 1, "value");
  if (op > static_cast<uint32_t>(tunio::Op::kSndbuf)) throw_range_error(env, "control: unknown op");
  // The thread works on its own copy of the fd: closing ours meanwhile
  // cannot make it touch a number that was reused.
  int dup = ::fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0);
  if (dup < 0) throw errno_error(env, errno, "fcntl");
  auto owned = std::make_shared<UniqueFd>(dup);
  struct Result {
    int err = 0;
    const char* syscall = nullptr;
    unsigned value = 0;
  };
  return run_on_fresh_thread<Result>(
      env,
      [owned, op, value]() {
        Result r;
        int fd = owned->get();
        switch (static_cast<tunio::Op>(op)) {
          case tunio::Op::kQueue:
            r.err = tunio::set_queue(fd, value != 0);
            r.syscall = tunio::name_of(TUNSETQUEUE);
            break;
          case tunio::Op::kCarrier:
            r.err = tunio::set_int(fd, TUNSETCARRIER, value != 0);
            r.syscall = tunio::name_of(TUNSETCARRIER);
            break;
          case tunio::Op::kPersist:
            r.err = tunio::set_value(fd, TUNSETPERSIST, value != 0);
            r.syscall = tunio::name_of(TUNSETPERSIST);
            break;
          case tunio::Op::kOffload:
            r.err = tunio::negotiate_offload(fd, value, r.value);
            r.syscall = tunio::name_of(TUNSETOFFLOAD);
            break;
          case tunio::Op::kSndbuf:
            r.err = tunio::set_int(fd, TUNSETSNDBUF, static_cast<int>(value));
            r.syscall = tunio::name_of(TUNSETSNDBUF);
            break;
        }
        owned->reset();
        return r;
      },
      [](Napi::Env e, Result& r) -> Napi::Value {
        if (r.err) throw errno_error(e, r.err, r.syscall);
        return Napi::Number::New(e, r.value);
      });
}

// ---------------------------------------------------------------- closing

int TunQueue::shutdown(bool notify, bool teardown) {
  if (closed_) return -1;
  closed_ = true;
  poll_.close(teardown);  // stop, detach, close: before the fd
  poll_events_ = 0;
  writer_.discard();
  writer_.detach_fd();
  on_batch_.Reset();
  std::vector<Napi::FunctionReference> drains = std::move(drain_cbs_);
  drain_cbs_.clear();
  std::vector<TunQueue*> sources = sources_;
  if (notify) {
    end_pipe("closed", 0);
    for (TunQueue* s : sources) s->end_pipe("the destination was closed", 0);
    call_drains(drains, ECANCELED, "the queue was closed with packets waiting to be written");
  } else {
    // The env is going away: unlink without calling into JavaScript.
    if (target_ != nullptr) {
      auto& ts = target_->sources_;
      ts.erase(std::remove(ts.begin(), ts.end(), this), ts.end());
      target_ = nullptr;
      target_ref_.Reset();
      on_pipe_end_.Reset();
    }
    for (TunQueue* s : sources) {
      s->target_ = nullptr;
      s->target_ref_.Reset();
      s->on_pipe_end_.Reset();
      s->blocked_ = false;
    }
  }
  sources_.clear();
  if (slab_ != nullptr) {
    pool_->give(slab_);
    slab_ = nullptr;
  }
  hold_.release(*this, notify);
  return fd_.release();
}

Napi::Value TunQueue::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) {
    auto d = Napi::Promise::Deferred::New(env);
    d.Resolve(env.Undefined());
    return d.Promise();
  }
  poll_.forget_teardown();
  int fd = shutdown(true);
  return close_off_loop(env, fd);
}

Napi::Value TunQueue::RefLoop(const Napi::CallbackInfo& info) {
  loop_ref_ = true;
  poll_.set_loop_ref(true);
  return info.Env().Undefined();
}

Napi::Value TunQueue::UnrefLoop(const Napi::CallbackInfo& info) {
  loop_ref_ = false;
  poll_.set_loop_ref(false);
  return info.Env().Undefined();
}

}  // namespace netloom
