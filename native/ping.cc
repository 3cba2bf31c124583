// ICMP/ICMPv6 echo from inside a namespace, on a fresh thread (see ping.h).
#include "ping.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "errors.h"
#include "fresh_thread.h"
#include "rtnl_codec.h"
#include "unique_fd.h"

namespace netloom {

namespace {

struct PingResult {
  int err = 0;
  const char* syscall = nullptr;
  int sent = 0;
  int received = 0;
  std::vector<double> rtts;  // milliseconds, one per reply
};

double now_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

uint16_t checksum(const uint8_t* p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (n & 1) sum += static_cast<uint32_t>(p[n - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return htons(static_cast<uint16_t>(~sum));
}

struct Params {
  uint8_t addr[16];
  size_t addr_len;
  int count, timeout_ms, interval_ms, size;
};

// Is [p, p+n) (as a raw socket delivers it) our echo reply number `seq`?
bool is_reply(const uint8_t* p, size_t n, bool v6, uint16_t id, uint16_t seq) {
  if (!v6) {  // IPv4 raw sockets deliver the IP header too
    if (n < sizeof(iphdr)) return false;
    size_t ihl = static_cast<size_t>(p[0] & 0x0f) * 4;
    if (n < ihl + 8) return false;
    p += ihl;
    n -= ihl;
    if (p[0] != ICMP_ECHOREPLY) return false;
  } else {
    if (n < 8 || p[0] != ICMP6_ECHO_REPLY) return false;
  }
  uint16_t rid, rseq;
  memcpy(&rid, p + 4, 2);
  memcpy(&rseq, p + 6, 2);
  return ntohs(rid) == id && ntohs(rseq) == seq;
}

PingResult run_ping(int nsfd, const Params& prm) {
  PingResult res;
  UniqueFd ns(nsfd);
  FdResult fr;
  if (!enter_netns(ns.get(), fr)) return PingResult{fr.err, fr.syscall};
  bool v6 = prm.addr_len == 16;
  UniqueFd s(::socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, v6 ? static_cast<int>(IPPROTO_ICMPV6) : static_cast<int>(IPPROTO_ICMP)));
  if (!s) return PingResult{errno, "socket"};
  sockaddr_storage ss{};
  socklen_t sl;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    memcpy(&a->sin6_addr, prm.addr, 16);
    sl = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    memcpy(&a->sin_addr, prm.addr, 4);
    sl = sizeof *a;
  }
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  const uint16_t id = static_cast<uint16_t>((ts.tv_nsec ^ reinterpret_cast<uintptr_t>(&res)) & 0xffff);
  std::vector<uint8_t> pkt(8 + static_cast<size_t>(prm.size), 0);
  std::vector<uint8_t> rx(65536);
  for (int i = 1; i <= prm.count; i++) {
    const uint16_t seq = static_cast<uint16_t>(i);
    pkt[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
    pkt[1] = 0;
    pkt[2] = pkt[3] = 0;
    uint16_t nid = htons(id), nseq = htons(seq);
    memcpy(&pkt[4], &nid, 2);
    memcpy(&pkt[6], &nseq, 2);
    for (size_t k = 8; k < pkt.size(); k++) pkt[k] = static_cast<uint8_t>(k);
    if (!v6) {  // the kernel fills the ICMPv6 checksum itself, not ICMPv4's
      uint16_t c = checksum(pkt.data(), pkt.size());
      memcpy(&pkt[2], &c, 2);
    }
    double t0 = now_ms();
    if (::sendto(s.get(), pkt.data(), pkt.size(), 0, reinterpret_cast<sockaddr*>(&ss), sl) < 0)
      return PingResult{errno, "sendto", res.sent, res.received, res.rtts};
    res.sent++;
    double deadline = t0 + prm.timeout_ms;
    for (;;) {
      double left = deadline - now_ms();
      if (left <= 0) break;
      pollfd pfd{s.get(), POLLIN, 0};
      int r = ::poll(&pfd, 1, static_cast<int>(left) + 1);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      ssize_t n = ::recv(s.get(), rx.data(), rx.size(), MSG_DONTWAIT);
      if (n < 0) continue;
      if (is_reply(rx.data(), static_cast<size_t>(n), v6, id, seq)) {
        res.received++;
        res.rtts.push_back(now_ms() - t0);
        break;
      }
    }
    if (i < prm.count) {
      double wait = t0 + prm.interval_ms - now_ms();
      if (wait > 0) {
        timespec w{static_cast<time_t>(wait / 1000), static_cast<long>(static_cast<long long>(wait * 1e6) % 1000000000LL)};
        nanosleep(&w, nullptr);
      }
    }
  }
  return res;
}

int num_arg(const Napi::CallbackInfo& info, size_t i, const char* what, int lo, int hi) {
  if (info.Length() <= i || !info[i].IsNumber()) throw_type_error(info.Env(), std::string("ping: ") + what + " must be a number");
  int v = info[i].As<Napi::Number>().Int32Value();
  if (v < lo || v > hi)
    throw_range_error(info.Env(), std::string("ping: ") + what + " must be " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

}  // namespace

Napi::Value Ping(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int nsfd = num_arg(info, 0, "netnsFd", -1, 1 << 30);
  if (info.Length() < 2 || !info[1].IsString()) throw_type_error(env, "ping: address must be a string");
  std::string text = info[1].As<Napi::String>().Utf8Value();
  Params prm{};
  prm.addr_len = rtnl::parse_ip(text, prm.addr);
  if (prm.addr_len == 0) throw_type_error(env, "ping: address: not an IP address: '" + text + "'");
  prm.count = num_arg(info, 2, "count", 1, 1000);
  prm.timeout_ms = num_arg(info, 3, "timeoutMs", 1, 60000);
  prm.interval_ms = num_arg(info, 4, "intervalMs", 0, 60000);
  prm.size = num_arg(info, 5, "size", 0, 65000);
  int dup = nsfd >= 0 ? ::fcntl(nsfd, F_DUPFD_CLOEXEC, 0) : -1;
  if (nsfd >= 0 && dup < 0) throw errno_error(env, errno, "fcntl");
  return run_on_fresh_thread<PingResult>(
      env, [dup, prm]() { return run_ping(dup, prm); },
      [](Napi::Env e, PingResult& r) -> Napi::Value {
        if (r.err) throw errno_error(e, r.err, r.syscall);
        Napi::Object o = Napi::Object::New(e);
        o.Set("sent", r.sent);
        o.Set("received", r.received);
        Napi::Array rtts = Napi::Array::New(e, r.rtts.size());
        for (uint32_t i = 0; i < r.rtts.size(); i++) rtts.Set(i, r.rtts[i]);
        o.Set("rtts", rtts);
        return o;
      });
}

}  // namespace netloom
