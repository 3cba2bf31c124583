// The rtnetlink wire format: pure functions over byte spans, driven by the
// generated tables of rtnl_schema.h. Nothing here knows about JavaScript;
// rtnl_napi.* adapts it to N-API, and a fuzzer can drive it with any Sink.
#pragma once

#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "rtnl_schema.h"

namespace netloom::rtnl {

// ---------------------------------------------------------------- writing

// Appends netlink messages and attributes to a growing buffer, keeping the
// 4-byte alignment netlink requires. Positions are offsets, so the buffer can
// grow while a message or nest is open.
class Writer {
 public:
  std::vector<uint8_t>& bytes() { return buf_; }
  size_t size() const { return buf_.size(); }

  // nlmsghdr with length 0; end_message() fills it in.
  size_t begin_message(uint16_t type, uint16_t flags, uint32_t seq);
  void end_message(size_t start);

  // `n` zeroed bytes, padded to alignment; returns the offset of the first.
  size_t reserve(size_t n);
  uint8_t* at(size_t offset) { return buf_.data() + offset; }

  void attr(uint16_t type, const void* data, size_t len);
  size_t begin_nest(uint16_t type);
  void end_nest(size_t start);

 private:
  std::vector<uint8_t> buf_;
};

// ---------------------------------------------------------------- reading

// Receives what the decoder finds. Keys are the tables' camelCase names
// (static strings); inside arrays the key is nullptr.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void begin_object(const char* key) = 0;
  virtual void end_object() = 0;
  virtual void begin_array(const char* key) = 0;
  virtual void end_array() = 0;
  virtual void uint(const char* key, uint64_t v) = 0;
  virtual void sint(const char* key, int64_t v) = 0;
  virtual void text(const char* key, const char* s, size_t n) = 0;
  virtual void bytes(const char* key, const uint8_t* p, size_t n) = 0;
  virtual void flag(const char* key) = 0;
  // An attribute the tables do not know, kept verbatim in the current object.
  virtual void unknown(uint16_t type, const uint8_t* p, size_t n) = 0;
};

// Decode one whole netlink message (nlmsghdr included) as
// { type, flags, header: {...}, attrs: {...} }; message types the tables do
// not know get an empty header and the payload as `payload` bytes.
// Malformed input is decoded as far as it is well formed, never read past
// `len`, never an error: the kernel is trusted but a fuzzer is not.
// `netnsid` (for notifications heard with NETLINK_LISTEN_ALL_NSID): when
// not kNoNetnsid it is added to the message object as `netnsid`.
constexpr int64_t kNoNetnsid = INT64_MIN;
void decode_message(const uint8_t* msg, size_t len, Sink& sink, int64_t netnsid = kNoNetnsid);
// The same with the message's table chosen by the caller (nullptr: not
// known), for netlink families with tables of their own (nf_tables).
void decode_message_as(const schema::MessageSpec* m, const uint8_t* msg, size_t len, Sink& sink, int64_t netnsid = kNoNetnsid);

// The attributes of `set` in [p, p+len) into the current object of `sink`.
void decode_attrs(const schema::AttrSetSpec* set, const uint8_t* p, size_t len, Sink& sink, int depth);

// ---------------------------------------------------------------- acks

// What an NLMSG_ERROR or NLMSG_DONE said: the errno (0 for an ACK) and the
// extended ACK message and offset if the kernel attached them.
struct AckInfo {
  int error = 0;       // positive errno, 0 = success
  std::string msg;     // NLMSGERR_ATTR_MSG
  long offset = -1;    // NLMSGERR_ATTR_OFFS
};

// Parse an NLMSG_ERROR message (nlmsghdr included). False if malformed.
bool parse_error(const uint8_t* msg, size_t len, AckInfo& out);
// Parse an NLMSG_DONE message (nlmsghdr included): its optional error int
// and extack TLVs. A DONE without payload is success.
bool parse_done(const uint8_t* msg, size_t len, AckInfo& out);

// ---------------------------------------------------------------- text

// "aa:bb:cc:dd:ee:ff" (any length, colon separated). out must hold 3*n.
size_t format_hwaddr(const uint8_t* p, size_t n, char* out);
// Parses colon-separated hex octets into out (up to cap). Returns octets or 0 if malformed.
size_t parse_hwaddr(const std::string& s, uint8_t* out, size_t cap);
// inet_ntop for 4 or 16 bytes; returns length or 0.
size_t format_ip(const uint8_t* p, size_t n, char* out, size_t cap);
// inet_pton for "a.b.c.d" or IPv6 text; returns 4, 16 or 0.
size_t parse_ip(const std::string& s, uint8_t* out16);

}  // namespace netloom::rtnl
