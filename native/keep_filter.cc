// KeepNode and KeepSink: a dump's lean decoding (see keep_filter.h).
#include "keep_filter.h"

#include <cstring>

#include "errors.h"

namespace netloom::rtnl {

namespace {
constexpr int kMaxKeepDepth = 16;
}  // namespace

std::unique_ptr<KeepNode> KeepNode::from_js(Napi::Env env, Napi::Value v, int depth) {
  auto node = std::make_unique<KeepNode>();
  if (v.IsBoolean() && v.As<Napi::Boolean>().Value()) {
    node->all_ = true;
    return node;
  }
  if (!v.IsObject() || v.IsArray() || depth > kMaxKeepDepth)
    throw_type_error(env, "keep: expected true or an object of names to true or nested objects");
  Napi::Object o = v.As<Napi::Object>();
  Napi::Array names = o.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); i++) {
    Napi::Value name = names.Get(i);
    node->kids_.emplace_back(name.As<Napi::String>().Utf8Value(), from_js(env, o.Get(name), depth + 1));
  }
  return node;
}

const KeepNode* KeepNode::child(const char* key) const {
  if (all_ || key == nullptr) return this;
  auto it = memo_.find(key);
  if (it != memo_.end()) return it->second;
  const KeepNode* found = nullptr;
  for (const auto& [name, kid] : kids_)
    if (std::strcmp(name.c_str(), key) == 0) {
      found = kid.get();
      break;
    }
  memo_.emplace(key, found);
  return found;
}

void KeepSink::open(const char* key, bool array) {
  if (skip_ > 0) {
    skip_++;
    return;
  }
  const KeepNode* node = stack_.empty() ? &root_ : stack_.back()->child(key);
  if (node == nullptr) {
    skip_ = 1;
    dropped_ = true;
    return;
  }
  stack_.push_back(node);
  arrays_.push_back(array);
  if (array) out_.begin_array(key);
  else out_.begin_object(key);
}

void KeepSink::begin_object(const char* key) { open(key, false); }
void KeepSink::begin_array(const char* key) { open(key, true); }

void KeepSink::end_object() {
  if (skip_ > 0) {
    skip_--;
    return;
  }
  if (stack_.empty()) return;  // unbalanced: cannot happen with the codec
  // The message itself closes: its bytes go with it, for the full decode.
  if (stack_.size() == 1 && msg_ != nullptr && dropped_) out_.bytes("wire", msg_, len_);
  bool array = arrays_.back();
  stack_.pop_back();
  arrays_.pop_back();
  if (array) out_.end_array();
  else out_.end_object();
}

}  // namespace netloom::rtnl
