// Namespace-sensitive work (socket creation, unshare, opening files that
// belong to a namespace, a blocking probe like ping) runs on a new,
// short-lived thread: setns() switches only the calling thread, so doing it
// on a thread that exits right after means no thread — least of all the
// event loop or a libuv pool thread — is ever left in a foreign namespace,
// and the event loop never waits.
#pragma once

#include <napi.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <system_error>
#include <thread>

#include "errors.h"

namespace netloom {

// What fd-producing work returns: an fd, or the errno and the failed syscall.
struct FdResult {
  int fd = -1;
  int err = 0;
  const char* syscall = nullptr;

  static FdResult fail(int e, const char* sc) { return FdResult{-1, e, sc}; }
};

// For use inside the work function only: switch the calling thread into the
// network namespace behind `netns_fd`. Returns false and fills `r` on failure.
bool enter_netns(int netns_fd, FdResult& r);

namespace detail {

template <typename R>
struct FreshJob {
  FreshJob(Napi::Env env, std::function<Napi::Value(Napi::Env, R&)> d, std::function<void(R&)> disc)
      : deferred(Napi::Promise::Deferred::New(env)), done(std::move(d)), discard(std::move(disc)) {}
  Napi::Promise::Deferred deferred;
  std::function<Napi::Value(Napi::Env, R&)> done;
  std::function<void(R&)> discard;
  R result{};
};

template <typename R>
void fresh_deliver(Napi::Env env, Napi::Function, FreshJob<R>* job) {
  std::unique_ptr<FreshJob<R>> owned(job);
  if (env == nullptr) {  // the env is going away: nobody to hand the result to
    if (job->discard) job->discard(job->result);
    return;
  }
  Napi::HandleScope hs(env);
  Napi::AsyncContext ctx(env, "netloom.freshThread");
  Napi::CallbackScope scope(env, ctx);  // promise reactions run as soon as we return
  try {
    job->deferred.Resolve(job->done(env, job->result));
  } catch (const Napi::Error& e) {
    job->deferred.Reject(e.Value());
  }
}

}  // namespace detail

// Runs `work` on a new std::thread and settles the returned promise on the
// env's loop with `done(env, result)` (which may throw to reject). If the env
// is torn down first, `discard(result)` releases what the result holds.
template <typename R>
Napi::Promise run_on_fresh_thread(Napi::Env env, std::function<R()> work, std::function<Napi::Value(Napi::Env, R&)> done,
                                  std::function<void(R&)> discard = {}) {
  auto* job = new detail::FreshJob<R>(env, std::move(done), std::move(discard));
  Napi::Promise promise = job->deferred.Promise();
  auto tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function(), "netloom.freshThread", 0, 1);
  try {
    std::thread([tsfn, job, work = std::move(work)]() mutable {
      job->result = work();
      if (tsfn.BlockingCall(job, detail::fresh_deliver<R>) != napi_ok) {  // env closing
        if (job->discard) job->discard(job->result);
        delete job;
      }
      tsfn.Release();
    }).detach();
  } catch (const std::system_error& e) {  // no thread (EAGAIN: limits)
    tsfn.Release();
    job->deferred.Reject(errno_error(env, e.code().value(), "pthread_create").Value());
    delete job;
  }
  return promise;
}

// The common case: work that yields an fd. `done` receives a valid fd and
// owns it from then on; errors reject with errno_error; an undelivered fd is closed.
Napi::Promise run_fd_on_fresh_thread(Napi::Env env, std::function<FdResult()> work,
                                     std::function<Napi::Value(Napi::Env, int fd)> done);

}  // namespace netloom
