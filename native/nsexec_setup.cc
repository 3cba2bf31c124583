// netloom-nsexec's namespace set-up, step by step (see nsexec_setup.h).
#include "nsexec_setup.h"

#include <dirent.h>
#include <limits.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace netloom::nsexec {

namespace {

constexpr const char kEtcNetnsDir[] = "/etc/netns";

bool fail(SetupFailure& f, int err, const char* step, const char* syscall, std::string path = {}, std::string target = {}) {
  f.err = err;
  f.step = step;
  f.syscall = syscall;
  f.path = std::move(path);
  f.target = std::move(target);
  return false;
}

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};
using UniqueDir = std::unique_ptr<DIR, DirCloser>;

// A fresh sysfs on /sys: sysfs shows the network namespace of the process
// that mounts it, so this must come after setns. Like ip, a /sys that cannot
// be unmounted (none mounted; locked in a container) is covered instead,
// read-only if the old one was, since a read-only sysfs cannot be shadowed
// by a writable one.
bool remount_sys(SetupFailure& f) {
  unsigned long flags = 0;
  if (umount2("/sys", MNT_DETACH) != 0) {
    struct statvfs st{};
    if (statvfs("/sys", &st) == 0 && (st.f_flag & ST_RDONLY) != 0) flags = MS_RDONLY;
  }
  if (mount("sysfs", "/sys", "sysfs", flags, nullptr) != 0) return fail(f, errno, "remount-sys", "mount", "sysfs", "/sys");
  return true;
}

// True for a name that stays one directory entry below /etc/netns.
bool plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos && name.size() < NAME_MAX;
}

// Each entry of /etc/netns/NAME bind mounted over /etc/ENTRY. No directory
// means nothing to do; an entry whose /etc counterpart does not exist is
// skipped (a bind needs a mount point), as ip does. mount(2) follows
// symlinks, so a /etc/resolv.conf that links elsewhere is covered where it
// points, which is what a resolver opening /etc/resolv.conf then reads.
bool bind_etc(const std::string& name, SetupFailure& f) {
  std::string dir_path = std::string(kEtcNetnsDir) + "/" + name;
  if (!plain_name(name)) return fail(f, EINVAL, "bind-etc", "opendir", dir_path);
  UniqueDir dir(opendir(dir_path.c_str()));
  if (!dir) return errno == ENOENT ? true : fail(f, errno, "bind-etc", "opendir", dir_path);
  for (;;) {
    errno = 0;
    const dirent* entry = readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return fail(f, errno, "bind-etc", "readdir", dir_path);
      return true;
    }
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
    std::string source = dir_path + "/" + entry->d_name;
    std::string target = std::string("/etc/") + entry->d_name;
    struct stat st{};
    if (stat(target.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;
      return fail(f, errno, "bind-etc", "stat", source, target);
    }
    if (mount(source.c_str(), target.c_str(), "none", MS_BIND, nullptr) != 0) return fail(f, errno, "bind-etc", "mount", source, target);
  }
}

}  // namespace

bool join_netns(int fd, SetupFailure& f) {
  if (setns(fd, CLONE_NEWNET) != 0) return fail(f, errno, "setns", "setns");
  close(fd);
  return true;
}

bool prepare_mounts(const MountPlan& plan, SetupFailure& f) {
  if (!plan.remount_sys && plan.etc_name.empty()) return true;
  if (unshare(CLONE_NEWNS) != 0) return fail(f, errno, "unshare", "unshare");
  // Our mounts must not reach the host's mount namespace (/ is usually a
  // shared mount): make every mount below / a slave first.
  if (mount("", "/", "none", MS_SLAVE | MS_REC, nullptr) != 0) return fail(f, errno, "make-rslave", "mount", "/");
  if (plan.remount_sys && !remount_sys(f)) return false;
  if (!plan.etc_name.empty() && !bind_etc(plan.etc_name, f)) return false;
  return true;
}

}  // namespace netloom::nsexec
