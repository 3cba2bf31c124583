// Network namespace fds: create, bind like `ip netns`, open by name, pid or path (see netns.h).
#include "netns.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "errors.h"
#include "fresh_thread.h"
#include "unique_fd.h"

namespace netloom {

namespace {

constexpr const char* kThreadNetns = "/proc/thread-self/ns/net";

int int_arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsNumber()) throw_type_error(info.Env(), std::string(what) + " must be a number");
  return info[i].As<Napi::Number>().Int32Value();
}

std::string str_arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsString()) throw_type_error(info.Env(), std::string(what) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

// True if `fd` refers to a network namespace. NS_GET_NSTYPE is exact;
// kernels without it (< 4.11) get the weaker "is an nsfs file" check.
bool is_netns(int fd, int& err) {
  int t = ::ioctl(fd, NS_GET_NSTYPE);
  if (t >= 0) {
    err = t == CLONE_NEWNET ? 0 : EINVAL;
    return t == CLONE_NEWNET;
  }
  struct statfs sfs;
  if (::fstatfs(fd, &sfs) == 0 && sfs.f_type == static_cast<decltype(sfs.f_type)>(NSFS_MAGIC)) return (err = 0, true);
  err = EINVAL;
  return false;
}

// netns.create(): unshare(CLONE_NEWNET) on a fresh thread and keep an fd on
// the new namespace. The namespace lives exactly as long as fds (or mounts,
// or member processes) refer to it: anonymous, nothing to clean up.
Napi::Value Create(const Napi::CallbackInfo& info) {
  return run_fd_on_fresh_thread(
      info.Env(),
      []() -> FdResult {
        if (::unshare(CLONE_NEWNET) != 0) return FdResult::fail(errno, "unshare");
        int fd = ::open(kThreadNetns, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return FdResult::fail(errno, "open");
        return FdResult{fd, 0, nullptr};
      },
      [](Napi::Env env, int fd) -> Napi::Value { return Napi::Number::New(env, fd); });
}

Napi::Value OpenPath(const Napi::CallbackInfo& info) {
  std::string path = str_arg(info, 0, "path");
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw errno_error(info.Env(), errno, "open");
  int err = 0;
  if (!is_netns(fd.get(), err)) throw errno_error(info.Env(), err, "open (not a network namespace)");
  return Napi::Number::New(info.Env(), fd.release());
}

Napi::Value OpenCurrent(const Napi::CallbackInfo& info) {
  int fd = ::open(kThreadNetns, O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw errno_error(info.Env(), errno, "open");
  return Napi::Number::New(info.Env(), fd);
}

// Make `dir` a shared mount point, as iproute2 does for /run/netns, so a
// namespace mounted here is seen by every mount namespace that shares it
// (and so `ip netns` and other tools see ours).
void make_shared_run_dir(Napi::Env env, const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) throw errno_error(env, errno, "mkdir");
  bool made_mount = false;
  while (::mount("", dir.c_str(), "none", MS_SHARED | MS_REC, nullptr) != 0) {
    // EINVAL: not a mount point yet. Bind it onto itself once, then retry.
    if (errno != EINVAL || made_mount) throw errno_error(env, errno, "mount");
    if (::mount(dir.c_str(), dir.c_str(), "none", MS_BIND | MS_REC, nullptr) != 0) throw errno_error(env, errno, "mount");
    made_mount = true;
  }
}

// netns.bind(fd, runDir, name): the `ip netns add NAME` scheme. The file is
// created exclusively so two callers cannot both think they made NAME.
Napi::Value Bind(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = int_arg(info, 0, "fd");
  std::string dir = str_arg(info, 1, "runDir");
  std::string name = str_arg(info, 2, "name");
  make_shared_run_dir(env, dir);
  std::string path = dir + "/" + name;
  UniqueFd file(::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0));
  if (!file) throw errno_error(env, errno, "open");
  file.reset();
  std::string src = "/proc/self/fd/" + std::to_string(fd);
  if (::mount(src.c_str(), path.c_str(), "none", MS_BIND, nullptr) != 0) {
    int e = errno;
    ::unlink(path.c_str());
    throw errno_error(env, e, "mount");
  }
  return env.Undefined();
}

// netns.unbind(path): the `ip netns delete NAME` scheme. MNT_DETACH so a
// process still inside does not make the unmount fail; the namespace itself
// lives on until its last user goes.
Napi::Value Unbind(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = str_arg(info, 0, "path");
  if (::umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL) throw errno_error(env, errno, "umount2");
  if (::unlink(path.c_str()) != 0) throw errno_error(env, errno, "unlink");
  return env.Undefined();
}

Napi::Value Inode(const Napi::CallbackInfo& info) {
  struct stat st;
  if (::fstat(int_arg(info, 0, "fd"), &st) != 0) throw errno_error(info.Env(), errno, "fstat");
  return Napi::Number::New(info.Env(), static_cast<double>(st.st_ino));
}

Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  int fd = int_arg(info, 0, "fd");
  if (fd < 0) throw_range_error(info.Env(), "fd must be >= 0");
  UniqueFd(fd).reset();
  return info.Env().Undefined();
}

}  // namespace

Napi::Object make_netns_exports(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("create", Napi::Function::New(env, Create, "create"));
  o.Set("openPath", Napi::Function::New(env, OpenPath, "openPath"));
  o.Set("openCurrent", Napi::Function::New(env, OpenCurrent, "openCurrent"));
  o.Set("bind", Napi::Function::New(env, Bind, "bind"));
  o.Set("unbind", Napi::Function::New(env, Unbind, "unbind"));
  o.Set("inode", Napi::Function::New(env, Inode, "inode"));
  o.Set("closeFd", Napi::Function::New(env, CloseFd, "closeFd"));
  return o;
}

}  // namespace netloom
