// errno values and kernel NACKs made into JavaScript errors (see errors.h).
#include "errors.h"

#include <cstring>

namespace netloom {

const char* errno_name(int err) {
  // strerrorname_np (glibc >= 2.32) gives the symbolic name without a table of our own.
  const char* name = strerrorname_np(err);
  if (name) return name;
  thread_local char buf[16];
  snprintf(buf, sizeof buf, "E%d", err);
  return buf;
}

static Napi::Error with_fields(Napi::Error e, int err) {
  Napi::Object o = e.Value();
  o.Set("code", errno_name(err));
  o.Set("errno", err);
  return e;
}

Napi::Error errno_error(Napi::Env env, int err, const char* syscall) {
  std::string msg = std::string(syscall) + ": " + strerror(err);
  Napi::Error e = with_fields(Napi::Error::New(env, msg), err);
  e.Value().Set("syscall", syscall);
  return e;
}

Napi::Error nack_error(Napi::Env env, int err, const std::string& extack, long extack_offset) {
  std::string msg = extack.empty() ? std::string(strerror(err)) : extack;
  Napi::Error e = with_fields(Napi::Error::New(env, msg), err);
  if (!extack.empty()) e.Value().Set("extack", extack);
  if (extack_offset >= 0) e.Value().Set("extackOffset", static_cast<double>(extack_offset));
  return e;
}

void throw_type_error(Napi::Env env, const std::string& msg) { throw Napi::TypeError::New(env, msg); }
void throw_range_error(Napi::Env env, const std::string& msg) { throw Napi::RangeError::New(env, msg); }

}  // namespace netloom
