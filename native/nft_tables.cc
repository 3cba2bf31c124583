// The nf_tables tables declared in nft_tables.h (sets and their elements
// are in nft_set_tables.cc). Attribute sets are listed by
// type; their by-name indexes are computed at compile time, and every number
// is checked against the UAPI headers, so none is trusted to a hand.

#include "nft_tables.h"

#include "attr_tables.h"
#include "nfnl_codec.h"

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

namespace {

using namespace ::netloom::tables;  // NOLINT: the table-building vocabulary (attr_tables.h)

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

// ---------------------------------------------------------------- rules and expressions
//
// A rule's NFTA_RULE_EXPRESSIONS is a list of NFTA_LIST_ELEM nests, each an
// expression: NFTA_EXPR_NAME picks the table of its NFTA_EXPR_DATA (a
// sub-message, as IFLA_INFO_KIND picks IFLA_INFO_DATA's). Registers, ops,
// keys and lengths are be32; data values are raw bytes.


static_assert(NFTA_VERDICT_CODE == 1 && NFTA_VERDICT_CHAIN == 2 && NFTA_VERDICT_CHAIN_ID == 3, "nft_verdict_attributes");
constexpr AttrSpec kVerdictAttrs[] = {
    hole(NFTA_VERDICT_UNSPEC),
    be("code", NFTA_VERDICT_CODE, Kind::S32),
    plain("chain", NFTA_VERDICT_CHAIN, Kind::String),
    be("chainId", NFTA_VERDICT_CHAIN_ID, Kind::U32),
};
NETLOOM_SET(kVerdictSet, "verdict-attrs", kVerdictAttrs);

static_assert(NFTA_DATA_VALUE == 1 && NFTA_DATA_VERDICT == 2, "nft_data_attributes");
constexpr AttrSpec kDataAttrs[] = {
    hole(NFTA_DATA_UNSPEC),
    plain("value", NFTA_DATA_VALUE, Kind::Binary),
    nest("verdict", NFTA_DATA_VERDICT, &kVerdictSet),
};
}  // namespace

// Shared with nft_set_tables.cc: set elements hold keys and data.
NETLOOM_SET(kDataSet, "data-attrs", kDataAttrs);

