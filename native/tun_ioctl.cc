// The tun ioctls as small functions returning 0 or an errno (see tun_ioctl.h).
#include "tun_ioctl.h"

#include <linux/if.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "unique_fd.h"

namespace netloom::tunio {

int negotiate_offload(int fd, unsigned requested, unsigned& granted) {
  // Each fallback drops what a kernel may lack: USO (6.2), then ECN with
  // TSO, then segmentation altogether (checksum offload is as old as tun).
  const unsigned steps[] = {
      requested,
      requested & ~(TUN_F_USO4 | TUN_F_USO6),
      requested & ~(TUN_F_USO4 | TUN_F_USO6 | TUN_F_TSO_ECN),
      requested & TUN_F_CSUM,
      0,
  };
  int last = 0;
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    if (i > 0 && steps[i] == steps[i - 1]) continue;
    if (::ioctl(fd, TUNSETOFFLOAD, static_cast<unsigned long>(steps[i])) == 0) {
      granted = steps[i];
      return 0;
    }
    last = errno;
    if (last != EINVAL) return last;
  }
  return last;
}

int set_int(int fd, unsigned long req, int value) { return ::ioctl(fd, req, &value) == 0 ? 0 : errno; }

int set_value(int fd, unsigned long req, unsigned long value) { return ::ioctl(fd, req, value) == 0 ? 0 : errno; }

int set_queue(int fd, bool attach) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = attach ? IFF_ATTACH_QUEUE : IFF_DETACH_QUEUE;
  return ::ioctl(fd, TUNSETQUEUE, &ifr) == 0 ? 0 : errno;
}

int get_iff(int fd, std::string& name, int& flags) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  if (::ioctl(fd, TUNGETIFF, &ifr) != 0) return errno;
  name.assign(ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ));
  flags = static_cast<unsigned short>(ifr.ifr_flags);
  return 0;
}

int ifindex(const std::string& name, int& index) {
  UniqueFd s(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!s) return errno;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (::ioctl(s.get(), SIOCGIFINDEX, &ifr) != 0) return errno;
  index = ifr.ifr_ifindex;
  return 0;
}

const char* name_of(unsigned long req) {
  switch (req) {
    case TUNSETIFF: return "ioctl(TUNSETIFF)";
    case TUNSETPERSIST: return "ioctl(TUNSETPERSIST)";
    case TUNSETOWNER: return "ioctl(TUNSETOWNER)";
    case TUNSETGROUP: return "ioctl(TUNSETGROUP)";
    case TUNGETFEATURES: return "ioctl(TUNGETFEATURES)";
    case TUNSETOFFLOAD: return "ioctl(TUNSETOFFLOAD)";
    case TUNGETIFF: return "ioctl(TUNGETIFF)";
    case TUNSETSNDBUF: return "ioctl(TUNSETSNDBUF)";
    case TUNSETVNETHDRSZ: return "ioctl(TUNSETVNETHDRSZ)";
    case TUNSETQUEUE: return "ioctl(TUNSETQUEUE)";
    case TUNSETVNETLE: return "ioctl(TUNSETVNETLE)";
    case TUNSETCARRIER: return "ioctl(TUNSETCARRIER)";
    case SIOCGIFINDEX: return "ioctl(SIOCGIFINDEX)";
    default: return "ioctl";
  }
}

}  // namespace netloom::tunio
