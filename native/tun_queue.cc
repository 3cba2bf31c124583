// TunQueue: setup, polling, control and closing of one tun/tap queue fd (see tun_queue.h); reading, writing and piping are tun_queue_io.cc.
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
#include "napi_args.h"
#include "tun_ioctl.h"

namespace netloom {

namespace {

// Slabs kept for reuse per queue: one being filled, one or two lent out and
// on their way back.
constexpr size_t kIdleSlabs = 4;

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
