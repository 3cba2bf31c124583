// TunQueue, the packet side: batched reads into slabs, writes (queued on
// EAGAIN, drained), and the native pipe from one queue to another.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "addon_data.h"
#include "errors.h"
#include "napi_args.h"
#include "tun_queue.h"

namespace netloom {

namespace {
// A piped queue forwards at most this many packets (as tunfwd.c does) and
// bytes per wakeup before letting the rest of the loop run: bigger bursts
// showed as event-loop delay, not as speed. 1 MiB is 16 super-packets of
// 64 KiB: writing one into the other device costs the kernel tens of
// microseconds, and both directions' callbacks run in one loop iteration,
// so 4 MiB (64 of them each way) held the loop for up to ~5 ms.
constexpr uint32_t kPipeBudgetPackets = 64;
constexpr size_t kPipeBudgetBytes = 1024 * 1024;
}  // namespace

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

}  // namespace netloom
