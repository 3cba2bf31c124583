// The virtio_net_hdr that a tun/tap device with IFF_VNET_HDR puts in front of
// every packet, and what a program has to do itself when it wants real
// packets out of one: complete a partial checksum (F_NEEDS_CSUM) and split a
// GSO super-packet (TSO4, TSO6, USO) into the packets the kernel would have
// put on a wire. Pure functions over bytes: no syscalls, no N-API, so they
// are testable on their own and safe on any input (every offset is checked).
#pragma once

#include <cstddef>
#include <cstdint>

#include "virtio_abi.h"

namespace netloom::vnet {

// The header's fields. netloom sets TUNSETVNETLE on every vnet device, so
// the kernel writes and reads them little-endian on any host.
struct Header {
  uint8_t flags = 0;
  uint8_t gso_type = 0;  // VIRTIO_NET_HDR_GSO_*, possibly | VIRTIO_NET_HDR_GSO_ECN (see virtio_abi.h)
  uint16_t hdr_len = 0;
  uint16_t gso_size = 0;
  uint16_t csum_start = 0;
  uint16_t csum_offset = 0;
};

// sizeof(struct virtio_net_hdr); 12 with num_buffers (TUNSETVNETHDRSZ).
inline size_t header_size() { return netloom_virtio.hdr_size; }
// The GSO type without the ECN bit, and whether the packet is a super-packet.
inline uint8_t gso_kind(const Header& h) { return static_cast<uint8_t>(h.gso_type & ~netloom_virtio.gso_ecn); }
inline bool is_gso(const Header& h) { return gso_kind(h) != netloom_virtio.gso_none; }
inline bool needs_csum(const Header& h) { return (h.flags & netloom_virtio.f_needs_csum) != 0; }

Header parse(const uint8_t* p);

// Where the IP header starts in `frame`: 0 for tun (IFF_NO_PI), after the
// Ethernet header and any 802.1Q/802.1ad tags for tap. SIZE_MAX if the
// frame is too short to tell.
size_t l3_offset(const uint8_t* frame, size_t len, bool tap);

// Fill in the checksum a F_NEEDS_CSUM packet leaves partial: the one's
// complement sum from csum_start to the end, stored at csum_start +
// csum_offset (the field holds the pseudo-header sum already). nullptr on
// success, else why not.
const char* complete_checksum(uint8_t* frame, size_t len, uint16_t csum_start, uint16_t csum_offset);

// How a GSO super-packet splits.
struct Plan {
  size_t l3 = 0;        // IP header offset in the frame
  size_t l4 = 0;        // TCP/UDP header offset
  size_t hlen = 0;      // all headers: l4 + TCP/UDP header length
  size_t mss = 0;       // payload bytes per segment (gso_size)
  size_t payload = 0;   // payload bytes in the super-packet
  size_t count = 0;     // segments
  bool ipv6 = false;
  bool tcp = false;     // else UDP (USO)
  size_t max_segment() const { return hlen + mss; }
  // Bytes of all segments together.
  size_t total() const { return payload + count * hlen; }
};

// Check a super-packet and work out its split. Header lengths come from the
// packet itself (the header's hdr_len is only a hint: the kernel puts the
// length of the skb's linear part there). nullptr on success, else why not.
const char* plan(const Header& h, const uint8_t* frame, size_t len, bool tap, Plan& out);

// Write segment `k` (0-based, < plan.count) into `out` (room for
// plan.max_segment() bytes) and return its length: headers copied, IPv4
// total length / ID and IPv6 payload length fixed, TCP sequence number and
// flags (FIN/PSH only on the last, CWR only on the first) or UDP length
// fixed, IP header and TCP/UDP checksums computed in full.
size_t build_segment(const Plan& p, const uint8_t* frame, size_t k, uint8_t* out);

// One's complement arithmetic (RFC 1071), exposed for tests of the above.
uint64_t sum_bytes(const uint8_t* p, size_t n, uint64_t acc);
uint16_t fold(uint64_t acc);

}  // namespace netloom::vnet
