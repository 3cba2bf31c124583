// Compile-time helpers for hand-written attribute tables in the shape of
// rtnl_schema.h (nft_tables.cc, ct_tables.cc): entry constructors, the
// "entry i describes nla_type i" check and the by-name index, computed by
// the compiler so that no table is trusted to a hand. Header-only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>

#include "rtnl_schema.h"

namespace netloom::tables {

using schema::AttrSetSpec;
using schema::AttrSpec;
using schema::Kind;

constexpr bool name_less(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return static_cast<unsigned char>(*a) < static_cast<unsigned char>(*b);
}

template <size_t N>
constexpr size_t named(const AttrSpec (&set)[N]) {
  size_t n = 0;
  for (size_t i = 0; i < N; i++)
    if (set[i].name != nullptr) n++;
  return n;
}

// Entry i must describe nla_type i (holes have no name).
template <size_t N>
constexpr bool indexed(const AttrSpec (&set)[N]) {
  for (size_t i = 0; i < N; i++)
    if (set[i].name != nullptr && set[i].type != i) return false;
  return true;
}

// The nla_types of the named entries, sorted by name (what find_attr bisects).
template <size_t M, size_t N>
constexpr std::array<uint16_t, M> by_name(const AttrSpec (&set)[N]) {
  std::array<uint16_t, M> out{};
  size_t n = 0;
  for (size_t i = 0; i < N; i++) {
    if (set[i].name == nullptr) continue;
    size_t j = n++;
    while (j > 0 && name_less(set[i].name, set[out[j - 1]].name)) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = static_cast<uint16_t>(i);
  }
  return out;
}

// {name, type, kind, big_endian, multi, elem, nested, fixed, sub, selector}
constexpr AttrSpec hole(uint16_t type) { return {nullptr, type, Kind::Pad, false, false, Kind::Pad, nullptr, nullptr, nullptr, nullptr}; }
constexpr AttrSpec be(const char* name, uint16_t type, Kind kind) { return {name, type, kind, true, false, Kind::Pad, nullptr, nullptr, nullptr, nullptr}; }
constexpr AttrSpec plain(const char* name, uint16_t type, Kind kind) { return {name, type, kind, false, false, Kind::Pad, nullptr, nullptr, nullptr, nullptr}; }
constexpr AttrSpec nest(const char* name, uint16_t type, const AttrSetSpec* set) {
  return {name, type, Kind::Nest, false, false, Kind::Pad, set, nullptr, nullptr, nullptr};
}
constexpr AttrSpec many(const char* name, uint16_t type, Kind kind) { return {name, type, kind, false, true, Kind::Pad, nullptr, nullptr, nullptr, nullptr}; }
constexpr AttrSpec pad(const char* name, uint16_t type) { return {name, type, Kind::Pad, false, false, Kind::Pad, nullptr, nullptr, nullptr, nullptr}; }
constexpr AttrSpec many_nest(const char* name, uint16_t type, const AttrSetSpec* set) {
  return {name, type, Kind::Nest, false, true, Kind::Pad, set, nullptr, nullptr, nullptr};
}
// A nest of nests of `set` numbered first, first + 1, ... (libnftnl numbers
// set element lists from 1; the kernel reads any numbering).
constexpr AttrSpec indexed_nests(const char* name, uint16_t type, const AttrSetSpec* set, uint16_t first) {
  return {name, type, Kind::IndexedArray, false, false, Kind::Nest, set, nullptr, nullptr, nullptr, first};
}
// A nest of nests of `set`, every one of type 0, as wireguard-tools sends
// its peers and allowed IPs (the kernel walks them with nla_for_each_nested).
constexpr AttrSpec unnumbered_nests(const char* name, uint16_t type, const AttrSetSpec* set) {
  return {name, type, Kind::IndexedArray, false, false, Kind::Nest, set, nullptr, nullptr, nullptr, 0, true};
}
constexpr AttrSpec sub(const char* name, uint16_t type, const schema::SubMessageSpec* s, const char* selector) {
  return {name, type, Kind::SubMessage, false, false, Kind::Pad, nullptr, nullptr, s, selector};
}

}  // namespace netloom::tables

// One attribute set `var` named `spec_name` from the array `entries`
// (indexed by nla_type, checked at compile time), with its by-name index.
#define NETLOOM_SET(var, spec_name, entries)                                                        \
  static_assert(::netloom::tables::indexed(entries), spec_name ": entry i must be nla_type i");    \
  constexpr auto var##_by_name = ::netloom::tables::by_name<::netloom::tables::named(entries)>(entries); \
  const ::netloom::schema::AttrSetSpec var = {spec_name, static_cast<uint16_t>(std::size(entries) - 1), entries, \
                                              static_cast<uint16_t>(::netloom::tables::named(entries)), var##_by_name.data()}
