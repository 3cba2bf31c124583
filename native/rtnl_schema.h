// The shape of the rtnetlink tables that drive the codec.
//
// The tables themselves are generated (tools/gen-rtnl.mjs → native/gen/
// rtnl_tables.inc) from the kernel's own YNL specs (shared/specs/*.yaml) plus
// tools/rtnl-extras.yaml for the link kinds the specs do not describe yet
// (veth, macvlan, macvtap, vxlan, ipvlan, ifb). Every message type, attribute
// number and struct size in them is checked against the UAPI headers with
// static_assert, so no number in the codec is typed by hand.
//
// The codec (rtnl_codec.*) is pure: it walks these tables over byte spans.
// Names are the JavaScript spelling of the spec names (camelCase:
// "net-ns-fd" → "netNsFd"), so decoded objects can be handed to JS as is.
#pragma once

#include <cstddef>
#include <cstdint>

namespace netloom::schema {

// How one attribute's payload (or one struct member) is encoded.
enum class Kind : uint8_t {
  U8, U16, U32, U64,    // fixed-width unsigned (host order unless big_endian)
  S8, S16, S32, S64,    // fixed-width signed
  Uint, Sint,           // kernel "uint"/"sint": 4 or 8 bytes, whichever fits
  String,               // NUL-terminated on encode; NUL optional on decode
  Binary,               // opaque bytes (a Buffer in JS)
  Mac,                  // link-layer address, "aa:bb:cc:dd:ee:ff" in JS
  Ipv4,                 // 4 bytes, dotted quad in JS
  Ipv6,                 // 16 bytes, RFC 5952 text in JS
  IpAny,                // 4 or 16 bytes ("ipv4-or-v6"), text in JS
  Flag,                 // zero-length attribute; `true` in JS
  Nest,                 // nested attribute set (optionally after a fixed header)
  IndexedArray,         // nest whose children are numbered 1..n (or any), an array in JS
  SubMessage,           // payload whose format is chosen by a sibling attribute
  Struct,               // fixed C struct, an object in JS
  Bitfield32,           // struct nla_bitfield32 { value; selector }
  Pad,                  // alignment padding: skipped on decode, never encoded
  StructArray,          // packed array of a fixed C struct (NHA_GROUP), an array of objects in JS
  Sockaddr,             // struct sockaddr_in or sockaddr_in6 (WGPEER_A_ENDPOINT), { address, port } in JS
};

// One member of a fixed C struct (ifinfomsg, rtnl_link_stats64, ...).
struct StructField {
  const char* name;     // camelCase; nullptr for padding members
  Kind kind;            // an integer kind, Mac/Ipv4/Ipv6/Binary, or Pad
  uint16_t offset;      // byte offset in the struct
  uint16_t len;         // byte length (for Binary/Pad/addresses; ints imply it)
  bool big_endian;
};

struct StructSpec {
  const char* name;     // spec name ("ifinfomsg")
  uint16_t size;        // sizeof the C struct, static_asserted
  uint16_t nfields;
  const StructField* fields;
};

struct AttrSetSpec;
struct SubMessageSpec;

struct AttrSpec {
  const char* name;               // camelCase JS name; nullptr marks a hole
  uint16_t type;                  // nla_type
  Kind kind;
  bool big_endian;                // integer (or indexed-array element) is network order
  bool multi;                     // multi-attr: may repeat, an array in JS
  Kind elem;                      // IndexedArray: kind of each element
  const AttrSetSpec* nested;      // Nest, IndexedArray of Nest
  const StructSpec* fixed;        // Struct / StructArray payload, or a Nest's fixed header
                                  // (the veth peer: ifinfomsg + link attrs)
  const SubMessageSpec* sub;      // SubMessage
  const char* selector;           // SubMessage: camelCase name of the sibling
                                  // attribute whose string value picks the format
  uint16_t first_index = 0;       // IndexedArray: the nla_type of the first element
                                  // (the kernel's arrays count from 0, libnftnl's
                                  // set element lists from 1)
  bool unnumbered = false;        // IndexedArray: every element is nla_type first_index
                                  // (wireguard's peers and allowed IPs are all 0)
};

struct AttrSetSpec {
  const char* name;               // spec name ("link-attrs")
  uint16_t max_type;              // highest nla_type in the set
  const AttrSpec* by_type;        // max_type + 1 entries, indexed by nla_type
  uint16_t nattrs;                // number of real (non-hole) attributes
  const uint16_t* by_name;        // nattrs nla_types, sorted by strcmp(name)
};

struct SubFormat {
  const char* value;              // selector value ("bridge", "vxlan", ...)
  const AttrSetSpec* set;         // nullptr: the kind has no data attributes (ifb)
  const StructSpec* fixed;        // optional fixed header before the attributes
};

struct SubMessageSpec {
  const char* name;               // "linkinfo-data-msg"
  uint16_t nformats;
  const SubFormat* formats;
};

// One rtnetlink message type: RTM_NEWLINK is ifinfomsg + link-attrs, etc.
struct MessageSpec {
  uint16_t type;                  // RTM_* value
  const char* name;               // "newlink"
  const StructSpec* header;       // fixed header after nlmsghdr
  const AttrSetSpec* attrs;       // top-level attribute set
};

// A named integer constant from a spec enum or flags list, exported to JS so
// the TypeScript layer can map numbers to names without typing them by hand.
struct EnumEntry {
  const char* enum_name;          // spec enum name ("ifinfo-flags")
  const char* name;               // entry name ("up")
  int64_t value;                  // the value (for flags: the mask, 1 << bit)
};

// Lookups over the generated tables (rtnl_tables.cc).
const MessageSpec* find_message(uint16_t type);
const AttrSpec* find_attr(const AttrSetSpec& set, const char* name);  // by camelCase name
const AttrSpec* find_attr(const AttrSetSpec& set, uint16_t type);
const SubFormat* find_format(const SubMessageSpec& sub, const char* value, size_t len);

// The whole table, for enumeration (tests, the TypeScript generator check).
extern const MessageSpec kMessages[];
extern const size_t kMessageCount;
extern const EnumEntry kEnums[];
extern const size_t kEnumCount;

}  // namespace netloom::schema
