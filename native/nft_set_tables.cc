// The nf_tables set tables declared in nft_tables.h: NFT_MSG_NEWSET/GETSET/
// DELSET (nft_set_attributes) and NFT_MSG_NEWSETELEM/GETSETELEM/DELSETELEM
// (nft_set_elem_list_attributes, whose elements are nft_set_elem_attributes).
// Every number is checked against <linux/netfilter/nf_tables.h>; by-name
// indexes are computed at compile time (attr_tables.h).

#include <linux/netfilter/nf_tables.h>

#include <cstddef>

#include "attr_tables.h"
#include "nft_tables.h"

namespace netloom::nft {

using schema::AttrSpec;
using schema::Kind;

namespace {

using namespace ::netloom::tables;  // NOLINT: the table-building vocabulary (attr_tables.h)

static_assert(NFTA_LIST_ELEM == 1, "nft_list_attributes");

// ---------------------------------------------------------------- sets

static_assert(NFTA_SET_FIELD_LEN == 1, "nft_set_field_attributes");
constexpr AttrSpec kFieldAttrs[] = {
    hole(NFTA_SET_FIELD_UNSPEC),
    be("len", NFTA_SET_FIELD_LEN, Kind::U32),
};
NETLOOM_SET(kFieldSet, "set-field-attrs", kFieldAttrs);

constexpr AttrSpec kFieldListAttrs[] = {
    hole(NFTA_LIST_UNSPEC),
    many_nest("elem", NFTA_LIST_ELEM, &kFieldSet),
};
NETLOOM_SET(kFieldListSet, "set-field-list-attrs", kFieldListAttrs);

static_assert(NFTA_SET_DESC_SIZE == 1 && NFTA_SET_DESC_CONCAT == 2, "nft_set_desc_attributes");
constexpr AttrSpec kDescAttrs[] = {
    hole(NFTA_SET_DESC_UNSPEC),
    be("size", NFTA_SET_DESC_SIZE, Kind::U32),
    nest("concat", NFTA_SET_DESC_CONCAT, &kFieldListSet),
};
NETLOOM_SET(kDescSet, "set-desc-attrs", kDescAttrs);

// NFTA_SET_EXPRESSIONS and NFTA_SET_ELEM_EXPRESSIONS: NFTA_LIST_ELEM expressions.
constexpr AttrSpec kExprListAttrs[] = {
    hole(NFTA_LIST_UNSPEC),
    many_nest("elem", NFTA_LIST_ELEM, &kExprSet),
};
NETLOOM_SET(kExprListSet, "set-expr-list-attrs", kExprListAttrs);

static_assert(NFTA_SET_TABLE == 1 && NFTA_SET_NAME == 2 && NFTA_SET_FLAGS == 3 && NFTA_SET_KEY_TYPE == 4 && NFTA_SET_KEY_LEN == 5 &&
                  NFTA_SET_DATA_TYPE == 6 && NFTA_SET_DATA_LEN == 7 && NFTA_SET_POLICY == 8 && NFTA_SET_DESC == 9 &&
                  NFTA_SET_ID == 10 && NFTA_SET_TIMEOUT == 11 && NFTA_SET_GC_INTERVAL == 12 && NFTA_SET_USERDATA == 13 &&
                  NFTA_SET_PAD == 14 && NFTA_SET_OBJ_TYPE == 15 && NFTA_SET_HANDLE == 16 && NFTA_SET_EXPR == 17 &&
                  NFTA_SET_EXPRESSIONS == 18,
              "nft_set_attributes");
constexpr AttrSpec kSetAttrs[] = {
    hole(NFTA_SET_UNSPEC),
    plain("table", NFTA_SET_TABLE, Kind::String),
    plain("name", NFTA_SET_NAME, Kind::String),
    be("flags", NFTA_SET_FLAGS, Kind::U32),
    be("keyType", NFTA_SET_KEY_TYPE, Kind::U32),
    be("keyLen", NFTA_SET_KEY_LEN, Kind::U32),
    be("dataType", NFTA_SET_DATA_TYPE, Kind::U32),
    be("dataLen", NFTA_SET_DATA_LEN, Kind::U32),
    be("policy", NFTA_SET_POLICY, Kind::U32),
    nest("desc", NFTA_SET_DESC, &kDescSet),
    be("id", NFTA_SET_ID, Kind::U32),
    be("timeout", NFTA_SET_TIMEOUT, Kind::U64),
    be("gcInterval", NFTA_SET_GC_INTERVAL, Kind::U32),
    plain("userdata", NFTA_SET_USERDATA, Kind::Binary),
    pad("pad", NFTA_SET_PAD),
    be("objType", NFTA_SET_OBJ_TYPE, Kind::U32),
    be("handle", NFTA_SET_HANDLE, Kind::U64),
    nest("expr", NFTA_SET_EXPR, &kExprSet),
    nest("expressions", NFTA_SET_EXPRESSIONS, &kExprListSet),
};

// ---------------------------------------------------------------- elements

static_assert(NFTA_SET_ELEM_KEY == 1 && NFTA_SET_ELEM_DATA == 2 && NFTA_SET_ELEM_FLAGS == 3 && NFTA_SET_ELEM_TIMEOUT == 4 &&
                  NFTA_SET_ELEM_EXPIRATION == 5 && NFTA_SET_ELEM_USERDATA == 6 && NFTA_SET_ELEM_EXPR == 7 &&
                  NFTA_SET_ELEM_PAD == 8 && NFTA_SET_ELEM_OBJREF == 9 && NFTA_SET_ELEM_KEY_END == 10 &&
                  NFTA_SET_ELEM_EXPRESSIONS == 11,
              "nft_set_elem_attributes (the YNL spec misses PAD 8: see shared/NFTABLES.md 1.11)");
constexpr AttrSpec kElemAttrs[] = {
    hole(NFTA_SET_ELEM_UNSPEC),
    nest("key", NFTA_SET_ELEM_KEY, &kDataSet),
    nest("data", NFTA_SET_ELEM_DATA, &kDataSet),
    be("flags", NFTA_SET_ELEM_FLAGS, Kind::U32),
    be("timeout", NFTA_SET_ELEM_TIMEOUT, Kind::U64),
    be("expiration", NFTA_SET_ELEM_EXPIRATION, Kind::U64),
    plain("userdata", NFTA_SET_ELEM_USERDATA, Kind::Binary),
    nest("expr", NFTA_SET_ELEM_EXPR, &kExprSet),
    pad("pad", NFTA_SET_ELEM_PAD),
    plain("objref", NFTA_SET_ELEM_OBJREF, Kind::String),
    nest("keyEnd", NFTA_SET_ELEM_KEY_END, &kDataSet),
    nest("expressions", NFTA_SET_ELEM_EXPRESSIONS, &kExprListSet),
};
NETLOOM_SET(kElemSet, "setelem-attrs", kElemAttrs);

static_assert(NFTA_SET_ELEM_LIST_TABLE == 1 && NFTA_SET_ELEM_LIST_SET == 2 && NFTA_SET_ELEM_LIST_ELEMENTS == 3 &&
                  NFTA_SET_ELEM_LIST_SET_ID == 4,
              "nft_set_elem_list_attributes");
constexpr AttrSpec kElemListAttrs[] = {
    hole(NFTA_SET_ELEM_LIST_UNSPEC),
    plain("table", NFTA_SET_ELEM_LIST_TABLE, Kind::String),
    plain("set", NFTA_SET_ELEM_LIST_SET, Kind::String),
    // An array in JS; numbered 1, 2, ... on the wire as libnftnl numbers them.
    indexed_nests("elements", NFTA_SET_ELEM_LIST_ELEMENTS, &kElemSet, 1),
    be("setId", NFTA_SET_ELEM_LIST_SET_ID, Kind::U32),
};

}  // namespace

NETLOOM_SET(kSetSet, "set-attrs", kSetAttrs);
NETLOOM_SET(kSetElemListSet, "setelem-list-attrs", kElemListAttrs);

}  // namespace netloom::nft
