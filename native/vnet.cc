// virtio_net_hdr: partial checksums and GSO segmentation over byte spans (see vnet.h).
#include "vnet.h"

#include <climits>
#include <cstring>

namespace netloom::vnet {

namespace {

uint16_t get16le(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t get32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) | (static_cast<uint32_t>(p[2]) << 8) | p[3];
}
void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

constexpr uint16_t kEthP8021Q = 0x8100;
constexpr uint16_t kEthP8021AD = 0x88a8;
constexpr uint8_t kTcp = 6;
constexpr uint8_t kUdp = 17;
constexpr uint8_t kTcpFin = 0x01, kTcpPsh = 0x08, kTcpCwr = 0x80;
// Below this a "segment" would be mostly headers: no real stack asks for it,
// and it bounds what a malformed header can make us produce (< 8192 segments).
constexpr size_t kMinMss = 8;
// IPv4 options or IPv6 extension headers beyond this are not plausible.
constexpr size_t kMaxL3Headers = 512;

// The pseudo-header's sum (RFC 793 / RFC 8200 section 8.1) for a segment of
// `l4len` bytes of protocol `proto`.
uint64_t pseudo_sum(const uint8_t* frame, const Plan& p, uint8_t proto, size_t l4len) {
  uint64_t acc = p.ipv6 ? sum_bytes(frame + p.l3 + 8, 32, 0) : sum_bytes(frame + p.l3 + 12, 8, 0);
  acc += proto;
  acc += (l4len >> 16) + (l4len & 0xffff);
  return acc;
}

}  // namespace

Header parse(const uint8_t* p) {
  Header h;
  h.flags = p[0];
  h.gso_type = p[1];
  h.hdr_len = get16le(p + 2);
  h.gso_size = get16le(p + 4);
  h.csum_start = get16le(p + 6);
  h.csum_offset = get16le(p + 8);
  return h;
}

uint64_t sum_bytes(const uint8_t* p, size_t n, uint64_t acc) {
  // 32-bit big-endian words added into 64 bits, folded at the end: the same
  // one's complement sum as 16-bit words (2^16 = 1 mod 0xffff), fewer adds.
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    w = __builtin_bswap64(w);
    acc += (w >> 32) + (w & 0xffffffffu);
    p += 8;
    n -= 8;
  }
  while (n >= 2) {
    acc += get16(p);
    p += 2;
    n -= 2;
  }
  if (n) acc += static_cast<uint64_t>(p[0]) << 8;
  return acc;
}

uint16_t fold(uint64_t acc) {
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<uint16_t>(acc);
}

size_t l3_offset(const uint8_t* frame, size_t len, bool tap) {
  if (!tap) return 0;
  if (len < 14) return SIZE_MAX;
  uint16_t type = get16(frame + 12);
  size_t off = 14;
  while (type == kEthP8021Q || type == kEthP8021AD) {
    if (len < off + 4) return SIZE_MAX;
    type = get16(frame + off + 2);
    off += 4;
  }
  return off;
}

const char* complete_checksum(uint8_t* frame, size_t len, uint16_t csum_start, uint16_t csum_offset) {
  size_t field = static_cast<size_t>(csum_start) + csum_offset;
  if (csum_start >= len || field + 2 > len) return "csum_start/csum_offset point beyond the packet";
  uint16_t c = static_cast<uint16_t>(~fold(sum_bytes(frame + csum_start, len - csum_start, 0)));
  // 0 means "no checksum" to UDP; 0xffff is the same value to everyone else
  // (the kernel's CSUM_MANGLED_0).
  put16(frame + field, c == 0 ? 0xffff : c);
  return nullptr;
}

