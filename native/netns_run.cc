// NetNs.run(fn) and namespace sysctls read and written from inside (see netns_run.h).
#include "netns_run.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "errors.h"
#include "fresh_thread.h"
#include "unique_fd.h"

namespace netloom {

namespace {

int fd_arg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsNumber()) throw_type_error(info.Env(), "netnsFd must be a number");
  int fd = info[i].As<Napi::Number>().Int32Value();
  if (fd < 0) throw_range_error(info.Env(), "netnsFd must be >= 0");
  return fd;
}

// A path below /proc/sys/net, checked so it cannot leave that directory.
std::string sysctl_path(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsString()) throw_type_error(info.Env(), "path must be a string");
  std::string rel = info[i].As<Napi::String>().Utf8Value();
  if (rel.empty() || rel[0] == '/' || rel.find("..") != std::string::npos || rel.find('\0') != std::string::npos)
    throw_type_error(info.Env(), "path must be relative to /proc/sys/net, without '..'");
  return "/proc/sys/net/" + rel;
}

// Restores the calling thread's namespace when it goes out of scope. If that
// fails the thread would run on in a foreign namespace: there is no safe way
// to continue, so the process stops with a clear message.
class NetnsGuard {
 public:
  explicit NetnsGuard(int saved) : saved_(saved) {}
  ~NetnsGuard() {
    if (::setns(saved_.get(), CLONE_NEWNET) != 0)
      napi_fatal_error("netloom.NetNs.run", NAPI_AUTO_LENGTH, "could not switch the thread back to its namespace", NAPI_AUTO_LENGTH);
  }
  NetnsGuard(const NetnsGuard&) = delete;
  NetnsGuard& operator=(const NetnsGuard&) = delete;

 private:
  UniqueFd saved_;
};

struct TextResult {
  int err = 0;
  const char* syscall = nullptr;
  std::string text;
};

}  // namespace

Napi::Value RunIn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int nsfd = fd_arg(info, 0);
  if (info.Length() < 2 || !info[1].IsFunction()) throw_type_error(env, "run(fn): fn must be a function");
  UniqueFd saved(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!saved) throw errno_error(env, errno, "open");
  if (::setns(nsfd, CLONE_NEWNET) != 0) throw errno_error(env, errno, "setns");
  NetnsGuard back(saved.release());
  // Exceptions thrown by fn (Napi::Error) unwind through the guard first.
  return info[1].As<Napi::Function>().Call(env.Undefined(), {});
}

Napi::Value SysctlRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int dup = ::fcntl(fd_arg(info, 0), F_DUPFD_CLOEXEC, 0);
  if (dup < 0) throw errno_error(env, errno, "fcntl");
  std::string path = sysctl_path(info, 1);
  return run_on_fresh_thread<TextResult>(
      env,
      [dup, path]() {
        UniqueFd ns(dup);
        TextResult r;
        FdResult fr;
        if (!enter_netns(ns.get(), fr)) return TextResult{fr.err, fr.syscall, {}};
        UniqueFd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!f) return TextResult{errno, "open", {}};
        char buf[4096];
        for (;;) {
          ssize_t n = ::read(f.get(), buf, sizeof buf);
          if (n < 0 && errno == EINTR) continue;
          if (n < 0) return TextResult{errno, "read", {}};
          if (n == 0) break;
          r.text.append(buf, static_cast<size_t>(n));
          if (r.text.size() > 1 << 20) break;  // no sysctl is this long; bound it anyway
        }
        return r;
      },
      [](Napi::Env e, TextResult& r) -> Napi::Value {
        if (r.err) throw errno_error(e, r.err, r.syscall);
        return Napi::String::New(e, r.text);
      });
}

Napi::Value SysctlWrite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int dup = ::fcntl(fd_arg(info, 0), F_DUPFD_CLOEXEC, 0);
  if (dup < 0) throw errno_error(env, errno, "fcntl");
  std::string path = sysctl_path(info, 1);
  if (info.Length() < 3 || !info[2].IsString()) {
    ::close(dup);
    throw_type_error(env, "value must be a string");
  }
  std::string value = info[2].As<Napi::String>().Utf8Value();
  return run_on_fresh_thread<TextResult>(
      env,
      [dup, path, value]() {
        UniqueFd ns(dup);
        FdResult fr;
        if (!enter_netns(ns.get(), fr)) return TextResult{fr.err, fr.syscall, {}};
        UniqueFd f(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
        if (!f) return TextResult{errno, "open", {}};
        ssize_t n;
        do n = ::write(f.get(), value.data(), value.size());
        while (n < 0 && errno == EINTR);
        if (n < 0) return TextResult{errno, "write", {}};
        return TextResult{};
      },
      [](Napi::Env e, TextResult& r) -> Napi::Value {
        if (r.err) throw errno_error(e, r.err, r.syscall);
        return e.Undefined();
      });
}

}  // namespace netloom
