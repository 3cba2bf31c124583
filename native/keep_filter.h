// A dump's lean decoding: which parts of each message to build (a "keep
// tree" the TypeScript side names per object type), plus the message's own
// bytes, so JavaScript builds only what its typed decoder reads and decodes
// the rest (the full raw reply) on demand from those bytes.
//
// Why: a 2002-link dump decoded whole is ~250,000 values, most of them
// (IPv4/IPv6 devconf arrays, 32-bit stats, GSO limits) never read by
// decodeLink; building them in JS was most of the dump's time and, through
// the garbage collector, most of its memory.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rtnl_codec.h"
#include "tape_sink.h"

namespace netloom::rtnl {

// One level of a keep tree: `all` keeps the whole subtree; otherwise only
// the named children are kept (each with its own node).
class KeepNode {
 public:
  // From JS: `true` keeps everything; an object maps names to `true` or a
  // nested object. Throws TypeError for anything else.
  static std::unique_ptr<KeepNode> from_js(Napi::Env env, Napi::Value v, int depth = 0);

  bool all() const { return all_; }
  // The node for `key` (a table's static string), nullptr if not kept.
  // Elements of arrays (key nullptr) share their array's node.
  const KeepNode* child(const char* key) const;

 private:
  bool all_ = false;
  std::vector<std::pair<std::string, std::unique_ptr<KeepNode>>> kids_;
  // Keys are static strings: look each pointer up by name once.
  mutable std::unordered_map<const char*, const KeepNode*> memo_;
};

// Passes to `out` what `root` keeps of each message and, when that was not
// all of it, appends the message's bytes under "wire" (a message kept whole
// is its own full decode). Call start() before decoding each message.
class KeepSink final : public Sink {
 public:
  KeepSink(TapeSink& out, const KeepNode& root) : out_(out), root_(root) {}
  void start(const uint8_t* msg, size_t len) {
    msg_ = msg;
    len_ = len;
    dropped_ = false;
  }

  void begin_object(const char* key) override;
  void end_object() override;
  void begin_array(const char* key) override;
  void end_array() override { end_object(); }
  void uint(const char* key, uint64_t v) override {
    if (keeps(key)) out_.uint(key, v);
  }
  void sint(const char* key, int64_t v) override {
    if (keeps(key)) out_.sint(key, v);
  }
  void text(const char* key, const char* s, size_t n) override {
    if (keeps(key)) out_.text(key, s, n);
  }
  void bytes(const char* key, const uint8_t* p, size_t n) override {
    if (keeps(key)) out_.bytes(key, p, n);
  }
  void flag(const char* key) override {
    if (keeps(key)) out_.flag(key);
  }
  void unknown(uint16_t type, const uint8_t* p, size_t n) override {
    if (skip_ == 0 && (stack_.empty() || stack_.back()->all())) out_.unknown(type, p, n);
    else dropped_ = true;
  }

 private:
  bool keeps(const char* key) {
    if (skip_ == 0 && (stack_.empty() || stack_.back()->child(key) != nullptr)) return true;
    dropped_ = true;
    return false;
  }
  void open(const char* key, bool array);

  TapeSink& out_;
  const KeepNode& root_;
  const uint8_t* msg_ = nullptr;
  size_t len_ = 0;
  std::vector<const KeepNode*> stack_;  // the node of every open container kept
  std::vector<bool> arrays_;            // ... and whether it is an array
  int skip_ = 0;                        // depth inside a container not kept
  bool dropped_ = false;                // something of this message was not kept
};

}  // namespace netloom::rtnl
