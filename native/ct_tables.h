// The ctnetlink message tables (NFNL_SUBSYS_CTNETLINK: conntrack entries,
// IPCTNL_MSG_CT_NEW/GET/DELETE) in the shape of rtnl_schema.h, so the
// table-driven codec encodes and decodes them. Written by hand from
// <linux/netfilter/nfnetlink_conntrack.h>: every number is static_asserted
// against that header in ct_tables.cc. ctnetlink integers are big-endian on
// the wire (addresses and ports are bytes in network order), except the
// CTA_FILTER flags, which the kernel reads in host order.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtnl_schema.h"

namespace netloom::ct {

// The table of one ctnetlink message type (NFNL_SUBSYS_CTNETLINK << 8 |
// IPCTNL_MSG_CT_*), nullptr when there is none.
const schema::MessageSpec* find_message(uint16_t type);

// All of them, sorted by type (for tests and enumeration).
extern const schema::MessageSpec kMessages[];
extern const size_t kMessageCount;

// CTA_FILTER_ORIG_FLAGS / CTA_FILTER_REPLY_FLAGS bits: which fields of the
// tuple sent with a dump must match. The kernel keeps them out of UAPI
// (net/netfilter/nf_internals.h, CTA_FILTER_F_*), so they are written here,
// once, with that header's values.
enum FilterFlag : uint32_t {
  kFilterIpSrc = 1u << 0,
  kFilterIpDst = 1u << 1,
  kFilterTupleZone = 1u << 2,
  kFilterProtoNum = 1u << 3,
  kFilterProtoSrcPort = 1u << 4,
  kFilterProtoDstPort = 1u << 5,
  kFilterIcmpType = 1u << 6,
  kFilterIcmpCode = 1u << 7,
  kFilterIcmpId = 1u << 8,
  kFilterIcmpv6Type = 1u << 9,
  kFilterIcmpv6Code = 1u << 10,
  kFilterIcmpv6Id = 1u << 11,
};

}  // namespace netloom::ct
