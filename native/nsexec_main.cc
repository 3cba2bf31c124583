// netloom-nsexec [--report FD] [--sys] [--etc NAME] [--] NSFD PROGRAM [ARG...]
//
// The program behind NetNs.exec()/spawn(): joins the network namespace open
// on fd NSFD and prepares the mounts `ip netns exec` prepares (--sys: a
// fresh /sys; --etc NAME: /etc/netns/NAME/* over /etc/*, see
// nsexec_setup.h), then execs PROGRAM. A separate, single-threaded
// executable because a multithreaded process (node) cannot switch its mount
// namespace, and between fork and exec only async-signal-safe calls are
// allowed; Node's child_process does the spawning, so stdio, env, exit codes
// and signals behave exactly as users expect.
//
// A failed set-up step is written to the report fd (close-on-exec, so it
// reaches end-of-file without a word when the program starts) as
// NUL-terminated fields: step, syscall, errno, path, target, strerror text.
// Then the helper exits 127 without running the program.
//
// Every ns.exec()/spawn() runs it, so its start-up counts: binding.gyp links
// libstdc++ and libgcc in statically, only the parts it uses (no exceptions,
// no RTTI, unused sections dropped), and the dynamic loader maps libc alone:
// 0.75 ms less per exec than relocating the shared libstdc++ (ns.exec of
// /bin/true 2.3 ms instead of 3.0 ms). Its newest glibc symbol is then 2.35
// (libgcc's _dl_find_object), as old as the addon's libstdc++ needs anyway.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "nsexec_setup.h"

namespace {

using netloom::nsexec::MountPlan;
using netloom::nsexec::SetupFailure;

constexpr int kSetupFailed = 127;

bool parse_fd(const char* text, int& fd) {
  char* end = nullptr;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || errno != 0 || v < 0 || v > 1 << 20) return false;
  fd = static_cast<int>(v);
  return true;
}

int usage(const char* why) {
  fprintf(stderr, "netloom-nsexec: %s\nusage: netloom-nsexec [--report FD] [--sys] [--etc NAME] [--] NSFD PROGRAM [ARG...]\n", why);
  return kSetupFailed;
}

void write_all(int fd, const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the reader went away: stderr still has the message
    off += static_cast<size_t>(n);
  }
}

int report(int report_fd, const SetupFailure& f) {
  std::string where = f.path.empty() ? "" : " " + f.path;
  if (!f.target.empty()) where += " on " + f.target;
  fprintf(stderr, "netloom-nsexec: %s: %s%s: %s\n", f.step, f.syscall, where.c_str(), strerror(f.err));
  if (report_fd >= 0) {
    std::string record;
    for (const std::string& field : {std::string(f.step), std::string(f.syscall), std::to_string(f.err), f.path, f.target, std::string(strerror(f.err))}) {
      record += field;
      record += '\0';
    }
    write_all(report_fd, record);
  }
  return kSetupFailed;
}

}  // namespace

int main(int argc, char** argv) {
  int report_fd = -1;
  MountPlan plan;
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    std::string opt = argv[i];
    if (opt == "--") {
      i++;
      break;
    }
    if (opt == "--sys") {
      plan.remount_sys = true;
    } else if (opt == "--etc" && i + 1 < argc) {
      plan.etc_name = argv[++i];
    } else if (opt == "--report" && i + 1 < argc) {
      if (!parse_fd(argv[++i], report_fd)) return usage("bad report fd");
      // The program must not inherit it: its closing tells the parent the set-up is done.
      if (fcntl(report_fd, F_SETFD, FD_CLOEXEC) != 0) return usage("report fd is not open");
    } else {
      return usage(("unknown option " + opt).c_str());
    }
  }
  if (argc - i < 2) return usage("missing NSFD or PROGRAM");
  int ns_fd = -1;
  if (!parse_fd(argv[i], ns_fd)) return usage("bad namespace fd");
  SetupFailure failure;
  if (!netloom::nsexec::join_netns(ns_fd, failure)) return report(report_fd, failure);
  if (!netloom::nsexec::prepare_mounts(plan, failure)) return report(report_fd, failure);
  char** program = argv + i + 1;
  execvp(program[0], program);
  fprintf(stderr, "netloom-nsexec: %s: %s\n", program[0], strerror(errno));
  return errno == ENOENT ? 127 : 126;
}