const char* plan(const Header& h, const uint8_t* frame, size_t len, bool tap, Plan& out) {
  Plan p;
  const netloom_virtio_abi& v = netloom_virtio;
  uint8_t gso = gso_kind(h);
  if (gso == v.gso_none) return "not a GSO packet (gso_type none)";
  if (gso == v.gso_udp) return "UFO (gso_type udp, IP fragmentation) is not supported";
  if (gso != v.gso_tcpv4 && gso != v.gso_tcpv6 && gso != v.gso_udp_l4) return "unknown gso_type";
  p.tcp = gso != v.gso_udp_l4;
  p.l3 = l3_offset(frame, len, tap);
  if (p.l3 == SIZE_MAX || len < p.l3 + 20) return "packet too short for its headers";
  unsigned version = frame[p.l3] >> 4;
  size_t l3_min;  // the fixed IP header, with IPv4 options
  size_t end;     // where the IP packet ends (tap frames may carry padding after it)
  if (version == 4) {
    l3_min = static_cast<size_t>(frame[p.l3] & 0xf) * 4;
    if (l3_min < 20 || p.l3 + l3_min > len) return "bad IPv4 header length";
    end = p.l3 + get16(frame + p.l3 + 2);
  } else if (version == 6) {
    p.ipv6 = true;
    l3_min = 40;
    if (p.l3 + 40 > len) return "packet too short for its headers";
    size_t plen = get16(frame + p.l3 + 4);
    if (plen == 0) return "IPv6 jumbograms are not supported";
    end = p.l3 + 40 + plen;
  } else {
    return "not an IP packet";
  }
  if (end > len) return "truncated: the IP length is beyond the packet";
  if (end < p.l3 + l3_min) return "bad IP length";
  if (gso == v.gso_tcpv4 && p.ipv6) return "gso_type tcpv4 on an IPv6 packet";
  if (gso == v.gso_tcpv6 && !p.ipv6) return "gso_type tcpv6 on an IPv4 packet";
  if (needs_csum(h)) {
    p.l4 = h.csum_start;  // the kernel's own pointer past any options or extension headers
  } else {
    uint8_t proto = p.ipv6 ? frame[p.l3 + 6] : frame[p.l3 + 9];
    if (proto != (p.tcp ? kTcp : kUdp)) return "transport header not found (no csum_start and no plain TCP/UDP header)";
    p.l4 = p.l3 + l3_min;
  }
  if (p.l4 < p.l3 + l3_min || p.l4 - p.l3 > kMaxL3Headers || p.l4 + (p.tcp ? 20 : 8) > end) return "bad csum_start";
  if (p.tcp) {
    size_t doff = static_cast<size_t>(frame[p.l4 + 12] >> 4) * 4;
    if (doff < 20 || p.l4 + doff > end) return "bad TCP header length";
    p.hlen = p.l4 + doff;
  } else {
    p.hlen = p.l4 + 8;
  }
  p.mss = h.gso_size;
  if (p.mss < kMinMss) return "gso_size too small";
  p.payload = end - p.hlen;
  if (p.payload == 0) return "a GSO packet without payload";
  p.count = (p.payload + p.mss - 1) / p.mss;
  out = p;
  return nullptr;
}

size_t build_segment(const Plan& p, const uint8_t* frame, size_t k, uint8_t* out) {
  size_t off = k * p.mss;
  size_t chunk = p.payload - off < p.mss ? p.payload - off : p.mss;
  memcpy(out, frame, p.hlen);
  memcpy(out + p.hlen, frame + p.hlen + off, chunk);
  size_t n = p.hlen + chunk;
  uint8_t* ip = out + p.l3;
  if (p.ipv6) {
    put16(ip + 4, static_cast<uint16_t>(n - p.l3 - 40));
  } else {
    size_t ihl = static_cast<size_t>(ip[0] & 0xf) * 4;
    put16(ip + 2, static_cast<uint16_t>(n - p.l3));
    // Consecutive IDs, as the kernel's own segmentation gives them.
    put16(ip + 4, static_cast<uint16_t>(get16(frame + p.l3 + 4) + k));
    put16(ip + 10, 0);
    put16(ip + 10, static_cast<uint16_t>(~fold(sum_bytes(ip, ihl, 0))));
  }
  uint8_t* l4 = out + p.l4;
  size_t l4len = n - p.l4;
  if (p.tcp) {
    put32(l4 + 4, static_cast<uint32_t>(get32(frame + p.l4 + 4) + off));
    if (k + 1 < p.count) l4[13] = static_cast<uint8_t>(l4[13] & ~(kTcpFin | kTcpPsh));
    if (k > 0) l4[13] = static_cast<uint8_t>(l4[13] & ~kTcpCwr);
    put16(l4 + 16, 0);
    put16(l4 + 16, static_cast<uint16_t>(~fold(sum_bytes(l4, l4len, pseudo_sum(out, p, kTcp, l4len)))));
  } else {
    put16(l4 + 4, static_cast<uint16_t>(l4len));
    put16(l4 + 6, 0);
    uint16_t c = static_cast<uint16_t>(~fold(sum_bytes(l4, l4len, pseudo_sum(out, p, kUdp, l4len))));
    put16(l4 + 6, c == 0 ? 0xffff : c);
  }
  return n;
}

}  // namespace netloom::vnet
