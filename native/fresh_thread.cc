#include "fresh_thread.h"

#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "errors.h"

namespace netloom {

namespace {

struct Job {
  Job(Napi::Env env, FreshDone d) : deferred(Napi::Promise::Deferred::New(env)), done(std::move(d)) {}
  Napi::Promise::Deferred deferred;
  FreshDone done;
  FdResult result;
};

void deliver(Napi::Env env, Napi::Function, Job* job) {
  std::unique_ptr<Job> owned(job);
  if (env == nullptr) {  // the env is going away: nobody to hand the fd to
    if (job->result.fd >= 0) ::close(job->result.fd);
    return;
  }
  // A callback scope so promise reactions run as soon as we return.
  Napi::HandleScope hs(env);
  Napi::AsyncContext ctx(env, "netloom.freshThread");
  Napi::CallbackScope scope(env, ctx);
  const FdResult& r = job->result;
  if (r.err != 0) {
    job->deferred.Reject(errno_error(env, r.err, r.syscall ? r.syscall : "thread").Value());
    return;
  }
  try {
    job->deferred.Resolve(job->done(env, r.fd));
  } catch (const Napi::Error& e) {
    job->deferred.Reject(e.Value());
  }
}

}  // namespace

Napi::Promise run_on_fresh_thread(Napi::Env env, FreshWork work, FreshDone done) {
  auto* job = new Job(env, std::move(done));
  Napi::Promise promise = job->deferred.Promise();
  auto tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function(), "netloom.freshThread", 0, 1);
  try {
    std::thread([tsfn, job, work = std::move(work)]() mutable {
      job->result = work();
      napi_status st = tsfn.BlockingCall(job, deliver);
      if (st != napi_ok) {  // the env is closing: clean up here instead
        if (job->result.fd >= 0) ::close(job->result.fd);
        delete job;
      }
      tsfn.Release();
    }).detach();
  } catch (const std::system_error& e) {  // could not start a thread (EAGAIN: limits)
    tsfn.Release();
    job->deferred.Reject(errno_error(env, e.code().value(), "pthread_create").Value());
    delete job;
  }
  return promise;
}

bool enter_netns(int netns_fd, FdResult& r) {
  if (netns_fd < 0) return true;
  if (::setns(netns_fd, CLONE_NEWNET) != 0) {
    r = FdResult::fail(errno, "setns");
    return false;
  }
  return true;
}

}  // namespace netloom
