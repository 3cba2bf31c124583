// netloom-nsexec NSFD PROGRAM [ARG...]
//
// The program behind NetNs.exec()/spawn(): joins the network namespace open
// on fd NSFD, then execs PROGRAM. A separate, single-threaded executable
// because a multithreaded process (node) cannot switch its mount namespace,
// and between fork and exec only async-signal-safe calls are allowed; Node's
// child_process does the spawning, so stdio, env, exit codes and signals
// behave exactly as users expect.
//
// Like `ip netns exec`, it also gives the program a private mount namespace
// with a fresh /sys, so /sys/class/net shows the joined namespace's links.
// That step is best effort: without the privilege for it the program still
// runs in the right network namespace.
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: netloom-nsexec NSFD PROGRAM [ARG...]\n");
    return 127;
  }
  char* end = nullptr;
  long fd = strtol(argv[1], &end, 10);
  if (*argv[1] == '\0' || *end != '\0' || fd < 0 || fd > 1 << 20) {
    fprintf(stderr, "netloom-nsexec: bad fd '%s'\n", argv[1]);
    return 127;
  }
  if (setns(static_cast<int>(fd), CLONE_NEWNET) != 0) {
    fprintf(stderr, "netloom-nsexec: setns: %s\n", strerror(errno));
    return 127;
  }
  close(static_cast<int>(fd));
  if (unshare(CLONE_NEWNS) == 0) {
    // Keep our mounts from propagating back to the host, then remount /sys.
    if (mount("", "/", "none", MS_SLAVE | MS_REC, nullptr) == 0 && umount2("/sys", MNT_DETACH) == 0)
      mount("sysfs", "/sys", "sysfs", 0, nullptr);
  }
  execvp(argv[2], argv + 2);
  fprintf(stderr, "netloom-nsexec: %s: %s\n", argv[2], strerror(errno));
  return errno == ENOENT ? 127 : 126;
}
