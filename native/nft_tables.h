// The nf_tables message tables (tables, chains, rules, sets and their
// elements, the ruleset generation, batch delimiters) in the shape of
// rtnl_schema.h, so the table-driven codec of rtnl_codec/rtnl_napi encodes
// and decodes them. Written by hand from <linux/netfilter/nf_tables.h> and
// <linux/netfilter/nfnetlink.h>: every number is static_asserted against
// those headers in nft_tables.cc and nft_set_tables.cc. Every
// integer attribute of nf_tables is big-endian on the wire.
#pragma once

#include <cstdint>

#include "rtnl_schema.h"

namespace netloom::nft {

// The table of one nfnetlink message type (NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_*,
// or NFNL_MSG_BATCH_BEGIN/END), nullptr when there is none.
const schema::MessageSpec* find_message(uint16_t type);

// Attribute sets shared between nft_tables.cc and nft_set_tables.cc: data
// (NFTA_DATA_VALUE / NFTA_DATA_VERDICT), one expression, and the top-level
// sets of NFT_MSG_*SET and NFT_MSG_*SETELEM.
extern const schema::AttrSetSpec kDataSet;
extern const schema::AttrSetSpec kExprSet;
extern const schema::AttrSetSpec kExprListSet;
extern const schema::AttrSetSpec kSetSet;
extern const schema::AttrSetSpec kSetElemListSet;

// All of them, sorted by type (for tests and enumeration).
extern const schema::MessageSpec kMessages[];
extern const size_t kMessageCount;

}  // namespace netloom::nft
