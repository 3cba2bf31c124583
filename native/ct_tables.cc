// The ctnetlink tables declared in ct_tables.h: conntrack entries and their
// tuples, as IPCTNL_MSG_CT_NEW/GET/DELETE carry them. Attribute sets are
// listed by type; every number is checked against
// <linux/netfilter/nfnetlink_conntrack.h>, so none is trusted to a hand.

#include "ct_tables.h"

#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <algorithm>
#include <cstddef>

#include "attr_tables.h"
#include "nfnl_codec.h"

namespace netloom::ct {

using schema::AttrSpec;
using schema::Kind;
using schema::MessageSpec;

namespace {

using namespace ::netloom::tables;  // NOLINT: the table-building vocabulary (attr_tables.h)

constexpr AttrSpec fixed(const char* name, uint16_t type, const schema::StructSpec* s) {
  return {name, type, Kind::Struct, false, false, Kind::Pad, nullptr, s, nullptr, nullptr};
}

// ---------------------------------------------------------------- tuples

static_assert(CTA_IP_V4_SRC == 1 && CTA_IP_V4_DST == 2 && CTA_IP_V6_SRC == 3 && CTA_IP_V6_DST == 4 && CTA_IP_MAX == 4, "ctattr_ip");
constexpr AttrSpec kIpAttrs[] = {
    hole(CTA_IP_UNSPEC),
    plain("v4Src", CTA_IP_V4_SRC, Kind::Ipv4),
    plain("v4Dst", CTA_IP_V4_DST, Kind::Ipv4),
    plain("v6Src", CTA_IP_V6_SRC, Kind::Ipv6),
    plain("v6Dst", CTA_IP_V6_DST, Kind::Ipv6),
};
NETLOOM_SET(kIpSet, "tuple-ip-attrs", kIpAttrs);

// Ports and ICMP ids are __be16; the protocol number, ICMP type and code u8.
static_assert(CTA_PROTO_NUM == 1 && CTA_PROTO_SRC_PORT == 2 && CTA_PROTO_DST_PORT == 3 && CTA_PROTO_ICMP_ID == 4 &&
                  CTA_PROTO_ICMP_TYPE == 5 && CTA_PROTO_ICMP_CODE == 6 && CTA_PROTO_ICMPV6_ID == 7 && CTA_PROTO_ICMPV6_TYPE == 8 &&
                  CTA_PROTO_ICMPV6_CODE == 9 && CTA_PROTO_MAX == 9,
              "ctattr_l4proto");
constexpr AttrSpec kProtoAttrs[] = {
    hole(CTA_PROTO_UNSPEC),
    plain("num", CTA_PROTO_NUM, Kind::U8),
    be("srcPort", CTA_PROTO_SRC_PORT, Kind::U16),
    be("dstPort", CTA_PROTO_DST_PORT, Kind::U16),
    be("icmpId", CTA_PROTO_ICMP_ID, Kind::U16),
    plain("icmpType", CTA_PROTO_ICMP_TYPE, Kind::U8),
    plain("icmpCode", CTA_PROTO_ICMP_CODE, Kind::U8),
    be("icmpv6Id", CTA_PROTO_ICMPV6_ID, Kind::U16),
    plain("icmpv6Type", CTA_PROTO_ICMPV6_TYPE, Kind::U8),
    plain("icmpv6Code", CTA_PROTO_ICMPV6_CODE, Kind::U8),
};
NETLOOM_SET(kProtoSet, "tuple-proto-attrs", kProtoAttrs);

static_assert(CTA_TUPLE_IP == 1 && CTA_TUPLE_PROTO == 2 && CTA_TUPLE_ZONE == 3 && CTA_TUPLE_MAX == 3, "ctattr_tuple");
constexpr AttrSpec kTupleAttrs[] = {
    hole(CTA_TUPLE_UNSPEC),
    nest("ip", CTA_TUPLE_IP, &kIpSet),
    nest("proto", CTA_TUPLE_PROTO, &kProtoSet),
    be("zone", CTA_TUPLE_ZONE, Kind::U16),
};
NETLOOM_SET(kTupleSet, "tuple-attrs", kTupleAttrs);

// ---------------------------------------------------------------- protocol state

static_assert(sizeof(nf_ct_tcp_flags) == 2 && offsetof(nf_ct_tcp_flags, flags) == 0 && offsetof(nf_ct_tcp_flags, mask) == 1, "nf_ct_tcp_flags");
constexpr schema::StructField kTcpFlagsFields[] = {
    {"flags", Kind::U8, 0, 1, false},
    {"mask", Kind::U8, 1, 1, false},
};
const schema::StructSpec kTcpFlags = {"nf-ct-tcp-flags", sizeof(nf_ct_tcp_flags), 2, kTcpFlagsFields};

static_assert(CTA_PROTOINFO_TCP_STATE == 1 && CTA_PROTOINFO_TCP_WSCALE_ORIGINAL == 2 && CTA_PROTOINFO_TCP_WSCALE_REPLY == 3 &&
                  CTA_PROTOINFO_TCP_FLAGS_ORIGINAL == 4 && CTA_PROTOINFO_TCP_FLAGS_REPLY == 5 && CTA_PROTOINFO_TCP_MAX == 5,
              "ctattr_protoinfo_tcp");
constexpr AttrSpec kTcpAttrs[] = {
    hole(CTA_PROTOINFO_TCP_UNSPEC),
    plain("state", CTA_PROTOINFO_TCP_STATE, Kind::U8),
    plain("wscaleOriginal", CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, Kind::U8),
    plain("wscaleReply", CTA_PROTOINFO_TCP_WSCALE_REPLY, Kind::U8),
    fixed("flagsOriginal", CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, &kTcpFlags),
    fixed("flagsReply", CTA_PROTOINFO_TCP_FLAGS_REPLY, &kTcpFlags),
};
NETLOOM_SET(kTcpSet, "protoinfo-tcp-attrs", kTcpAttrs);

static_assert(CTA_PROTOINFO_DCCP_STATE == 1 && CTA_PROTOINFO_DCCP_ROLE == 2 && CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ == 3 &&
                  CTA_PROTOINFO_DCCP_PAD == 4 && CTA_PROTOINFO_DCCP_MAX == 4,
              "ctattr_protoinfo_dccp");
constexpr AttrSpec kDccpAttrs[] = {
    hole(CTA_PROTOINFO_DCCP_UNSPEC),
    plain("state", CTA_PROTOINFO_DCCP_STATE, Kind::U8),
    plain("role", CTA_PROTOINFO_DCCP_ROLE, Kind::U8),
    be("handshakeSeq", CTA_PROTOINFO_DCCP_HANDSHAKE_SEQ, Kind::U64),
    pad("pad", CTA_PROTOINFO_DCCP_PAD),
};
NETLOOM_SET(kDccpSet, "protoinfo-dccp-attrs", kDccpAttrs);

static_assert(CTA_PROTOINFO_SCTP_STATE == 1 && CTA_PROTOINFO_SCTP_VTAG_ORIGINAL == 2 && CTA_PROTOINFO_SCTP_VTAG_REPLY == 3 &&
                  CTA_PROTOINFO_SCTP_MAX == 3,
              "ctattr_protoinfo_sctp");
constexpr AttrSpec kSctpAttrs[] = {
    hole(CTA_PROTOINFO_SCTP_UNSPEC),
    plain("state", CTA_PROTOINFO_SCTP_STATE, Kind::U8),
    be("vtagOriginal", CTA_PROTOINFO_SCTP_VTAG_ORIGINAL, Kind::U32),
    be("vtagReply", CTA_PROTOINFO_SCTP_VTAG_REPLY, Kind::U32),
};
NETLOOM_SET(kSctpSet, "protoinfo-sctp-attrs", kSctpAttrs);

static_assert(CTA_PROTOINFO_TCP == 1 && CTA_PROTOINFO_DCCP == 2 && CTA_PROTOINFO_SCTP == 3 && CTA_PROTOINFO_MAX == 3, "ctattr_protoinfo");
constexpr AttrSpec kProtoinfoAttrs[] = {
    hole(CTA_PROTOINFO_UNSPEC),
    nest("tcp", CTA_PROTOINFO_TCP, &kTcpSet),
    nest("dccp", CTA_PROTOINFO_DCCP, &kDccpSet),
    nest("sctp", CTA_PROTOINFO_SCTP, &kSctpSet),
};
NETLOOM_SET(kProtoinfoSet, "protoinfo-attrs", kProtoinfoAttrs);

// ---------------------------------------------------------------- accounting, NAT, helpers

static_assert(CTA_COUNTERS_PACKETS == 1 && CTA_COUNTERS_BYTES == 2 && CTA_COUNTERS32_PACKETS == 3 && CTA_COUNTERS32_BYTES == 4 &&
                  CTA_COUNTERS_PAD == 5 && CTA_COUNTERS_MAX == 5,
              "ctattr_counters");
constexpr AttrSpec kCountersAttrs[] = {
    hole(CTA_COUNTERS_UNSPEC),
    be("packets", CTA_COUNTERS_PACKETS, Kind::U64),
    be("bytes", CTA_COUNTERS_BYTES, Kind::U64),
    be("packets32", CTA_COUNTERS32_PACKETS, Kind::U32),
    be("bytes32", CTA_COUNTERS32_BYTES, Kind::U32),
    pad("pad", CTA_COUNTERS_PAD),
};
NETLOOM_SET(kCountersSet, "counters-attrs", kCountersAttrs);

static_assert(CTA_TIMESTAMP_START == 1 && CTA_TIMESTAMP_STOP == 2 && CTA_TIMESTAMP_PAD == 3 && CTA_TIMESTAMP_MAX == 3, "ctattr_tstamp");
constexpr AttrSpec kTimestampAttrs[] = {
    hole(CTA_TIMESTAMP_UNSPEC),
    be("start", CTA_TIMESTAMP_START, Kind::U64),
    be("stop", CTA_TIMESTAMP_STOP, Kind::U64),
    pad("pad", CTA_TIMESTAMP_PAD),
};
NETLOOM_SET(kTimestampSet, "timestamp-attrs", kTimestampAttrs);

static_assert(CTA_PROTONAT_PORT_MIN == 1 && CTA_PROTONAT_PORT_MAX == 2 && CTA_PROTONAT_MAX == 2, "ctattr_protonat");
constexpr AttrSpec kProtonatAttrs[] = {
    hole(CTA_PROTONAT_UNSPEC),
    be("portMin", CTA_PROTONAT_PORT_MIN, Kind::U16),
    be("portMax", CTA_PROTONAT_PORT_MAX, Kind::U16),
};
NETLOOM_SET(kProtonatSet, "protonat-attrs", kProtonatAttrs);

static_assert(CTA_NAT_V4_MINIP == 1 && CTA_NAT_V4_MAXIP == 2 && CTA_NAT_PROTO == 3 && CTA_NAT_V6_MINIP == 4 && CTA_NAT_V6_MAXIP == 5 &&
                  CTA_NAT_MAX == 5,
              "ctattr_nat");
constexpr AttrSpec kNatAttrs[] = {
    hole(CTA_NAT_UNSPEC),
    plain("v4Minip", CTA_NAT_V4_MINIP, Kind::Ipv4),
    plain("v4Maxip", CTA_NAT_V4_MAXIP, Kind::Ipv4),
    nest("proto", CTA_NAT_PROTO, &kProtonatSet),
    plain("v6Minip", CTA_NAT_V6_MINIP, Kind::Ipv6),
    plain("v6Maxip", CTA_NAT_V6_MAXIP, Kind::Ipv6),
};
NETLOOM_SET(kNatSet, "nat-attrs", kNatAttrs);

static_assert(CTA_SEQADJ_CORRECTION_POS == 1 && CTA_SEQADJ_OFFSET_BEFORE == 2 && CTA_SEQADJ_OFFSET_AFTER == 3 && CTA_SEQADJ_MAX == 3,
              "ctattr_seqadj");
constexpr AttrSpec kSeqadjAttrs[] = {
    hole(CTA_SEQADJ_UNSPEC),
    be("correctionPos", CTA_SEQADJ_CORRECTION_POS, Kind::U32),
    be("offsetBefore", CTA_SEQADJ_OFFSET_BEFORE, Kind::U32),
    be("offsetAfter", CTA_SEQADJ_OFFSET_AFTER, Kind::U32),
};
NETLOOM_SET(kSeqadjSet, "seqadj-attrs", kSeqadjAttrs);

// CTA_HELP_INFO is the helper's own nest: kept as bytes.
static_assert(CTA_HELP_NAME == 1 && CTA_HELP_INFO == 2 && CTA_HELP_MAX == 2, "ctattr_help");
constexpr AttrSpec kHelpAttrs[] = {
    hole(CTA_HELP_UNSPEC),
    plain("name", CTA_HELP_NAME, Kind::String),
    plain("info", CTA_HELP_INFO, Kind::Binary),
};
NETLOOM_SET(kHelpSet, "help-attrs", kHelpAttrs);

static_assert(CTA_SECCTX_NAME == 1 && CTA_SECCTX_MAX == 1, "ctattr_secctx");
constexpr AttrSpec kSecctxAttrs[] = {
    hole(CTA_SECCTX_UNSPEC),
    plain("name", CTA_SECCTX_NAME, Kind::String),
};
NETLOOM_SET(kSecctxSet, "secctx-attrs", kSecctxAttrs);

static_assert(CTA_SYNPROXY_ISN == 1 && CTA_SYNPROXY_ITS == 2 && CTA_SYNPROXY_TSOFF == 3 && CTA_SYNPROXY_MAX == 3, "ctattr_synproxy");
constexpr AttrSpec kSynproxyAttrs[] = {
    hole(CTA_SYNPROXY_UNSPEC),
    be("isn", CTA_SYNPROXY_ISN, Kind::U32),
    be("its", CTA_SYNPROXY_ITS, Kind::U32),
    be("tsoff", CTA_SYNPROXY_TSOFF, Kind::U32),
};
NETLOOM_SET(kSynproxySet, "synproxy-attrs", kSynproxyAttrs);

// The one host-order integer of ctnetlink: ctnetlink_parse_filter reads the
// flags with nla_get_u32 (policy NLA_U32), not nla_get_be32.
static_assert(CTA_FILTER_ORIG_FLAGS == 1 && CTA_FILTER_REPLY_FLAGS == 2 && CTA_FILTER_MAX == 2, "ctattr_filter");
constexpr AttrSpec kFilterAttrs[] = {
    hole(CTA_FILTER_UNSPEC),
    plain("origFlags", CTA_FILTER_ORIG_FLAGS, Kind::U32),
    plain("replyFlags", CTA_FILTER_REPLY_FLAGS, Kind::U32),
};
NETLOOM_SET(kFilterSet, "filter-attrs", kFilterAttrs);

// ---------------------------------------------------------------- the entry

static_assert(CTA_TUPLE_ORIG == 1 && CTA_TUPLE_REPLY == 2 && CTA_STATUS == 3 && CTA_PROTOINFO == 4 && CTA_HELP == 5 && CTA_NAT_SRC == 6 &&
                  CTA_TIMEOUT == 7 && CTA_MARK == 8 && CTA_COUNTERS_ORIG == 9 && CTA_COUNTERS_REPLY == 10 && CTA_USE == 11 &&
                  CTA_ID == 12 && CTA_NAT_DST == 13 && CTA_TUPLE_MASTER == 14 && CTA_SEQ_ADJ_ORIG == 15 && CTA_SEQ_ADJ_REPLY == 16 &&
                  CTA_SECMARK == 17 && CTA_ZONE == 18 && CTA_SECCTX == 19 && CTA_TIMESTAMP == 20 && CTA_MARK_MASK == 21 &&
                  CTA_LABELS == 22 && CTA_LABELS_MASK == 23 && CTA_SYNPROXY == 24 && CTA_FILTER == 25 && CTA_STATUS_MASK == 26,
              "ctattr_type");
constexpr AttrSpec kCtAttrs[] = {
    hole(CTA_UNSPEC),
    nest("tupleOrig", CTA_TUPLE_ORIG, &kTupleSet),
    nest("tupleReply", CTA_TUPLE_REPLY, &kTupleSet),
    be("status", CTA_STATUS, Kind::U32),
    nest("protoinfo", CTA_PROTOINFO, &kProtoinfoSet),
    nest("help", CTA_HELP, &kHelpSet),
    nest("natSrc", CTA_NAT_SRC, &kNatSet),
    be("timeout", CTA_TIMEOUT, Kind::U32),
    be("mark", CTA_MARK, Kind::U32),
    nest("countersOrig", CTA_COUNTERS_ORIG, &kCountersSet),
    nest("countersReply", CTA_COUNTERS_REPLY, &kCountersSet),
    be("use", CTA_USE, Kind::U32),
    be("id", CTA_ID, Kind::U32),
    nest("natDst", CTA_NAT_DST, &kNatSet),
    nest("tupleMaster", CTA_TUPLE_MASTER, &kTupleSet),
    nest("seqAdjOrig", CTA_SEQ_ADJ_ORIG, &kSeqadjSet),
    nest("seqAdjReply", CTA_SEQ_ADJ_REPLY, &kSeqadjSet),
    be("secmark", CTA_SECMARK, Kind::U32),
    be("zone", CTA_ZONE, Kind::U16),
    nest("secctx", CTA_SECCTX, &kSecctxSet),
    nest("timestamp", CTA_TIMESTAMP, &kTimestampSet),
    be("markMask", CTA_MARK_MASK, Kind::U32),
    plain("labels", CTA_LABELS, Kind::Binary),
    plain("labelsMask", CTA_LABELS_MASK, Kind::Binary),
    nest("synproxy", CTA_SYNPROXY, &kSynproxySet),
    nest("filter", CTA_FILTER, &kFilterSet),
    be("statusMask", CTA_STATUS_MASK, Kind::U32),
};
NETLOOM_SET(kCtSet, "conntrack-attrs", kCtAttrs);

constexpr uint16_t msg(int n) { return static_cast<uint16_t>(NFNL_SUBSYS_CTNETLINK << 8 | n); }

static_assert(NFNL_SUBSYS_CTNETLINK == 1, "nfnetlink.h");
static_assert(IPCTNL_MSG_CT_NEW == 0 && IPCTNL_MSG_CT_GET == 1 && IPCTNL_MSG_CT_DELETE == 2 && IPCTNL_MSG_CT_GET_CTRZERO == 3 &&
                  IPCTNL_MSG_CT_GET_DYING == 6 && IPCTNL_MSG_CT_GET_UNCONFIRMED == 7,
              "cntl_msg_types");

}  // namespace

// Sorted by type: find_message bisects. The statistics messages (GET_STATS,
// GET_STATS_CPU) have attribute sets of their own and no table here yet.
const MessageSpec kMessages[] = {
    {msg(IPCTNL_MSG_CT_NEW), "ct-new", &nfnl::kNfgenmsg, &kCtSet},
    {msg(IPCTNL_MSG_CT_GET), "ct-get", &nfnl::kNfgenmsg, &kCtSet},
    {msg(IPCTNL_MSG_CT_DELETE), "ct-delete", &nfnl::kNfgenmsg, &kCtSet},
    {msg(IPCTNL_MSG_CT_GET_CTRZERO), "ct-get-ctrzero", &nfnl::kNfgenmsg, &kCtSet},
    {msg(IPCTNL_MSG_CT_GET_DYING), "ct-get-dying", &nfnl::kNfgenmsg, &kCtSet},
    {msg(IPCTNL_MSG_CT_GET_UNCONFIRMED), "ct-get-unconfirmed", &nfnl::kNfgenmsg, &kCtSet},
};
const size_t kMessageCount = std::size(kMessages);

const MessageSpec* find_message(uint16_t type) {
  const MessageSpec* end = kMessages + kMessageCount;
  const MessageSpec* it = std::lower_bound(kMessages, end, type, [](const MessageSpec& m, uint16_t t) { return m.type < t; });
  return it != end && it->type == type ? it : nullptr;
}

}  // namespace netloom::ct
