// Creating, re-opening and deleting tun/tap devices inside a namespace (see tun_open.h).
#include "tun_open.h"

#include <fcntl.h>
#include <linux/if.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "errors.h"
#include "fresh_thread.h"
#include "tun_ioctl.h"
#include "tun_queue.h"
#include "unique_fd.h"

namespace netloom {

namespace {

constexpr const char* kDevTun = "/dev/net/tun";

struct OpenRequest {
  std::string name;
  int flags = 0;          // IFF_TUN / IFF_TAP and the IFF_* options
  uint32_t queues = 1;
  int persist = -1;       // -1: leave as is
  long owner = -1, group = -1;
  int carrier = -1;
  long offloads = -1;     // TUN_F_* wanted, -1: do not call TUNSETOFFLOAD
  int vnet_hdr_size = 0;  // 0: the kernel's default (10)
  int sndbuf = 0;         // 0: the kernel's default
  uint32_t batch_packets = 64;
  uint32_t slab_size = 1 << 20;
};

struct OpenResult {
  std::vector<int> fds;
  std::string name;
  int ifindex = 0;
  int flags = 0;
  unsigned features = 0;
  long offloads = -1;
  int err = 0;
  const char* syscall = nullptr;
};

bool fail(OpenResult& r, int err, const char* syscall) {
  r.err = err;
  r.syscall = syscall;
  for (int fd : r.fds) ::close(fd);
  r.fds.clear();
  return false;
}

// One queue fd attached to `name` (created by the first).
bool attach_one(const OpenRequest& q, const std::string& name, OpenResult& r, std::string* actual) {
  UniqueFd fd(::open(kDevTun, O_RDWR | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return fail(r, errno, "open(/dev/net/tun)");
  if (r.fds.empty()) {
    unsigned features = 0;
    if (::ioctl(fd.get(), TUNGETFEATURES, &features) == 0) r.features = features;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  ifr.ifr_flags = static_cast<short>(q.flags);
  if (::ioctl(fd.get(), TUNSETIFF, &ifr) != 0) return fail(r, errno, tunio::name_of(TUNSETIFF));
  if (actual) actual->assign(ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ));
  r.fds.push_back(fd.release());
  return true;
}

// Runs on the fresh thread, already inside the target namespace. Persist
// comes last, so a failure anywhere before leaves no device behind.
bool open_device(const OpenRequest& q, OpenResult& r) {
  std::string name;
  if (!attach_one(q, q.name, r, &name)) return false;
  int fd0 = r.fds[0];
  if (q.flags & IFF_VNET_HDR) {
    if (q.vnet_hdr_size > 0) {
      if (int e = tunio::set_int(fd0, TUNSETVNETHDRSZ, q.vnet_hdr_size)) return fail(r, e, tunio::name_of(TUNSETVNETHDRSZ));
    }
    // Little-endian headers on any host, so JavaScript parses one layout.
    if (int e = tunio::set_int(fd0, TUNSETVNETLE, 1)) return fail(r, e, tunio::name_of(TUNSETVNETLE));
    if (q.offloads >= 0) {
      unsigned granted = 0;
      if (int e = tunio::negotiate_offload(fd0, static_cast<unsigned>(q.offloads), granted)) return fail(r, e, tunio::name_of(TUNSETOFFLOAD));
      r.offloads = granted;
    }
  }
  for (uint32_t i = 1; i < q.queues; i++)
    if (!attach_one(q, name, r, nullptr)) return false;
  if (q.sndbuf > 0)
    if (int e = tunio::set_int(fd0, TUNSETSNDBUF, q.sndbuf)) return fail(r, e, tunio::name_of(TUNSETSNDBUF));
  if (q.owner >= 0)
    if (int e = tunio::set_value(fd0, TUNSETOWNER, static_cast<unsigned long>(q.owner))) return fail(r, e, tunio::name_of(TUNSETOWNER));
  if (q.group >= 0)
    if (int e = tunio::set_value(fd0, TUNSETGROUP, static_cast<unsigned long>(q.group))) return fail(r, e, tunio::name_of(TUNSETGROUP));
  if (q.carrier >= 0)
    if (int e = tunio::set_int(fd0, TUNSETCARRIER, q.carrier)) return fail(r, e, tunio::name_of(TUNSETCARRIER));
  if (q.persist >= 0)
    if (int e = tunio::set_value(fd0, TUNSETPERSIST, static_cast<unsigned long>(q.persist))) return fail(r, e, tunio::name_of(TUNSETPERSIST));
  if (int e = tunio::get_iff(fd0, r.name, r.flags)) return fail(r, e, tunio::name_of(TUNGETIFF));
  if (int e = tunio::ifindex(r.name, r.ifindex)) return fail(r, e, tunio::name_of(SIOCGIFINDEX));
  return true;
}

long num(const Napi::Object& o, const char* key, long dflt) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return dflt;
  if (!v.IsNumber()) throw_type_error(o.Env(), std::string("tunOpen: ") + key + " must be a number");
  return static_cast<long>(v.As<Napi::Number>().Int64Value());
}

int ns_dup(Napi::Env env, const Napi::Value& v) {
  if (!v.IsNumber()) throw_type_error(env, "netnsFd must be a number");
  int nsfd = v.As<Napi::Number>().Int32Value();
  if (nsfd < 0) return -1;
  int dup = ::fcntl(nsfd, F_DUPFD_CLOEXEC, 0);  // the thread holds its own: JS may close nsfd meanwhile
  if (dup < 0) throw errno_error(env, errno, "fcntl");
  return dup;
}

}  // namespace

Napi::Value TunOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[1].IsObject()) throw_type_error(env, "tunOpen(netnsFd, options)");
  Napi::Object o = info[1].As<Napi::Object>();
  OpenRequest q;
  Napi::Value name = o.Get("name");
  if (!name.IsString()) throw_type_error(env, "tunOpen: name must be a string");
  q.name = name.As<Napi::String>().Utf8Value();
  if (q.name.size() >= IFNAMSIZ) throw_range_error(env, "tunOpen: name longer than 15 bytes");
  q.flags = static_cast<int>(num(o, "flags", IFF_TUN | IFF_NO_PI));
  q.queues = static_cast<uint32_t>(num(o, "queues", 1));
  if (q.queues < 1 || q.queues > 256) throw_range_error(env, "tunOpen: queues must be 1..256");
  q.persist = static_cast<int>(num(o, "persist", -1));
  q.owner = num(o, "owner", -1);
  q.group = num(o, "group", -1);
  q.carrier = static_cast<int>(num(o, "carrier", -1));
  q.offloads = num(o, "offloads", -1);
  q.vnet_hdr_size = static_cast<int>(num(o, "vnetHdrSize", 0));
  q.sndbuf = static_cast<int>(num(o, "sndbuf", 0));
  q.batch_packets = static_cast<uint32_t>(num(o, "batchPackets", 64));
  q.slab_size = static_cast<uint32_t>(num(o, "slabSize", 1 << 20));
  TunFormat probe;
  probe.pi_len = 4;
  probe.vnet_len = static_cast<uint8_t>(q.vnet_hdr_size > 0 ? q.vnet_hdr_size : 10);
  if (q.batch_packets < 1 || q.vnet_hdr_size > 64 || q.slab_size < (static_cast<size_t>(q.batch_packets) + 1) * 4 + max_record(probe))
    throw_range_error(env, "tunOpen: the slab is too small for the batch size and one packet");
  int dup = ns_dup(env, info[0]);
  auto ns = std::make_shared<UniqueFd>(dup);
  return run_on_fresh_thread<OpenResult>(
      env,
      [ns, q]() {
        OpenResult r;
        FdResult fr;
        if (!enter_netns(ns->get(), fr)) {
          r.err = fr.err;
          r.syscall = fr.syscall;
          return r;
        }
        ns->reset();
        open_device(q, r);
        return r;
      },
      [q](Napi::Env e, OpenResult& r) -> Napi::Value {
        if (r.err) throw errno_error(e, r.err, r.syscall);
        TunFormat fmt;
        fmt.tap = (q.flags & IFF_TAP) != 0;
        fmt.pi_len = (q.flags & IFF_NO_PI) ? 0 : 4;
        fmt.vnet_len = (q.flags & IFF_VNET_HDR) ? static_cast<uint8_t>(q.vnet_hdr_size > 0 ? q.vnet_hdr_size : 10) : 0;
        Napi::Object out = Napi::Object::New(e);
        Napi::Array queues = Napi::Array::New(e, r.fds.size());
        std::vector<int> fds = std::move(r.fds);
        r.fds.clear();
        for (size_t i = 0; i < fds.size(); i++) {
          try {
            queues.Set(static_cast<uint32_t>(i), TunQueue::New(e, fds[i], fmt, q.batch_packets, q.slab_size));
          } catch (...) {
            // The failed one was owned (and closed) by its constructor; those
            // not yet wrapped are closed here; wrapped ones when collected.
            for (size_t j = i + 1; j < fds.size(); j++) ::close(fds[j]);
            throw;
          }
        }
        out.Set("queues", queues);
        out.Set("name", r.name);
        out.Set("ifindex", r.ifindex);
        out.Set("flags", r.flags);
        out.Set("features", static_cast<double>(r.features));
        out.Set("offloads", static_cast<double>(r.offloads));
        return out;
      },
      [](OpenResult& r) {
        for (int fd : r.fds) ::close(fd);
      });
}

