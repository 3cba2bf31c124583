// The generated rtnetlink tables and the lookups over them (rtnl_schema.h).
//
// The tables come from tools/gen-rtnl.mjs (npm run gen); this file only adds
// the searches, which rely on two properties the generator guarantees:
// kMessages is sorted by type, and each set's by_name is sorted by strcmp.

#include "gen/rtnl_tables.inc"

#include <algorithm>
#include <cstring>

namespace netloom::schema {

const MessageSpec* find_message(uint16_t type) {
  const MessageSpec* end = kMessages + kMessageCount;
  const MessageSpec* it = std::lower_bound(
      kMessages, end, type, [](const MessageSpec& m, uint16_t t) { return m.type < t; });
  return it != end && it->type == type ? it : nullptr;
}

const AttrSpec* find_attr(const AttrSetSpec& set, const char* name) {
  if (name == nullptr) return nullptr;
  size_t lo = 0;
  size_t hi = set.nattrs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const AttrSpec& attr = set.by_type[set.by_name[mid]];
    int cmp = std::strcmp(attr.name, name);
    if (cmp == 0) return &attr;
    if (cmp < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return nullptr;
}

const AttrSpec* find_attr(const AttrSetSpec& set, uint16_t type) {
  if (type > set.max_type) return nullptr;
  const AttrSpec& attr = set.by_type[type];
  return attr.name != nullptr ? &attr : nullptr;  // holes have no name
}

// Exact match on (value, len): the caller passes the selector's bytes
// without the NUL terminator a string attribute carries on the wire.
const SubFormat* find_format(const SubMessageSpec& sub, const char* value, size_t len) {
  for (uint16_t i = 0; i < sub.nformats; ++i) {
    const SubFormat& format = sub.formats[i];
    if (std::strlen(format.value) == len && (len == 0 || std::memcmp(format.value, value, len) == 0)) {
      return &format;
    }
  }
  return nullptr;
}

}  // namespace netloom::schema
