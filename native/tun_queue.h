// One queue (one fd) of a tun/tap device, driven by libuv: a uv_poll on the
// fd, on the loop of the env that made it (worker threads work), and no
// other thread for packet I/O. On readable it reads until EAGAIN or its
// budget (packets, and the room in one slab) and crosses into JavaScript
// once per wakeup with the whole batch; or, when piped to another queue,
// forwards each packet natively without entering JavaScript at all. Writes
// go out at once and wait for UV_WRITABLE only when the kernel says EAGAIN.
//
// Control ioctls (attach/detach a queue, carrier, persist, offloads) take
// the kernel's RTNL lock, which other work can hold for tens of
// milliseconds, so they run on a short-lived thread, never on the loop. So
// does the final close(): releasing a tun fd takes RTNL too, and deletes the
// device when it was the last.
#pragma once

#include <napi.h>
#include <uv.h>

#include <memory>
#include <vector>

#include "fd_poll.h"
#include "slab_pool.h"
#include "tun_writer.h"
#include "unique_fd.h"

namespace netloom {

class TunQueue : public Napi::ObjectWrap<TunQueue> {
 public:
  // Registers the class; the constructor is only reached through New.
  static void Init(Napi::Env env);
  // Wrap an open, attached tun fd (ownership moves to the object).
  static Napi::Object New(Napi::Env env, int fd, TunFormat fmt, uint32_t batch_packets, size_t slab_size);

  explicit TunQueue(const Napi::CallbackInfo& info);
  ~TunQueue() override;

 private:
  // start(onBatch): onBatch(err, buffer, count, dataStart, lease) per wakeup.
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Pause(const Napi::CallbackInfo& info);
  Napi::Value Resume(const Napi::CallbackInfo& info);
  // write(frame[, vnetHeader]) → true if written, false if queued (EAGAIN).
  Napi::Value Write(const Napi::CallbackInfo& info);
  // writeRecords(buffer, offsets, count, srcTap, srcPiLen, srcVnetLen) → true / false as write.
  Napi::Value WriteRecords(const Napi::CallbackInfo& info);
  // writeArray(frames) → true / false as write.
  Napi::Value WriteArray(const Napi::CallbackInfo& info);
  // drain(cb): true if nothing is queued (cb not kept), else cb(err) later.
  Napi::Value Drain(const Napi::CallbackInfo& info);
  // pipe(target, onEnd): forward every packet read here to target natively.
  Napi::Value Pipe(const Napi::CallbackInfo& info);
  Napi::Value Unpipe(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  // control(op, value) → Promise; on a fresh thread (see above).
  Napi::Value Control(const Napi::CallbackInfo& info);
  // setDetached(bool): stop (or resume) polling around TUNSETQUEUE detach/attach.
  Napi::Value SetDetached(const Napi::CallbackInfo& info);
  // close() → Promise resolved once the fd is closed.
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value RefLoop(const Napi::CallbackInfo& info);
  Napi::Value UnrefLoop(const Napi::CallbackInfo& info);

  static void on_poll(uv_poll_t* h, int status, int events);
  void handle_poll(int status, int events);
  void read_batch();
  void pump_pipe();
  void on_writable();
  void read_failed(int err);
  void update_poll();
  void end_pipe(const char* why, int err);
  void notify_drained();
  // Reject the waiting drain() callbacks (the queue cannot drain any more).
  void fail_drains(int err, const char* why);
  void call_drains(std::vector<Napi::FunctionReference>& cbs, int err, const char* why);
  Napi::Value written(TunWriter::Result r, int err, bool single);

  // Stop everything and give up the fd (returned, so Close can close it off
  // the loop; shutdown(false) closes it here: the env is going away).
  // `teardown`: called from the env cleanup hook (see uv_close.h).
  int shutdown(bool notify, bool teardown = false);
  static void cleanup_hook(void* arg);

  Napi::Env env_;
  UniqueFd fd_;
  TunFormat fmt_;
  TunStats stats_;
  TunWriter writer_;
  FdPoll poll_;  // after fd_: closed before it
  int poll_events_ = 0;
  bool loop_ref_ = true;
  BusyHold hold_;
  bool closed_ = false;
  bool paused_ = false;
  bool detached_ = false;  // TUNSETQUEUE detach: the fd polls as an error until attached again
  std::unique_ptr<Napi::AsyncContext> async_ctx_;

  // Reading into slabs for JavaScript.
  Napi::FunctionReference on_batch_;
  std::shared_ptr<SlabPool> pool_;
  uint8_t* slab_ = nullptr;
  uint32_t batch_packets_;

  // Piping: this queue's packets go to target_; sources_ pipe into this one.
  TunQueue* target_ = nullptr;
  Napi::ObjectReference target_ref_;
  Napi::FunctionReference on_pipe_end_;
  bool blocked_ = false;  // target_ has packets queued: stop reading until it drains
  std::vector<TunQueue*> sources_;
  std::unique_ptr<uint8_t[]> scratch_;

  std::vector<Napi::FunctionReference> drain_cbs_;
};

}  // namespace netloom
