// The decoder Sink that writes the flat tape JavaScript materializes (see tape_sink.h).
#include "tape_sink.h"

#include <mutex>
#include <unordered_map>

namespace netloom::rtnl {

namespace {

// Names are the tables' static strings, so the pointer is the identity. A
// mutex because worker threads decode too; look-ups are a hash probe.
std::mutex g_keys_mu;
std::unordered_map<const char*, uint32_t>& key_map() {
  static std::unordered_map<const char*, uint32_t> m;
  return m;
}
std::vector<const char*>& key_list() {
  static std::vector<const char*> v{nullptr};  // id 0: no key
  return v;
}

constexpr uint32_t kMaxKeyId = (1u << 28) - 1;

uint32_t key_id_locked(const char* name) {
  std::lock_guard<std::mutex> lk(g_keys_mu);
  auto& m = key_map();
  auto it = m.find(name);
  if (it != m.end()) return it->second;
  auto& list = key_list();
  uint32_t id = static_cast<uint32_t>(list.size());
  if (id > kMaxKeyId) return 0;  // cannot happen with finite tables; never corrupt the tape
  list.push_back(name);
  m.emplace(name, id);
  return id;
}

}  // namespace

uint32_t key_id(const char* name) {
  if (name == nullptr) return 0;
  // Each thread remembers ids in a small direct-mapped cache (by the
  // name's address): a dump asks for one per value, and taking the mutex
  // every time was 5% of a 100,000-route dump.
  struct Slot {
    const char* name;
    uint32_t id;
  };
  thread_local Slot cache[512] = {};
  Slot& slot = cache[(reinterpret_cast<uintptr_t>(name) >> 2) % 512];
  if (slot.name == name) return slot.id;
  uint32_t id = key_id_locked(name);
  if (id != 0) slot = Slot{name, id};
  return id;
}

uint32_t key_count() {
  std::lock_guard<std::mutex> lk(g_keys_mu);
  return static_cast<uint32_t>(key_list().size());
}

std::vector<const char*> key_names(uint32_t from) {
  std::lock_guard<std::mutex> lk(g_keys_mu);
  auto& list = key_list();
  if (from >= list.size()) return {};
  return std::vector<const char*>(list.begin() + from, list.end());
}

void TapeSink::op(TapeOp kind, const char* key) { ops_.push_back(static_cast<uint32_t>(kind) << 28 | key_id(key)); }

void TapeSink::span(const void* p, size_t n) {
  ops_.push_back(static_cast<uint32_t>(blob_.size()));
  ops_.push_back(static_cast<uint32_t>(n));
  blob_.append(static_cast<const char*>(p), n);
}

void TapeSink::uint(const char* key, uint64_t v) {
  op(kNumber, key);
  nums_.push_back(static_cast<double>(v));
}

void TapeSink::sint(const char* key, int64_t v) {
  op(kNumber, key);
  nums_.push_back(static_cast<double>(v));
}

void TapeSink::text(const char* key, const char* s, size_t n) {
  op(kString, key);
  span(s, n);
}

void TapeSink::bytes(const char* key, const uint8_t* p, size_t n) {
  op(kBytes, key);
  span(p, n);
}

void TapeSink::unknown(uint16_t type, const uint8_t* p, size_t n) {
  ops_.push_back(static_cast<uint32_t>(kUnknown) << 28 | type);
  span(p, n);
}

}  // namespace netloom::rtnl
