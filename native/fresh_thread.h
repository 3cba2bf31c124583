// Namespace-sensitive work (socket creation, unshare, opening files that
// belong to a namespace) runs on a new, short-lived thread: setns() switches
// only the calling thread, so doing it on a thread that exits right after
// means no thread — least of all the event loop or a libuv pool thread — is
// ever left in a foreign namespace, and the event loop never waits.
#pragma once

#include <napi.h>

#include <functional>

namespace netloom {

// What the fresh thread produced: an fd, or the errno and the syscall that failed.
struct FdResult {
  int fd = -1;
  int err = 0;
  const char* syscall = nullptr;

  static FdResult fail(int e, const char* sc) { return FdResult{-1, e, sc}; }
};

using FreshWork = std::function<FdResult()>;
// Turns a successful fd into the promise's value on the loop thread; owns the fd from then on.
using FreshDone = std::function<Napi::Value(Napi::Env, int fd)>;

// Runs `work` on a new std::thread and settles the returned promise on the
// env's loop. If the env is torn down before delivery, the fd is closed.
Napi::Promise run_on_fresh_thread(Napi::Env env, FreshWork work, FreshDone done);

// For use inside FreshWork only: switch the calling thread into the network
// namespace behind `netns_fd`. Returns false and fills `r` on failure.
bool enter_netns(int netns_fd, FdResult& r);

}  // namespace netloom
