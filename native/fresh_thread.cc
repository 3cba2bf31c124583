// Running namespace-sensitive work on a short-lived thread (see fresh_thread.h).
#include "fresh_thread.h"

#include <sched.h>

#include <cerrno>

namespace netloom {

bool enter_netns(int netns_fd, FdResult& r) {
  if (netns_fd < 0) return true;
  if (::setns(netns_fd, CLONE_NEWNET) != 0) {
    r = FdResult::fail(errno, "setns");
    return false;
  }
  return true;
}

Napi::Promise run_fd_on_fresh_thread(Napi::Env env, std::function<FdResult()> work,
                                     std::function<Napi::Value(Napi::Env, int fd)> done) {
  return run_on_fresh_thread<FdResult>(
      env, std::move(work),
      [done = std::move(done)](Napi::Env e, FdResult& r) -> Napi::Value {
        if (r.err != 0) throw errno_error(e, r.err, r.syscall ? r.syscall : "thread");
        int fd = r.fd;
        r.fd = -1;
        return done(e, fd);
      },
      [](FdResult& r) {
        if (r.fd >= 0) ::close(r.fd);
      });
}

}  // namespace netloom
