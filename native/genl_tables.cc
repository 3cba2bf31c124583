// The generic netlink tables declared in genl_tables.h: the controller's
// attributes (family id, name, version, header size, operations, multicast
// groups) and wireguard's device / peer / allowed-IP attributes. Attribute
// sets are listed by type; every number is checked against the UAPI headers.

#include "genl_tables.h"

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/time_types.h>
#include <linux/wireguard.h>

#include <cstddef>
#include <cstring>

#include "attr_tables.h"

namespace netloom::genl {

using schema::AttrSpec;
using schema::Kind;
using schema::MessageSpec;
using schema::StructField;

static_assert(sizeof(genlmsghdr) == 4 && GENL_HDRLEN == 4, "genlmsghdr");
static_assert(offsetof(genlmsghdr, cmd) == 0 && offsetof(genlmsghdr, version) == 1 && offsetof(genlmsghdr, reserved) == 2, "genlmsghdr layout");
namespace {
constexpr StructField kGenlmsghdrFields[] = {
    {"cmd", Kind::U8, 0, 1, false},
    {"version", Kind::U8, 1, 1, false},
    {"reserved", Kind::U16, 2, 2, false},
};
}  // namespace
const schema::StructSpec kGenlmsghdr = {"genlmsghdr", sizeof(genlmsghdr), 3, kGenlmsghdrFields};

namespace {

using namespace ::netloom::tables;  // NOLINT: the table-building vocabulary (attr_tables.h)

constexpr AttrSpec fixed(const char* name, uint16_t type, const schema::StructSpec* s) {
  return {name, type, Kind::Struct, false, false, Kind::Pad, nullptr, s, nullptr, nullptr};
}

// ---------------------------------------------------------------- nlctrl

static_assert(GENL_ID_CTRL == NLMSG_MIN_TYPE && CTRL_CMD_NEWFAMILY == 1 && CTRL_CMD_GETFAMILY == 3, "genetlink.h commands");
static_assert(CTRL_ATTR_OP_ID == 1 && CTRL_ATTR_OP_FLAGS == 2 && CTRL_ATTR_OP_MAX == 2, "ctrl op attrs");
constexpr AttrSpec kOpAttrs[] = {
    hole(CTRL_ATTR_OP_UNSPEC),
    plain("id", CTRL_ATTR_OP_ID, Kind::U32),
    plain("flags", CTRL_ATTR_OP_FLAGS, Kind::U32),
};
NETLOOM_SET(kOpSet, "op-attrs", kOpAttrs);

static_assert(CTRL_ATTR_MCAST_GRP_NAME == 1 && CTRL_ATTR_MCAST_GRP_ID == 2 && CTRL_ATTR_MCAST_GRP_MAX == 2, "ctrl mcast group attrs");
constexpr AttrSpec kMcastGroupAttrs[] = {
    hole(CTRL_ATTR_MCAST_GRP_UNSPEC),
    plain("name", CTRL_ATTR_MCAST_GRP_NAME, Kind::String),
    plain("id", CTRL_ATTR_MCAST_GRP_ID, Kind::U32),
};
NETLOOM_SET(kMcastGroupSet, "mcast-group-attrs", kMcastGroupAttrs);

// CTRL_ATTR_POLICY / OP_POLICY (policy dumps) are kept as bytes.
static_assert(CTRL_ATTR_FAMILY_ID == 1 && CTRL_ATTR_FAMILY_NAME == 2 && CTRL_ATTR_VERSION == 3 && CTRL_ATTR_HDRSIZE == 4 &&
                  CTRL_ATTR_MAXATTR == 5 && CTRL_ATTR_OPS == 6 && CTRL_ATTR_MCAST_GROUPS == 7 && CTRL_ATTR_POLICY == 8 &&
                  CTRL_ATTR_OP_POLICY == 9 && CTRL_ATTR_OP == 10 && CTRL_ATTR_MAX == 10,
              "ctrl attrs");
constexpr AttrSpec kCtrlAttrs[] = {
    hole(CTRL_ATTR_UNSPEC),
    plain("familyId", CTRL_ATTR_FAMILY_ID, Kind::U16),
    plain("familyName", CTRL_ATTR_FAMILY_NAME, Kind::String),
    plain("version", CTRL_ATTR_VERSION, Kind::U32),
    plain("hdrsize", CTRL_ATTR_HDRSIZE, Kind::U32),
    plain("maxattr", CTRL_ATTR_MAXATTR, Kind::U32),
    indexed_nests("ops", CTRL_ATTR_OPS, &kOpSet, 1),
    indexed_nests("mcastGroups", CTRL_ATTR_MCAST_GROUPS, &kMcastGroupSet, 1),
    plain("policy", CTRL_ATTR_POLICY, Kind::Binary),
    plain("opPolicy", CTRL_ATTR_OP_POLICY, Kind::Binary),
    plain("op", CTRL_ATTR_OP, Kind::U32),
};
NETLOOM_SET(kCtrlSet, "ctrl-attrs", kCtrlAttrs);

// ---------------------------------------------------------------- wireguard

static_assert(WG_KEY_LEN == 32 && WG_GENL_VERSION == 1 && WG_CMD_GET_DEVICE == 0 && WG_CMD_SET_DEVICE == 1 && WG_CMD_MAX == 1, "wireguard.h commands");
static_assert(WGDEVICE_F_REPLACE_PEERS == 1 && WGPEER_F_REMOVE_ME == 1 && WGPEER_F_REPLACE_ALLOWEDIPS == 2 && WGPEER_F_UPDATE_ONLY == 4,
              "wireguard.h flags");

static_assert(WGALLOWEDIP_A_FAMILY == 1 && WGALLOWEDIP_A_IPADDR == 2 && WGALLOWEDIP_A_CIDR_MASK == 3 && WGALLOWEDIP_A_MAX == 3,
              "wgallowedip_attribute");
constexpr AttrSpec kAllowedIpAttrs[] = {
    hole(WGALLOWEDIP_A_UNSPEC),
    plain("family", WGALLOWEDIP_A_FAMILY, Kind::U16),
    plain("ipaddr", WGALLOWEDIP_A_IPADDR, Kind::IpAny),
    plain("cidrMask", WGALLOWEDIP_A_CIDR_MASK, Kind::U8),
};
NETLOOM_SET(kAllowedIpSet, "wgallowedip-attrs", kAllowedIpAttrs);

// WGPEER_A_LAST_HANDSHAKE_TIME is a struct __kernel_timespec.
static_assert(sizeof(__kernel_timespec) == 16 && offsetof(__kernel_timespec, tv_sec) == 0 && offsetof(__kernel_timespec, tv_nsec) == 8,
              "__kernel_timespec");
constexpr StructField kTimespecFields[] = {
    {"sec", Kind::S64, 0, 8, false},
    {"nsec", Kind::S64, 8, 8, false},
};
const schema::StructSpec kTimespec = {"kernel-timespec", sizeof(__kernel_timespec), 2, kTimespecFields};

static_assert(WGPEER_A_PUBLIC_KEY == 1 && WGPEER_A_PRESHARED_KEY == 2 && WGPEER_A_FLAGS == 3 && WGPEER_A_ENDPOINT == 4 &&
                  WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL == 5 && WGPEER_A_LAST_HANDSHAKE_TIME == 6 && WGPEER_A_RX_BYTES == 7 &&
                  WGPEER_A_TX_BYTES == 8 && WGPEER_A_ALLOWEDIPS == 9 && WGPEER_A_PROTOCOL_VERSION == 10 && WGPEER_A_MAX == 10,
              "wgpeer_attribute");
constexpr AttrSpec kPeerAttrs[] = {
    hole(WGPEER_A_UNSPEC),
    plain("publicKey", WGPEER_A_PUBLIC_KEY, Kind::Binary),
    plain("presharedKey", WGPEER_A_PRESHARED_KEY, Kind::Binary),
    plain("flags", WGPEER_A_FLAGS, Kind::U32),
    plain("endpoint", WGPEER_A_ENDPOINT, Kind::Sockaddr),
    plain("persistentKeepaliveInterval", WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, Kind::U16),
    fixed("lastHandshakeTime", WGPEER_A_LAST_HANDSHAKE_TIME, &kTimespec),
    plain("rxBytes", WGPEER_A_RX_BYTES, Kind::U64),
    plain("txBytes", WGPEER_A_TX_BYTES, Kind::U64),
    unnumbered_nests("allowedips", WGPEER_A_ALLOWEDIPS, &kAllowedIpSet),
    plain("protocolVersion", WGPEER_A_PROTOCOL_VERSION, Kind::U32),
};
NETLOOM_SET(kPeerSet, "wgpeer-attrs", kPeerAttrs);

static_assert(WGDEVICE_A_IFINDEX == 1 && WGDEVICE_A_IFNAME == 2 && WGDEVICE_A_PRIVATE_KEY == 3 && WGDEVICE_A_PUBLIC_KEY == 4 &&
                  WGDEVICE_A_FLAGS == 5 && WGDEVICE_A_LISTEN_PORT == 6 && WGDEVICE_A_FWMARK == 7 && WGDEVICE_A_PEERS == 8 &&
                  WGDEVICE_A_MAX == 8,
              "wgdevice_attribute");
constexpr AttrSpec kDeviceAttrs[] = {
    hole(WGDEVICE_A_UNSPEC),
    plain("ifindex", WGDEVICE_A_IFINDEX, Kind::U32),
    plain("ifname", WGDEVICE_A_IFNAME, Kind::String),
    plain("privateKey", WGDEVICE_A_PRIVATE_KEY, Kind::Binary),
    plain("publicKey", WGDEVICE_A_PUBLIC_KEY, Kind::Binary),
    plain("flags", WGDEVICE_A_FLAGS, Kind::U32),
    plain("listenPort", WGDEVICE_A_LISTEN_PORT, Kind::U16),
    plain("fwmark", WGDEVICE_A_FWMARK, Kind::U32),
    unnumbered_nests("peers", WGDEVICE_A_PEERS, &kPeerSet),
};
NETLOOM_SET(kDeviceSet, "wgdevice-attrs", kDeviceAttrs);

const MessageSpec kControl = {GENL_ID_CTRL, "nlctrl", &kGenlmsghdr, &kCtrlSet};
// The type is the id the kernel assigned; the table does not depend on it.
const MessageSpec kWireguard = {0, WG_GENL_NAME, &kGenlmsghdr, &kDeviceSet};

}  // namespace

const MessageSpec* control() { return &kControl; }

const MessageSpec* find_family(const char* name, size_t len) {
  for (const MessageSpec* m : {&kControl, &kWireguard})
    if (strlen(m->name) == len && memcmp(m->name, name, len) == 0) return m;
  return nullptr;
}

}  // namespace netloom::genl
