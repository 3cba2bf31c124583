// sockaddr_in / sockaddr_in6 payloads (sockaddr_codec.h).

#include "sockaddr_codec.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace netloom::sockaddr {

static_assert(sizeof(sockaddr_in) == 16 && sizeof(sockaddr_in6) == kMaxLen, "sockaddr sizes");

size_t encode(const uint8_t* ip, size_t ip_len, uint16_t port, uint32_t flowinfo, uint32_t scope_id, uint8_t out[kMaxLen]) {
  if (ip_len == 4) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    memcpy(&a.sin_addr, ip, 4);
    memcpy(out, &a, sizeof a);
    return sizeof a;
  }
  if (ip_len == 16) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    a.sin6_flowinfo = htonl(flowinfo);
    memcpy(&a.sin6_addr, ip, 16);
    a.sin6_scope_id = scope_id;
    memcpy(out, &a, sizeof a);
    return sizeof a;
  }
  return 0;
}

bool decode(const uint8_t* p, size_t n, const char* key, rtnl::Sink& sink) {
  sa_family_t family = 0;
  if (n < sizeof family) return false;
  memcpy(&family, p, sizeof family);
  char text[64];
  if (family == AF_INET && n == sizeof(sockaddr_in)) {
    sockaddr_in a;
    memcpy(&a, p, sizeof a);
    sink.begin_object(key);
    sink.text("address", text, rtnl::format_ip(reinterpret_cast<const uint8_t*>(&a.sin_addr), 4, text, sizeof text));
    sink.uint("port", ntohs(a.sin_port));
    sink.end_object();
    return true;
  }
  if (family == AF_INET6 && n == sizeof(sockaddr_in6)) {
    sockaddr_in6 a;
    memcpy(&a, p, sizeof a);
    sink.begin_object(key);
    sink.text("address", text, rtnl::format_ip(reinterpret_cast<const uint8_t*>(&a.sin6_addr), 16, text, sizeof text));
    sink.uint("port", ntohs(a.sin6_port));
    sink.uint("flowinfo", ntohl(a.sin6_flowinfo));
    sink.uint("scopeId", a.sin6_scope_id);
    sink.end_object();
    return true;
  }
  return false;
}

}  // namespace netloom::sockaddr
