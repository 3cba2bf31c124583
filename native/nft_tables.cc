// The nf_tables tables declared in nft_tables.h. Attribute sets are listed by
// type; their by-name indexes are computed at compile time, and every number
// is checked against the UAPI headers, so none is trusted to a hand.

#include "nft_tables.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <algorithm>
#include <array>
#include <cstddef>

namespace netloom::nft {

using schema::AttrSetSpec;
using schema::AttrSpec;
using schema::Kind;
using schema::MessageSpec;
using schema::StructField;
using schema::StructSpec;

namespace {

// ---------------------------------------------------------------- compile-time helpers

constexpr bool name_less(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return static_cast<unsigned char>(*a) < static_cast<unsigned char>(*b);
}

template <size_t N>
constexpr size_t named(const AttrSpec (&set)[N]) {
  size_t n = 0;
  for (size_t i = 0; i < N; i++)
    if (set[i].name != nullptr) n++;
  return n;
}

// Entry i must describe nla_type i (holes have no name).
template <size_t N>
constexpr bool indexed(const AttrSpec (&set)[N]) {
  for (size_t i = 0; i < N; i++)
    if (set[i].name != nullptr && set[i].type != i) return false;
  return true;
}

// The nla_types of the named entries, sorted by name (what find_attr bisects).
template <size_t M, size_t N>
constexpr std::array<uint16_t, M> by_name(const AttrSpec (&set)[N]) {
  std::array<uint16_t, M> out{};
  size_t n = 0;
  for (size_t i = 0; i < N; i++) {
    if (set[i].name == nullptr) continue;
    size_t j = n++;
    while (j > 0 && name_less(set[i].name, set[out[j - 1]].name)) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = static_cast<uint16_t>(i);
  }
  return out;
}

// {name, type, kind, big_endian, multi, elem, nested, fixed, sub, selector}
constexpr AttrSpec hole(uint16_t type) { return {nullptr, type, Kind::Pad, false, false, Kind::Pad, nullptr, nullptr, nullptr, nullptr}; }
constexpr AttrSpec be(const char* name, uint16_t type, Kind kind) { return {name, type, kind, true, false, Kind::Pad, nullptr, nullptr, nullptr, nullptr}; }
constexpr AttrSpec plain(const char* name, uint16_t type, Kind kind) { return {name, type, kind, false, false, Kind::Pad, nullptr, nullptr, nullptr, nullptr}; }
constexpr AttrSpec nest(const char* name, uint16_t type, const AttrSetSpec* set) {
  return {name, type, Kind::Nest, false, false, Kind::Pad, set, nullptr, nullptr, nullptr};
}
constexpr AttrSpec many(const char* name, uint16_t type, Kind kind) { return {name, type, kind, false, true, Kind::Pad, nullptr, nullptr, nullptr, nullptr}; }

#define NETLOOM_SET(var, spec_name, entries)                                                        \
  static_assert(indexed(entries), spec_name ": entry i must be nla_type i");                       \
  constexpr auto var##_by_name = by_name<named(entries)>(entries);                                  \
  const AttrSetSpec var = {spec_name, static_cast<uint16_t>(std::size(entries) - 1), entries,      \
                           static_cast<uint16_t>(named(entries)), var##_by_name.data()}

// ---------------------------------------------------------------- nfgenmsg

static_assert(sizeof(nfgenmsg) == 4, "nfgenmsg");
static_assert(offsetof(nfgenmsg, nfgen_family) == 0 && offsetof(nfgenmsg, version) == 1 && offsetof(nfgenmsg, res_id) == 2, "nfgenmsg layout");
// res_id is __be16: the subsystem in batch delimiters, the low 16 bits of the
// ruleset generation in dump replies.
constexpr StructField kNfgenmsgFields[] = {
    {"nfgenFamily", Kind::U8, 0, 1, false},
    {"version", Kind::U8, 1, 1, false},
    {"resId", Kind::U16, 2, 2, true},
};
const StructSpec kNfgenmsg = {"nfgenmsg", sizeof(nfgenmsg), 3, kNfgenmsgFields};

// ---------------------------------------------------------------- attribute sets

static_assert(NFTA_TABLE_NAME == 1 && NFTA_TABLE_FLAGS == 2 && NFTA_TABLE_USE == 3 && NFTA_TABLE_HANDLE == 4 &&
                  NFTA_TABLE_PAD == 5 && NFTA_TABLE_USERDATA == 6 && NFTA_TABLE_OWNER == 7,
              "nft_table_attributes");
constexpr AttrSpec kTableAttrs[] = {
    hole(NFTA_TABLE_UNSPEC),
    plain("name", NFTA_TABLE_NAME, Kind::String),
    be("flags", NFTA_TABLE_FLAGS, Kind::U32),
    be("use", NFTA_TABLE_USE, Kind::U32),
    be("handle", NFTA_TABLE_HANDLE, Kind::U64),
    {"pad", NFTA_TABLE_PAD, Kind::Pad, false, false, Kind::Pad, nullptr, nullptr, nullptr, nullptr},
    plain("userdata", NFTA_TABLE_USERDATA, Kind::Binary),
    be("owner", NFTA_TABLE_OWNER, Kind::U32),
};
NETLOOM_SET(kTableSet, "table-attrs", kTableAttrs);

static_assert(NFTA_DEVICE_NAME == 1, "nft_devices_attributes");
constexpr AttrSpec kDeviceAttrs[] = {
    hole(NFTA_DEVICE_UNSPEC),
    many("name", NFTA_DEVICE_NAME, Kind::String),
};
NETLOOM_SET(kDeviceSet, "hook-dev-attrs", kDeviceAttrs);

static_assert(NFTA_HOOK_HOOKNUM == 1 && NFTA_HOOK_PRIORITY == 2 && NFTA_HOOK_DEV == 3 && NFTA_HOOK_DEVS == 4, "nft_hook_attributes");
constexpr AttrSpec kHookAttrs[] = {
    hole(NFTA_HOOK_UNSPEC),
    be("num", NFTA_HOOK_HOOKNUM, Kind::U32),
    be("priority", NFTA_HOOK_PRIORITY, Kind::S32),
    plain("dev", NFTA_HOOK_DEV, Kind::String),
    nest("devs", NFTA_HOOK_DEVS, &kDeviceSet),
};
NETLOOM_SET(kHookSet, "nft-hook-attrs", kHookAttrs);

static_assert(NFTA_COUNTER_BYTES == 1 && NFTA_COUNTER_PACKETS == 2 && NFTA_COUNTER_PAD == 3, "nft_counter_attributes");
constexpr AttrSpec kCounterAttrs[] = {
    hole(NFTA_COUNTER_UNSPEC),
    be("bytes", NFTA_COUNTER_BYTES, Kind::U64),
    be("packets", NFTA_COUNTER_PACKETS, Kind::U64),
    {"pad", NFTA_COUNTER_PAD, Kind::Pad, false, false, Kind::Pad, nullptr, nullptr, nullptr, nullptr},
};
NETLOOM_SET(kCounterSet, "nft-counter-attrs", kCounterAttrs);

static_assert(NFTA_CHAIN_TABLE == 1 && NFTA_CHAIN_HANDLE == 2 && NFTA_CHAIN_NAME == 3 && NFTA_CHAIN_HOOK == 4 &&
                  NFTA_CHAIN_POLICY == 5 && NFTA_CHAIN_USE == 6 && NFTA_CHAIN_TYPE == 7 && NFTA_CHAIN_COUNTERS == 8 &&
                  NFTA_CHAIN_PAD == 9 && NFTA_CHAIN_FLAGS == 10 && NFTA_CHAIN_ID == 11 && NFTA_CHAIN_USERDATA == 12,
              "nft_chain_attributes (the YNL spec misses PAD 9: see shared/NFTABLES.md 1.11)");
constexpr AttrSpec kChainAttrs[] = {
    hole(NFTA_CHAIN_UNSPEC),
    plain("table", NFTA_CHAIN_TABLE, Kind::String),
    be("handle", NFTA_CHAIN_HANDLE, Kind::U64),
    plain("name", NFTA_CHAIN_NAME, Kind::String),
    nest("hook", NFTA_CHAIN_HOOK, &kHookSet),
    be("policy", NFTA_CHAIN_POLICY, Kind::U32),
    be("use", NFTA_CHAIN_USE, Kind::U32),
    plain("type", NFTA_CHAIN_TYPE, Kind::String),
    nest("counters", NFTA_CHAIN_COUNTERS, &kCounterSet),
    {"pad", NFTA_CHAIN_PAD, Kind::Pad, false, false, Kind::Pad, nullptr, nullptr, nullptr, nullptr},
    be("flags", NFTA_CHAIN_FLAGS, Kind::U32),
    be("id", NFTA_CHAIN_ID, Kind::U32),
    plain("userdata", NFTA_CHAIN_USERDATA, Kind::Binary),
};
NETLOOM_SET(kChainSet, "chain-attrs", kChainAttrs);

static_assert(NFTA_GEN_ID == 1 && NFTA_GEN_PROC_PID == 2 && NFTA_GEN_PROC_NAME == 3, "nft_gen_attributes");
constexpr AttrSpec kGenAttrs[] = {
    hole(NFTA_GEN_UNSPEC),
    be("id", NFTA_GEN_ID, Kind::U32),
    be("procPid", NFTA_GEN_PROC_PID, Kind::U32),
    plain("procName", NFTA_GEN_PROC_NAME, Kind::String),
};
NETLOOM_SET(kGenSet, "gen-attrs", kGenAttrs);

static_assert(NFNL_BATCH_GENID == 1, "nfnl_batch_attributes");
constexpr AttrSpec kBatchAttrs[] = {
    hole(NFNL_BATCH_UNSPEC),
    be("genid", NFNL_BATCH_GENID, Kind::U32),
};
NETLOOM_SET(kBatchSet, "batch-attrs", kBatchAttrs);

#undef NETLOOM_SET

constexpr uint16_t msg(int n) { return static_cast<uint16_t>(NFNL_SUBSYS_NFTABLES << 8 | n); }

static_assert(NFNL_SUBSYS_NFTABLES == 10 && NFNL_MSG_BATCH_BEGIN == 0x10 && NFNL_MSG_BATCH_END == 0x11, "nfnetlink.h");
static_assert(NFT_MSG_NEWTABLE == 0 && NFT_MSG_GETTABLE == 1 && NFT_MSG_DELTABLE == 2 && NFT_MSG_NEWCHAIN == 3 &&
                  NFT_MSG_GETCHAIN == 4 && NFT_MSG_DELCHAIN == 5 && NFT_MSG_NEWGEN == 15 && NFT_MSG_GETGEN == 16,
              "nf_tables_msg_types");

}  // namespace

// Sorted by type: find_message bisects.
const MessageSpec kMessages[] = {
    {NFNL_MSG_BATCH_BEGIN, "batch-begin", &kNfgenmsg, &kBatchSet},
    {NFNL_MSG_BATCH_END, "batch-end", &kNfgenmsg, &kBatchSet},
    {msg(NFT_MSG_NEWTABLE), "newtable", &kNfgenmsg, &kTableSet},
    {msg(NFT_MSG_GETTABLE), "gettable", &kNfgenmsg, &kTableSet},
    {msg(NFT_MSG_DELTABLE), "deltable", &kNfgenmsg, &kTableSet},
    {msg(NFT_MSG_NEWCHAIN), "newchain", &kNfgenmsg, &kChainSet},
    {msg(NFT_MSG_GETCHAIN), "getchain", &kNfgenmsg, &kChainSet},
    {msg(NFT_MSG_DELCHAIN), "delchain", &kNfgenmsg, &kChainSet},
    {msg(NFT_MSG_NEWGEN), "newgen", &kNfgenmsg, &kGenSet},
    {msg(NFT_MSG_GETGEN), "getgen", &kNfgenmsg, &kGenSet},
};
const size_t kMessageCount = std::size(kMessages);

const MessageSpec* find_message(uint16_t type) {
  const MessageSpec* end = kMessages + kMessageCount;
  const MessageSpec* it = std::lower_bound(kMessages, end, type, [](const MessageSpec& m, uint16_t t) { return m.type < t; });
  return it != end && it->type == type ? it : nullptr;
}

}  // namespace netloom::nft
