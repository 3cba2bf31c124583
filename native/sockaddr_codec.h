// struct sockaddr_in / sockaddr_in6 as an attribute payload (wireguard's
// WGPEER_A_ENDPOINT carries one): the bytes the kernel copies, built from an
// address and a port, and read back. Pure functions over byte spans.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtnl_codec.h"

namespace netloom::sockaddr {

// The largest payload: sizeof(struct sockaddr_in6).
constexpr size_t kMaxLen = 28;

// sockaddr_in (ip of 4 bytes) or sockaddr_in6 (16 bytes) into out; returns
// its length (16 or 28), 0 for any other address length. The port goes in
// network order; flowinfo and scope_id (IPv6 only) as the kernel keeps them.
size_t encode(const uint8_t* ip, size_t ip_len, uint16_t port, uint32_t flowinfo, uint32_t scope_id, uint8_t out[kMaxLen]);

// { address, port } (IPv6 adds flowinfo and scopeId) under `key`; false when
// [p, p+n) is not a whole sockaddr_in / sockaddr_in6.
bool decode(const uint8_t* p, size_t n, const char* key, rtnl::Sink& sink);

}  // namespace netloom::sockaddr
