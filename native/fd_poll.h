// The libuv watch of one fd for a wrapped JS object: its uv_poll_t, its env cleanup hook, and the hold on the object while busy.
//
// NlSocket and TunQueue both poll an fd on the loop of the env that made
// them (so worker threads work) and live through the same steps: the poll
// made in the constructor, a cleanup hook so the env's teardown closes it,
// a strong reference on the JS object while work is in progress, and a
// close that stops polling, detaches the handle from its owner (a callback
// already queued then finds no owner) and closes it (see uv_close.h)
// before the owner closes the fd.
#pragma once

#include <napi.h>
#include <uv.h>

namespace netloom {

class FdPoll {
 public:
  FdPoll() = default;
  // Makes the poll for `fd` on env's loop, `owner` in its data. Throws a
  // JS error if there is no loop or libuv refuses the fd.
  void open(Napi::Env env, int fd, void* owner);
  // Closes the handle if the owner has not (never at env teardown: the
  // cleanup hook has closed it by then).
  ~FdPoll();
  FdPoll(const FdPoll&) = delete;
  FdPoll& operator=(const FdPoll&) = delete;

  uv_loop_t* loop() const { return loop_; }
  // Null once closed.
  uv_poll_t* get() const { return poll_; }
  explicit operator bool() const { return poll_ != nullptr; }

  int start(int events, uv_poll_cb cb) { return uv_poll_start(poll_, events, cb); }
  int stop() { return uv_poll_stop(poll_); }
  // Whether the handle keeps the loop alive (when open).
  void set_loop_ref(bool on);

  // Call `hook(owner)` when the env is torn down; forget_teardown() before
  // a close of the owner's own making.
  void on_teardown(void (*hook)(void*));
  void forget_teardown();

  // Stop polling, detach the owner and close the handle; `teardown`: from
  // the env cleanup hook (see uv_close.h). Does nothing once closed.
  void close(bool teardown);

 private:
  napi_env env_ = nullptr;
  uv_loop_t* loop_ = nullptr;
  uv_poll_t* poll_ = nullptr;
  void* owner_ = nullptr;
  void (*hook_)(void*) = nullptr;
};

// A strong reference on a wrapped JS object while it has work in progress
// (callbacks still to be called, promises to settle, buffers to write), so
// that it is not collected meanwhile.
class BusyHold {
 public:
  void update(Napi::Reference<Napi::Object>& self, bool busy) {
    if (busy && !held_) {
      self.Ref();
      held_ = true;
    } else if (!busy && held_) {
      self.Unref();
      held_ = false;
    }
  }
  // At shutdown: give the hold up; `unref` false when the env is going away
  // (no JS then: the reference goes with the object).
  void release(Napi::Reference<Napi::Object>& self, bool unref) {
    if (held_) {
      if (unref) self.Unref();
      held_ = false;
    }
  }

 private:
  bool held_ = false;
};

}  // namespace netloom