namespace {

static_assert(NFTA_PAYLOAD_DREG == 1 && NFTA_PAYLOAD_BASE == 2 && NFTA_PAYLOAD_OFFSET == 3 && NFTA_PAYLOAD_LEN == 4 &&
                  NFTA_PAYLOAD_SREG == 5 && NFTA_PAYLOAD_CSUM_TYPE == 6 && NFTA_PAYLOAD_CSUM_OFFSET == 7 && NFTA_PAYLOAD_CSUM_FLAGS == 8,
              "nft_payload_attributes");
constexpr AttrSpec kPayloadAttrs[] = {
    hole(NFTA_PAYLOAD_UNSPEC),
    be("dreg", NFTA_PAYLOAD_DREG, Kind::U32),
    be("base", NFTA_PAYLOAD_BASE, Kind::U32),
    be("offset", NFTA_PAYLOAD_OFFSET, Kind::U32),
    be("len", NFTA_PAYLOAD_LEN, Kind::U32),
    be("sreg", NFTA_PAYLOAD_SREG, Kind::U32),
    be("csumType", NFTA_PAYLOAD_CSUM_TYPE, Kind::U32),
    be("csumOffset", NFTA_PAYLOAD_CSUM_OFFSET, Kind::U32),
    be("csumFlags", NFTA_PAYLOAD_CSUM_FLAGS, Kind::U32),
};
NETLOOM_SET(kPayloadSet, "expr-payload-attrs", kPayloadAttrs);

static_assert(NFTA_META_DREG == 1 && NFTA_META_KEY == 2 && NFTA_META_SREG == 3, "nft_meta_attributes");
constexpr AttrSpec kMetaAttrs[] = {
    hole(NFTA_META_UNSPEC),
    be("dreg", NFTA_META_DREG, Kind::U32),
    be("key", NFTA_META_KEY, Kind::U32),
    be("sreg", NFTA_META_SREG, Kind::U32),
};
NETLOOM_SET(kMetaSet, "expr-meta-attrs", kMetaAttrs);

static_assert(NFTA_CMP_SREG == 1 && NFTA_CMP_OP == 2 && NFTA_CMP_DATA == 3, "nft_cmp_attributes");
constexpr AttrSpec kCmpAttrs[] = {
    hole(NFTA_CMP_UNSPEC),
    be("sreg", NFTA_CMP_SREG, Kind::U32),
    be("op", NFTA_CMP_OP, Kind::U32),
    nest("data", NFTA_CMP_DATA, &kDataSet),
};
NETLOOM_SET(kCmpSet, "expr-cmp-attrs", kCmpAttrs);

static_assert(NFTA_BITWISE_SREG == 1 && NFTA_BITWISE_DREG == 2 && NFTA_BITWISE_LEN == 3 && NFTA_BITWISE_MASK == 4 &&
                  NFTA_BITWISE_XOR == 5 && NFTA_BITWISE_OP == 6 && NFTA_BITWISE_DATA == 7,
              "nft_bitwise_attributes");
constexpr AttrSpec kBitwiseAttrs[] = {
    hole(NFTA_BITWISE_UNSPEC),
    be("sreg", NFTA_BITWISE_SREG, Kind::U32),
    be("dreg", NFTA_BITWISE_DREG, Kind::U32),
    be("len", NFTA_BITWISE_LEN, Kind::U32),
    nest("mask", NFTA_BITWISE_MASK, &kDataSet),
    nest("xor", NFTA_BITWISE_XOR, &kDataSet),
    be("op", NFTA_BITWISE_OP, Kind::U32),
    nest("data", NFTA_BITWISE_DATA, &kDataSet),
};
NETLOOM_SET(kBitwiseSet, "expr-bitwise-attrs", kBitwiseAttrs);

static_assert(NFTA_RANGE_SREG == 1 && NFTA_RANGE_OP == 2 && NFTA_RANGE_FROM_DATA == 3 && NFTA_RANGE_TO_DATA == 4, "nft_range_attributes");
constexpr AttrSpec kRangeAttrs[] = {
    hole(NFTA_RANGE_UNSPEC),
    be("sreg", NFTA_RANGE_SREG, Kind::U32),
    be("op", NFTA_RANGE_OP, Kind::U32),
    nest("fromData", NFTA_RANGE_FROM_DATA, &kDataSet),
    nest("toData", NFTA_RANGE_TO_DATA, &kDataSet),
};
NETLOOM_SET(kRangeSet, "expr-range-attrs", kRangeAttrs);

static_assert(NFTA_IMMEDIATE_DREG == 1 && NFTA_IMMEDIATE_DATA == 2, "nft_immediate_attributes");
constexpr AttrSpec kImmediateAttrs[] = {
    hole(NFTA_IMMEDIATE_UNSPEC),
    be("dreg", NFTA_IMMEDIATE_DREG, Kind::U32),
    nest("data", NFTA_IMMEDIATE_DATA, &kDataSet),
};
NETLOOM_SET(kImmediateSet, "expr-immediate-attrs", kImmediateAttrs);

static_assert(NFTA_LOOKUP_SET == 1 && NFTA_LOOKUP_SREG == 2 && NFTA_LOOKUP_DREG == 3 && NFTA_LOOKUP_SET_ID == 4 && NFTA_LOOKUP_FLAGS == 5,
              "nft_lookup_attributes");
constexpr AttrSpec kLookupAttrs[] = {
    hole(NFTA_LOOKUP_UNSPEC),
    plain("set", NFTA_LOOKUP_SET, Kind::String),
    be("sreg", NFTA_LOOKUP_SREG, Kind::U32),
    be("dreg", NFTA_LOOKUP_DREG, Kind::U32),
    be("setId", NFTA_LOOKUP_SET_ID, Kind::U32),
    be("flags", NFTA_LOOKUP_FLAGS, Kind::U32),
};
NETLOOM_SET(kLookupSet, "expr-lookup-attrs", kLookupAttrs);

static_assert(NFTA_CT_DREG == 1 && NFTA_CT_KEY == 2 && NFTA_CT_DIRECTION == 3 && NFTA_CT_SREG == 4, "nft_ct_attributes");
constexpr AttrSpec kCtAttrs[] = {
    hole(NFTA_CT_UNSPEC),
    be("dreg", NFTA_CT_DREG, Kind::U32),
    be("key", NFTA_CT_KEY, Kind::U32),
    plain("direction", NFTA_CT_DIRECTION, Kind::U8),
    be("sreg", NFTA_CT_SREG, Kind::U32),
};
NETLOOM_SET(kCtSet, "expr-ct-attrs", kCtAttrs);

static_assert(NFTA_FIB_DREG == 1 && NFTA_FIB_RESULT == 2 && NFTA_FIB_FLAGS == 3, "nft_fib_attributes");
constexpr AttrSpec kFibAttrs[] = {
    hole(NFTA_FIB_UNSPEC),
    be("dreg", NFTA_FIB_DREG, Kind::U32),
    be("result", NFTA_FIB_RESULT, Kind::U32),
    be("flags", NFTA_FIB_FLAGS, Kind::U32),
};
NETLOOM_SET(kFibSet, "expr-fib-attrs", kFibAttrs);

static_assert(NFTA_NAT_TYPE == 1 && NFTA_NAT_FAMILY == 2 && NFTA_NAT_REG_ADDR_MIN == 3 && NFTA_NAT_REG_ADDR_MAX == 4 &&
                  NFTA_NAT_REG_PROTO_MIN == 5 && NFTA_NAT_REG_PROTO_MAX == 6 && NFTA_NAT_FLAGS == 7,
              "nft_nat_attributes");
constexpr AttrSpec kNatAttrs[] = {
    hole(NFTA_NAT_UNSPEC),
    be("type", NFTA_NAT_TYPE, Kind::U32),
    be("family", NFTA_NAT_FAMILY, Kind::U32),
    be("regAddrMin", NFTA_NAT_REG_ADDR_MIN, Kind::U32),
    be("regAddrMax", NFTA_NAT_REG_ADDR_MAX, Kind::U32),
    be("regProtoMin", NFTA_NAT_REG_PROTO_MIN, Kind::U32),
    be("regProtoMax", NFTA_NAT_REG_PROTO_MAX, Kind::U32),
    be("flags", NFTA_NAT_FLAGS, Kind::U32),
};
NETLOOM_SET(kNatSet, "expr-nat-attrs", kNatAttrs);

static_assert(NFTA_MASQ_FLAGS == 1 && NFTA_MASQ_REG_PROTO_MIN == 2 && NFTA_MASQ_REG_PROTO_MAX == 3, "nft_masq_attributes");
constexpr AttrSpec kMasqAttrs[] = {
    hole(NFTA_MASQ_UNSPEC),
    be("flags", NFTA_MASQ_FLAGS, Kind::U32),
    be("regProtoMin", NFTA_MASQ_REG_PROTO_MIN, Kind::U32),
    be("regProtoMax", NFTA_MASQ_REG_PROTO_MAX, Kind::U32),
};
NETLOOM_SET(kMasqSet, "expr-masq-attrs", kMasqAttrs);

static_assert(NFTA_REDIR_REG_PROTO_MIN == 1 && NFTA_REDIR_REG_PROTO_MAX == 2 && NFTA_REDIR_FLAGS == 3, "nft_redir_attributes");
constexpr AttrSpec kRedirAttrs[] = {
    hole(NFTA_REDIR_UNSPEC),
    be("regProtoMin", NFTA_REDIR_REG_PROTO_MIN, Kind::U32),
    be("regProtoMax", NFTA_REDIR_REG_PROTO_MAX, Kind::U32),
    be("flags", NFTA_REDIR_FLAGS, Kind::U32),
};
NETLOOM_SET(kRedirSet, "expr-redir-attrs", kRedirAttrs);

// The counter expression's attributes are the chain counters' (kCounterSet).

static_assert(NFTA_LIMIT_RATE == 1 && NFTA_LIMIT_UNIT == 2 && NFTA_LIMIT_BURST == 3 && NFTA_LIMIT_TYPE == 4 && NFTA_LIMIT_FLAGS == 5 &&
                  NFTA_LIMIT_PAD == 6,
              "nft_limit_attributes");
constexpr AttrSpec kLimitAttrs[] = {
    hole(NFTA_LIMIT_UNSPEC),
    be("rate", NFTA_LIMIT_RATE, Kind::U64),
    be("unit", NFTA_LIMIT_UNIT, Kind::U64),
    be("burst", NFTA_LIMIT_BURST, Kind::U32),
    be("type", NFTA_LIMIT_TYPE, Kind::U32),
    be("flags", NFTA_LIMIT_FLAGS, Kind::U32),
    pad("pad", NFTA_LIMIT_PAD),
};
NETLOOM_SET(kLimitSet, "expr-limit-attrs", kLimitAttrs);

static_assert(NFTA_LOG_GROUP == 1 && NFTA_LOG_PREFIX == 2 && NFTA_LOG_SNAPLEN == 3 && NFTA_LOG_QTHRESHOLD == 4 && NFTA_LOG_LEVEL == 5 &&
                  NFTA_LOG_FLAGS == 6,
              "nft_log_attributes");
constexpr AttrSpec kLogAttrs[] = {
    hole(NFTA_LOG_UNSPEC),
    be("group", NFTA_LOG_GROUP, Kind::U16),
    plain("prefix", NFTA_LOG_PREFIX, Kind::String),
    be("snaplen", NFTA_LOG_SNAPLEN, Kind::U32),
    be("qthreshold", NFTA_LOG_QTHRESHOLD, Kind::U16),
    be("level", NFTA_LOG_LEVEL, Kind::U32),
    be("flags", NFTA_LOG_FLAGS, Kind::U32),
};
NETLOOM_SET(kLogSet, "expr-log-attrs", kLogAttrs);

static_assert(NFTA_REJECT_TYPE == 1 && NFTA_REJECT_ICMP_CODE == 2, "nft_reject_attributes");
constexpr AttrSpec kRejectAttrs[] = {
    hole(NFTA_REJECT_UNSPEC),
    be("type", NFTA_REJECT_TYPE, Kind::U32),
    plain("icmpCode", NFTA_REJECT_ICMP_CODE, Kind::U8),
};
NETLOOM_SET(kRejectSet, "expr-reject-attrs", kRejectAttrs);

// Sorted by nothing (find_format scans); `notrack` has no attributes.
constexpr schema::SubFormat kExprFormats[] = {
    {"payload", &kPayloadSet, nullptr}, {"meta", &kMetaSet, nullptr},     {"cmp", &kCmpSet, nullptr},
    {"bitwise", &kBitwiseSet, nullptr}, {"range", &kRangeSet, nullptr},   {"immediate", &kImmediateSet, nullptr},
    {"lookup", &kLookupSet, nullptr},   {"ct", &kCtSet, nullptr},         {"fib", &kFibSet, nullptr},
    {"nat", &kNatSet, nullptr},         {"masq", &kMasqSet, nullptr},     {"redir", &kRedirSet, nullptr},
    {"counter", &kCounterSet, nullptr}, {"limit", &kLimitSet, nullptr},   {"log", &kLogSet, nullptr},
    {"reject", &kRejectSet, nullptr},   {"notrack", nullptr, nullptr},
};
const schema::SubMessageSpec kExprData = {"expr-ops", static_cast<uint16_t>(std::size(kExprFormats)), kExprFormats};

static_assert(NFTA_EXPR_NAME == 1 && NFTA_EXPR_DATA == 2, "nft_expr_attributes");
constexpr AttrSpec kExprAttrs[] = {
    hole(NFTA_EXPR_UNSPEC),
    plain("name", NFTA_EXPR_NAME, Kind::String),
    sub("data", NFTA_EXPR_DATA, &kExprData, "name"),
};
}  // namespace

