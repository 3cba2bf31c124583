// libFuzzer entry point over everything the addon parses from the kernel:
// the rtnetlink decoder (every message type and attribute table, into the
// tape the JS side reads), the generic netlink tables (nlctrl, wireguard,
// with its sockaddr endpoints) and the NLMSG_ERROR / NLMSG_DONE extended-ACK
// parser. Built and run by tools/fuzz.sh with AddressSanitizer and UBSan.
//
// The input is split into netlink messages the way the socket splits a
// datagram (native/nl_socket.cc), and every message goes through all three
// parsers whatever its type, so the ACK parser also sees arbitrary bytes.
#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../genl_tables.h"
#include "../rtnl_codec.h"
#include "../tape_sink.h"

namespace {

// The tape must stay well formed whatever the input: containers balanced,
// every number and every byte range it refers to present. The JS
// materializer trusts exactly this.
void check_tape(const netloom::rtnl::TapeSink& tape) {
  const auto& ops = tape.ops();
  size_t depth = 0;
  size_t nums = 0;
  for (size_t i = 0; i < ops.size();) {
    uint32_t w = ops[i++];
    switch (w >> 28) {
      case netloom::rtnl::kObject:
      case netloom::rtnl::kArray: depth++; break;
      case netloom::rtnl::kEnd:
        if (depth == 0) __builtin_trap();
        depth--;
        break;
      case netloom::rtnl::kNumber: nums++; break;
      case netloom::rtnl::kString:
      case netloom::rtnl::kBytes:
      case netloom::rtnl::kUnknown: {
        if (i + 2 > ops.size()) __builtin_trap();
        uint64_t off = ops[i++];
        uint64_t len = ops[i++];
        if (off + len > tape.blob().size()) __builtin_trap();
        break;
      }
      case netloom::rtnl::kTrue: break;
      default: __builtin_trap();
    }
  }
  if (depth != 0 || nums != tape.nums().size()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  netloom::rtnl::TapeSink tape;
  const uint8_t* p = data;
  size_t len = size;
  bool first = true;
  while (len >= NLMSG_HDRLEN) {
    nlmsghdr h;
    memcpy(&h, p, sizeof h);
    if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len) break;
    // The first message as a LISTEN_ALL_NSID notification would carry it.
    netloom::rtnl::decode_message(p, h.nlmsg_len, tape, first ? 7 : netloom::rtnl::kNoNetnsid);
    // A generic netlink reply's table is the family the caller asked (its type says nothing): try both.
    netloom::rtnl::decode_message_as(netloom::genl::control(), p, h.nlmsg_len, tape);
    netloom::rtnl::decode_message_as(netloom::genl::find_family("wireguard", 9), p, h.nlmsg_len, tape);
    netloom::rtnl::AckInfo ack;
    netloom::rtnl::parse_error(p, h.nlmsg_len, ack);
    netloom::rtnl::AckInfo done;
    netloom::rtnl::parse_done(p, h.nlmsg_len, done);
    first = false;
    size_t step = NLMSG_ALIGN(h.nlmsg_len);
    if (step >= len) break;
    p += step;
    len -= step;
  }
  check_tape(tape);
  return 0;
}
