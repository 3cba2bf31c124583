// The tun ioctls netloom uses, as small functions returning 0 or an errno:
// shared by the thread that opens a device and the threads that change it
// later. Most take the RTNL lock in the kernel: call them off the loop.
#pragma once

#include <linux/if_tun.h>

#include <string>

// The distribution's UAPI headers (Linux 6.1) predate UDP segmentation
// offload (Linux 6.2); the values are fixed by the kernel ABI.
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6 0x40
#endif

namespace netloom::tunio {

// What JavaScript may ask a live queue to change (TunQueue::Control).
enum class Op { kQueue = 0, kCarrier = 1, kPersist = 2, kOffload = 3, kSndbuf = 4 };

// TUNSETOFFLOAD with `requested`; flags this kernel does not know (EINVAL)
// are dropped, newest first, until it accepts: `granted` is what it took.
int negotiate_offload(int fd, unsigned requested, unsigned& granted);

// Ioctls that take a pointer to an int (TUNSETCARRIER, TUNSETSNDBUF,
// TUNSETVNETHDRSZ, TUNSETVNETLE) and ones that take the value itself
// (TUNSETPERSIST, TUNSETOWNER, TUNSETGROUP).
int set_int(int fd, unsigned long req, int value);
int set_value(int fd, unsigned long req, unsigned long value);

// TUNSETQUEUE: attach (IFF_ATTACH_QUEUE) or detach (IFF_DETACH_QUEUE).
int set_queue(int fd, bool attach);

// TUNGETIFF: the device's name and flags as the kernel has them now.
int get_iff(int fd, std::string& name, int& flags);

// The ifindex of `name` in the calling thread's namespace (SIOCGIFINDEX).
int ifindex(const std::string& name, int& index);

// The name of the failed ioctl, for error messages ("ioctl(TUNSETIFF)").
const char* name_of(unsigned long req);

}  // namespace netloom::tunio