Napi::Value TunDelete(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[1].IsString()) throw_type_error(env, "tunDelete(netnsFd, name)");
  std::string name = info[1].As<Napi::String>().Utf8Value();
  if (name.empty() || name.size() >= IFNAMSIZ) throw_range_error(env, "tunDelete: name must be 1..15 bytes");
  auto ns = std::make_shared<UniqueFd>(ns_dup(env, info[0]));
  struct Result {
    int err = 0;
    const char* syscall = nullptr;
    bool gone = false;
  };
  return run_on_fresh_thread<Result>(
      env,
      [ns, name]() {
        Result r;
        FdResult fr;
        if (!enter_netns(ns->get(), fr)) return Result{fr.err, fr.syscall, false};
        ns->reset();
        // TUNSETIFF would create a missing device: make sure it exists.
        int index = 0;
        if (int e = tunio::ifindex(name, index)) return Result{e, tunio::name_of(SIOCGIFINDEX), false};
        UniqueFd fd(::open(kDevTun, O_RDWR | O_CLOEXEC | O_NONBLOCK));
        if (!fd) return Result{errno, "open(/dev/net/tun)", false};
        // The kind and multi-queue setting must match the device's: try each.
        const int kinds[] = {IFF_TUN, IFF_TAP, IFF_TUN | IFF_MULTI_QUEUE, IFF_TAP | IFF_MULTI_QUEUE};
        int err = EINVAL;
        for (int k : kinds) {
          struct ifreq ifr;
          memset(&ifr, 0, sizeof ifr);
          strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
          ifr.ifr_flags = static_cast<short>(k | IFF_NO_PI);
          if (::ioctl(fd.get(), TUNSETIFF, &ifr) == 0) {
            err = 0;
            break;
          }
          err = errno;
          if (err != EINVAL) break;
        }
        if (err) return Result{err, err == EINVAL ? "ioctl(TUNSETIFF): not a tun/tap device" : tunio::name_of(TUNSETIFF), false};
        if (int e = tunio::set_value(fd.get(), TUNSETPERSIST, 0)) return Result{e, tunio::name_of(TUNSETPERSIST), false};
        fd.reset();  // the last fd: the kernel unregisters the device here
        r.gone = tunio::ifindex(name, index) == ENODEV;
        return r;
      },
      [](Napi::Env e, Result& r) -> Napi::Value {
        if (r.err) throw errno_error(e, r.err, r.syscall);
        return Napi::Boolean::New(e, r.gone);
      });
}

Napi::Value TunFeatures(const Napi::CallbackInfo& info) {
  struct Result {
    int err = 0;
    unsigned features = 0;
  };
  return run_on_fresh_thread<Result>(
      info.Env(),
      []() {
        Result r;
        UniqueFd fd(::open(kDevTun, O_RDWR | O_CLOEXEC | O_NONBLOCK));
        if (!fd) return Result{errno, 0};
        if (::ioctl(fd.get(), TUNGETFEATURES, &r.features) != 0) r.err = errno;
        return r;
      },
      [](Napi::Env e, Result& r) -> Napi::Value {
        if (r.err) throw errno_error(e, r.err, "TUNGETFEATURES");
        return Napi::Number::New(e, r.features);
      });
}

}  // namespace netloom
