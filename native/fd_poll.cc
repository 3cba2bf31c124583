// FdPoll: making, closing and tearing down the uv_poll_t of one fd (see fd_poll.h).
#include "fd_poll.h"

#include "errors.h"
#include "uv_close.h"

namespace netloom {

void FdPoll::open(Napi::Env env, int fd, void* owner) {
  env_ = env;
  owner_ = owner;
  if (napi_get_uv_event_loop(env, &loop_) != napi_ok || loop_ == nullptr) throw Napi::Error::New(env, "no event loop");
  poll_ = new uv_poll_t;
  if (int r = uv_poll_init(loop_, poll_, fd); r != 0) {
    delete poll_;
    poll_ = nullptr;
    throw errno_error(env, -r, "uv_poll_init");
  }
  poll_->data = owner_;
}

FdPoll::~FdPoll() {
  forget_teardown();
  close(false);
}

void FdPoll::set_loop_ref(bool on) {
  if (poll_ == nullptr) return;
  if (on) uv_ref(reinterpret_cast<uv_handle_t*>(poll_));
  else uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
}

void FdPoll::on_teardown(void (*hook)(void*)) {
  hook_ = hook;
  napi_add_env_cleanup_hook(env_, hook_, owner_);
}

void FdPoll::forget_teardown() {
  if (hook_ == nullptr) return;
  napi_remove_env_cleanup_hook(env_, hook_, owner_);
  hook_ = nullptr;
}

void FdPoll::close(bool teardown) {
  // The env runs (and forgets) the hook that brought us here.
  if (teardown) hook_ = nullptr;
  if (poll_ == nullptr) return;
  uv_poll_stop(poll_);
  poll_->data = nullptr;
  close_handle(poll_, teardown);
  poll_ = nullptr;
}

}  // namespace netloom
