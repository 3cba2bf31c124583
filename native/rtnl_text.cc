// Addresses as text both ways: link-layer addresses ('aa:bb:...') and IP
// addresses, as the codec decodes and encodes them.
#include <arpa/inet.h>

#include <cstring>
#include <string>

#include "rtnl_codec.h"

namespace netloom::rtnl {

size_t format_hwaddr(const uint8_t* p, size_t n, char* out) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (i) out[o++] = ':';
    out[o++] = hex[p[i] >> 4];
    out[o++] = hex[p[i] & 15];
  }
  return o;
}

size_t parse_hwaddr(const std::string& s, uint8_t* out, size_t cap) {
  size_t n = 0, i = 0;
  while (i < s.size()) {
    if (n == cap) return 0;
    int v = 0, digits = 0;
    while (i < s.size() && s[i] != ':') {
      char c = s[i++];
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0 || ++digits > 2) return 0;
      v = v * 16 + d;
    }
    if (digits == 0) return 0;
    out[n++] = static_cast<uint8_t>(v);
    if (i < s.size()) {
      i++;  // ':'
      if (i == s.size()) return 0;  // trailing colon
    }
  }
  return n;
}

size_t format_ip(const uint8_t* p, size_t n, char* out, size_t cap) {
  // IPv4 by hand: glibc's inet_ntop formats it with sprintf, which was 5% of
  // decoding a 100,000-route dump. Same text ("a.b.c.d", no leading zeros).
  if (n == 4 && cap >= 16) {
    size_t o = 0;
    for (size_t i = 0; i < 4; i++) {
      if (i) out[o++] = '.';
      unsigned v = p[i];
      if (v >= 100) out[o++] = static_cast<char>('0' + v / 100);
      if (v >= 10) out[o++] = static_cast<char>('0' + v / 10 % 10);
      out[o++] = static_cast<char>('0' + v % 10);
    }
    out[o] = '\0';
    return o;
  }
  int af = n == 4 ? AF_INET : n == 16 ? AF_INET6 : 0;
  if (af == 0 || inet_ntop(af, p, out, static_cast<socklen_t>(cap)) == nullptr) return 0;
  return strlen(out);
}

size_t parse_ip(const std::string& s, uint8_t* out16) {
  if (inet_pton(AF_INET, s.c_str(), out16) == 1) return 4;
  if (inet_pton(AF_INET6, s.c_str(), out16) == 1) return 16;
  return 0;
}

}  // namespace netloom::rtnl