// Shared with nft_set_tables.cc: sets and elements may carry expressions.
NETLOOM_SET(kExprSet, "expr-attrs", kExprAttrs);

namespace {

static_assert(NFTA_LIST_ELEM == 1, "nft_list_attributes");
constexpr AttrSpec kExprListAttrs[] = {
    hole(NFTA_LIST_UNSPEC),
    many_nest("elem", NFTA_LIST_ELEM, &kExprSet),
};
}  // namespace

// Shared with nft_napi.cc: rules' expressions encoded one by one for reuse.
NETLOOM_SET(kExprListSet, "expr-list-attrs", kExprListAttrs);

namespace {

static_assert(NFTA_RULE_TABLE == 1 && NFTA_RULE_CHAIN == 2 && NFTA_RULE_HANDLE == 3 && NFTA_RULE_EXPRESSIONS == 4 &&
                  NFTA_RULE_COMPAT == 5 && NFTA_RULE_POSITION == 6 && NFTA_RULE_USERDATA == 7 && NFTA_RULE_PAD == 8 &&
                  NFTA_RULE_ID == 9 && NFTA_RULE_POSITION_ID == 10 && NFTA_RULE_CHAIN_ID == 11,
              "nft_rule_attributes");
constexpr AttrSpec kRuleAttrs[] = {
    hole(NFTA_RULE_UNSPEC),
    plain("table", NFTA_RULE_TABLE, Kind::String),
    plain("chain", NFTA_RULE_CHAIN, Kind::String),
    be("handle", NFTA_RULE_HANDLE, Kind::U64),
    nest("expressions", NFTA_RULE_EXPRESSIONS, &kExprListSet),
    plain("compat", NFTA_RULE_COMPAT, Kind::Binary),
    be("position", NFTA_RULE_POSITION, Kind::U64),
    plain("userdata", NFTA_RULE_USERDATA, Kind::Binary),
    pad("pad", NFTA_RULE_PAD),
    be("id", NFTA_RULE_ID, Kind::U32),
    be("positionId", NFTA_RULE_POSITION_ID, Kind::U32),
    be("chainId", NFTA_RULE_CHAIN_ID, Kind::U32),
};
NETLOOM_SET(kRuleSet, "rule-attrs", kRuleAttrs);

constexpr uint16_t msg(int n) { return static_cast<uint16_t>(NFNL_SUBSYS_NFTABLES << 8 | n); }

static_assert(NFNL_SUBSYS_NFTABLES == 10 && NFNL_MSG_BATCH_BEGIN == 0x10 && NFNL_MSG_BATCH_END == 0x11, "nfnetlink.h");
static_assert(NFT_MSG_NEWTABLE == 0 && NFT_MSG_GETTABLE == 1 && NFT_MSG_DELTABLE == 2 && NFT_MSG_NEWCHAIN == 3 &&
                  NFT_MSG_GETCHAIN == 4 && NFT_MSG_DELCHAIN == 5 && NFT_MSG_NEWRULE == 6 && NFT_MSG_GETRULE == 7 &&
                  NFT_MSG_DELRULE == 8 && NFT_MSG_NEWSET == 9 && NFT_MSG_GETSET == 10 && NFT_MSG_DELSET == 11 &&
                  NFT_MSG_NEWSETELEM == 12 && NFT_MSG_GETSETELEM == 13 && NFT_MSG_DELSETELEM == 14 && NFT_MSG_NEWGEN == 15 &&
                  NFT_MSG_GETGEN == 16,
              "nf_tables_msg_types");

}  // namespace

