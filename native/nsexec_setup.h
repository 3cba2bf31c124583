// The namespace set-up netloom-nsexec does before it execs the program, the
// steps `ip netns exec` takes (iproute2's netns_switch and bind_etc): join
// the network namespace, then in a mount namespace of the program's own,
// with / made a recursive slave so nothing propagates back to the host,
// mount a fresh /sys and bind /etc/netns/NAME/ENTRY over /etc/ENTRY.
//
// Unlike ip, every failure stops the set-up: the caller must not run the
// program in a namespace that is only half prepared.
#pragma once

#include <string>

namespace netloom::nsexec {

// What to prepare besides joining the network namespace.
struct MountPlan {
  bool remount_sys = false;
  // The directory below /etc/netns whose entries go over /etc; empty: none.
  std::string etc_name;
};

// The step that failed, with the paths it was working on.
struct SetupFailure {
  int err = 0;
  const char* step = "";     // setns, unshare, make-rslave, remount-sys, bind-etc
  const char* syscall = "";  // the call that returned the error
  std::string path;          // the file it was called on (the source, for a bind)
  std::string target;        // the mount point, for mounts
};

// setns(fd, CLONE_NEWNET), then close fd.
bool join_netns(int fd, SetupFailure& failure);

// The mount namespace steps of `plan`; nothing at all when the plan is empty.
bool prepare_mounts(const MountPlan& plan, SetupFailure& failure);

}  // namespace netloom::nsexec
