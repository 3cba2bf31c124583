// Decoded messages as a flat "tape": what the decoder found, written as
// 32-bit ops, a float64 stream of numbers and one byte blob, for the whole
// batch of messages a wakeup read. lib/netlink/tape.ts turns a tape into
// plain objects.
//
// Why: building the objects through N-API costs one native call per property
// (~0.4 µs each; a link has ~120), which made decoding a 2002-link dump cost
// more than the kernel's work. A tape crosses into JS as three buffers, and
// JS builds the objects with cached keys at a fraction of the cost.
//
// Format (keep in step with lib/netlink/tape.ts):
//   op word = kind << 28 | key id (0: no key, inside arrays and at the top)
//   kObject/kArray  open a container under the key; kEnd closes it
//   kNumber         value is the next float64 in `nums`
//   kString/kBytes  the next two words are offset and length in `blob`
//   kTrue           a flag attribute
//   kUnknown        the key bits are the nla_type; offset and length follow
// Key ids name the tables' static strings; key_names() lists them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rtnl_codec.h"

namespace netloom::rtnl {

enum TapeOp : uint32_t {
  kObject = 0,
  kArray = 1,
  kEnd = 2,
  kNumber = 3,
  kString = 4,
  kBytes = 5,
  kTrue = 6,
  kUnknown = 7,
};

class TapeSink final : public Sink {
 public:
  void begin_object(const char* key) override { op(kObject, key); }
  void end_object() override { ops_.push_back(kEnd << 28); }
  void begin_array(const char* key) override { op(kArray, key); }
  void end_array() override { ops_.push_back(kEnd << 28); }
  void uint(const char* key, uint64_t v) override;
  void sint(const char* key, int64_t v) override;
  void text(const char* key, const char* s, size_t n) override;
  void bytes(const char* key, const uint8_t* p, size_t n) override;
  void flag(const char* key) override { op(kTrue, key); }
  void unknown(uint16_t type, const uint8_t* p, size_t n) override;

  const std::vector<uint32_t>& ops() const { return ops_; }
  const std::vector<double>& nums() const { return nums_; }
  const std::string& blob() const { return blob_; }
  bool empty() const { return ops_.empty(); }

 private:
  void op(TapeOp kind, const char* key);
  void span(const void* p, size_t n);

  std::vector<uint32_t> ops_;
  std::vector<double> nums_;
  std::string blob_;
};

// The id of a table name (a static string). Ids are process-wide, stable,
// and start at 1; 0 means "no key".
uint32_t key_id(const char* name);
// How many ids exist (0 included).
uint32_t key_count();
// Names of ids [from, count): key_names(from)[i] is the name of id from + i.
std::vector<const char*> key_names(uint32_t from);

}  // namespace netloom::rtnl