// Sorted by type: find_message bisects.
const MessageSpec kMessages[] = {
    {NFNL_MSG_BATCH_BEGIN, "batch-begin", &nfnl::kNfgenmsg, &kBatchSet},
    {NFNL_MSG_BATCH_END, "batch-end", &nfnl::kNfgenmsg, &kBatchSet},
    {msg(NFT_MSG_NEWTABLE), "newtable", &nfnl::kNfgenmsg, &kTableSet},
    {msg(NFT_MSG_GETTABLE), "gettable", &nfnl::kNfgenmsg, &kTableSet},
    {msg(NFT_MSG_DELTABLE), "deltable", &nfnl::kNfgenmsg, &kTableSet},
    {msg(NFT_MSG_NEWCHAIN), "newchain", &nfnl::kNfgenmsg, &kChainSet},
    {msg(NFT_MSG_GETCHAIN), "getchain", &nfnl::kNfgenmsg, &kChainSet},
    {msg(NFT_MSG_DELCHAIN), "delchain", &nfnl::kNfgenmsg, &kChainSet},
    {msg(NFT_MSG_NEWRULE), "newrule", &nfnl::kNfgenmsg, &kRuleSet},
    {msg(NFT_MSG_GETRULE), "getrule", &nfnl::kNfgenmsg, &kRuleSet},
    {msg(NFT_MSG_DELRULE), "delrule", &nfnl::kNfgenmsg, &kRuleSet},
    {msg(NFT_MSG_NEWSET), "newset", &nfnl::kNfgenmsg, &kSetSet},
    {msg(NFT_MSG_GETSET), "getset", &nfnl::kNfgenmsg, &kSetSet},
    {msg(NFT_MSG_DELSET), "delset", &nfnl::kNfgenmsg, &kSetSet},
    {msg(NFT_MSG_NEWSETELEM), "newsetelem", &nfnl::kNfgenmsg, &kSetElemListSet},
    {msg(NFT_MSG_GETSETELEM), "getsetelem", &nfnl::kNfgenmsg, &kSetElemListSet},
    {msg(NFT_MSG_DELSETELEM), "delsetelem", &nfnl::kNfgenmsg, &kSetElemListSet},
    {msg(NFT_MSG_NEWGEN), "newgen", &nfnl::kNfgenmsg, &kGenSet},
    {msg(NFT_MSG_GETGEN), "getgen", &nfnl::kNfgenmsg, &kGenSet},
};
const size_t kMessageCount = std::size(kMessages);

const MessageSpec* find_message(uint16_t type) {
  const MessageSpec* end = kMessages + kMessageCount;
  const MessageSpec* it = std::lower_bound(kMessages, end, type, [](const MessageSpec& m, uint16_t t) { return m.type < t; });
  return it != end && it->type == type ? it : nullptr;
}

}  // namespace netloom::nft
