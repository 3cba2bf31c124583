// The generic netlink tables (NETLINK_GENERIC): the controller family
// (nlctrl, GENL_ID_CTRL: CTRL_CMD_GETFAMILY resolves a family's name to its
// id) and the families netloom speaks (wireguard), in the shape of
// rtnl_schema.h. A generic netlink message is nlmsghdr + struct genlmsghdr +
// attributes, and its nlmsg_type is the family's id, which the kernel hands
// out at run time: so tables are found by family name, not by type. Written
// by hand from <linux/genetlink.h> and <linux/wireguard.h>; every number is
// static_asserted against them in genl_tables.cc.
#pragma once

#include <cstddef>

#include "rtnl_schema.h"

namespace netloom::genl {

// struct genlmsghdr { u8 cmd; u8 version; u16 reserved; }.
extern const schema::StructSpec kGenlmsghdr;

// The table of a family's messages (every command of a family netloom knows
// shares one attribute set), nullptr for a family netloom has none for.
const schema::MessageSpec* find_family(const char* name, size_t len);

// The controller's table (nlctrl).
const schema::MessageSpec* control();

}  // namespace netloom::genl
